"""Replay protection: nonces remembered after everything else verified, stores failing closed."""

from __future__ import annotations

import collections.abc as cabc
import logging
import pathlib
import time
import typing as t

import pytest
import redis
from flask import Flask

from flask_api_utils.hawk import (
    AsyncRedisNonceStore,
    Hawk,
    MemoryNonceStore,
    RedisNonceStore,
)
from tests.fixtures.hawk import ALICE, BOB, build_hawk_app, sign
from tests.hawk.test_auth import RecordingStore

if t.TYPE_CHECKING:
    from flask_api_utils.typing import AsyncNonceStore, NonceStore
    from tests.fixtures.redis_server import RedisServer

VIEWS = [pytest.param("/sync", id="sync-view"), pytest.param("/async", id="async-view")]


class AsyncMemoryStore:
    """An AsyncNonceStore keeping nonces in memory, as an asyncio store would."""

    def __init__(self) -> None:
        self.inner = MemoryNonceStore()
        self.calls = 0

    async def remember(self, key: str, ttl: float, /) -> bool:
        self.calls += 1
        return self.inner.remember(key, ttl)


@pytest.fixture(
    params=[
        pytest.param("memory", id="memory-store"),
        pytest.param("async-memory", id="async-store"),
        pytest.param("redis", id="redis-store"),
        pytest.param("async-redis", id="async-redis-store"),
    ]
)
def nonce_store(request: pytest.FixtureRequest) -> NonceStore | AsyncNonceStore:
    """Every kind of store: sync and async, in memory and in a real redis-server."""
    kind: str = request.param
    if kind == "memory":
        return MemoryNonceStore()
    if kind == "async-memory":
        return AsyncMemoryStore()
    # Only the Redis stores start (and empty) the real server.
    request.getfixturevalue("redis_client")
    redis_server: RedisServer = request.getfixturevalue("redis_server")
    if kind == "redis":
        return RedisNonceStore.from_url(redis_server.url)
    return AsyncRedisNonceStore.from_url(redis_server.url)


@pytest.mark.parametrize("path", VIEWS)
def test_replayed_request_is_refused(
    loader_kind: t.Literal["sync", "async"], nonce_store: NonceStore, path: str
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=nonce_store)
    client = app.test_client()
    header = sign(ALICE, "GET", path).request_header

    first = client.get(path, headers={"Authorization": header})
    replay = client.get(path, headers={"Authorization": header})

    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.headers["WWW-Authenticate"] == 'Hawk error="Invalid nonce"'


def test_default_store_protects_against_replays() -> None:
    app = Flask(__name__)
    hawk = Hawk(app)
    hawk.client_key_loader(lambda client_id: ALICE.key)

    @app.get("/")
    @hawk.auth_required
    def index() -> str:
        return "ok"

    client = app.test_client()
    header = sign(ALICE, "GET", "/").request_header

    statuses = [client.get("/", headers={"Authorization": header}).status_code for _ in range(2)]

    assert statuses == [200, 401]


def test_nonce_is_scoped_by_client_and_timestamp(hawk_app: Flask) -> None:
    client = hawk_app.test_client()
    now = int(time.time())

    def status(credentials: t.Any, ts: int) -> int:
        header = sign(credentials, "GET", "/sync", nonce="same", timestamp=ts).request_header
        return client.get("/sync", headers={"Authorization": header}).status_code

    assert [status(ALICE, now), status(BOB, now), status(ALICE, now - 1)] == [200, 200, 200]
    assert status(ALICE, now) == 401


def test_nonce_key_and_ttl_follow_the_timestamp_window() -> None:
    store = RecordingStore()
    app, _ = build_hawk_app(nonce_store=store)
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = 30
    ts = int(time.time()) - 10
    header = sign(ALICE, "GET", "/sync", nonce="abc123", timestamp=ts).request_header

    response = app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 200
    assert store.keys == [f"alice\\{ts}\\abc123"]
    # Acceptable until the server's whole-second clock passes ts + skew.
    expected = ts + 30 + 1 - time.time()
    assert expected - 1 < store.ttls[0] <= expected + 0.01
    assert ALICE.key not in store.keys[0]


