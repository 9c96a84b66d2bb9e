"""Hawk authentication of requests: status codes, order of checks, configuration."""

from __future__ import annotations

import base64
import collections.abc as cabc
import hashlib
import hmac
import logging
import time
import typing as t

import pytest
from flask import Flask, Response, jsonify, request

from flask_api_utils.hawk import (
    ClientKey,
    Hawk,
    HawkCredentials,
    MemoryNonceStore,
    current_hawk_auth,
)

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

from tests.fixtures.hawk import (
    ALICE,
    BOB,
    CRASHING_CLIENT,
    NONE_CLIENT,
    UNKNOWN,
    build_hawk_app,
    sign,
)

VIEWS = [pytest.param("/sync", id="sync-view"), pytest.param("/async", id="async-view")]


@pytest.mark.parametrize("path", VIEWS)
def test_request_without_credentials_is_challenged(hawk_app: Flask, path: str) -> None:
    response = hawk_app.test_client().get(path)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Hawk"


@pytest.mark.parametrize("path", VIEWS)
def test_signed_request_reaches_the_view_as_its_client(hawk_app: Flask, path: str) -> None:
    header = sign(ALICE, "GET", path).request_header

    response = hawk_app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 200
    assert response.json == {
        "client_id": "alice",
        "ext": None,
        "app": None,
        "dlg": None,
        "via": "header",
        "body": "",
    }


@pytest.mark.parametrize("path", VIEWS)
def test_client_key_names_its_own_algorithm(hawk_app: Flask, path: str) -> None:
    header = sign(BOB, "GET", path).request_header

    response = hawk_app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["client_id"] == "bob"


def test_client_key_signed_with_another_algorithm_is_refused(hawk_app: Flask) -> None:
    sha256_bob = type(BOB)(BOB.id, BOB.key, "sha256")
    header = sign(sha256_bob, "GET", "/sync").request_header

    response = hawk_app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 401


def test_hawk_algorithm_config_applies_to_plain_keys(hawk_app: Flask) -> None:
    hawk_app.config["HAWK_ALGORITHM"] = "sha1"
    sha1_alice = type(ALICE)(ALICE.id, ALICE.key, "sha1")
    client = hawk_app.test_client()

    sha1 = client.get(
        "/sync", headers={"Authorization": sign(sha1_alice, "GET", "/sync").request_header}
    )
    sha256 = client.get(
        "/sync", headers={"Authorization": sign(ALICE, "GET", "/sync").request_header}
    )

    assert (sha1.status_code, sha256.status_code) == (200, 401)


@pytest.mark.parametrize("path", VIEWS)
def test_view_reads_signed_ext_app_and_dlg(hawk_app: Flask, path: str) -> None:
    sender = sign(ALICE, "GET", path, ext="order=42", app="notes-app", dlg="bob")

    response = hawk_app.test_client().get(path, headers={"Authorization": sender.request_header})

    assert response.status_code == 200
    assert response.json is not None
    assert (response.json["ext"], response.json["app"], response.json["dlg"]) == (
        "order=42",
        "notes-app",
        "bob",
    )


@pytest.mark.parametrize("path", VIEWS)
def test_body_and_content_type_are_verified(hawk_app: Flask, path: str) -> None:
    body = b'{"title": "hello"}'
    sender = sign(ALICE, "POST", path, content=body, content_type="application/json")

    response = hawk_app.test_client().post(
        path,
        data=body,
        # Hawk hashes the content type without its parameters.
        headers={
            "Authorization": sender.request_header,
            "Content-Type": "Application/JSON; charset=utf-8",
        },
    )

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["body"] == body.decode()


# Each case: the request is signed with ``signer``'s credentials for what the
# sender believes; ``send`` is what actually reaches the server.
UNAUTHORIZED_CASES = [
    pytest.param(
        UNKNOWN, "GET", "/sync", b"", "GET", "/sync", b"", id="unknown-client-lookuperror"
    ),
    pytest.param(NONE_CLIENT, "GET", "/sync", b"", "GET", "/sync", b"", id="unknown-client-none"),
    pytest.param(
        type(ALICE)(ALICE.id, "not-alices-key-000000000000000000"),
        "GET",
        "/sync",
        b"",
        "GET",
        "/sync",
        b"",
        id="wrong-key",
    ),
    pytest.param(ALICE, "GET", "/sync", b"", "DELETE", "/sync", b"", id="method-changed"),
    pytest.param(ALICE, "GET", "/sync?a=1", b"", "GET", "/sync?a=2", b"", id="query-changed"),
    pytest.param(ALICE, "GET", "/sync", b"", "GET", "/async", b"", id="path-changed"),
    pytest.param(ALICE, "POST", "/sync", b"pay 1", "POST", "/sync", b"pay 9", id="body-changed"),
]


