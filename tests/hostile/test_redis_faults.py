"""Redis going away mid-run: requests fail closed with 503 and a log line, then service resumes.

A real redis-server is stopped (its socket removed) or frozen (SIGSTOP:
connections open, nothing answered) while a Hawk app uses it as its nonce
store: the sync :class:`RedisNonceStore` and the asyncio
:class:`AsyncRedisNonceStore`, each under sync and ``async def`` views. No
request is accepted without its nonce check, none is a 500, each refusal is
logged with its cause, and signed requests are accepted again once Redis is
back. Under load from many threads on a live server, the same holds and no
nonce is accepted twice.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
import typing as t

import pytest

from flask_api_utils.hawk import AsyncRedisNonceStore, NonceStoreUnavailable, RedisNonceStore
from tests.fixtures.hawk import ALICE, build_hawk_app, sign

from .load import Answer, send_all, sign_many

if t.TYPE_CHECKING:
    import redis
    from flask import Flask

    from flask_api_utils.typing import AsyncNonceStore, NonceStore
    from tests.fixtures.live_server import LiveServerFactory
    from tests.fixtures.redis_server import RedisServer

#: Seconds a store waits for Redis: a frozen server costs each request this much.
REDIS_TIMEOUT = 0.5


def _store(kind: str, url: str) -> NonceStore | AsyncNonceStore:
    if kind == "sync":
        return RedisNonceStore.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
    return AsyncRedisNonceStore.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )


def _get(app: Flask, path: str, header: str | None = None) -> tuple[int, str]:
    header = header or sign(ALICE, "GET", path).request_header
    response = app.test_client().get(path, headers={"Authorization": header})
    return response.status_code, header


def _refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "flask_api_utils.hawk" and record.levelno == logging.ERROR
    ]


def _assert_logged_with_cause(record: logging.LogRecord, *causes: str) -> None:
    assert "nonce store unavailable" in record.getMessage()
    assert record.exc_info is not None
    error = record.exc_info[1]
    assert isinstance(error, NonceStoreUnavailable)
    assert any(cause in str(error) for cause in causes), str(error)
    assert ALICE.key not in record.getMessage()


STORE_AND_VIEW = [
    pytest.param("sync", "/sync", id="sync-store-sync-view"),
    pytest.param("sync", "/async", id="sync-store-async-view"),
    pytest.param("async", "/async", id="asyncio-store-async-view"),
    pytest.param("async", "/sync", id="asyncio-store-sync-view"),
]


@pytest.mark.parametrize(("store_kind", "path"), STORE_AND_VIEW)
def test_stopped_redis_fails_closed_and_service_resumes(
    redis_server: RedisServer,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    store_kind: str,
    path: str,
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_api_utils.hawk")
    app, _ = build_hawk_app(nonce_store=_store(store_kind, redis_server.url))
    status, accepted = _get(app, path)
    assert status == 200

    redis_server.stop()
    try:
        down = _get(app, path)[0]
        replay_while_down = _get(app, path, accepted)[0]
    finally:
        redis_server.start()
    # The very first request after the restart: stale pooled connections reconnect.
    back, header = _get(app, path)
    replay_after = _get(app, path, header)[0]

    assert down == 503
    assert replay_while_down == 503
    assert back == 200
    assert replay_after == 401
    refusals = _refusals(caplog)
    assert len(refusals) >= 2
    for record in refusals:
        _assert_logged_with_cause(record, "ConnectionError")


@pytest.mark.parametrize(("store_kind", "path"), STORE_AND_VIEW)
def test_frozen_redis_times_out_into_503_and_service_resumes(
    redis_server: RedisServer,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
    store_kind: str,
    path: str,
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_api_utils.hawk")
    app, _ = build_hawk_app(nonce_store=_store(store_kind, redis_server.url))
    assert _get(app, path)[0] == 200

    with redis_server.paused():
        started = time.monotonic()
        frozen, header = _get(app, path)
        waited = time.monotonic() - started
    after = _get(app, path)[0]

    assert frozen == 503
    # Bounded by the client's timeout, not by how long Redis stays frozen.
    assert waited < 10 * REDIS_TIMEOUT
    assert after == 200
    (record,) = _refusals(caplog)
    # A new connection to a frozen server times out in its handshake, which
    # redis-py's asyncio client reports as a ConnectionError.
    _assert_logged_with_cause(record, "TimeoutError", "ConnectionError")
    # Redis may have stored the frozen request's nonce once it woke; either way
    # that request was refused, and is never accepted later.
    assert _get(app, path, header)[0] in {200, 401}


# Load: threads keep sending unique signed requests, each twice, while Redis
# is stopped and started under them.

THREADS = 6
PER_THREAD = 120


def test_outage_under_load_never_accepts_a_nonce_twice_or_errors(
    redis_server: RedisServer,
    redis_client: redis.Redis,
    live_server_factory: LiveServerFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_api_utils.hawk")
    store = RedisNonceStore.from_url(
        redis_server.url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
    app, _ = build_hawk_app(nonce_store=store)
    # Requests are signed up front: a wide window keeps them fresh on a busy machine.
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = 600
    server = live_server_factory(app)
    signed = sign_many(server.url, THREADS * PER_THREAD)
    # Each request twice in a row from one thread, interleaved with other threads' requests.
    work = [
        [(index, signed[index]) for index in range(n, len(signed), THREADS) for _ in range(2)]
        for n in range(THREADS)
    ]
    sent = 0
    lock = threading.Lock()
    outage_at = len(signed) * 2 // 4
    restart_at = len(signed) * 2 // 2
    stopped = threading.Event()
    restarted = threading.Event()
    phases: dict[int, str] = {}

    def chaos(answer: Answer) -> None:
        nonlocal sent
        with lock:
            sent += 1
            phases.setdefault(answer.index, "restarted" if restarted.is_set() else "")
            if sent == outage_at:
                redis_server.stop()
                stopped.set()
            elif sent == restart_at:
                redis_server.start()
                restarted.set()

    try:
        answers = send_all(work, after_each=chaos)
    finally:
        redis_server.start()

    assert stopped.is_set()
    assert restarted.is_set()
    statuses = collections.Counter(answer.status for answer in answers)
    assert set(statuses) <= {200, 401, 503}, statuses
    assert statuses[503] > 0
    by_request = collections.defaultdict(list)
    for answer in answers:
        by_request[answer.index].append(answer.status)
    for index, got in by_request.items():
        assert got.count(200) <= 1, (index, got)
    # Requests first answered after the restart were accepted again.
    after = [by_request[i] for i, phase in phases.items() if phase == "restarted"]
    assert after
    assert sum(200 in got for got in after) >= len(after) // 2
    assert len(_refusals(caplog)) == statuses[503]
