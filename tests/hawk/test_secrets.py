"""No key, and no MAC the server computed for a forged request, reaches a response or a log.

Every failure kind runs with every logger at DEBUG (mohawk's included). The
MAC the server computes for a tampered request is exactly what a forger needs;
it is recomputed here, independently, with mohawk's Sender.
"""

from __future__ import annotations

import base64
import logging
import pathlib
import time
import typing as t

import pytest
import redis
from flask import Flask
from mohawk.util import parse_authorization_header

from flask_api_utils.hawk import HawkCredentials, MemoryNonceStore, RedisNonceStore
from flask_api_utils.hawk._client import bewit_url
from tests.fixtures.hawk import ALICE, BASE_URL, CRASHING_CLIENT, build_hawk_app, sign

WRONG_KEY = HawkCredentials(ALICE.id, "not-alices-key-000000000000000000")


def _mac(header: str) -> str:
    return parse_authorization_header(header)["mac"]


class Case(t.NamedTuple):
    """One request, and the MAC the server would compute for it, if it must stay secret."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    secret_mac: str | None


def _tampered_path() -> Case:
    sender = sign(ALICE, "GET", "/sync", nonce="n1")
    ts = int(sender.req_resource.timestamp)
    oracle = sign(ALICE, "GET", "/async", nonce="n1", timestamp=ts).request_header
    return Case("GET", "/async", {"Authorization": sender.request_header}, b"", _mac(oracle))


def _wrong_key() -> Case:
    sender = sign(WRONG_KEY, "GET", "/sync", nonce="n2")
    ts = int(sender.req_resource.timestamp)
    oracle = sign(ALICE, "GET", "/sync", nonce="n2", timestamp=ts).request_header
    return Case("GET", "/sync", {"Authorization": sender.request_header}, b"", _mac(oracle))


def _tampered_body() -> Case:
    header = sign(ALICE, "POST", "/sync", content=b"a", content_type="text/plain").request_header
    return Case(
        "POST", "/sync", {"Authorization": header, "Content-Type": "text/plain"}, b"b", None
    )


def _stale() -> Case:
    header = sign(ALICE, "GET", "/sync", timestamp=int(time.time()) - 600).request_header
    return Case("GET", "/sync", {"Authorization": header}, b"", None)


def _malformed() -> Case:
    return Case("GET", "/sync", {"Authorization": 'Hawk id="alice", ts="x"'}, b"", None)


def _crash() -> Case:
    header = sign(CRASHING_CLIENT, "GET", "/sync").request_header
    return Case("GET", "/sync", {"Authorization": header}, b"", None)


def _forged_bewit() -> Case:
    expiry = int(time.time()) + 60
    url = BASE_URL + "/bewit/sync"
    credentials = {"id": ALICE.id, "algorithm": ALICE.algorithm}
    forged = bewit_url(url, {**credentials, "key": WRONG_KEY.key}, expiry=expiry, ext=None)
    genuine = bewit_url(url, {**credentials, "key": ALICE.key}, expiry=expiry, ext=None)
    bewit = genuine.rpartition("bewit=")[2]
    true_mac = base64.urlsafe_b64decode(bewit + "=" * (-len(bewit) % 4)).decode().split("\\")[2]
    return Case("GET", forged.removeprefix(BASE_URL), {}, b"", true_mac)


def _expired_bewit() -> Case:
    url = bewit_url(
        BASE_URL + "/bewit/sync",
        {"id": ALICE.id, "key": ALICE.key, "algorithm": ALICE.algorithm},
        expiry=int(time.time()) - 10,
        ext=None,
    )
    return Case("GET", url.removeprefix(BASE_URL), {}, b"", None)


def _signed_success() -> Case:
    header = sign(ALICE, "GET", "/sync").request_header
    return Case("GET", "/sync", {"Authorization": header}, b"", None)


CASES = [
    pytest.param(_tampered_path, 401, id="tampered-path"),
    pytest.param(_wrong_key, 401, id="wrong-key"),
    pytest.param(_tampered_body, 401, id="tampered-body"),
    pytest.param(_stale, 401, id="stale"),
    pytest.param(_malformed, 400, id="malformed"),
    pytest.param(_crash, 500, id="crashing-loader"),
    pytest.param(_forged_bewit, 401, id="forged-bewit"),
    pytest.param(_expired_bewit, 401, id="expired-bewit"),
    pytest.param(_signed_success, 200, id="signed-success"),
]


def _exposed(caplog: pytest.LogCaptureFixture, response: t.Any) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return "\n".join([caplog.text, headers, response.get_data(as_text=True)])


@pytest.mark.parametrize(("make_case", "status"), CASES)
def test_no_key_or_forgery_mac_is_exposed(
    loader_kind: t.Literal["sync", "async"],
    make_case: t.Callable[[], Case],
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    app.config["HAWK_SIGN_RESPONSE"] = True
    # Made before capture starts: signing the oracle here logs it, the server must not.
    case = make_case()
    caplog.set_level(logging.DEBUG)

    response = app.test_client().open(
        case.path, method=case.method, headers=case.headers, data=case.body
    )

    assert response.status_code == status
    exposed = _exposed(caplog, response)
    assert ALICE.key not in exposed
    if case.secret_mac is not None:
        assert case.secret_mac not in exposed


def test_replay_exposes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app, _ = build_hawk_app(nonce_store=MemoryNonceStore())
    client = app.test_client()
    header = sign(ALICE, "GET", "/sync").request_header

    client.get("/sync", headers={"Authorization": header})
    replay = client.get("/sync", headers={"Authorization": header})

    assert replay.status_code == 401
    assert ALICE.key not in _exposed(caplog, replay)
    assert _mac(header) not in replay.get_data(as_text=True)


def test_unavailable_store_exposes_nothing(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = RedisNonceStore(redis.Redis(unix_socket_path=str(tmp_path / "absent.sock")))
    app, _ = build_hawk_app(nonce_store=store)

    response = app.test_client().get(
        "/sync", headers={"Authorization": sign(ALICE, "GET", "/sync").request_header}
    )

    assert response.status_code == 503
    assert ALICE.key not in _exposed(caplog, response)


def test_extension_log_lines_never_carry_a_mac(
    hawk_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="flask_api_utils.hawk")
    client = hawk_app.test_client()
    headers = [
        sign(WRONG_KEY, "GET", "/sync").request_header,
        sign(ALICE, "GET", "/sync", timestamp=1).request_header,
        sign(ALICE, "GET", "/sync", nonce="r").request_header,
    ]
    headers.append(headers[-1])

    for header in headers:
        client.get("/sync", headers={"Authorization": header})

    ours = [r.getMessage() for r in caplog.records if r.name == "flask_api_utils.hawk"]
    assert len(ours) == 3
    for header in headers:
        assert all(_mac(header) not in line for line in ours)
