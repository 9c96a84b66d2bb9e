"""app.request_parsers and parse_body: 415 with Accept-Post, 413 before parsing, 400."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from flask_api_utils import ParserRegistry, ResponsiveFlask, parse_body


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1000

    def echo() -> dict[str, t.Any]:
        body = parse_body()
        if isinstance(body, MultiDict):
            body = body.to_dict(flat=False)
        return {"body": body}

    app.add_url_rule("/echo", view_func=echo, methods=["POST", "PUT", "PATCH"])
    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


def test_default_parsers_cover_json_xml_and_both_form_encodings(app: ResponsiveFlask) -> None:
    assert app.request_parsers.accepted == (
        "application/json",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )


@pytest.mark.parametrize(
    ("content_type", "data", "expected"),
    [
        pytest.param("application/json", b'{"a": [1, null]}', {"a": [1, None]}, id="json"),
        pytest.param(
            "application/json; charset=utf-8", b'{"a": "\xc3\xa9"}', {"a": "é"}, id="json-charset"
        ),
        pytest.param(
            "application/xml", b"<note><a><item>1</item></a></note>", {"a": ["1"]}, id="xml"
        ),
        pytest.param(
            "application/x-www-form-urlencoded", b"a=1&b=x", {"a": ["1"], "b": ["x"]}, id="form"
        ),
    ],
)
def test_body_is_parsed_by_its_content_type(
    client: FlaskClient, content_type: str, data: bytes, expected: object
) -> None:
    response = client.post("/echo", data=data, headers={"Content-Type": content_type})
    assert response.status_code == 200
    assert response.get_json() == {"body": expected}


def test_multipart_fields_are_parsed(client: FlaskClient) -> None:
    response = client.post("/echo", data={"title": "hi", "tag": ["a", "b"]})
    assert response.status_code == 200
    assert response.get_json() == {"body": {"title": ["hi"], "tag": ["a", "b"]}}


@pytest.mark.parametrize(
    ("method", "header"),
    [("POST", "Accept-Post"), ("PATCH", "Accept-Patch")],
)
def test_unknown_content_type_is_415_listing_accepted_types(
    client: FlaskClient, method: str, header: str
) -> None:
    response = client.open(
        "/echo", method=method, data=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers[header] == (
        "application/json, application/xml, application/x-www-form-urlencoded, multipart/form-data"
    )
    assert "'text/plain'" in response.get_json()["description"]


def test_415_on_put_has_no_accept_post(client: FlaskClient) -> None:
    response = client.put("/echo", data=b"x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "Accept-Post" not in response.headers
    assert "Accept-Patch" not in response.headers


def test_body_without_content_type_is_415(client: FlaskClient) -> None:
    response = client.post("/echo", data=b"{}")
    assert response.status_code == 415
    assert "without a Content-Type" in response.get_json()["description"]


def test_body_over_max_content_length_is_413_before_parsing(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    seen: list[bytes] = []

    def spy(data: bytes, options: cabc.Mapping[str, str], /) -> object:
        seen.append(data)
        return {}

    app.request_parsers["application/json"] = spy
    data = b"[" + b"1," * 600 + b"1]"
    response = client.post("/echo", data=data, content_type="application/json")
    assert response.status_code == 413
    assert seen == []


@pytest.mark.parametrize(
    ("content_type", "data", "where"),
    [
        pytest.param("application/json", b'{"a": [1, 2', "line 1 column 12", id="json-truncated"),
        pytest.param("application/json", b'{"a" 1}', "line 1 column 6", id="json-no-colon"),
        pytest.param("application/xml", b"<a><b></a>", "line 1", id="xml-mismatched"),
        pytest.param("application/xml", b"<a>x<b>1</b></a>", "/a (line 1)", id="xml-mixed"),
        pytest.param(
            "application/xml", b"<a><b>1</b><b>2</b></a>", "/a/b[2] (line 1)", id="xml-repeated"
        ),
        pytest.param(
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data\r\n\r\n1\r\n--",
            "",
            id="multipart-broken",
        ),
        pytest.param("multipart/form-data", b"--x", "'boundary'", id="multipart-no-boundary"),
    ],
)
def test_malformed_body_is_400_naming_where_parsing_stopped(
    client: FlaskClient, content_type: str, data: bytes, where: str
) -> None:
    response = client.post("/echo", data=data, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert where in response.get_json()["description"]


def test_json_nested_deeper_than_the_limit_is_400_not_recursion_error(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = None
    for depth in (65, 1023, 5000):
        data = b"[" * depth + b"]" * depth
        response = client.post("/echo", data=data, content_type="application/json")
        assert response.status_code == 400, depth
        assert (
            "deeper" in response.get_json()["description"]
            or "depth" in (response.get_json()["description"])
        )


def test_json_at_the_depth_limit_is_accepted(client: FlaskClient) -> None:
    data = b"[" * 64 + b"]" * 64
    response = client.post("/echo", data=data, content_type="application/json")
    assert response.status_code == 200


def test_a_vendor_type_registered_once_is_parsed(app: ResponsiveFlask, client: FlaskClient) -> None:
    def csv_rows(data: bytes, options: cabc.Mapping[str, str], /) -> list[list[str]]:
        return [line.split(",") for line in data.decode().splitlines()]

    app.request_parsers["text/csv"] = csv_rows
    response = client.post("/echo", data=b"a,b\n1,2", content_type="text/csv; charset=utf-8")
    assert response.get_json() == {"body": [["a", "b"], ["1", "2"]]}


def test_deleting_a_parser_refuses_its_type(app: ResponsiveFlask, client: FlaskClient) -> None:
    del app.request_parsers["application/xml"]
    response = client.post("/echo", data=b"<a/>", content_type="application/xml")
    assert response.status_code == 415
    assert "application/xml" not in response.headers["Accept-Post"]


@pytest.mark.parametrize(
    ("mimetype", "parser", "error"),
    [
        pytest.param("text/*", lambda d, o: d, ValueError, id="wildcard"),
        pytest.param("text/csv; q=1", lambda d, o: d, ValueError, id="q-parameter"),
        pytest.param("text/csv", "not callable", TypeError, id="not-callable"),
    ],
)
def test_registration_refuses_mistakes(
    mimetype: str, parser: t.Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        ParserRegistry()[mimetype] = parser


def test_parse_body_outside_a_responsive_app_says_so() -> None:
    from flask import Flask

    app = Flask(__name__)
    with app.test_request_context(data=b"{}"), pytest.raises(RuntimeError, match="ResponsiveFlask"):
        parse_body()
