"""Real clients against a real server: mohawk's Sender and requests-hawk over HTTP on 127.0.0.1."""

from __future__ import annotations

import time
import typing as t

import pytest
import requests
from mohawk import Sender
from mohawk.util import calculate_ts_mac
from requests_hawk import HawkAuth

from flask_api_utils.hawk import MemoryNonceStore, make_bewit_url
from tests.fixtures.hawk import ALICE, BOB, build_hawk_app

if t.TYPE_CHECKING:
    from flask import Flask

    from tests.fixtures.live_server import LiveServer, LiveServerFactory

VIEWS = [pytest.param("/sync", id="sync-view"), pytest.param("/async", id="async-view")]


@pytest.fixture
def live_app(loader_kind: t.Literal["sync", "async"]) -> Flask:
    """The Hawk test app, signing its responses."""
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    app.config["HAWK_SIGN_RESPONSE"] = True
    return app


@pytest.fixture
def server(live_app: Flask, live_server_factory: LiveServerFactory) -> LiveServer:
    """The app served by Werkzeug's threaded server."""
    return live_server_factory(live_app)


def _sender(method: str, url: str, body: bytes = b"", content_type: str = "") -> Sender:
    credentials = {"id": ALICE.id, "key": ALICE.key, "algorithm": ALICE.algorithm}
    return Sender(credentials, url, method, content=body, content_type=content_type)


@pytest.mark.parametrize("path", VIEWS)
def test_mohawk_client_and_server_signature_round_trip(server: LiveServer, path: str) -> None:
    body = b'{"title": "over the wire"}'
    url = server.url + path
    sender = _sender("POST", url, body, "application/json")

    response = requests.post(
        url,
        data=body,
        headers={"Authorization": sender.request_header, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["body"] == body.decode()
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=response.content,
        content_type=response.headers["Content-Type"],
    )


@pytest.mark.parametrize("path", VIEWS)
def test_requests_hawk_client_is_accepted(server: LiveServer, path: str) -> None:
    auth = HawkAuth(id=BOB.id, key=BOB.key, algorithm=BOB.algorithm, ext="from-requests")

    response = requests.put(server.url + path, json={"n": 1}, auth=auth, timeout=10)

    assert response.status_code == 200
    assert response.json()["client_id"] == "bob"
    assert response.json()["ext"] == "from-requests"


def test_requests_hawk_get_with_query_is_accepted(server: LiveServer) -> None:
    # requests-hawk hashes only when there is a body to hash.
    auth = HawkAuth(id=ALICE.id, key=ALICE.key, always_hash_content=False)

    response = requests.get(
        server.url + "/files/report.csv",
        params={"q": "a b", "sort": "-date"},
        auth=auth,
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["args"] == {"q": "a b", "sort": "-date"}


def test_percent_encoded_target_verifies_through_a_real_server(server: LiveServer) -> None:
    url = server.url + "/files/a%2Fb?q=%20"
    sender = _sender("GET", url)

    response = requests.get(url, headers={"Authorization": sender.request_header}, timeout=10)

    assert response.status_code == 200
    assert response.json()["name"] == "a/b"


def test_replay_over_the_wire_is_refused(server: LiveServer) -> None:
    url = server.url + "/sync"
    header = _sender("GET", url).request_header

    first = requests.get(url, headers={"Authorization": header}, timeout=10)
    replay = requests.get(url, headers={"Authorization": header}, timeout=10)

    assert (first.status_code, replay.status_code) == (200, 401)


def test_client_can_verify_the_server_time_of_a_stale_answer(server: LiveServer) -> None:
    url = server.url + "/sync"
    credentials = {"id": ALICE.id, "key": ALICE.key, "algorithm": ALICE.algorithm}
    sender = Sender(credentials, url, "GET", content=b"", content_type="", _timestamp=1)

    response = requests.get(url, headers={"Authorization": sender.request_header}, timeout=10)

    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    ts = challenge.split('ts="')[1].split('"')[0]
    tsm = challenge.split('tsm="')[1].split('"')[0]
    assert calculate_ts_mac(ts, credentials).decode() == tsm
    assert abs(int(ts) - time.time()) < 5


def test_bewit_link_downloads_through_a_real_server(server: LiveServer) -> None:
    url = make_bewit_url(server.url + "/bewit/async?format=csv", ALICE, ttl=30)

    response = requests.get(url, timeout=10)
    head = requests.head(url, timeout=10)

    assert response.status_code == 200
    assert response.json()["via"] == "bewit"
    assert head.status_code == 200


def test_unsigned_request_is_challenged_over_the_wire(server: LiveServer) -> None:
    response = requests.get(
        server.url + "/sync", headers={"Origin": "https://app.example"}, timeout=10
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Hawk"
    assert response.headers["Access-Control-Expose-Headers"] == (
        "WWW-Authenticate, Server-Authorization"
    )


def test_streamed_response_is_signed_without_hash_over_the_wire(server: LiveServer) -> None:
    url = server.url + "/stream"
    sender = _sender("GET", url)

    response = requests.get(url, headers={"Authorization": sender.request_header}, timeout=10)

    assert response.content == b"first,second"
    sender.accept_response(
        response.headers["Server-Authorization"],
        content=response.content,
        content_type=response.headers["Content-Type"],
        accept_untrusted_content=True,
    )
