"""An app whose ``async def`` views keep state on their loop, for live servers and gunicorn.

``/remember`` awaits :class:`~flask_api_utils.AsyncRedisNonceStore` on the
server named by ``AIO_REDIS_URL``; ``/sleep`` awaits ``asyncio.sleep(0.2)``;
``/loop`` names the running loop and the worker process. gunicorn loads it as
``tests.aio.async_app:create_app()``.
"""

from __future__ import annotations

import asyncio
import os
import secrets

from flask_api_utils import AsyncRedisNonceStore, ResponsiveFlask

__all__ = ["REDIS_URL_VARIABLE", "create_app"]

#: The environment variable that names the Redis server, for gunicorn's workers.
REDIS_URL_VARIABLE = "AIO_REDIS_URL"


def create_app(redis_url: str | None = None) -> ResponsiveFlask:
    """Return the app; ``redis_url`` defaults to ``$AIO_REDIS_URL``."""
    app = ResponsiveFlask(__name__)
    url = redis_url or os.environ[REDIS_URL_VARIABLE]
    store = AsyncRedisNonceStore.from_url(url, prefix="aio-test:")

    @app.get("/remember")
    async def remember() -> dict[str, bool]:
        return {"fresh": await store.remember(secrets.token_hex(8), 60)}

    @app.get("/sleep")
    async def sleep() -> dict[str, float]:
        await asyncio.sleep(0.2)
        return {"slept": 0.2}

    @app.get("/loop")
    async def loop() -> dict[str, int]:
        return {"loop": id(asyncio.get_running_loop()), "pid": os.getpid()}

    return app
