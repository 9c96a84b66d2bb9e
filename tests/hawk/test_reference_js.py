"""The extension and Hawk's reference JavaScript implementation compute and accept alike.

The reference (``@hapi/hawk``, see :mod:`tests.fixtures.hawk_reference`) gets
the same hypothesis-drawn requests as the mohawk differential tests: every
MAC, payload hash and ``tsm`` must be equal given the same parts; a header
the reference client signs must verify here, and one signed here must pass
the reference server; a ``Server-Authorization`` made here must equal the
reference server's and pass its client; bewits must cross both ways.

Where node's URL parser and Python's split a URL differently (``;``
parameters, which mohawk and so the extension leave out of the MAC; an empty
query, whose ``?`` node keeps; a port with leading zeros), the two sides
sign different strings: those URLs are drawn only for the MAC comparisons,
which take the parts as given (see :func:`.differential_support.paths`).
"""

from __future__ import annotations

import dataclasses
import time
import typing as t

import pytest
import requests
from hypothesis import HealthCheck, given, settings

from flask_api_utils.hawk import MemoryNonceStore, _bewit, _client, _protocol
from tests.fixtures.hawk import ALICE, BOB, build_hawk_app
from tests.fixtures.hawk_reference import HawkReference, ReferenceRefused, b64

from .differential_support import Case, cases, our_header, our_mac, our_verification

if t.TYPE_CHECKING:
    from flask import Flask

    from tests.fixtures.live_server import LiveServer, LiveServerFactory

CASES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _options(case: Case, target: _protocol.Target, **extra: object) -> dict[str, object]:
    return {
        "method": case.method,
        "resource": target.resource,
        "host": target.host,
        "port": target.port,
        "ts": str(case.ts),
        "nonce": case.nonce,
        "ext": case.ext,
        "app": case.app,
        "dlg": case.dlg,
        **extra,
    }


@CASES
@given(case=cases())
def test_macs_equal_the_references(hawk_reference: HawkReference, case: Case) -> None:
    try:
        target = _protocol._split_url(case.url)
    except ValueError:
        return
    payload_hash = _protocol._payload_hash(case.algorithm, case.content_type, case.content)
    credentials = case.credentials

    for kind in ("header", "response", "bewit"):
        ours = our_mac(case, kind, target, payload_hash)
        theirs = hawk_reference.call(
            "mac",
            type=kind,
            credentials=credentials,
            options=_options(case, target, hash=payload_hash.decode()),
        )
        assert ours.decode() == theirs, kind
    assert payload_hash.decode() == hawk_reference.call(
        "payloadHash",
        payload=b64(case.content),
        algorithm=case.algorithm,
        contentType=case.content_type,
    )
    assert _protocol._ts_mac(case.ts, credentials) == hawk_reference.call(
        "tsMac", ts=case.ts, credentials=credentials
    )


def _client_header(reference: HawkReference, case: Case, ts: int) -> dict[str, t.Any]:
    signed: dict[str, t.Any] = reference.call(
        "clientHeader",
        uri=case.url,
        method=case.method,
        options={
            "credentials": case.credentials,
            "timestamp": ts,
            "nonce": case.nonce,
            "payload": b64(case.content),
            "contentType": case.content_type,
            "ext": case.ext,
            "app": case.app,
            "dlg": case.dlg,
        },
    )
    return signed


def _request(case: Case, **headers: str) -> dict[str, object]:
    scheme, _, rest = case.url.partition("://")
    host, _, target = rest.partition("/")
    return {
        "method": case.method,
        "url": "/" + target,
        "headers": {"host": host, "content-type": case.content_type, **headers},
        "https": scheme == "https",
    }


@CASES
@given(case=cases(reference=True))
def test_reference_client_header_verifies_and_response_verifies_there(
    hawk_reference: HawkReference, case: Case
) -> None:
    signed = _client_header(hawk_reference, case, int(time.time()))

    verified = our_verification(case, signed["header"])
    ours = verified.sign_response(
        case.response_content, case.response_content_type, ext=case.response_ext
    )

    theirs = hawk_reference.call(
        "serverHeader",
        credentials=case.credentials,
        artifacts=signed["artifacts"],
        options={
            "payload": b64(case.response_content),
            "contentType": case.response_content_type,
            "ext": case.response_ext,
        },
    )
    assert ours == theirs
    assert hawk_reference.call(
        "clientAuthenticate",
        headers={"server-authorization": ours, "content-type": case.response_content_type},
        credentials=case.credentials,
        artifacts=signed["artifacts"],
        options={"payload": b64(case.response_content)},
    )


