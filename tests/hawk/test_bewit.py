"""Bewits: pre-signed GET URLs, made by the extension and checked like Hawk's reference server."""

from __future__ import annotations

import base64
import datetime

import pytest
from flask import Flask, Response, jsonify

from flask_api_utils.hawk import Hawk, HawkCredentials, current_hawk_auth, make_bewit_url
from tests.fixtures.hawk import ALICE, BASE_URL, build_hawk_app, sign

BEWIT_VIEWS = [
    pytest.param("/bewit/sync", id="sync-view"),
    pytest.param("/bewit/async", id="async-view"),
]


def _relative(url: str) -> str:
    assert url.startswith(BASE_URL)
    return url.removeprefix(BASE_URL)


def _bewit_of(url: str) -> str:
    return url.rpartition("bewit=")[2]


@pytest.mark.parametrize("path", BEWIT_VIEWS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_bewit_url_opens_the_view_as_its_client(hawk_app: Flask, path: str, method: str) -> None:
    url = make_bewit_url(BASE_URL + path + "?a=1", ALICE, ttl=60, ext="share")

    response = hawk_app.test_client().open(_relative(url), method=method)

    assert response.status_code == 200
    if method == "GET":
        assert response.json is not None
        assert response.json["client_id"] == "alice"
        assert response.json["via"] == "bewit"
        assert response.json["ext"] == "share"


def test_bewit_made_by_the_extension_uses_the_key_loader(hawk_app: Flask) -> None:
    hawk: Hawk = hawk_app.extensions["hawk"]
    with hawk_app.app_context():
        url = hawk.bewit_url(BASE_URL + "/bewit/sync", "bob", ttl=datetime.timedelta(minutes=5))

    response = hawk_app.test_client().get(_relative(url))

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["client_id"] == "bob"


def test_async_view_makes_a_bewit_through_an_async_key_loader() -> None:
    app, hawk = build_hawk_app(loader_kind="async")

    @app.get("/share")
    @hawk.auth_required
    async def share() -> Response:
        client_id = current_hawk_auth().client_id
        return jsonify(await hawk.bewit_url_async(BASE_URL + "/bewit/async", client_id, ttl=30))

    client = app.test_client()
    header = sign(ALICE, "GET", "/share").request_header
    url = client.get("/share", headers={"Authorization": header}).json
    assert isinstance(url, str)

    response = client.get(_relative(url))

    assert response.status_code == 200


def test_bewit_url_for_an_unknown_client_raises_lookup_error(hawk_app: Flask) -> None:
    hawk: Hawk = hawk_app.extensions["hawk"]
    with hawk_app.app_context(), pytest.raises(LookupError, match="'eve'"):
        hawk.bewit_url(BASE_URL + "/bewit/sync", "eve", ttl=60)


@pytest.mark.parametrize(
    ("url", "ttl", "match"),
    [
        pytest.param("/bewit/sync", 60, "absolute", id="relative-url"),
        pytest.param("ftp://localhost/x", 60, "absolute", id="other-scheme"),
        pytest.param(BASE_URL + "/x?bewit=abc", 60, "already", id="has-bewit"),
        pytest.param(BASE_URL + "/x", 0, "positive", id="zero-ttl"),
        pytest.param(BASE_URL + "/x", -5, "positive", id="negative-ttl"),
    ],
)
def test_make_bewit_url_refuses_developer_mistakes(url: str, ttl: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_bewit_url(url, ALICE, ttl=ttl)


def test_bewit_url_keeps_the_fragment_out_of_the_signature(hawk_app: Flask) -> None:
    url = make_bewit_url(BASE_URL + "/bewit/sync?a=1#top", ALICE, ttl=60)

    assert url.endswith("#top")
    response = hawk_app.test_client().get(_relative(url.removesuffix("#top")))

    assert response.status_code == 200


def test_generated_bewit_is_unpadded_base64url_in_hawks_format() -> None:
    url = make_bewit_url(BASE_URL + "/x", ALICE, ttl=60, ext="e")
    bewit = _bewit_of(url)

    assert "=" not in bewit
    decoded = base64.urlsafe_b64decode(bewit + "=" * (-len(bewit) % 4)).decode()
    client_id, expiry, mac, ext = decoded.split("\\")
    assert (client_id, ext) == ("alice", "e")
    assert expiry.isdigit()
    assert len(base64.b64decode(mac)) == 32


@pytest.mark.parametrize(
    "padding",
    [
        pytest.param("", id="unpadded"),
        pytest.param("=", id="padded"),
        pytest.param("%3D", id="percent-encoded-padding"),
    ],
)
def test_bewit_padding_is_optional(hawk_app: Flask, padding: str) -> None:
    # Find an ext for which the base64 text needs padding.
    url = ""
    for ext in ("", "a", "ab"):
        url = make_bewit_url(BASE_URL + "/bewit/sync", ALICE, ttl=60, ext=ext)
        if len(_bewit_of(url)) % 4:
            break
    missing = -len(_bewit_of(url)) % 4
    assert missing > 0
    padded = url + padding * missing

    response = hawk_app.test_client().get(_relative(padded))

    assert response.status_code == 200


@pytest.mark.parametrize("path", BEWIT_VIEWS)
def test_bewit_with_an_authorization_header_is_bad_request(hawk_app: Flask, path: str) -> None:
    url = _relative(make_bewit_url(BASE_URL + path, ALICE, ttl=60))
    header = sign(ALICE, "GET", url).request_header

    response = hawk_app.test_client().get(url, headers={"Authorization": header})

    assert response.status_code == 400


def test_bewit_is_refused_on_other_methods(hawk_app: Flask) -> None:
    url = _relative(make_bewit_url(BASE_URL + "/bewit/async", ALICE, ttl=60))

    response = hawk_app.test_client().post(url)

    assert response.status_code == 401


def test_views_that_do_not_opt_in_ignore_bewits(hawk_app: Flask) -> None:
    url = _relative(make_bewit_url(BASE_URL + "/sync", ALICE, ttl=60))

    response = hawk_app.test_client().get(url)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Hawk"


@pytest.mark.parametrize("path", BEWIT_VIEWS)
def test_expired_bewit_is_refused(hawk_app: Flask, path: str) -> None:
    url = _relative(make_bewit_url(BASE_URL + path, ALICE, ttl=1))
    hawk_app.config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"] = 5

    response = hawk_app.test_client().get(url)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Hawk error="Access expired"'


def test_mac_is_checked_before_expiry(hawk_app: Flask) -> None:
    forger = HawkCredentials(ALICE.id, "not-alices-key-000000000000000000")
    url = _relative(make_bewit_url(BASE_URL + "/bewit/sync", forger, ttl=1))
    hawk_app.config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"] = 5

    response = hawk_app.test_client().get(url)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Hawk error="Invalid credentials"'


@pytest.mark.parametrize(
    ("signed", "sent"),
    [
        pytest.param("/bewit/sync?a=1", "/bewit/sync?a=2", id="query-changed"),
        pytest.param("/bewit/sync", "/bewit/async", id="path-changed"),
        pytest.param("/bewit/sync?a=1", "/bewit/sync?a=1&b=2", id="parameter-added"),
    ],
)
def test_bewit_for_another_url_is_refused(hawk_app: Flask, signed: str, sent: str) -> None:
    bewit = _bewit_of(make_bewit_url(BASE_URL + signed, ALICE, ttl=60))
    separator = "&" if "?" in sent else "?"

    response = hawk_app.test_client().get(f"{sent}{separator}bewit={bewit}")

    assert response.status_code == 401


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("bewit", "status"),
    [
        pytest.param("", 401, id="empty"),
        pytest.param("*", 400, id="not-base64"),
        pytest.param("YWJj+w", 400, id="standard-base64-alphabet"),
        pytest.param("abcde", 400, id="impossible-length"),
        pytest.param(_encode("alice\\1\\mac"), 400, id="three-parts"),
        pytest.param(_encode("alice\\1\\mac\\ext\\more"), 400, id="five-parts"),
        pytest.param(_encode("\\4000000000\\mac\\"), 400, id="no-id"),
        pytest.param(_encode("alice\\\\mac\\"), 400, id="no-expiry"),
        pytest.param(_encode("alice\\soon\\mac\\"), 400, id="expiry-not-integer"),
        pytest.param(_encode("alice\\0\\mac\\"), 400, id="expiry-zero"),
        pytest.param(_encode("alice\\4000000000\\\\"), 400, id="no-mac"),
        pytest.param(_encode('alice\\4000000000\\mac\\"quoted"'), 400, id="forbidden-char"),
        pytest.param(
            base64.urlsafe_b64encode(b"al\xffce\\4000000000\\mac\\").decode(), 400, id="not-ascii"
        ),
        pytest.param(_encode("alice\\4000000000\\bWFj\\"), 401, id="wrong-mac"),
        pytest.param(_encode("eve\\4000000000\\bWFj\\"), 401, id="unknown-client"),
    ],
)
@pytest.mark.parametrize("path", BEWIT_VIEWS)
def test_malformed_or_false_bewits_are_refused(
    hawk_app: Flask, path: str, bewit: str, status: int
) -> None:
    response = hawk_app.test_client().get(f"{path}?bewit={bewit}")

    assert response.status_code == status


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("a=1&b=2&bewit={bewit}", id="last-parameter"),
        pytest.param("bewit={bewit}&a=1&b=2", id="first-parameter"),
        pytest.param("a=1&bewit={bewit}&b=2", id="middle-parameter"),
    ],
)
def test_bewit_is_removed_from_the_url_as_the_reference_server_removes_it(
    hawk_app: Flask, query: str
) -> None:
    bewit = _bewit_of(make_bewit_url(BASE_URL + "/bewit/sync?a=1&b=2", ALICE, ttl=60))

    response = hawk_app.test_client().get("/bewit/sync?" + query.format(bewit=bewit))

    assert response.status_code == 200


