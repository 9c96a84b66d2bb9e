"""Fixtures shared by the whole suite; each group lives in its own plugin module."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.gunicorn",
    "tests.fixtures.hawk",
    "tests.fixtures.hawk_reference",
    "tests.fixtures.live_server",
    "tests.fixtures.redis_server",
]
