"""``PerLoop`` opens one value per event loop, keeps it, and closes it with the loop."""

from __future__ import annotations

import asyncio
import logging
import typing as t

import pytest

from flask_api_utils import PerLoop, ResponsiveFlask


class Resource:
    """Something an async client would be: opened, then closed once."""

    opened = 0

    def __init__(self) -> None:
        Resource.opened += 1
        self.number = Resource.opened
        self.closed = False

    async def close(self) -> None:
        self.closed = True


async def _open() -> Resource:
    await asyncio.sleep(0)  # opening suspends, as a real connect does
    return Resource()


async def _close(resource: Resource) -> None:
    await resource.close()


def test_one_value_per_loop_opened_once_and_closed_with_the_loop() -> None:
    per_loop = PerLoop(_open, _close)

    async def twice() -> tuple[Resource, Resource]:
        return await per_loop.get(), await per_loop.get()

    first, again = asyncio.run(twice())
    other, _ = asyncio.run(twice())

    assert first is again
    assert other is not first
    assert first.closed
    assert other.closed


def test_coroutines_asking_at_once_share_one_opening() -> None:
    per_loop = PerLoop(_open, _close)

    async def together() -> list[Resource]:
        return list(await asyncio.gather(*(per_loop.get() for _ in range(5))))

    values = asyncio.run(together())

    assert len({id(value) for value in values}) == 1


def test_requests_of_a_responsive_flask_app_share_the_value() -> None:
    app = ResponsiveFlask(__name__)
    per_loop = PerLoop(_open, _close)

    @app.get("/number")
    async def number() -> dict[str, int]:
        return {"number": (await per_loop.get()).number}

    client = app.test_client()
    numbers = {t.cast(dict[str, int], client.get("/number").json)["number"] for _ in range(5)}

    assert len(numbers) == 1


def test_a_failing_close_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async def broken_close(resource: Resource) -> None:
        raise OSError("the server went away")

    per_loop = PerLoop(_open, broken_close, name="flaky resource")

    async def use() -> None:
        await per_loop.get()

    with caplog.at_level(logging.DEBUG, logger="flask_api_utils.aio"):
        asyncio.run(use())

    assert "closing the value of flaky resource failed" in caplog.text
