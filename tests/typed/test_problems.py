"""RFC 9457 problem details: every HTTP error, negotiated JSON or XML, typed members, headers."""

from __future__ import annotations

import dataclasses
import logging
import typing as t

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from werkzeug.exceptions import HTTPException, ServiceUnavailable, TooManyRequests

from flask_api_utils import Problem, ProblemDetails, ResponsiveFlask, XMLFormatter
from flask_api_utils.hawk import NonceStoreUnavailable
from flask_api_utils.testing import HawkTestClient
from tests.fixtures.hawk import ALICE, build_hawk_app

NS = "{urn:ietf:rfc:7807}"


class OutOfCredit(Problem):
    type = "https://example.com/probs/out-of-credit"
    title = "You do not have enough credit."
    code = 403


@dataclasses.dataclass
class Note:
    title: str


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters["application/xml"] = XMLFormatter()
    ProblemDetails(app)

    @app.get("/buy")
    def buy() -> dict[str, str]:
        raise OutOfCredit(
            "Your current balance is 30, but that costs 50.",
            instance="/account/12345/msgs/abc",
            balance=30,
            accounts=["/account/12345", "/account/67890"],
        )

    @app.get("/busy")
    def busy() -> dict[str, str]:
        raise TooManyRequests(retry_after=30)

    @app.get("/down")
    def down() -> dict[str, str]:
        raise ServiceUnavailable(retry_after=5)

    @app.get("/crash")
    def crash() -> dict[str, str]:
        msg = "a bug"
        raise RuntimeError(msg)

    @app.post("/notes")
    def create(note: Note) -> tuple[Note, int]:
        return note, 201

    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


def _assert_rfc9457_member_types(members: dict[str, t.Any], status: int) -> None:
    # RFC 9457, section 3.1: type, title, detail and instance are strings (type
    # and instance URI references), status the response's own status code.
    assert isinstance(members["type"], str)
    assert isinstance(members["title"], str)
    assert type(members["status"]) is int
    assert members["status"] == status
    for name in ("detail", "instance"):
        if name in members:
            assert isinstance(members[name], str)


def test_a_problem_type_of_the_views_own(client: FlaskClient) -> None:
    response = client.get("/buy")
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert response.get_json(force=True) == {
        "type": "https://example.com/probs/out-of-credit",
        "title": "You do not have enough credit.",
        "status": 403,
        "detail": "Your current balance is 30, but that costs 50.",
        "instance": "/account/12345/msgs/abc",
        "balance": 30,
        "accounts": ["/account/12345", "/account/67890"],
    }
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    "accept",
    [
        "application/problem+xml, application/xml",
        "application/xml",
        "text/xml, application/xml;q=0.9",
    ],
)
def test_a_client_that_prefers_xml_gets_problem_xml(client: FlaskClient, accept: str) -> None:
    response = client.get("/buy", headers={"Accept": accept})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{NS}problem"
    assert root.findtext(f"{NS}type") == "https://example.com/probs/out-of-credit"
    assert root.findtext(f"{NS}status") == "403"
    assert root.findtext(f"{NS}instance") == "/account/12345/msgs/abc"
    # Appendix B: the entries of an array member are <i> elements.
    accounts = root.find(f"{NS}accounts")
    assert accounts is not None
    assert [i.text for i in accounts] == ["/account/12345", "/account/67890"]


