"""Signed responses (HAWK_SIGN_RESPONSE) and the headers exposed to browser scripts."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask, Response
from mohawk.exc import MisComputedContentHash

from flask_api_utils.hawk import Hawk, MemoryNonceStore
from tests.fixtures.hawk import ALICE, build_hawk_app, sign

VIEWS = [pytest.param("/sync", id="sync-view"), pytest.param("/async", id="async-view")]


@pytest.fixture
def signing_app(loader_kind: t.Literal["sync", "async"]) -> Flask:
    """The Hawk test app with HAWK_SIGN_RESPONSE on."""
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    app.config["HAWK_SIGN_RESPONSE"] = True
    return app


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("GET", "/sync", 200, id="sync-view"),
        pytest.param("GET", "/async", 200, id="async-view"),
        pytest.param("POST", "/sync", 200, id="post"),
        pytest.param("GET", "/empty", 204, id="no-content"),
        pytest.param("GET", "/missing", 404, id="error-response"),
        pytest.param("GET", "/files/a%2Fb?q=%20", 200, id="encoded-target"),
    ],
)
def test_client_verifies_the_signed_response(
    signing_app: Flask, method: str, path: str, status: int
) -> None:
    body = b"payload" if method == "POST" else b""
    content_type = "text/plain" if method == "POST" else ""
    sender = sign(ALICE, method, path, content=body, content_type=content_type, ext="req")
    headers = {"Authorization": sender.request_header}
    if content_type:
        headers["Content-Type"] = content_type

    response = signing_app.test_client().open(path, method=method, data=body, headers=headers)

    assert response.status_code == status
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=response.get_data(),
        content_type=response.headers.get("Content-Type", ""),
    )


def test_signature_does_not_verify_another_body(signing_app: Flask) -> None:
    sender = sign(ALICE, "GET", "/sync")

    response = signing_app.test_client().get(
        "/sync", headers={"Authorization": sender.request_header}
    )

    with pytest.raises(MisComputedContentHash):
        sender.accept_response(
            response.headers["Server-Authorization"],
            content=response.get_data() + b" ",
            content_type=response.headers["Content-Type"],
        )


def test_head_response_is_signed_for_the_empty_body_sent(signing_app: Flask) -> None:
    sender = sign(ALICE, "HEAD", "/sync")

    response = signing_app.test_client().head(
        "/sync", headers={"Authorization": sender.request_header}
    )

    assert response.status_code == 200
    assert response.get_data() == b""
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=b"",
        content_type=response.headers["Content-Type"],
    )


def test_streamed_response_is_signed_without_a_payload_hash(signing_app: Flask) -> None:
    sender = sign(ALICE, "GET", "/stream")

    response = signing_app.test_client().get(
        "/stream", headers={"Authorization": sender.request_header}
    )

    assert response.get_data() == b"first,second"
    header = response.headers["Server-Authorization"]
    assert "hash=" not in header
    sender.accept_response(
        header,
        content=response.get_data(),
        content_type=response.headers["Content-Type"],
        accept_untrusted_content=True,
    )


def test_responses_are_not_signed_by_default(hawk_app: Flask) -> None:
    header = sign(ALICE, "GET", "/sync").request_header

    response = hawk_app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 200
    assert "Server-Authorization" not in response.headers


def test_failed_request_gets_no_signature(signing_app: Flask) -> None:
    response = signing_app.test_client().get("/sync")

    assert response.status_code == 401
    assert "Server-Authorization" not in response.headers


def test_signing_reuses_the_request_verification() -> None:
    app, hawk = build_hawk_app()
    app.config["HAWK_SIGN_RESPONSE"] = True
    loads: list[str] = []

    @hawk.client_key_loader
    def counting_loader(client_id: str) -> str:
        loads.append(client_id)
        return ALICE.key

    sender = sign(ALICE, "GET", "/sync")
    response = app.test_client().get("/sync", headers={"Authorization": sender.request_header})

    assert response.status_code == 200
    assert loads == ["alice"]
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=response.get_data(),
        content_type=response.headers["Content-Type"],
    )


ORIGIN = {"Origin": "https://app.example"}


@pytest.mark.parametrize("path", VIEWS)
def test_hawk_headers_are_exposed_to_cors_scripts_on_success_and_failure(
    hawk_app: Flask, path: str
) -> None:
    client = hawk_app.test_client()
    header = sign(ALICE, "GET", path).request_header

    ok = client.get(path, headers={"Authorization": header, **ORIGIN})
    refused = client.get(path, headers=ORIGIN)

    assert [ok.status_code, refused.status_code] == [200, 401]
    for response in (ok, refused):
        assert response.headers["Access-Control-Expose-Headers"] == (
            "WWW-Authenticate, Server-Authorization"
        )


@pytest.mark.parametrize("path", VIEWS)
def test_requests_without_origin_get_no_cors_header(hawk_app: Flask, path: str) -> None:
    # Access-Control-Expose-Headers means something only in a CORS response,
    # and only a request with an Origin header gets one.
    client = hawk_app.test_client()
    header = sign(ALICE, "GET", path).request_header

    ok = client.get(path, headers={"Authorization": header})
    refused = client.get(path)

    assert [ok.status_code, refused.status_code] == [200, 401]
    assert "Access-Control-Expose-Headers" not in ok.headers
    assert "Access-Control-Expose-Headers" not in refused.headers


def test_exposed_headers_merge_with_an_existing_value(hawk_app: Flask) -> None:
    @hawk_app.after_request
    def expose_request_id(response: Response) -> Response:
        response.headers["Access-Control-Expose-Headers"] = "X-Request-Id, www-authenticate"
        return response

    header = sign(ALICE, "GET", "/sync").request_header

    response = hawk_app.test_client().get("/sync", headers={"Authorization": header, **ORIGIN})

    assert response.headers.getlist("Access-Control-Expose-Headers") == [
        "X-Request-Id, www-authenticate, Server-Authorization"
    ]


def test_unprotected_views_expose_nothing(hawk_app: Flask) -> None:
    response = hawk_app.test_client().get("/public", headers=ORIGIN)

    assert "Access-Control-Expose-Headers" not in response.headers


def test_response_without_content_type_is_signed(signing_app: Flask) -> None:
    hawk: Hawk = signing_app.extensions["hawk"]

    @signing_app.get("/bare")
    @hawk.auth_required
    def bare() -> Response:
        response = Response(b"raw bytes")
        del response.headers["Content-Type"]
        return response

    sender = sign(ALICE, "GET", "/bare")

    response = signing_app.test_client().get(
        "/bare", headers={"Authorization": sender.request_header}
    )

    assert response.status_code == 200
    assert "Content-Type" not in response.headers
    sender.accept_response(
        response.headers["Server-Authorization"], content=response.get_data(), content_type=""
    )


def test_unprotected_request_in_a_shared_app_context_is_not_signed(signing_app: Flask) -> None:
    # Requests made inside one app context share flask.g: what Hawk knows of
    # a request must not outlive it and sign the next one's response.
    @signing_app.get("/open")
    def open_view() -> str:
        return "open"

    client = signing_app.test_client()
    sender = sign(ALICE, "GET", "/sync")

    with signing_app.app_context():
        protected = client.get("/sync", headers={"Authorization": sender.request_header})
        unprotected = client.get("/open")

    assert "Server-Authorization" in protected.headers
    assert unprotected.status_code == 200
    assert "Server-Authorization" not in unprotected.headers
    assert "Access-Control-Expose-Headers" not in unprotected.headers
