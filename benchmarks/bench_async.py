"""What an ``async def`` view costs next to the same sync view; prints, never asserts.

Every figure is a ratio measured in this one run over the WSGI callable,
with the two sides interleaved round by round (the median of the rounds'
ratios), so that a busy machine slows both alike:

1. ResponsiveFlask, a tiny JSON view: ``async def`` / sync.
2. A view that remembers one nonce in a real redis-server on a unix socket:
   ``await AsyncRedisNonceStore.remember`` / ``RedisNonceStore.remember``;
   and how many connections the async store opened over 2,100 requests.
3. A Hawk-protected GET (sync view): ``async def`` key loader / sync key
   loader, on a ResponsiveFlask and on a plain Flask with ``AsyncLoops(app)``.

Flask's own per-call loop (``API_LONG_LIVED_LOOPS = False``) is printed
alongside, for the difference. Run from the repository root::

    .venv/bin/python -m benchmarks.bench_async
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import secrets
import statistics
import time
import typing as t

import redis
from benchmarks.bench_nonce_store import redis_url
from flask import Flask
from werkzeug.test import EnvironBuilder

from flask_api_utils import (
    AsyncLoops,
    AsyncRedisNonceStore,
    Hawk,
    HawkCredentials,
    RedisNonceStore,
    ResponsiveFlask,
)
from flask_api_utils.testing import hawk_authorization

__all__ = ["main"]

ROUNDS = 21
PER_ROUND = 100
CONNECTION_REQUESTS = 2_100
ALICE = HawkCredentials("alice", "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn")

_Environ: t.TypeAlias = dict[str, t.Any]


def _environ(path: str, authorization: str | None = None) -> _Environ:
    headers = [("Authorization", authorization)] if authorization else []
    builder = EnvironBuilder(path, base_url="http://localhost", headers=headers)
    try:
        return builder.get_environ()
    finally:
        builder.close()


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> t.Any:
    return None


def _seconds(app: Flask, environs: list[_Environ]) -> float:
    """Seconds per request over ``environs``, each a fresh copy."""
    fresh = [dict(environ) for environ in environs]
    began = time.perf_counter()
    for environ in fresh:
        for _ in app.wsgi_app(environ, _start_response):
            pass
    return (time.perf_counter() - began) / len(fresh)


def _ratio(
    numerator: cabc.Callable[[], float], denominator: cabc.Callable[[], float]
) -> tuple[float, float, float]:
    """Median per-request seconds of each side, and the median of their ratios per round."""
    numerator()
    denominator()
    tops, bottoms, ratios = [], [], []
    for _ in range(ROUNDS):
        top, bottom = numerator(), denominator()
        tops.append(top)
        bottoms.append(bottom)
        ratios.append(top / bottom)
    return statistics.median(tops), statistics.median(bottoms), statistics.median(ratios)


def _print(label: str, figures: tuple[float, float, float], target: str) -> None:
    top, bottom, ratio = figures
    print(f"{label:<66}{top * 1e6:8.1f} us /{bottom * 1e6:7.1f} us = {ratio:5.2f}  ({target})")


def _tiny_json(loops: bool) -> tuple[float, float, float]:
    app = ResponsiveFlask(__name__)
    app.config["API_LONG_LIVED_LOOPS"] = loops

    @app.get("/sync")
    def sync_view() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/async")
    async def async_view() -> dict[str, str]:
        return {"hello": "world"}

    sync_environs = [_environ("/sync")] * PER_ROUND
    async_environs = [_environ("/async")] * PER_ROUND
    return _ratio(lambda: _seconds(app, async_environs), lambda: _seconds(app, sync_environs))


@contextlib.contextmanager
def _redis_server() -> cabc.Iterator[str]:
    """A redis-server started for the run, on a unix socket; yield its URL."""
    with redis_url(None) as url:
        if url is None:
            msg = "redis-server is not on PATH: run `make system-deps`"
            raise SystemExit(msg)
        yield url


def _connections_received(url: str) -> int:
    with redis.Redis.from_url(url) as client:
        info: dict[str, t.Any] = client.info("stats")
    return int(info["total_connections_received"])


def _redis_app(url: str, loops: bool) -> tuple[Flask, RedisNonceStore, AsyncRedisNonceStore]:
    prefix = f"bench-async:{secrets.token_hex(4)}:"
    sync_store = RedisNonceStore.from_url(url, prefix=prefix)
    async_store = AsyncRedisNonceStore.from_url(url, prefix=prefix)
    app = ResponsiveFlask(__name__)
    app.config["API_LONG_LIVED_LOOPS"] = loops

    @app.get("/sync")
    def sync_view() -> dict[str, bool]:
        return {"fresh": sync_store.remember(secrets.token_hex(8), 60)}

    @app.get("/async")
    async def async_view() -> dict[str, bool]:
        return {"fresh": await async_store.remember(secrets.token_hex(8), 60)}

    return app, sync_store, async_store


def _redis(url: str, loops: bool) -> tuple[tuple[float, float, float], int]:
    app, sync_store, _ = _redis_app(url, loops)
    sync_environs = [_environ("/sync")] * PER_ROUND
    async_environs = [_environ("/async")] * PER_ROUND
    figures = _ratio(lambda: _seconds(app, async_environs), lambda: _seconds(app, sync_environs))
    sync_store.client.close()

    app, sync_store, _ = _redis_app(url, loops)
    before = _connections_received(url)
    _seconds(app, [_environ("/async")] * CONNECTION_REQUESTS)
    opened = _connections_received(url) - before
    sync_store.client.close()
    return figures, opened


def _hawk_app(app: Flask, loader_is_async: bool) -> Flask:
    hawk = Hawk(app)
    if loader_is_async:

        @hawk.client_key_loader
        async def load_key_async(client_id: str) -> str | None:
            return ALICE.key if client_id == ALICE.id else None

    else:

        @hawk.client_key_loader
        def load_key(client_id: str) -> str | None:
            return ALICE.key if client_id == ALICE.id else None

    @app.get("/protected")
    @hawk.auth_required
    def protected() -> str:
        return "ok"

    return app


def _signed(count: int) -> list[_Environ]:
    url = "http://localhost/protected"
    return [_environ("/protected", hawk_authorization(ALICE, "GET", url)) for _ in range(count)]


def _hawk(make_app: cabc.Callable[[], Flask]) -> tuple[float, float, float]:
    async_app = _hawk_app(make_app(), loader_is_async=True)
    sync_app = _hawk_app(make_app(), loader_is_async=False)
    # Every request needs a nonce of its own: sign them all up front.
    batches = iter([_signed(PER_ROUND) for _ in range(2 * ROUNDS + 2)])
    return _ratio(
        lambda: _seconds(async_app, next(batches)), lambda: _seconds(sync_app, next(batches))
    )


def _plain_flask_with_loops() -> Flask:
    app = Flask(__name__)
    AsyncLoops(app)
    return app


def _plain_flask_per_call() -> Flask:
    return Flask(__name__)


def main() -> None:
    """Print every ratio of the issue, with its target, and the per-call baseline."""
    print("async def / sync, over the WSGI callable, interleaved, median of rounds:")
    _print("ResponsiveFlask tiny JSON view", _tiny_json(True), "target <= 1.3")
    _print("  the same on Flask's loop per call", _tiny_json(False), "for comparison")
    with _redis_server() as url:
        figures, opened = _redis(url, True)
        _print("view remembering one nonce in Redis (async store / sync store)", figures, "<= 1.2")
        print(f"  new Redis connections over {CONNECTION_REQUESTS:,} async requests: {opened}")
        figures, opened = _redis(url, False)
        _print("  the same on Flask's loop per call", figures, "for comparison")
        print(f"  new Redis connections over {CONNECTION_REQUESTS:,} async requests: {opened}")
    _print("Hawk GET, async key loader / sync, ResponsiveFlask", _hawk(_responsive), "<= 1.2")
    _print(
        "Hawk GET, async key loader / sync, Flask + AsyncLoops(app)",
        _hawk(_plain_flask_with_loops),
        "<= 1.2",
    )
    _print("  the same on plain Flask's loop per call", _hawk(_plain_flask_per_call), "comparison")


def _responsive() -> Flask:
    return ResponsiveFlask(__name__)


if __name__ == "__main__":
    main()