@pytest.mark.parametrize("accept", ["image/png", "text/html", "application/json", "*/*", ""])
def test_a_client_that_accepts_neither_gets_problem_json(client: FlaskClient, accept: str) -> None:
    response = client.get("/missing", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    _assert_rfc9457_member_types(response.get_json(force=True), 404)


@pytest.mark.parametrize(
    ("method", "path", "data", "content_type", "status", "header"),
    [
        pytest.param("GET", "/missing", None, None, 404, None, id="404"),
        pytest.param("DELETE", "/buy", None, None, 405, "Allow", id="405-allow"),
        pytest.param("GET", "/busy", None, None, 429, "Retry-After", id="429-retry-after"),
        pytest.param("GET", "/down", None, None, 503, "Retry-After", id="503-retry-after"),
        pytest.param(
            "POST", "/notes", b"x", "text/plain", 415, "Accept-Post", id="415-accept-post"
        ),
        pytest.param("POST", "/notes", b"{", "application/json", 400, None, id="400"),
        pytest.param("POST", "/notes", b'{"title": 5}', "application/json", 422, None, id="422"),
        pytest.param("GET", "/crash", None, None, 500, None, id="500"),
    ],
)
def test_every_http_error_is_a_problem_with_its_headers(
    client: FlaskClient,
    method: str,
    path: str,
    data: bytes | None,
    content_type: str | None,
    status: int,
    header: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.CRITICAL):
        response = client.open(path, method=method, data=data, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    members = response.get_json(force=True)
    _assert_rfc9457_member_types(members, status)
    assert members["type"] == "about:blank"
    if header is not None:
        assert response.headers[header]


def test_validation_errors_are_the_errors_member(client: FlaskClient) -> None:
    response = client.post("/notes", json={"title": 5, "x": 1})
    members = response.get_json(force=True)
    assert members["status"] == 422
    assert members["detail"] == "2 fields do not fit the declared type."
    assert [e["location"] for e in members["errors"]] == ["title", "x"]


def test_a_500_does_not_leak_the_exception(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.CRITICAL):
        response = client.get("/crash")
    assert b"a bug" not in response.data


def test_problem_members_in_xml_and_json_agree(client: FlaskClient) -> None:
    as_json = client.get("/buy").get_json(force=True)
    root = etree.fromstring(client.get("/buy", headers={"Accept": "application/xml"}).data)
    assert [child.tag.removeprefix(NS) for child in root] == list(as_json)


class _DownStore:
    """A nonce store whose storage cannot be reached."""

    def remember(self, key: str, ttl: float, /) -> bool:
        raise NonceStoreUnavailable


@pytest.mark.parametrize(
    ("headers", "status", "header"),
    [
        pytest.param({"Authorization": "Hawk id="}, 400, None, id="400-malformed"),
        pytest.param({}, 401, "WWW-Authenticate", id="401"),
    ],
)
def test_hawk_errors_are_problems(headers: dict[str, str], status: int, header: str | None) -> None:
    app, _ = build_hawk_app(app_class=ResponsiveFlask)
    ProblemDetails(app)
    response = app.test_client().get("/sync", headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    _assert_rfc9457_member_types(response.get_json(force=True), status)
    if header is not None:
        assert response.headers[header].startswith("Hawk")


def test_hawk_store_down_is_a_503_problem(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = build_hawk_app(app_class=ResponsiveFlask, nonce_store=_DownStore())
    ProblemDetails(app)
    app.test_client_class = HawkTestClient
    client = app.test_client()
    assert isinstance(client, HawkTestClient)
    with caplog.at_level(logging.CRITICAL):
        response = client.get("/sync", hawk=ALICE)
    assert response.status_code == 503
    _assert_rfc9457_member_types(response.get_json(force=True), 503)


def test_init_app_twice_is_refused(app: ResponsiveFlask) -> None:
    with pytest.raises(RuntimeError, match="init_app once"):
        ProblemDetails().init_app(app)


def test_a_handler_of_the_apps_own_still_wins() -> None:
    app = ResponsiveFlask(__name__)
    ProblemDetails(app)

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> tuple[dict[str, str], int]:
        return {"error": "nothing here"}, 404

    response = app.test_client().get("/missing")
    assert response.get_json() == {"error": "nothing here"}


def test_problem_without_problem_details_keeps_its_members() -> None:
    app = ResponsiveFlask(__name__)

    @app.get("/buy")
    def buy() -> dict[str, str]:
        raise OutOfCredit("no", balance=30)

    body = app.test_client().get("/buy").get_json()
    assert body == {
        "code": 403,
        "name": "You do not have enough credit.",
        "description": "no",
        "balance": 30,
    }


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    status=st.integers(400, 599),
    detail=st.none() | _text,
    instance=st.none() | _text,
    extra=st.dictionaries(
        st.from_regex(r"[a-z]{1,8}", fullmatch=True),
        st.integers(-(2**63), 2**63 - 1) | _text,
        max_size=3,
    ),
    accept=st.sampled_from(["application/json", "application/xml", "image/png"]),
)
def test_any_problem_has_rfc9457_member_types(
    status: int, detail: str | None, instance: str | None, extra: dict[str, object], accept: str
) -> None:
    app = ResponsiveFlask(__name__)
    ProblemDetails(app)

    # NoReturn: a view annotated to return data would meet a 406 first.
    @app.get("/p")
    def raise_problem() -> t.NoReturn:
        raise Problem(detail, status=status, instance=instance, **t.cast(dict[str, t.Any], extra))

    response = app.test_client().get("/p", headers={"Accept": accept})
    assert response.status_code == status
    if accept == "application/xml":
        root = etree.fromstring(response.data)
        members: dict[str, t.Any] = {c.tag.removeprefix(NS): c.text or "" for c in root}
        members["status"] = int(members["status"])
    else:
        members = response.get_json(force=True)
    _assert_rfc9457_member_types(members, status)