# Requests that hapijs/hawk's own test suite (test/uri.js) authenticates: its
# client made these bewits for http://example.com:8080/resource/4?a=1&b=2.
REFERENCE_KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
REFERENCE_TARGETS = [
    pytest.param(
        "/resource/4?a=1&b=2&bewit=MTIzNDU2XDQ1MTE0ODQ2MjFcMzFjMmNkbUJFd1NJRVZDOVkva1NFb2c3d3Yr"
        "dEVNWjZ3RXNmOGNHU2FXQT1cc29tZS1hcHAtZGF0YQ",
        id="last-parameter",
    ),
    pytest.param(
        "/resource/4?bewit=MTIzNDU2XDQ1MTE0ODQ2MjFcMzFjMmNkbUJFd1NJRVZDOVkva1NFb2c3d3YrdEVNWjZ3"
        "RXNmOGNHU2FXQT1cc29tZS1hcHAtZGF0YQ&a=1&b=2",
        id="first-parameter",
    ),
    pytest.param(
        "/resource/4?bewit=MTIzNDU2XDQ1MTE0ODQ2NDFcZm1CdkNWT3MvcElOTUUxSTIwbWhrejQ3UnBwTmo4Y1VrS"
        "HpQd3Q5OXJ1cz1cc29tZS1hcHAtZGF0YQ",
        id="only-parameter",
    ),
]


