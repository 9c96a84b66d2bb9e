"""The app gunicorn serves in the multi-process tests: Hawk on a shared Redis nonce store.

Every response names the worker process that answered in ``X-Worker-Pid``,
so a test can tell which worker refused a replay. gunicorn loads it as
``tests.hostile.gunicorn_app:create_app()`` with the Redis URL in
``HOSTILE_REDIS_URL``.
"""

from __future__ import annotations

import os
import typing as t

from flask_api_utils.hawk import RedisNonceStore
from tests.fixtures.hawk import build_hawk_app

if t.TYPE_CHECKING:
    from flask import Flask, Response

__all__ = ["REDIS_URL_VARIABLE", "create_app"]

#: The environment variable that carries the Redis URL to every worker.
REDIS_URL_VARIABLE = "HOSTILE_REDIS_URL"


def create_app() -> Flask:
    """Return the Hawk test app with a Redis nonce store, marking each answer with its worker.

    :raises RuntimeError: if ``HOSTILE_REDIS_URL`` is not set.
    """
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        msg = f"{REDIS_URL_VARIABLE!r} must name the Redis server shared by the workers"
        raise RuntimeError(msg)
    app, _ = build_hawk_app(nonce_store=RedisNonceStore.from_url(url, socket_timeout=5.0))
    # Tests sign their requests up front and replay them for a while: a wide
    # window keeps them fresh, so every refusal is for the nonce.
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = 600

    @app.after_request
    def name_the_worker(response: Response) -> Response:
        response.headers["X-Worker-Pid"] = str(os.getpid())
        return response

    return app
