"""The nonce stores remember each key once, expire it, stay bounded and fail closed.

The Redis stores run against the real ``redis_server``; nothing is mocked.
"""

from __future__ import annotations

import asyncio
import collections.abc as cabc
import concurrent.futures
import os
import pathlib
import subprocess
import sys
import textwrap
import threading
import time
import typing as t

import pytest
import redis
import redis.asyncio
import redis.asyncio.retry
import redis.retry
from redis.backoff import NoBackoff

from flask_api_utils.hawk.nonces import (
    AsyncRedisNonceStore,
    MemoryNonceStore,
    NonceStoreUnavailable,
    RedisNonceStore,
)
from tests.fixtures.redis_server import RedisServer

#: ``remember(key, ttl)`` of one store, called synchronously.
Remember = cabc.Callable[[str, float], bool]

#: Fail fast and once, so fault tests measure the store rather than redis-py's retries.
_FAST_FAILING: dict[str, t.Any] = {
    "socket_timeout": 0.25,
    "retry": redis.retry.Retry(NoBackoff(), 0),
}
#: The same for asyncio clients, which take asyncio's own retry policy: redis-py 8
#: converts a synchronous one with a warning.
_FAST_FAILING_ASYNC: dict[str, t.Any] = {
    "socket_timeout": 0.25,
    "retry": redis.asyncio.retry.Retry(NoBackoff(), 0),
}


def _async_remember(store: AsyncRedisNonceStore) -> Remember:
    """Call the async store as Flask calls an async view: in a new event loop each time."""

    def remember(key: str, ttl: float) -> bool:
        return asyncio.run(store.remember(key, ttl))

    return remember


@pytest.fixture(
    params=[
        pytest.param("memory", id="memory"),
        pytest.param("redis", id="redis"),
        pytest.param("async-redis", id="async-redis"),
    ]
)
def remember(request: pytest.FixtureRequest) -> cabc.Iterator[Remember]:
    """``remember`` of each store in turn; the Redis ones on an emptied real server."""
    kind: str = request.param
    if kind == "memory":
        yield MemoryNonceStore().remember
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    request.getfixturevalue("redis_client")
    if kind == "async-redis":
        yield _async_remember(AsyncRedisNonceStore.from_url(server.url))
        return
    store = RedisNonceStore.from_url(server.url)
    yield store.remember
    store.client.close()