@pytest.mark.parametrize("target", REFERENCE_TARGETS)
def test_bewits_of_the_reference_implementation_verify(target: str) -> None:
    app = Flask(__name__)
    hawk = Hawk(app)
    hawk.client_key_loader(lambda client_id: REFERENCE_KEY if client_id == "123456" else None)

    @app.get("/resource/<int:number>")
    @hawk.auth_required(bewit=True)
    def resource(number: int) -> Response:
        auth = current_hawk_auth()
        return jsonify({"number": number, "client_id": auth.client_id, "ext": auth.ext})

    client = app.test_client()
    response = client.get(target, base_url="http://example.com:8080")
    elsewhere = client.get(target, base_url="http://example.com:8081")

    assert response.status_code == 200
    assert response.json == {"number": 4, "client_id": "123456", "ext": "some-app-data"}
    assert elsewhere.status_code == 401


def test_bewit_requests_use_no_nonce(hawk_app: Flask) -> None:
    url = _relative(make_bewit_url(BASE_URL + "/bewit/sync", ALICE, ttl=60))
    client = hawk_app.test_client()

    statuses = [client.get(url).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


def test_bewit_responses_are_not_signed(hawk_app: Flask) -> None:
    hawk_app.config["HAWK_SIGN_RESPONSE"] = True
    url = _relative(make_bewit_url(BASE_URL + "/bewit/sync", ALICE, ttl=60))

    response = hawk_app.test_client().get(url)

    assert response.status_code == 200
    assert "Server-Authorization" not in response.headers


def test_extension_bewit_follows_the_server_clock_offset(hawk_app: Flask) -> None:
    hawk: Hawk = hawk_app.extensions["hawk"]
    hawk_app.config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"] = 3600
    with hawk_app.app_context():
        url = _relative(hawk.bewit_url(BASE_URL + "/bewit/sync", "alice", ttl=60))

    # Made on the server's (offset) clock, it is valid on that clock.
    assert hawk_app.test_client().get(url).status_code == 200