@pytest.mark.parametrize(
    ("signer", "method", "path", "body", "sent_method", "sent_path", "sent_body"),
    UNAUTHORIZED_CASES,
)
def test_failed_verification_is_401_and_uses_no_nonce(
    loader_kind: str,
    signer: HawkCredentials,
    method: str,
    path: str,
    body: bytes,
    sent_method: str,
    sent_path: str,
    sent_body: bytes,
) -> None:
    store = RecordingStore()
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=store)  # type: ignore[arg-type]
    header = sign(signer, method, path, content=body, content_type="text/plain").request_header

    response = app.test_client().open(
        sent_path,
        method=sent_method,
        data=sent_body,
        headers={"Authorization": header, "Content-Type": "text/plain"},
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Hawk")
    assert store.keys == []


class RecordingStore:
    """A NonceStore that keeps the keys and ttls it was asked to remember."""

    def __init__(self) -> None:
        self.inner = MemoryNonceStore()
        self.keys: list[str] = []
        self.ttls: list[float] = []

    def remember(self, key: str, ttl: float, /) -> bool:
        self.keys.append(key)
        self.ttls.append(ttl)
        return self.inner.remember(key, ttl)


def test_unknown_client_and_wrong_mac_look_the_same_to_the_client(hawk_app: Flask) -> None:
    client = hawk_app.test_client()
    wrong_key = type(ALICE)(ALICE.id, "not-alices-key-000000000000000000")

    unknown = client.get(
        "/sync", headers={"Authorization": sign(UNKNOWN, "GET", "/sync").request_header}
    )
    bad_mac = client.get(
        "/sync", headers={"Authorization": sign(wrong_key, "GET", "/sync").request_header}
    )

    assert unknown.headers["WWW-Authenticate"] == bad_mac.headers["WWW-Authenticate"]
    assert unknown.data == bad_mac.data


def _ts_mac(key: str, ts: str) -> str:
    digest = hmac.new(key.encode(), f"hawk.1.ts\n{ts}\n".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@pytest.mark.parametrize("path", VIEWS)
def test_stale_timestamp_gets_a_verifiable_server_time(loader_kind: str, path: str) -> None:
    store = RecordingStore()
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=store)  # type: ignore[arg-type]
    header = sign(ALICE, "GET", path, timestamp=int(time.time()) - 3600).request_header

    response = app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 401
    challenge = _parse_challenge(response.headers["WWW-Authenticate"])
    assert challenge["error"] == "Stale timestamp"
    assert abs(int(challenge["ts"]) - time.time()) < 5
    assert challenge["tsm"] == _ts_mac(ALICE.key, challenge["ts"])
    assert store.keys == []


def _parse_challenge(value: str) -> dict[str, str]:
    scheme, _, rest = value.partition(" ")
    assert scheme == "Hawk"
    attributes = {}
    for part in rest.split(", "):
        name, _, quoted = part.partition("=")
        assert quoted.startswith('"'), value
        assert quoted.endswith('"'), value
        attributes[name] = quoted[1:-1]
    return attributes


@pytest.mark.parametrize(
    ("skew", "offset", "age", "status"),
    [
        pytest.param(60, 0, 50, 200, id="within-default-skew"),
        pytest.param(60, 0, 70, 401, id="beyond-default-skew"),
        pytest.param(10, 0, 30, 401, id="beyond-narrow-skew"),
        pytest.param(600, 0, 300, 200, id="within-wide-skew"),
        pytest.param(60, 3600, -3600, 200, id="offset-moves-server-clock"),
        pytest.param(60, 3600, 0, 401, id="offset-makes-now-stale"),
    ],
)
def test_timestamp_window_follows_configuration_read_per_request(
    hawk_app: Flask, skew: int, offset: int, age: int, status: int
) -> None:
    hawk_app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = skew
    hawk_app.config["HAWK_LOCALTIME_OFFSET_IN_SECONDS"] = offset
    header = sign(ALICE, "GET", "/sync", timestamp=int(time.time()) - age).request_header

    response = hawk_app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == status


MALFORMED_HEADERS = [
    pytest.param("Hawk", id="scheme-only"),
    pytest.param("Hawk ", id="no-attributes"),
    pytest.param("Basic YWxpY2U6c2VjcmV0", id="basic-scheme"),
    pytest.param("Bearer abc.def", id="bearer-scheme"),
    pytest.param('Hawk ts="1", nonce="n", mac="m"', id="missing-id"),
    pytest.param('Hawk id="alice", nonce="n", mac="m"', id="missing-ts"),
    pytest.param('Hawk id="alice", ts="1", mac="m"', id="missing-nonce"),
    pytest.param('Hawk id="alice", ts="1", nonce="n"', id="missing-mac"),
    pytest.param('Hawk id="alice", ts="12a", nonce="n", mac="m"', id="ts-not-integer"),
    pytest.param('Hawk id="alice", ts="-5", nonce="n", mac="m"', id="ts-negative"),
    pytest.param('Hawk id="alice", id="bob", ts="1", nonce="n", mac="m"', id="duplicate"),
    pytest.param('Hawk id="alice", ts="1", nonce="n", mac="m", foo="x"', id="unknown-attr"),
    pytest.param('Hawk id="alice", ts="1", nonce="n", mac="m", tsm="x"', id="response-attr"),
    pytest.param('Hawk id="al\\ice", ts="1", nonce="n", mac="m"', id="forbidden-char"),
    pytest.param('Hawk id="alice, ts="1"', id="unbalanced-quotes"),
    pytest.param('Hawk id=alice, ts="1", nonce="n", mac="m"', id="unquoted"),
    pytest.param(
        'Hawk id="alice", ts="1", nonce="n", mac="m", ext="' + "x" * 5000 + '"', id="oversized"
    ),
]


@pytest.mark.parametrize("header", MALFORMED_HEADERS)
@pytest.mark.parametrize("path", VIEWS)
def test_malformed_header_is_bad_request(hawk_app: Flask, path: str, header: str) -> None:
    response = hawk_app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 400


@pytest.mark.parametrize("path", VIEWS)
def test_crashing_key_loader_is_a_server_error(
    hawk_app: Flask, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    header = sign(CRASHING_CLIENT, "GET", path).request_header

    response = hawk_app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 500
    assert "the key database is down" in caplog.text


def test_body_without_hash_is_refused_unless_untrusted_content_is_accepted(
    hawk_app: Flask,
) -> None:
    client = hawk_app.test_client()

    def post() -> int:
        header = sign(ALICE, "POST", "/sync", hash_content=False).request_header
        return client.post(
            "/sync", data=b"x=1", headers={"Authorization": header, "Content-Type": "text/plain"}
        ).status_code

    refused = post()
    hawk_app.config["HAWK_ACCEPT_UNTRUSTED_CONTENT"] = True
    accepted = post()

    assert (refused, accepted) == (401, 200)


def test_request_without_body_needs_no_hash(hawk_app: Flask) -> None:
    header = sign(ALICE, "GET", "/sync", hash_content=False).request_header

    response = hawk_app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 200


def test_a_hash_is_checked_even_when_untrusted_content_is_accepted(hawk_app: Flask) -> None:
    hawk_app.config["HAWK_ACCEPT_UNTRUSTED_CONTENT"] = True
    header = sign(ALICE, "POST", "/sync", content=b"a", content_type="text/plain").request_header

    response = hawk_app.test_client().post(
        "/sync", data=b"b", headers={"Authorization": header, "Content-Type": "text/plain"}
    )

    assert response.status_code == 401


TARGETS = [
    pytest.param("/files/a%2Fb?q=%20", "a/b", {"q": " "}, id="encoded-slash-and-space"),
    pytest.param("/files/caf%C3%A9?x=%C3%A9&y=1", "café", {"x": "é", "y": "1"}, id="utf8"),
    pytest.param("/files/a+b?q=a+b&r=%2B", "a+b", {"q": "a b", "r": "+"}, id="plus"),
    pytest.param("/files/x?", "x", {}, id="empty-query"),
]


@pytest.mark.parametrize(("target", "name", "args"), TARGETS)
def test_mac_covers_the_raw_request_target(
    hawk_app: Flask, target: str, name: str, args: dict[str, str]
) -> None:
    header = sign(ALICE, "GET", target).request_header

    response = hawk_app.test_client().get(target, headers={"Authorization": header})

    assert response.status_code == 200
    assert response.json == {"name": name, "args": args}


class _WithoutRawTarget:
    """WSGI middleware standing for a server that does not give the raw target."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        environ.pop("REQUEST_URI", None)
        environ.pop("RAW_URI", None)
        return self.app(environ, start_response)


def test_target_is_rebuilt_where_the_server_gives_no_raw_target(hawk_app: Flask) -> None:
    hawk_app.wsgi_app = _WithoutRawTarget(hawk_app.wsgi_app)  # type: ignore[method-assign]
    target = "/files/caf%C3%A9?q=%20"
    header = sign(ALICE, "GET", target).request_header

    response = hawk_app.test_client().get(target, headers={"Authorization": header})

    assert response.status_code == 200


def test_query_given_apart_from_the_path_is_signed_as_sent(hawk_app: Flask) -> None:
    header = sign(ALICE, "GET", "/files/x?a=1").request_header

    response = hawk_app.test_client().get(
        "/files/x", query_string={"a": "1"}, headers={"Authorization": header}
    )

    assert response.status_code == 200


def test_disabled_hawk_lets_every_request_through(hawk_app: Flask) -> None:
    hawk_app.config["HAWK_ENABLED"] = False
    client = hawk_app.test_client()

    response = client.get("/files/x")

    assert response.status_code == 200
    hawk_app.config["HAWK_ENABLED"] = True
    assert client.get("/files/x").status_code == 401


def test_preflight_options_passes_without_credentials(loader_kind: str) -> None:
    app, hawk = build_hawk_app(loader_kind=loader_kind)  # type: ignore[arg-type]

    @app.route("/preflight", methods=["GET", "OPTIONS"])
    @hawk.auth_required
    def preflight() -> str:
        return "ok"

    client = app.test_client()

    assert client.options("/preflight").status_code == 200
    assert client.get("/preflight").status_code == 401


def test_current_hawk_auth_outside_an_authenticated_request_raises() -> None:
    app = Flask(__name__)
    with app.test_request_context(), pytest.raises(RuntimeError, match="auth_required"):
        current_hawk_auth()


def test_current_hawk_auth_in_a_later_unprotected_request_of_one_app_context_raises(
    hawk_app: Flask,
) -> None:
    # Requests made inside one app context share flask.g; the identity a
    # protected request proved must not carry over to the next request.
    @hawk_app.get("/whoami")
    def whoami() -> str:
        try:
            return current_hawk_auth().client_id
        except RuntimeError:
            return "nobody"

    client = hawk_app.test_client()
    header = sign(ALICE, "GET", "/sync").request_header

    with hawk_app.app_context():
        assert client.get("/sync", headers={"Authorization": header}).status_code == 200
        response = client.get("/whoami")

    assert response.get_data(as_text=True) == "nobody"


def test_current_hawk_auth_raises_when_hawk_is_disabled(hawk_app: Flask) -> None:
    hawk_app.config["HAWK_ENABLED"] = False
    hawk_app.testing = True

    with pytest.raises(RuntimeError, match="current_hawk_auth"):
        hawk_app.test_client().get("/sync")


def test_extension_is_stored_on_the_app() -> None:
    app = Flask(__name__)
    hawk = Hawk()
    hawk.init_app(app)

    assert app.extensions["hawk"] is hawk
    assert app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] == 60


def test_second_init_app_on_one_app_raises() -> None:
    app = Flask(__name__)
    Hawk(app)

    with pytest.raises(RuntimeError, match="already registered"):
        Hawk().init_app(app)


def test_auth_required_without_init_app_says_so() -> None:
    app = Flask(__name__)
    app.testing = True
    hawk = Hawk()

    @app.get("/")
    @hawk.auth_required
    def index() -> str:
        return "never"

    with pytest.raises(RuntimeError, match="did you forget to call init_app"):
        app.test_client().get("/")


def test_missing_key_loader_is_a_runtime_error() -> None:
    app = Flask(__name__)
    app.testing = True
    hawk = Hawk(app)

    @app.get("/")
    @hawk.auth_required
    def index() -> str:
        return "never"

    header = sign(ALICE, "GET", "/").request_header
    with pytest.raises(RuntimeError, match="client_key_loader"):
        app.test_client().get("/", headers={"Authorization": header})


@pytest.mark.parametrize(
    ("result", "error", "match"),
    [
        pytest.param(42, TypeError, "'int'", id="wrong-type"),
        pytest.param(ClientKey(ALICE.key, "md5"), ValueError, "'md5'", id="bad-algorithm"),
        pytest.param("clé", ValueError, "not ASCII", id="non-ascii-key"),
    ],
)
def test_key_loader_mistakes_name_the_problem(
    result: object, error: type[Exception], match: str
) -> None:
    app = Flask(__name__)
    app.testing = True
    hawk = Hawk(app)

    @hawk.client_key_loader
    def mistaken_loader(client_id: str) -> t.Any:
        return result

    @app.get("/")
    @hawk.auth_required
    def index() -> str:
        return "never"

    header = sign(ALICE, "GET", "/").request_header
    with pytest.raises(error, match=match) as info:
        app.test_client().get("/", headers={"Authorization": header})
    assert ALICE.key not in str(info.value)


@pytest.mark.parametrize(
    ("header", "status"),
    [
        pytest.param(None, 401, id="no-credentials"),
        pytest.param("Basic YWxpY2U6c2VjcmV0", 400, id="malformed"),
        pytest.param("wrong-key", 401, id="unauthorized"),
    ],
)
def test_errors_are_http_exceptions_that_app_handlers_render(
    hawk_app_class: type[Flask], header: str | None, status: int
) -> None:
    app, _ = build_hawk_app(app_class=hawk_app_class)

    @app.errorhandler(400)
    @app.errorhandler(401)
    def render(error: Exception) -> tuple[Response, int]:
        code = getattr(error, "code", 500)
        return jsonify({"error": code}), code

    headers = {}
    if header == "wrong-key":
        wrong = type(ALICE)(ALICE.id, "not-alices-key-000000000000000000")
        headers["Authorization"] = sign(wrong, "GET", "/sync").request_header
    elif header is not None:
        headers["Authorization"] = header

    response = app.test_client().get("/sync", headers=headers)

    assert response.status_code == status
    assert response.json == {"error": status}
    if status == 401 and hawk_app_class is not Flask:
        # ResponsiveFlask keeps the exception's headers under the handler's
        # body; a plain Flask handler must copy them itself.
        assert response.headers["WWW-Authenticate"].startswith("Hawk")


def test_responsive_flask_negotiates_the_hawk_error(caplog: pytest.LogCaptureFixture) -> None:
    from flask_api_utils import ResponsiveFlask

    app, _ = build_hawk_app(app_class=ResponsiveFlask)
    assert isinstance(app, ResponsiveFlask)

    @app.default_errorhandler
    def render(error: Exception) -> tuple[dict[str, object], int]:
        code = getattr(error, "code", 500)
        return {"code": code, "message": "authentication failed"}, code

    response = app.test_client().get("/sync", headers={"Accept": "application/json"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Hawk"
    assert response.json == {"code": 401, "message": "authentication failed"}


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_view_reads_the_form_after_the_body_was_verified(loader_kind: str, kind: str) -> None:
    app, hawk = build_hawk_app(loader_kind=loader_kind)  # type: ignore[arg-type]

    @app.post("/form/sync")
    @hawk.auth_required
    def form_sync() -> Response:
        return jsonify(request.form.to_dict())

    @app.post("/form/async")
    @hawk.auth_required
    async def form_async() -> Response:
        return jsonify(request.form.to_dict())

    body = b"name=alice&age=7"
    path = f"/form/{kind}"
    form = "application/x-www-form-urlencoded"
    header = sign(ALICE, "POST", path, content=body, content_type=form).request_header

    response = app.test_client().post(
        path, data=body, headers={"Authorization": header, "Content-Type": form}
    )

    assert response.status_code == 200
    assert response.json == {"name": "alice", "age": "7"}


def test_log_names_the_reason_and_the_client(
    hawk_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="flask_api_utils.hawk")
    wrong = type(ALICE)(ALICE.id, "not-alices-key-000000000000000000")

    hawk_app.test_client().get(
        "/sync", headers={"Authorization": sign(wrong, "GET", "/sync").request_header}
    )

    assert "MAC mismatch for client 'alice'" in caplog.text


def test_nonce_store_without_remember_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="'nonce_store'"):
        Hawk(nonce_store=object())  # type: ignore[arg-type]