@pytest.fixture
def frequent_thread_switches() -> cabc.Iterator[None]:
    """Switch threads every 0.1 ms rather than 5 ms, so that unlocked races show."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _race(remember: Remember, key: str, threads: int) -> list[bool]:
    """Release ``threads`` threads at once on ``remember(key)``; return their answers."""
    barrier = threading.Barrier(threads)

    def contender() -> bool:
        barrier.wait()
        return remember(key, 60)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(contender) for _ in range(threads)]
        return [future.result() for future in futures]


def test_new_key_is_accepted_once(remember: Remember) -> None:
    assert remember("client:1700000000:abc", 60) is True
    assert remember("client:1700000000:abc", 60) is False
    assert remember("client:1700000000:abd", 60) is True


def test_key_is_accepted_again_after_its_ttl(remember: Remember) -> None:
    assert remember("short-lived", 0.2) is True
    assert remember("short-lived", 0.2) is False
    time.sleep(0.3)
    assert remember("short-lived", 0.2) is True


@pytest.mark.usefixtures("frequent_thread_switches")
def test_concurrent_remembers_of_one_key_accept_exactly_one(remember: Remember) -> None:
    for round_ in range(20):
        answers = _race(remember, f"contested-{round_}", threads=8)
        assert answers.count(True) == 1, f"round {round_}: {answers}"


@pytest.mark.parametrize(
    "ttl",
    [
        pytest.param(0.0, id="zero"),
        pytest.param(-1.0, id="negative"),
        pytest.param(float("nan"), id="nan"),
        pytest.param(float("inf"), id="infinite"),
    ],
)
def test_ttl_must_be_positive_and_finite(remember: Remember, ttl: float) -> None:
    with pytest.raises(ValueError, match="'ttl'"):
        remember("key", ttl)


# Memory store.


def test_memory_store_refuses_new_nonces_when_full_but_still_rejects_replays() -> None:
    store = MemoryNonceStore(max_entries=3)
    for key in ("a", "b", "c"):
        assert store.remember(key, 60) is True

    with pytest.raises(NonceStoreUnavailable, match="full"):
        store.remember("d", 60)
    assert store.remember("a", 60) is False
    assert len(store) == 3


def test_memory_store_makes_room_once_entries_expire() -> None:
    store = MemoryNonceStore(max_entries=3)
    for key in ("a", "b", "c"):
        store.remember(key, 0.1)
    time.sleep(0.2)

    assert [store.remember(key, 60) for key in ("d", "e", "f")] == [True, True, True]
    assert len(store) == 3


def test_memory_store_stays_within_its_cap_under_a_threaded_flood() -> None:
    cap, threads, per_thread = 500, 8, 1000
    store = MemoryNonceStore(max_entries=cap)
    sizes: list[int] = []
    flooding = threading.Event()
    flooding.set()

    def watch() -> None:
        while flooding.is_set():
            sizes.append(len(store))

    def flood(thread: int) -> tuple[int, int]:
        accepted = refused = 0
        for n in range(per_thread):
            try:
                accepted += store.remember(f"flood-{thread}-{n}", 60)
            except NonceStoreUnavailable:
                refused += 1
        return accepted, refused

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(flood, range(threads)))
    finally:
        flooding.clear()
        watcher.join()

    assert sum(accepted for accepted, _ in results) == cap
    assert sum(refused for _, refused in results) == threads * per_thread - cap
    assert max(sizes) <= cap
    assert len(store) == cap


@pytest.mark.usefixtures("frequent_thread_switches")
def test_memory_store_accepts_each_key_once_across_overlapping_threads() -> None:
    store = MemoryNonceStore()
    threads, keys = 8, [f"overlap-{n}" for n in range(20_000)]
    barrier = threading.Barrier(threads)

    def accept_all() -> int:
        barrier.wait()
        return sum(store.remember(key, 60) for key in keys)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        accepted = sum(pool.map(lambda _: accept_all(), range(threads)))

    assert accepted == len(keys)


def test_memory_store_forgets_expired_entries_as_new_ones_arrive() -> None:
    store = MemoryNonceStore(max_entries=10_000)
    for n in range(1000):
        store.remember(f"old-{n}", 0.05)
    time.sleep(0.1)

    for n in range(300):
        store.remember(f"new-{n}", 60)

    assert len(store) == 300


def test_memory_store_keeps_a_key_remembered_again_after_it_expired() -> None:
    store = MemoryNonceStore()
    # Queued ahead of "reused", these keep its first entry from being forgotten
    # before it is remembered again: that entry is then stale, not expired.
    for n in range(8):
        store.remember(f"early-{n}", 0.05)
    store.remember("reused", 0.05)
    time.sleep(0.1)
    assert store.remember("reused", 60) is True

    # Forgetting the stale entry must leave the second, live one in place.
    for n in range(10):
        store.remember(f"other-{n}", 60)
    assert store.remember("reused", 60) is False


def test_memory_store_expires_a_short_ttl_queued_behind_a_long_one() -> None:
    store = MemoryNonceStore()
    store.remember("long", 60)
    store.remember("short", 0.1)
    time.sleep(0.2)

    assert store.remember("short", 60) is True
    assert store.remember("long", 60) is False


def test_memory_store_rejects_a_cap_below_one() -> None:
    with pytest.raises(ValueError, match="'max_entries'"):
        MemoryNonceStore(max_entries=0)


# Redis stores: what reaches the server.


@pytest.fixture
def slowlog(redis_client: redis.Redis) -> cabc.Iterator[redis.Redis]:
    """Make the server log every command, so a test can read the exact commands sent."""
    redis_client.config_set("slowlog-log-slower-than", 0)
    redis_client.slowlog_reset()
    try:
        yield redis_client
    finally:
        redis_client.config_set("slowlog-log-slower-than", 10_000)


def _set_commands(client: redis.Redis) -> list[list[str]]:
    """The SET commands in the server's slowlog, oldest first, as lists of words."""
    entries = client.slowlog_get(128)
    commands = [entry["command"].decode().split() for entry in reversed(entries)]
    return [command for command in commands if command[0] == "SET"]


@pytest.mark.parametrize(
    ("ttl", "milliseconds"),
    [
        pytest.param(0.0001, "1", id="below-a-millisecond"),
        pytest.param(0.2, "200", id="exact"),
        pytest.param(0.1 + 0.2, "300", id="inexact-float"),
        pytest.param(1.0004, "1001", id="rounded-up"),
        pytest.param(120, "120000", id="int"),
    ],
)
@pytest.mark.parametrize(
    "kind", [pytest.param("redis", id="sync"), pytest.param("async", id="async")]
)
def test_redis_store_sends_one_atomic_set_nx_with_ttl_in_milliseconds(
    redis_server: RedisServer, slowlog: redis.Redis, kind: str, ttl: float, milliseconds: str
) -> None:
    if kind == "redis":
        RedisNonceStore(slowlog).remember("abc", ttl)
    else:
        _async_remember(AsyncRedisNonceStore.from_url(redis_server.url))("abc", ttl)

    [command] = _set_commands(slowlog)
    assert command[:3] == ["SET", "hawk:nonce:abc", "1"]
    assert sorted(command[3:]) == sorted(["NX", "PX", milliseconds])


