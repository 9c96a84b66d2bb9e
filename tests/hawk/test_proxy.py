"""Behind a reverse proxy: with Werkzeug's ProxyFix the MAC covers the URL the client signed."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.fixtures.hawk import ALICE, sign

FORWARDED = [
    pytest.param(
        "https://api.example.com/sync",
        {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com"},
        id="https-default-port",
    ),
    pytest.param(
        "https://api.example.com:8443/sync",
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "api.example.com",
            "X-Forwarded-Port": "8443",
        },
        id="https-explicit-port",
    ),
    pytest.param(
        "http://api.example.com:8080/sync?q=a%2Fb",
        {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "api.example.com:8080"},
        id="port-in-host",
    ),
    pytest.param(
        "https://api.example.com/v1/sync",
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "api.example.com",
            "X-Forwarded-Prefix": "/v1",
        },
        id="path-prefix",
    ),
]


def _behind_proxy(app: Flask) -> Flask:
    app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
        app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1
    )
    return app


@pytest.mark.parametrize(("signed_url", "forwarded"), FORWARDED)
def test_request_signed_for_the_public_url_verifies_behind_proxyfix(
    hawk_app: Flask, signed_url: str, forwarded: dict[str, str]
) -> None:
    app = _behind_proxy(hawk_app)
    header = sign(ALICE, "GET", signed_url).request_header
    # The proxy forwards to the app server on its own address, prefix removed.
    target = "/sync" + signed_url.partition("/sync")[2]

    response = app.test_client().get(
        target,
        base_url="http://127.0.0.1:8000",
        headers={"Authorization": header, **forwarded},
    )

    assert response.status_code == 200


@pytest.mark.parametrize(("signed_url", "forwarded"), FORWARDED[:2])
def test_without_proxyfix_the_public_url_does_not_verify(
    hawk_app: Flask, signed_url: str, forwarded: dict[str, str]
) -> None:
    header = sign(ALICE, "GET", signed_url).request_header

    response = hawk_app.test_client().get(
        "/sync",
        base_url="http://127.0.0.1:8000",
        headers={"Authorization": header, **forwarded},
    )

    assert response.status_code == 401


def test_signed_response_verifies_behind_proxyfix(hawk_app: Flask) -> None:
    app = _behind_proxy(hawk_app)
    app.config["HAWK_SIGN_RESPONSE"] = True
    sender = sign(ALICE, "GET", "https://api.example.com/sync")

    response = app.test_client().get(
        "/sync",
        base_url="http://127.0.0.1:8000",
        headers={
            "Authorization": sender.request_header,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "api.example.com",
        },
    )

    assert response.status_code == 200
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=response.get_data(),
        content_type=response.headers["Content-Type"],
    )
