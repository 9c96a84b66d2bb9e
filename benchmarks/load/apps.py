"""The apps ``make load`` serves with gunicorn: one tiny JSON view each, five ways.

Each factory is a gunicorn app spec (``benchmarks.load.apps:plain()``). The
view answers ``GET /`` with the same small JSON object everywhere, so the
rows of the load table differ only in the framework and the authentication.
The Hawk clients' key is :data:`KEY`; ``run.py`` signs with it.
"""

from __future__ import annotations

import os
import typing as t

from flask import Flask

from flask_api_utils import AsyncRedisNonceStore, Hawk, ResponsiveFlask

__all__ = ["CLIENT_ID", "KEY", "hawk_async_redis", "hawk_sync", "plain", "responsive", "restful"]

CLIENT_ID = "load-client"
KEY = "load-test-key-werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
#: What every view returns.
PAYLOAD: dict[str, object] = {"id": 1, "title": "hello", "tags": ["a", "b"], "done": False}


def plain() -> Flask:
    """Flask 3 alone: the view returns the dict, Flask's JSON provider writes it."""
    app = Flask(__name__)

    @app.get("/")
    def index() -> dict[str, object]:
        return PAYLOAD

    return app


def responsive() -> ResponsiveFlask:
    """ResponsiveFlask: the same dict, content-negotiated, written by orjson."""
    app = ResponsiveFlask(__name__)

    @app.get("/")
    def index() -> dict[str, object]:
        return PAYLOAD

    return app


def restful() -> Flask:
    """Flask-RESTful (requirements/bench.in): the same dict from a Resource's ``get``."""
    from flask_restful import Api, Resource

    app = Flask(__name__)

    class Index(Resource):  # type: ignore[misc]  # Resource is untyped (Any)
        def get(self) -> dict[str, object]:
            return PAYLOAD

    Api(app).add_resource(Index, "/")
    return app


def hawk_sync() -> ResponsiveFlask:
    """ResponsiveFlask's view behind Hawk: sync key loader, each worker's memory nonce store."""
    app = ResponsiveFlask(__name__)
    hawk = Hawk(app)

    @hawk.client_key_loader
    def load_key(client_id: str) -> str | None:
        return KEY if client_id == CLIENT_ID else None

    @app.get("/")
    @hawk.auth_required
    def index() -> dict[str, object]:
        return PAYLOAD

    return app


def hawk_async_redis() -> ResponsiveFlask:
    """The same behind Hawk, all ``async def``: key loader, view, and the async Redis store.

    The Redis server is ``$LOAD_REDIS_URL``, which ``run.py`` starts.
    """
    app = ResponsiveFlask(__name__)
    hawk = Hawk(app, nonce_store=AsyncRedisNonceStore.from_url(os.environ["LOAD_REDIS_URL"]))

    @hawk.client_key_loader
    async def load_key(client_id: str) -> str | None:
        return KEY if client_id == CLIENT_ID else None

    @app.get("/")
    @hawk.auth_required
    async def index() -> dict[str, object]:
        return PAYLOAD

    return app


if t.TYPE_CHECKING:
    # Every factory is a zero-argument app factory, as gunicorn calls it.
    _factories: tuple[t.Callable[[], Flask], ...] = (
        plain,
        responsive,
        restful,
        hawk_sync,
        hawk_async_redis,
    )
