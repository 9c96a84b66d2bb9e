"""Long load and fault runs (``make soak``): the hostile tests with bigger numbers.

The same properties as ``tests/hostile``, held for longer: tens of thousands
of Hypothesis examples, floods and replay races ten times larger, gunicorn
workers killed one after another, and Redis stopped and started several times
under load.
"""

from __future__ import annotations

import collections
import os
import signal
import threading
import typing as t

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_api_utils.hawk import MemoryNonceStore, RedisNonceStore
from tests.fixtures.hawk import build_hawk_app
from tests.hostile import test_accept_properties as accept
from tests.hostile import test_hawk_properties as hawk
from tests.hostile.gunicorn_app import REDIS_URL_VARIABLE
from tests.hostile.load import Answer, replay_storm, send_all, sign_many
from tests.hostile.test_concurrency import assert_each_nonce_accepted_once
from tests.hostile.test_gunicorn_redis import APP, replacement_worker, resend_until_answered_by

if t.TYPE_CHECKING:
    import redis

    from tests.fixtures.gunicorn import GunicornFactory
    from tests.fixtures.live_server import LiveServerFactory
    from tests.fixtures.redis_server import RedisServer

pytestmark = pytest.mark.soak

#: Runs here outlast the default 60 s skew: requests signed up front stay fresh,
#: and every nonce outlives the run, so counts are exact.
SKEW_SECONDS = 900

SOAK_SETTINGS = settings(
    max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _inner(test: t.Callable[..., None]) -> t.Callable[..., None]:
    inner: t.Callable[..., None] = getattr(test, "hypothesis").inner_test  # noqa: B009
    return inner


test_any_accept_header_soak = SOAK_SETTINGS(
    given(accept=accept.ANY_HEADERS)(
        _inner(accept.test_any_accept_header_gets_an_accepted_type_or_406)
    )
)
test_random_authorization_header_soak = SOAK_SETTINGS(
    given(app=hawk.APPS, path=hawk.VIEWS, header=hawk.RAW_HEADERS | hawk.HAWKISH_HEADERS)(
        _inner(hawk.test_random_authorization_header_is_400_or_401)
    )
)
test_mutated_signed_header_soak = SOAK_SETTINGS(
    given(
        app=hawk.APPS,
        path=hawk.VIEWS,
        method=st.sampled_from(["GET", "POST", "DELETE"]),
        body=st.binary(max_size=64),
        ext=st.none() | st.sampled_from(["a", "some ext", "x=1"]),
        data=st.data(),
    )(_inner(hawk.test_mutated_signed_header_is_refused_unless_equivalent))
)
test_mutated_bewit_soak = SOAK_SETTINGS(
    given(app=hawk.APPS, path=hawk.BEWIT_VIEWS, ext=st.none() | st.just("e"), data=st.data())(
        _inner(hawk.test_mutated_bewit_is_refused_unless_equivalent)
    )
)


def test_replay_race_at_scale(live_server_factory: LiveServerFactory) -> None:
    app, _ = build_hawk_app(nonce_store=MemoryNonceStore())
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = SKEW_SECONDS
    server = live_server_factory(app)
    signed = sign_many(server.url, 3_000)

    by_request = replay_storm(signed, copies=4, threads=16)

    assert_each_nonce_accepted_once(by_request, 4)


def test_flood_at_scale_stays_under_the_cap(live_server_factory: LiveServerFactory) -> None:
    cap = 5_000
    store = MemoryNonceStore(max_entries=cap)
    app, _ = build_hawk_app(nonce_store=store)
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = SKEW_SECONDS
    server = live_server_factory(app)
    signed = sign_many(server.url, 20_000)
    largest = 0

    def watch(_: Answer) -> None:
        nonlocal largest
        largest = max(largest, len(store))

    work = [list(enumerate(signed))[i::16] for i in range(16)]
    answers = send_all(work, after_each=watch)

    assert largest <= cap
    statuses = collections.Counter(answer.status for answer in answers)
    assert statuses == {200: cap, 503: len(signed) - cap}


def test_gunicorn_workers_killed_one_after_another_keep_refusing_replays(
    gunicorn_server: GunicornFactory, redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    server = gunicorn_server(APP, workers=4, env={REDIS_URL_VARIABLE: redis_server.url})
    signed = sign_many(server.url, 400)
    by_request = replay_storm(signed, copies=8, threads=8, new_connection=True)
    assert_each_nonce_accepted_once(by_request, 8)
    known = set(server.worker_pids)
    alive = set(server.worker_pids)

    for _ in range(3):
        victim = min(alive)
        os.kill(victim, signal.SIGKILL)
        replacement = replacement_worker(server, known)
        known.add(replacement)
        alive = (alive - {victim}) | {replacement}
        replays = resend_until_answered_by(signed, replacement)
        assert {answer.status for answer in replays} == {401}
        assert str(replacement) in {answer.worker for answer in replays}


def test_repeated_redis_outages_under_load(
    redis_server: RedisServer, redis_client: redis.Redis, live_server_factory: LiveServerFactory
) -> None:
    store = RedisNonceStore.from_url(redis_server.url, socket_timeout=0.5)
    app, _ = build_hawk_app(nonce_store=store)
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = SKEW_SECONDS
    server = live_server_factory(app)
    signed = sign_many(server.url, 6_000)
    work = [
        [(index, signed[index]) for index in range(n, len(signed), 8) for _ in range(2)]
        for n in range(8)
    ]
    sent = 0
    lock = threading.Lock()
    toggles = {len(signed) * 2 * k // 10 for k in range(1, 10)}

    def chaos(_: Answer) -> None:
        nonlocal sent
        with lock:
            sent += 1
            if sent in toggles:
                if redis_server.running:
                    redis_server.stop()
                else:
                    redis_server.start()

    try:
        answers = send_all(work, after_each=chaos)
    finally:
        redis_server.start()

    statuses = collections.Counter(answer.status for answer in answers)
    assert set(statuses) <= {200, 401, 503}, statuses
    assert statuses[503] > 0
    assert statuses[200] > 0
    accepted = collections.Counter(answer.index for answer in answers if answer.status == 200)
    assert max(accepted.values()) == 1
