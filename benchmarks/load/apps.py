"""The apps ``make load`` serves with gunicorn: one tiny JSON view each, five ways, and two POSTs.

Each factory is a gunicorn app spec (``benchmarks.load.apps:plain()``). The
view answers ``GET /`` with the same small JSON object everywhere, so the
rows of the load table differ only in the framework and the authentication.
The Hawk clients' key is :data:`KEY`; ``run.py`` signs with it.

The two POST apps take :data:`NOTE_BODY` at ``POST /`` into a :class:`NoteIn`
and answer 201 with the same small object: one through a typed view
parameter, one through ``request.get_json()`` and the dataclass built by hand.
"""

from __future__ import annotations

import dataclasses
import os
import typing as t

from flask import Flask, request

from flask_api_utils import AsyncRedisNonceStore, Hawk, ResponsiveFlask

__all__ = [
    "CLIENT_ID",
    "KEY",
    "NOTE_BODY",
    "NoteIn",
    "hawk_async_redis",
    "hawk_sync",
    "plain",
    "plain_post",
    "responsive",
    "restful",
    "typed_post",
]

CLIENT_ID = "load-client"
KEY = "load-test-key-werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
#: What every view returns.
PAYLOAD: dict[str, object] = {"id": 1, "title": "hello", "tags": ["a", "b"], "done": False}
#: What every POST sends, as ``application/json``.
NOTE_BODY = '{"title": "hello", "body": "world", "tags": ["a", "b"], "done": false}'


@dataclasses.dataclass
class NoteIn:
    """The POST body, as the views take it."""

    title: str
    body: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    done: bool = False


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


def typed_post() -> ResponsiveFlask:
    """ResponsiveFlask: the body validated into :class:`NoteIn` by a typed view parameter."""
    app = ResponsiveFlask(__name__)

    @app.post("/")
    def create(note: NoteIn) -> tuple[dict[str, object], int]:
        return {"id": 1, "title": note.title, "tags": note.tags, "done": note.done}, 201

    return app


def plain_post() -> Flask:
    """Flask 3 alone: ``request.get_json()``, then :class:`NoteIn` built by hand.

    Nothing checks the values' types, as a typed view does: this is the floor
    a typed body is measured against, not a peer of it.
    """
    app = Flask(__name__)

    @app.post("/")
    def create() -> tuple[dict[str, object], int]:
        data = request.get_json()
        note = NoteIn(
            title=data["title"],
            body=data.get("body", ""),
            tags=data.get("tags", []),
            done=data.get("done", False),
        )
        return {"id": 1, "title": note.title, "tags": note.tags, "done": note.done}, 201

    return app


if t.TYPE_CHECKING:
    # Every factory is a zero-argument app factory, as gunicorn calls it.
    _factories: tuple[t.Callable[[], Flask], ...] = (
        plain,
        responsive,
        restful,
        hawk_sync,
        hawk_async_redis,
        typed_post,
        plain_post,
    )