def test_redis_store_keys_carry_its_prefix_and_expire_in_redis(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    RedisNonceStore(redis_client).remember("one", 60)
    RedisNonceStore(redis_client, prefix="app2:").remember("two", 60)
    _async_remember(AsyncRedisNonceStore.from_url(redis_server.url, prefix="app3:"))("three", 60)

    assert sorted(redis_client.keys("*")) == [b"app2:two", b"app3:three", b"hawk:nonce:one"]
    assert 59_000 < redis_client.pttl("hawk:nonce:one") <= 60_000


def test_stores_with_different_prefixes_do_not_share_nonces(redis_client: redis.Redis) -> None:
    first = RedisNonceStore(redis_client, prefix="app1:")
    second = RedisNonceStore(redis_client, prefix="app2:")

    assert first.remember("shared", 60) is True
    assert second.remember("shared", 60) is True
    assert first.remember("shared", 60) is False


# Redis stores: faults fail closed and recover.


def test_redis_store_is_unavailable_while_redis_is_down_and_recovers_on_restart(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    store = RedisNonceStore.from_url(redis_server.url, **_FAST_FAILING)
    assert store.remember("before", 60) is True

    redis_server.stop()
    try:
        with pytest.raises(NonceStoreUnavailable) as caught:
            store.remember("during", 60)
    finally:
        redis_server.start()

    assert isinstance(caught.value.__cause__, redis.ConnectionError)
    assert store.remember("after", 60) is True
    store.client.close()


def test_async_redis_store_is_unavailable_while_redis_is_down_and_recovers_in_one_loop(
    redis_server: RedisServer, redis_client: redis.Redis
) -> None:
    store = AsyncRedisNonceStore.from_url(redis_server.url, **_FAST_FAILING_ASYNC)

    async def scenario() -> tuple[bool, BaseException | None, bool]:
        before = await store.remember("before", 60)
        # Blocking the loop is fine here: nothing else runs on it.
        redis_server.stop()
        try:
            with pytest.raises(NonceStoreUnavailable) as caught:
                await store.remember("during", 60)
        finally:
            redis_server.start()
        after = await store.remember("after", 60)
        return before, caught.value.__cause__, after

    before, cause, after = asyncio.run(scenario())

    assert before is True
    assert isinstance(cause, redis.ConnectionError)
    assert after is True


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        # The sync client's pooled connection times out reading the reply.
        pytest.param("redis", (redis.TimeoutError,), id="sync"),
        # Each new loop's client opens a connection, whose handshake hangs until
        # the store's own deadline (its socket_timeout) cancels the call.
        pytest.param("async", (TimeoutError,), id="async"),
    ],
)
def test_redis_store_times_out_while_redis_hangs(
    redis_server: RedisServer,
    redis_client: redis.Redis,
    kind: str,
    cause: tuple[type[Exception], ...],
) -> None:
    if kind == "redis":
        sync_store = RedisNonceStore.from_url(redis_server.url, **_FAST_FAILING)
        remember: Remember = sync_store.remember
    else:
        remember = _async_remember(
            AsyncRedisNonceStore.from_url(redis_server.url, **_FAST_FAILING_ASYNC)
        )
    assert remember("before", 60) is True

    started = time.monotonic()
    with redis_server.paused(), pytest.raises(NonceStoreUnavailable) as caught:
        remember("during", 60)
    elapsed = time.monotonic() - started

    assert isinstance(caught.value.__cause__, cause)
    assert elapsed < 2.0
    assert remember("after", 60) is True


# Redis stores: misuse is refused at construction.


def test_redis_store_refuses_an_asyncio_client() -> None:
    client = redis.asyncio.Redis()

    with pytest.raises(TypeError, match="use AsyncRedisNonceStore"):
        RedisNonceStore(client)  # type: ignore[arg-type]


def test_async_redis_store_refuses_a_client_instead_of_a_factory() -> None:
    client = redis.asyncio.Redis()

    with pytest.raises(TypeError, match=r"'client_factory'.*from_url"):
        AsyncRedisNonceStore(client)  # type: ignore[arg-type]


def test_async_redis_store_from_url_rejects_a_malformed_url_at_once() -> None:
    with pytest.raises(ValueError, match="scheme"):
        AsyncRedisNonceStore.from_url("http://localhost:6379")


def test_nonces_module_imports_without_redis_and_names_the_extra() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["redis"] = None  # as if redis were not installed

        from flask_api_utils.hawk.nonces import MemoryNonceStore, RedisNonceStore

        print(MemoryNonceStore().remember("key", 60))
        try:
            RedisNonceStore.from_url("redis://localhost")
        except ImportError as exc:
            print(exc)
            print(exc.__cause__, exc.__suppress_context__)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).parents[2] / "src")},
    )

    assert result.stdout.splitlines() == [
        "True",
        "RedisNonceStore needs the redis package: pip install 'flask-api-utils[redis]'",
        "None True",
    ]
