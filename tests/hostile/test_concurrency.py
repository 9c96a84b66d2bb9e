"""Many threads against a threaded live server: each nonce is accepted exactly once.

Every signed request is sent three times at once, each copy from another
thread, to sync and ``async def`` views: exactly one copy gets 200, the
others 401 for a replayed nonce. A flood of unique requests against a small
memory store never grows it past its cap: once full, every new request is
refused with 503, none is accepted unchecked, and each accepted one is
remembered.
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t

import pytest
import requests
from mohawk.util import parse_authorization_header

from flask_api_utils.hawk import MemoryNonceStore
from tests.fixtures.hawk import build_hawk_app

from .load import Answer, replay_storm, send, send_all, sign_many

if t.TYPE_CHECKING:
    from flask_api_utils.typing import NonceStore
    from tests.fixtures.live_server import LiveServerFactory

#: Unique requests in the replay race, and how often each is sent.
RACED_REQUESTS = 250
COPIES = 3
THREADS = 12
#: The flood: a small cap, and four times as many unique requests.
CAP = 500
FLOOD = 2_000
#: Requests are signed up front; a wide window keeps them fresh, and every
#: nonce remembered, however slowly a busy machine sends them.
SKEW_SECONDS = 600


def assert_each_nonce_accepted_once(by_request: dict[int, list[Answer]], copies: int) -> None:
    """Assert one 200 per request, and a replay refusal (401) for every other copy.

    :param by_request: the answers of :func:`~tests.hostile.load.replay_storm`.
    :param copies: how many times each request was sent.
    """
    for index, answers in by_request.items():
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200] + [401] * (copies - 1), (index, statuses)
        for answer in answers:
            if answer.status == 401:
                assert answer.www_authenticate == 'Hawk error="Invalid nonce"', answer


@pytest.mark.parametrize("loader_kind", ["sync", "async"])
def test_each_nonce_is_accepted_once_under_concurrent_replays(
    live_server_factory: LiveServerFactory, loader_kind: t.Literal["sync", "async"]
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = SKEW_SECONDS
    server = live_server_factory(app)
    signed = sign_many(server.url, RACED_REQUESTS)

    by_request = replay_storm(signed, copies=COPIES, threads=THREADS)

    assert_each_nonce_accepted_once(by_request, COPIES)
    accepted = [a for answers in by_request.values() for a in answers if a.status == 200]
    assert {a.body.count(b'"client_id":"alice"') for a in accepted} == {1}


class _Watched:
    """A :class:`MemoryNonceStore` whose size is read right after every ``remember``.

    The store itself is the real one; only the reading is added, from the
    request's own thread, so the size is seen at its peaks.
    """

    def __init__(self, store: MemoryNonceStore) -> None:
        self.store = store
        self.largest = 0
        self._lock = threading.Lock()

    def remember(self, key: str, ttl: float, /) -> bool:
        try:
            return self.store.remember(key, ttl)
        finally:
            size = len(self.store)
            with self._lock:
                self.largest = max(self.largest, size)


def _nonce_key(authorization: str) -> str:
    attributes = parse_authorization_header(authorization)
    return f"{attributes['id']}\\{attributes['ts']}\\{attributes['nonce']}"


def test_flood_of_unique_requests_never_grows_the_store_past_its_cap(
    live_server_factory: LiveServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_api_utils.hawk")
    store = MemoryNonceStore(max_entries=CAP)
    watched = _Watched(store)
    watched_store: NonceStore = watched
    app, _ = build_hawk_app(nonce_store=watched_store)
    app.config["HAWK_TIMESTAMP_SKEW_IN_SECONDS"] = SKEW_SECONDS
    server = live_server_factory(app)
    signed = sign_many(server.url, FLOOD)
    sizes: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes.append(len(store))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        work = [list(enumerate(signed))[i::THREADS] for i in range(THREADS)]
        answers = send_all(work, after_each=lambda _: sizes.append(len(store)))
    finally:
        done.set()
        sampler.join()

    assert max(sizes) <= CAP
    assert watched.largest <= CAP
    statuses = [answer.status for answer in answers]
    assert set(statuses) <= {200, 503}
    # Each nonce is kept for the whole window: none expires during the flood.
    assert statuses.count(200) == CAP
    assert statuses.count(503) == FLOOD - CAP
    assert len(store) == CAP
    accepted = {a.index for a in answers if a.status == 200}
    for index in accepted:
        # Already held, so the full store answers False rather than refusing.
        assert not store.remember(_nonce_key(signed[index].authorization), 60)
    refusals = [r for r in caplog.records if "nonce store unavailable" in r.getMessage()]
    assert len(refusals) == FLOOD - CAP

    # Sent again, nothing gets in: the accepted are replays, the rest still refused.
    resent = sorted(accepted)[:200] + sorted(set(range(FLOOD)) - accepted)[:200]
    with requests.Session() as session:
        again = [send(session, signed[index], index) for index in resent]
    assert {a.status for a in again if a.index in accepted} == {401}
    assert {a.status for a in again if a.index not in accepted} == {503}
