"""ResponsiveFlask: negotiated views, errors, blueprints, sync and async."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import typing as t
import uuid

import orjson
import pytest
from flask import Blueprint, Flask, Response, abort, jsonify, stream_with_context
from flask.testing import FlaskClient
from lxml import etree
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
    Unauthorized,
)

from flask_api_utils import ResponsiveBlueprint, ResponsiveFlask, XMLFormatter

JSON = "application/json"
XML = "application/xml"
VENDOR = "application/vnd.company+xml"


@dataclasses.dataclass
class Tag:
    name: str


@dataclasses.dataclass
class User:
    id: uuid.UUID
    name: str
    joined: datetime.date
    tags: list[Tag]


ALICE = User(
    id=uuid.UUID("12345678-1234-5678-1234-567812345678"),
    name="Alice",
    joined=datetime.date(2024, 2, 29),
    tags=[Tag("admin"), Tag("ops")],
)
ALICE_JSON = {
    "id": "12345678-1234-5678-1234-567812345678",
    "name": "Alice",
    "joined": "2024-02-29",
    "tags": [{"name": "admin"}, {"name": "ops"}],
}


def _dummy_vendor_formatter(*args: t.Any, **kwargs: t.Any) -> str:
    return "<hello>world</hello>"


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters[VENDOR] = _dummy_vendor_formatter

    @app.get("/hello")
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/async-hello")
    async def async_hello() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/user")
    def user() -> User:
        return ALICE

    @app.get("/users")
    async def users() -> list[User]:
        return [ALICE, ALICE]

    @app.post("/created")
    def created() -> tuple[dict[str, int], int]:
        return {"id": 1}, 201

    @app.get("/with-headers")
    def with_headers() -> tuple[dict[str, int], dict[str, str]]:
        return {"id": 1}, {"X-Thing": "yes", "Vary": "Origin"}

    @app.get("/status-and-headers")
    def status_and_headers() -> tuple[User, int, list[tuple[str, str]]]:
        return ALICE, 202, [("Location", "/user")]

    @app.get("/text")
    def text() -> str:
        return "plain text"

    @app.get("/bytes")
    def raw() -> bytes:
        return b"\x00\x01"

    @app.get("/response")
    def response() -> Response:
        return Response("made by hand", mimetype="text/plain")

    @app.get("/stream")
    def stream() -> Response:
        def chunks() -> t.Iterator[str]:
            yield "a"
            yield "b"

        return Response(stream_with_context(chunks()), mimetype="text/plain")

    @app.get("/unserialisable")
    def unserialisable() -> dict[str, t.Any]:
        return {"tags": {"a", "b"}}

    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


def _get(client: FlaskClient, path: str, accept: str | None = None) -> t.Any:
    headers = {"Accept": accept} if accept is not None else {}
    return client.get(path, headers=headers)


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param(None, id="no-accept"),
        pytest.param("*/*", id="anything"),
        pytest.param(JSON, id="json"),
        pytest.param("application/json; charset=utf-8", id="json-with-charset"),
    ],
)
def test_dict_view_is_json_by_default(client: FlaskClient, accept: str | None) -> None:
    response = _get(client, "/hello", accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Vary"] == "Accept"
    assert response.get_json() == {"hello": "world"}


def test_vendor_mimetype_is_served_by_its_formatter(client: FlaskClient) -> None:
    response = _get(client, "/hello", VENDOR)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.company+xml; charset=utf-8"
    assert response.data == b"<hello>world</hello>"


@pytest.mark.parametrize("accept", ["blah/*", "text/html", "application/json;q=0"])
def test_unacceptable_request_is_406_listing_offered_types(
    client: FlaskClient, accept: str
) -> None:
    response = _get(client, "/hello", accept)
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Vary"] == "Accept"
    assert response.get_json() == {"mimetypes": [JSON, VENDOR]}


def test_browser_accept_gets_xml_when_xml_is_registered(app: ResponsiveFlask) -> None:
    app.response_formatters[XML] = XMLFormatter()
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = _get(app.test_client(), "/hello", browser)
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert etree.fromstring(response.data).findtext("hello") == "world"


def test_dataclass_views_are_serialised_nested(client: FlaskClient) -> None:
    assert _get(client, "/user").get_json() == ALICE_JSON
    assert _get(client, "/users").get_json() == [ALICE_JSON, ALICE_JSON]


def test_dataclass_as_xml(app: ResponsiveFlask) -> None:
    app.response_formatters[XML] = XMLFormatter()
    response = _get(app.test_client(), "/user", XML)
    root = etree.fromstring(response.data)
    assert root.findtext("name") == "Alice"
    assert root.findtext("joined") == "2024-02-29"
    assert [e.text for e in root.findall("tags/item/name")] == ["admin", "ops"]


def test_async_view_negotiates_like_sync_view(client: FlaskClient) -> None:
    sync, async_ = _get(client, "/hello", VENDOR), _get(client, "/async-hello", VENDOR)
    assert (sync.status_code, sync.headers["Content-Type"], sync.data) == (
        async_.status_code,
        async_.headers["Content-Type"],
        async_.data,
    )


def test_status_tuple(client: FlaskClient) -> None:
    response = client.post("/created")
    assert response.status_code == 201
    assert response.get_json() == {"id": 1}


def test_headers_tuple_keeps_headers_and_merges_vary(client: FlaskClient) -> None:
    response = _get(client, "/with-headers")
    assert response.status_code == 200
    assert response.headers["X-Thing"] == "yes"
    assert response.headers["Vary"] == "Origin, Accept"


def test_status_and_headers_tuple(client: FlaskClient) -> None:
    response = _get(client, "/status-and-headers", VENDOR)
    assert response.status_code == 202
    assert response.headers["Location"] == "/user"
    assert response.data == b"<hello>world</hello>"


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        pytest.param("/text", "text/html; charset=utf-8", b"plain text", id="str"),
        pytest.param("/bytes", "text/html; charset=utf-8", b"\x00\x01", id="bytes"),
        pytest.param("/response", "text/plain; charset=utf-8", b"made by hand", id="response"),
        pytest.param("/stream", "text/plain; charset=utf-8", b"ab", id="iterator"),
    ],
)
def test_other_return_values_go_to_flask_untouched_even_when_unacceptable(
    client: FlaskClient, path: str, content_type: str, body: bytes
) -> None:
    response = _get(client, path, "blah/*")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.data == body
    assert "Vary" not in response.headers


def test_head_has_headers_and_no_body(client: FlaskClient) -> None:
    get = _get(client, "/hello")
    head = client.head("/hello")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Vary"] == "Accept"


def test_unserialisable_value_is_500_naming_type_and_mimetype(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = _get(client, "/unserialisable")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500
    assert "set" not in response.get_data(as_text=True)
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "'application/json' formatter could not serialise a 'dict' value" in logged
    assert "set" in logged


def test_jsonify_and_negotiated_json_write_the_same_bytes(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    with app.test_request_context():
        jsonified = jsonify(ALICE).get_data()
    assert jsonified == _get(client, "/user").data
    assert orjson.loads(jsonified) == ALICE_JSON


def test_pretty_json_when_provider_is_not_compact(app: ResponsiveFlask) -> None:
    app.json.compact = False
    data = _get(app.test_client(), "/hello").data
    assert data == b'{\n  "hello": "world"\n}'


def test_default_mimetype_can_be_changed(app: ResponsiveFlask) -> None:
    app.response_formatters[XML] = XMLFormatter()
    app.default_mimetype = XML
    client = app.test_client()
    assert _get(client, "/hello").headers["Content-Type"] == "application/xml; charset=utf-8"
    refused = _get(client, "/hello", "blah/*")
    assert refused.status_code == 406
    assert etree.fromstring(refused.data).tag == "response"
    assert [e.text for e in etree.fromstring(refused.data).iter("item")] == [XML, JSON, VENDOR]


def test_builtin_error_body_is_negotiated(client: FlaskClient) -> None:
    response = _get(client, "/missing")
    assert response.status_code == 404
    assert response.headers["Vary"] == "Accept"
    assert response.get_json() == {
        "code": 404,
        "name": "Not Found",
        "description": NotFound.description,
    }


# Error handling: one default handler, specific handlers win in any order.


class MyError(Exception):
    pass


def _error_app(default_first: bool) -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters[XML] = XMLFormatter()

    def default(error: HTTPException) -> tuple[dict[str, t.Any], int]:
        return {"code": error.code, "message": str(error)}, error.code or 500

    def not_found(error: NotFound) -> tuple[dict[str, str], int]:
        return {"error": "This page does not exist"}, 404

    if default_first:
        app.default_errorhandler(default)
        app.errorhandler(404)(not_found)
    else:
        app.errorhandler(404)(not_found)
        app.default_errorhandler(default)

    @app.errorhandler(MyError)
    async def my_error(error: MyError) -> dict[str, str]:
        return {"error": str(error)}

    # The views that only raise say so: a view annotated to return data is
    # negotiated before it runs, and answered 406 without running.
    @app.get("/bad")
    def bad() -> t.NoReturn:
        abort(400)

    @app.get("/mine")
    def mine() -> t.NoReturn:
        raise MyError("Krivens!")

    @app.get("/crash")
    def crash() -> t.NoReturn:
        raise RuntimeError("boom")

    @app.get("/unauthorized")
    def unauthorized() -> t.NoReturn:
        raise Unauthorized(www_authenticate=WWWAuthenticate("Hawk", token='error="Expired"'))

    @app.get("/slow-down")
    def slow_down() -> t.NoReturn:
        raise TooManyRequests(retry_after=30)

    @app.post("/only-post")
    def only_post() -> dict[str, str]:
        return {}

    return app


@pytest.fixture(params=[True, False], ids=["default-declared-first", "default-declared-last"])
def error_client(request: pytest.FixtureRequest) -> FlaskClient:
    return _error_app(default_first=request.param).test_client()


def test_default_errorhandler_renders_every_http_error(error_client: FlaskClient) -> None:
    response = _get(error_client, "/bad")
    assert response.status_code == 400
    assert response.get_json() == {"code": 400, "message": str(BadRequest())}
    assert response.headers["Vary"] == "Accept"


def test_specific_handler_wins_over_default_in_any_order(error_client: FlaskClient) -> None:
    response = _get(error_client, "/missing")
    assert response.status_code == 404
    assert response.get_json() == {"error": "This page does not exist"}


def test_async_exception_handler_is_negotiated(error_client: FlaskClient) -> None:
    response = _get(error_client, "/mine", XML)
    assert response.status_code == 200
    assert etree.fromstring(response.data).findtext("error") == "Krivens!"


def test_unhandled_exception_is_500_through_default_handler(app: ResponsiveFlask) -> None:
    client = _error_app(default_first=True).test_client()
    response = _get(client, "/crash", XML)
    assert response.status_code == 500
    assert etree.fromstring(response.data).findtext("code") == "500"


def test_405_keeps_allow_header(error_client: FlaskClient) -> None:
    response = _get(error_client, "/only-post")
    assert response.status_code == 405
    assert response.get_json()["code"] == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_401_keeps_www_authenticate(error_client: FlaskClient) -> None:
    response = _get(error_client, "/unauthorized")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Hawk error="Expired"'
    assert response.get_json()["code"] == 401


def test_429_keeps_retry_after(error_client: FlaskClient) -> None:
    response = _get(error_client, "/slow-down")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize("path", ["/bad", "/missing", "/crash", "/mine"])
def test_errors_fall_back_to_default_mimetype_instead_of_406(
    error_client: FlaskClient, path: str
) -> None:
    response = _get(error_client, path, "image/png")
    assert response.status_code != 406
    assert response.status_code >= 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Vary"] == "Accept"


def test_error_handler_returning_response_is_kept(app: ResponsiveFlask) -> None:
    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> Response:
        return Response("gone", status=404, mimetype="text/plain")

    response = _get(app.test_client(), "/missing")
    assert (response.status_code, response.data) == (404, b"gone")


def test_405_without_handler_has_allow_and_negotiated_body(client: FlaskClient) -> None:
    response = client.delete("/hello")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["name"] == "Method Not Allowed"
    assert MethodNotAllowed.code == 405


def test_abort_with_response_is_sent_as_is(app: ResponsiveFlask) -> None:
    @app.get("/teapot")
    def teapot() -> dict[str, str]:
        abort(Response("short and stout", status=418))

    response = _get(app.test_client(), "/teapot")
    assert (response.status_code, response.data) == (418, b"short and stout")


def test_redirects_from_routing_are_untouched(app: ResponsiveFlask) -> None:
    @app.get("/folder/")
    def folder() -> dict[str, str]:
        return {}

    response = _get(app.test_client(), "/folder")
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/folder/")


# Blueprints.


def test_blueprint_views_are_negotiated(app: ResponsiveFlask) -> None:
    api = ResponsiveBlueprint("api", __name__, url_prefix="/api")
    plain = Blueprint("plain", __name__, url_prefix="/plain")

    @api.get("/user")
    async def api_user() -> User:
        return ALICE

    @plain.get("/hello")
    def plain_hello() -> dict[str, str]:
        return {"hello": "world"}

    @api.default_errorhandler
    def api_error(error: HTTPException) -> dict[str, t.Any]:
        return {"api_error": error.code}

    @api.get("/teapot")
    def api_teapot() -> dict[str, str]:
        abort(418)

    app.register_blueprint(api)
    app.register_blueprint(plain)
    client = app.test_client()
    assert _get(client, "/api/user").get_json() == ALICE_JSON
    assert _get(client, "/plain/hello", VENDOR).data == b"<hello>world</hello>"
    teapot = _get(client, "/api/teapot")
    assert teapot.status_code == 200
    assert teapot.get_json() == {"api_error": 418}


def test_plain_flask_is_unaffected() -> None:
    # The extension changes nothing for apps that do not opt in.
    app = Flask(__name__)

    @app.get("/")
    def index() -> dict[str, str]:
        return {"a": "b"}

    response = app.test_client().get("/", headers={"Accept": "blah/*"})
    assert response.status_code == 200
    assert "Vary" not in response.headers