def test_replay_after_the_window_closed_is_refused_as_stale() -> None:
    app, _ = build_hawk_app(nonce_store=MemoryNonceStore())
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = 1
    client = app.test_client()
    header = sign(ALICE, "GET", "/sync", timestamp=int(time.time())).request_header

    first = client.get("/sync", headers={"Authorization": header}).status_code
    time.sleep(2.1)
    # Now the request is stale, not a replay: the nonce no longer matters.
    later = client.get("/sync", headers={"Authorization": header})

    assert first == 200
    assert later.status_code == 401
    assert "Stale timestamp" in later.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("malformed", id="malformed"),
        pytest.param("unknown", id="unknown-client"),
        pytest.param("bad-mac", id="bad-mac"),
        pytest.param("bad-hash", id="bad-hash"),
        pytest.param("stale", id="stale"),
    ],
)
def test_unauthenticated_traffic_never_reaches_the_store(
    loader_kind: t.Literal["sync", "async"], kind: str
) -> None:
    store = RecordingStore()
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=store)
    client = app.test_client()
    wrong = type(ALICE)(ALICE.id, "not-alices-key-000000000000000000")
    unknown = type(ALICE)("eve", ALICE.key)
    headers = {
        "malformed": 'Hawk id="alice", ts="1", nonce="n"',
        "unknown": sign(unknown, "POST", "/sync").request_header,
        "bad-mac": sign(wrong, "POST", "/sync").request_header,
        "bad-hash": sign(
            ALICE, "POST", "/sync", content=b"a", content_type="text/plain"
        ).request_header,
        "stale": sign(ALICE, "POST", "/sync", timestamp=int(time.time()) - 600).request_header,
    }

    for _ in range(20):
        client.post(
            "/sync",
            data=b"b",
            headers={"Authorization": headers[kind], "Content-Type": "text/plain"},
        )

    assert store.keys == []


def _unreachable_redis(tmp_path: pathlib.Path) -> RedisNonceStore:
    # A real client of a socket nobody listens on: every command fails to connect.
    return RedisNonceStore(redis.Redis(unix_socket_path=str(tmp_path / "absent.sock")))


def _unreachable_async_redis(tmp_path: pathlib.Path) -> AsyncRedisNonceStore:
    return AsyncRedisNonceStore.from_url(f"unix://{tmp_path / 'absent.sock'}")


@pytest.mark.parametrize(
    "make_store",
    [
        pytest.param(_unreachable_redis, id="redis"),
        pytest.param(_unreachable_async_redis, id="async-redis"),
    ],
)
@pytest.mark.parametrize("path", VIEWS)
def test_unreachable_store_fails_closed_with_503(
    tmp_path: pathlib.Path,
    make_store: cabc.Callable[[pathlib.Path], NonceStore | AsyncNonceStore],
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _ = build_hawk_app(nonce_store=make_store(tmp_path))
    header = sign(ALICE, "GET", path).request_header

    response = app.test_client().get(path, headers={"Authorization": header})

    assert response.status_code == 503
    assert "nonce store unavailable" in caplog.text
    assert "'alice'" in caplog.text
    assert any(record.levelno == logging.ERROR for record in caplog.records)


def test_store_coming_back_serves_again(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    app, _ = build_hawk_app(nonce_store=RedisNonceStore.from_url(redis_server.url))
    client = app.test_client()

    def status() -> int:
        header = sign(ALICE, "GET", "/sync").request_header
        return client.get("/sync", headers={"Authorization": header}).status_code

    redis_server.stop()
    try:
        down = status()
    finally:
        redis_server.start()
    up = status()

    assert (down, up) == (503, 200)


def test_async_store_is_awaited_under_async_views_and_run_under_sync_ones() -> None:
    store = AsyncMemoryStore()
    app, _ = build_hawk_app(nonce_store=store)
    client = app.test_client()

    for path in ("/sync", "/async"):
        header = sign(ALICE, "GET", path).request_header
        assert client.get(path, headers={"Authorization": header}).status_code == 200

    assert store.calls == 2
