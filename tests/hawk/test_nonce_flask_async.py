"""The Redis stores inside Flask ``async def`` views, request after request.

Flask runs each async view in a new event loop (asgiref's ``async_to_sync``),
which breaks a :mod:`redis.asyncio` client shared across requests. These
tests drive real Flask requests against the real ``redis_server``; with
``filterwarnings = error``, a socket left open by a closed loop fails them too.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time

import flask
import flask.testing
import redis

from flask_api_utils.hawk.nonces import (
    AsyncRedisNonceStore,
    NonceStoreUnavailable,
    RedisNonceStore,
)
from tests.fixtures.redis_server import RedisServer


def _async_app(store: AsyncRedisNonceStore) -> flask.Flask:
    """An app whose async view remembers the nonce in its URL, 503 when it cannot."""
    app = flask.Flask(__name__)

    @app.get("/<nonce>")
    async def check(nonce: str) -> dict[str, bool]:
        return {"new": await store.remember(nonce, 60)}

    @app.errorhandler(NonceStoreUnavailable)
    def unavailable(error: NonceStoreUnavailable) -> tuple[str, int]:
        return "nonce store unavailable", 503

    return app


def _answers(client: flask.testing.FlaskClient, nonces: list[str]) -> list[bool]:
    """GET each nonce in turn and return the view's ``new`` answers."""
    answers = []
    for nonce in nonces:
        response = client.get(f"/{nonce}")
        assert response.status_code == 200, response.text
        payload = response.get_json()
        assert isinstance(payload, dict), payload
        answers.append(payload["new"])
    return answers


def _connected_clients(redis_client: redis.Redis, expected: int) -> int:
    """How many connections the server has once closed ones are gone (waits up to 5 s)."""
    deadline = time.monotonic() + 5.0
    while True:
        count = len(redis_client.client_list())
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def test_async_store_answers_async_views_across_requests(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    app = _async_app(AsyncRedisNonceStore.from_url(redis_server.url))

    nonces = ["a", "b", "a", "c", "b", *(f"n{n}" for n in range(10))]
    answers = _answers(app.test_client(), nonces)

    assert answers == [True, True, False, True, False, *([True] * 10)]


def test_async_store_closes_each_requests_connection_when_its_loop_ends(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    # Plain Flask: a new event loop per call, closed after it.
    app = _async_app(AsyncRedisNonceStore.from_url(redis_server.url))
    # Long-lived loops of earlier tests in this process may hold theirs.
    before = len(redis_client.client_list())

    _answers(app.test_client(), [f"n{n}" for n in range(5)])

    assert _connected_clients(redis_client, before) == before


def test_async_store_accepts_exactly_one_of_concurrent_requests_with_one_nonce(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    app = _async_app(AsyncRedisNonceStore.from_url(redis_server.url))
    before = len(redis_client.client_list())
    threads = 8
    barrier = threading.Barrier(threads)

    def request(nonce: str) -> bool:
        client = app.test_client()
        barrier.wait()
        [answer] = _answers(client, [nonce])
        return answer

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for round_ in range(5):
            answers = list(pool.map(request, [f"contested-{round_}"] * threads))
            assert answers.count(True) == 1, f"round {round_}: {answers}"
    assert _connected_clients(redis_client, before) == before


def test_async_store_is_unavailable_in_async_views_while_redis_is_down(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    client = _async_app(AsyncRedisNonceStore.from_url(redis_server.url)).test_client()
    assert client.get("/before").status_code == 200

    redis_server.stop()
    try:
        down = client.get("/during")
    finally:
        redis_server.start()

    assert down.status_code == 503
    assert client.get("/after").json == {"new": True}


def test_sync_store_answers_async_views_across_requests(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    store = RedisNonceStore.from_url(redis_server.url)
    app = flask.Flask(__name__)

    @app.get("/<nonce>")
    async def check(nonce: str) -> dict[str, bool]:
        return {"new": store.remember(nonce, 60)}

    answers = _answers(app.test_client(), ["a", "b", "a", "c", "b"])

    assert answers == [True, True, False, True, False]
    store.client.close()