@CASES
@given(case=cases(reference=True))
def test_our_client_header_passes_the_reference_server(
    hawk_reference: HawkReference, case: Case
) -> None:
    header = our_header(case, timestamp=None)

    artifacts = hawk_reference.call(
        "serverAuthenticate",
        req=_request(case, authorization=header),
        credentials=case.credentials,
        options={"payload": b64(case.content)},
    )

    assert artifacts["mac"] == _protocol._parse_attributes(header[5:])["mac"]


@CASES
@given(case=cases(reference=True))
def test_bewits_cross_both_ways(hawk_reference: HawkReference, case: Case) -> None:
    url = case.url.replace("bewit=", "b=")
    ours = _client.bewit_url(url, case.credentials, expiry=int(time.time()) + 60, ext=case.ext)
    theirs = hawk_reference.call(
        "bewit", uri=url, options={"credentials": case.credentials, "ttlSec": 60, "ext": case.ext}
    )

    accepted = hawk_reference.call(
        "serverAuthenticateBewit",
        req=_request(dataclasses.replace(case, url=ours, method="GET")),
        credentials=case.credentials,
    )
    attempt = _bewit.parse_bewit(theirs, url)
    _bewit.verify_bewit(attempt, case.credentials, offset=0)

    assert accepted["id"] == case.credentials["id"]
    assert accepted["ext"] == (case.ext or "")
    assert attempt.ext == (case.ext or "")


# Reference-client interoperability over real HTTP.


@pytest.fixture
def server(live_server_factory: LiveServerFactory) -> LiveServer:
    """The Hawk test app, signing its responses, on a live threaded server."""
    app: Flask
    app, _ = build_hawk_app(nonce_store=MemoryNonceStore())
    app.config["HAWK_SIGN_RESPONSE"] = True
    return live_server_factory(app)


@pytest.mark.parametrize("path", ["/sync", "/async"])
@pytest.mark.parametrize("credentials", [ALICE, BOB], ids=["sha256", "sha1"])
def test_reference_client_is_accepted_by_a_live_server_and_verifies_its_response(
    hawk_reference: HawkReference, server: LiveServer, path: str, credentials: t.Any
) -> None:
    body = b'{"title": "from node"}'
    url = f"{server.url}{path}?q=a%2Fb"
    signed = hawk_reference.call(
        "clientHeader",
        uri=url,
        method="POST",
        options={
            "credentials": {
                "id": credentials.id,
                "key": credentials.key,
                "algorithm": credentials.algorithm,
            },
            "payload": b64(body),
            "contentType": "application/json",
            "ext": "from-node",
        },
    )

    response = requests.post(
        url,
        data=body,
        headers={"Authorization": signed["header"], "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["client_id"] == credentials.id
    assert response.json()["ext"] == "from-node"
    assert hawk_reference.call(
        "clientAuthenticate",
        headers={
            "server-authorization": response.headers["Server-Authorization"],
            "content-type": response.headers["Content-Type"],
        },
        credentials={
            "id": credentials.id,
            "key": credentials.key,
            "algorithm": credentials.algorithm,
        },
        artifacts=signed["artifacts"],
        options={"payload": b64(response.content), "required": True},
    )


def test_reference_client_rejects_a_tampered_response(
    hawk_reference: HawkReference, server: LiveServer
) -> None:
    credentials = {"id": ALICE.id, "key": ALICE.key, "algorithm": ALICE.algorithm}
    signed = hawk_reference.call(
        "clientHeader",
        uri=server.url + "/sync",
        method="GET",
        options={"credentials": credentials, "payload": "", "contentType": ""},
    )
    response = requests.get(
        server.url + "/sync", headers={"Authorization": signed["header"]}, timeout=10
    )
    assert response.status_code == 200

    with pytest.raises(ReferenceRefused, match="Bad response payload mac"):
        hawk_reference.call(
            "clientAuthenticate",
            headers={
                "server-authorization": response.headers["Server-Authorization"],
                "content-type": response.headers["Content-Type"],
            },
            credentials=credentials,
            artifacts=signed["artifacts"],
            options={"payload": b64(response.content + b" "), "required": True},
        )


@pytest.mark.parametrize("path", ["/bewit/sync", "/bewit/async"])
def test_reference_bewit_is_accepted_by_a_live_server(
    hawk_reference: HawkReference, server: LiveServer, path: str
) -> None:
    credentials = {"id": BOB.id, "key": BOB.key, "algorithm": BOB.algorithm}
    url = f"{server.url}{path}?page=2"
    bewit = hawk_reference.call(
        "bewit", uri=url, options={"credentials": credentials, "ttlSec": 60, "ext": "shared"}
    )

    response = requests.get(f"{url}&bewit={bewit}", timeout=10)

    assert response.status_code == 200
    assert response.json() | {"body": ""} == {
        "client_id": BOB.id,
        "ext": "shared",
        "app": None,
        "dlg": None,
        "via": "bewit",
        "body": "",
    }
