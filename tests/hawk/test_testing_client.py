"""flask_api_utils.testing: signing Flask test-client requests for users' own tests."""

from __future__ import annotations

import io
import typing as t

import pytest
from flask import Flask, Response, jsonify, request
from werkzeug.test import EnvironBuilder

from flask_api_utils.hawk import HawkCredentials
from flask_api_utils.testing import HawkTestClient, hawk_authorization
from tests.fixtures.hawk import ALICE, BOB, build_hawk_app


@pytest.fixture
def client(loader_kind: t.Literal["sync", "async"]) -> HawkTestClient:
    """A HawkTestClient of the Hawk test app, with an upload view added."""
    app, hawk = build_hawk_app(loader_kind=loader_kind)

    @app.route("/upload", methods=["POST", "PUT"])
    @hawk.auth_required
    def upload() -> Response:
        files = {name: f.read().decode() for name, f in request.files.items()}
        return jsonify(
            {
                "form": request.form.to_dict(),
                "files": files,
                "json": request.json if request.is_json else None,
            }
        )

    app.test_client_class = HawkTestClient
    test_client = app.test_client()
    assert isinstance(test_client, HawkTestClient)
    return test_client


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_get_is_signed(client: HawkTestClient, path: str) -> None:
    response = client.get(path, hawk=ALICE)

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["client_id"] == "alice"


def test_requests_without_hawk_are_left_unsigned(client: HawkTestClient) -> None:
    assert client.get("/sync").status_code == 401


def test_each_request_gets_a_fresh_nonce(client: HawkTestClient) -> None:
    statuses = [client.get("/sync", hawk=BOB).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param(
            {"json": {"title": "hi"}},
            {"form": {}, "files": {}, "json": {"title": "hi"}},
            id="json",
        ),
        pytest.param(
            {"data": {"title": "hi"}},
            {"form": {"title": "hi"}, "files": {}, "json": None},
            id="urlencoded-form",
        ),
        pytest.param(
            # A file object is used up by one request: each run gets its own.
            lambda: {"data": {"title": "hi", "doc": (io.BytesIO(b"file body"), "doc.txt")}},
            {"form": {"title": "hi"}, "files": {"doc": "file body"}, "json": None},
            id="multipart",
        ),
        pytest.param(
            {"data": b'{"raw": 1}', "content_type": "application/json; charset=utf-8"},
            {"form": {}, "files": {}, "json": {"raw": 1}},
            id="raw-bytes",
        ),
    ],
)
def test_body_and_content_type_are_signed(
    client: HawkTestClient,
    kwargs: dict[str, t.Any] | t.Callable[[], dict[str, t.Any]],
    expected: dict[str, object],
) -> None:
    arguments = kwargs() if callable(kwargs) else kwargs

    response = client.post("/upload", hawk=ALICE, **arguments)

    assert response.status_code == 200
    assert response.json == expected


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        pytest.param("/files/a%2Fb?q=%20", {}, id="encoded-target"),
        pytest.param("/files/café", {"query_string": {"q": "é"}}, id="iri-and-query-dict"),
        pytest.param("/files/x", {"query_string": "a=1&a=2"}, id="query-string"),
    ],
)
def test_url_is_signed_as_sent(client: HawkTestClient, path: str, kwargs: dict[str, t.Any]) -> None:
    response = client.get(path, hawk=ALICE, **kwargs)

    assert response.status_code == 200


def test_app_under_a_script_root_is_signed(loader_kind: t.Literal["sync", "async"]) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind)
    app.test_client_class = HawkTestClient
    client = app.test_client()

    response = client.get("/sync", base_url="http://localhost/mounted", hawk=ALICE)

    assert response.status_code == 200


def test_wrong_key_is_refused(client: HawkTestClient) -> None:
    response = client.get("/sync", hawk=HawkCredentials("alice", "not-the-key-000000000000"))

    assert response.status_code == 401


def test_hawk_with_a_prebuilt_request_is_a_type_error(client: HawkTestClient) -> None:
    with pytest.raises(TypeError, match="path and keyword"):
        client.open(EnvironBuilder("/sync"), hawk=ALICE)


def test_hawk_authorization_signs_for_a_plain_test_client(
    loader_kind: t.Literal["sync", "async"],
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind)
    header = hawk_authorization(
        ALICE,
        "PUT",
        "http://localhost/async",
        content=b"new text",
        content_type="text/plain",
        ext="edit",
    )

    response = app.test_client().put(
        "/async", data=b"new text", headers={"Authorization": header, "Content-Type": "text/plain"}
    )

    assert response.status_code == 200
    assert response.json is not None
    assert (response.json["ext"], response.json["body"]) == ("edit", "new text")


def test_hawk_authorization_can_replay_and_backdate(client: HawkTestClient) -> None:
    header = hawk_authorization(ALICE, "GET", "http://localhost/sync", nonce="n1")
    stale = hawk_authorization(ALICE, "GET", "http://localhost/sync", timestamp=1)

    first = client.get("/sync", headers={"Authorization": header})
    replay = client.get("/sync", headers={"Authorization": header})
    old = client.get("/sync", headers={"Authorization": stale})

    assert [first.status_code, replay.status_code, old.status_code] == [200, 401, 401]


def test_plain_flask_app_accepts_the_test_client() -> None:
    app = Flask(__name__)
    app.test_client_class = HawkTestClient

    @app.get("/")
    def index() -> str:
        return "no hawk here"

    assert app.test_client().get("/").data == b"no hawk here"
