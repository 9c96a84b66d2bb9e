"""``AsyncRedisNonceStore`` on long-lived loops: one connection per loop, its own timeout.

Against a real redis-server on a unix socket; ``paused()`` freezes it
(SIGSTOP): connections stay open and nothing is answered.
"""

from __future__ import annotations

import asyncio
import time
import typing as t

import pytest
import redis
import redis.asyncio

from flask_api_utils import AsyncRedisNonceStore, NonceStoreUnavailable, ResponsiveFlask
from tests.fixtures.redis_server import RedisServer


def _connections_received(client: redis.Redis) -> int:
    info: dict[str, t.Any] = client.info("stats")
    return int(info["total_connections_received"])


def test_coroutines_of_one_loop_take_turns_on_one_connection(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    store = AsyncRedisNonceStore.from_url(redis_server.url, prefix="turns:")
    app = ResponsiveFlask(__name__)

    @app.get("/together")
    async def together() -> dict[str, list[bool]]:
        keys = [f"key-{n}" for n in range(20)] + ["same", "same"]
        return {"fresh": list(await asyncio.gather(*(store.remember(k, 60) for k in keys)))}

    before = _connections_received(redis_client)
    fresh = t.cast(dict[str, list[bool]], app.test_client().get("/together").json)["fresh"]
    opened = _connections_received(redis_client) - before

    assert fresh[:20] == [True] * 20
    assert sorted(fresh[20:]) == [False, True]  # one of two at once wins
    assert opened == 1


def test_the_stores_timeout_fails_a_call_to_a_frozen_redis_and_the_next_reconnects(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    store = AsyncRedisNonceStore.from_url(redis_server.url, prefix="frozen:", socket_timeout=0.3)
    app = ResponsiveFlask(__name__)

    @app.get("/remember/<key>")
    async def remember(key: str) -> dict[str, str]:
        started = time.monotonic()
        try:
            fresh = await store.remember(key, 60)
        except NonceStoreUnavailable as error:
            cause = type(error.__cause__).__name__
            return {"outcome": f"unavailable: {cause}", "took": f"{time.monotonic() - started}"}
        return {"outcome": f"fresh: {fresh}"}

    client = app.test_client()
    assert client.get("/remember/before").json == {"outcome": "fresh: True"}
    before = _connections_received(redis_client)
    with redis_server.paused():
        frozen = t.cast(dict[str, str], client.get("/remember/during").json)
    after = client.get("/remember/after").json
    reopened = _connections_received(redis_client) - before

    assert frozen["outcome"] == "unavailable: TimeoutError"
    assert 0.3 <= float(frozen["took"]) < 3
    assert after == {"outcome": "fresh: True"}
    # The timed-out connection was dropped: one new one, and this count's own.
    assert reopened <= 2


def test_a_callers_own_timeout_stays_the_callers(redis_server: RedisServer) -> None:
    store = AsyncRedisNonceStore.from_url(redis_server.url, prefix="caller:", socket_timeout=5)
    app = ResponsiveFlask(__name__)

    @app.get("/remember/<key>")
    async def remember(key: str) -> dict[str, str]:
        try:
            async with asyncio.timeout(0.2):
                fresh = await store.remember(key, 60)
        except TimeoutError:
            return {"outcome": "the view's own timeout"}
        except NonceStoreUnavailable:
            return {"outcome": "store unavailable"}
        return {"outcome": f"fresh: {fresh}"}

    client = app.test_client()
    assert client.get("/remember/before").json == {"outcome": "fresh: True"}
    with redis_server.paused():
        frozen = client.get("/remember/during").json
    after = client.get("/remember/after").json

    assert frozen == {"outcome": "the view's own timeout"}
    assert after == {"outcome": "fresh: True"}


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan"), float("inf")])
def test_a_timeout_that_is_not_a_positive_number_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match="'timeout' must be a positive number"):
        AsyncRedisNonceStore(lambda: redis.asyncio.Redis(), timeout=timeout)
