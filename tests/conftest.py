"""Fixtures shared by the whole suite; each group lives in its own plugin module."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Speed is shown by `make bench`, never by a test. On a busy 2-core machine one
# example, or a strategy's first draw (Hypothesis builds its Unicode tables
# then, in a fresh clone), can take seconds: that says nothing of the code.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.gunicorn",
    "tests.fixtures.hawk",
    "tests.fixtures.hawk_reference",
    "tests.fixtures.live_server",
    "tests.fixtures.redis_server",
]
