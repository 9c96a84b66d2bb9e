"""Measure what one ``remember`` costs in each nonce store; prints, never asserts.

The memory store does the same work per call whatever it holds, so its cost
should not grow with the number of nonces held. What does grow is the CPU
cache's miss rate once the dict outgrows the cache: the bare dict and deque
the store is built on are measured alongside, to tell that apart from the
store's own work.

The Redis figures are for information. They use a redis-server started here
on a unix socket (found on ``PATH``), or the server ``--redis-url`` names, in
which case only keys under a fresh prefix, expiring within a minute, are
written. Run from the repository root; it takes well under a minute::

    PYTHONPATH=src .venv/bin/python benchmarks/bench_nonce_store.py
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import collections.abc as cabc
import contextlib
import pathlib
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time

from flask_api_utils.hawk.nonces import AsyncRedisNonceStore, MemoryNonceStore, RedisNonceStore

__all__ = ["main", "redis_url"]

#: Calls per timed batch and batches per figure; each figure is the median batch.
_BATCH = 100
_BATCHES = 300
_MEMORY_TTL = 3600.0
_REDIS_TTL = 60.0

Remember = cabc.Callable[[str, float], object]


def _keys(prefix: str, count: int) -> list[str]:
    """Unique keys shaped like Hawk's: client id, timestamp, nonce."""
    return [f"{prefix}-client:1700000000:{n:012x}" for n in range(count)]


def _batches(keys: list[str]) -> list[list[str]]:
    """Split ``keys`` into batches of ``_BATCH``."""
    return [keys[start : start + _BATCH] for start in range(0, len(keys), _BATCH)]


def _batch_cost(remember: Remember, batch: list[str], ttl: float) -> float:
    """Seconds per call of ``remember`` over one batch of new keys."""
    began = time.perf_counter()
    for key in batch:
        remember(key, ttl)
    return (time.perf_counter() - began) / len(batch)


def _median_cost(remember: Remember, keys: list[str], ttl: float) -> float:
    """Median seconds per call over the batches of ``keys``."""
    return statistics.median(_batch_cost(remember, batch, ttl) for batch in _batches(keys))


class _BareDictAndDeque:
    """The data structures of MemoryNonceStore with none of its logic: a floor."""

    def __init__(self) -> None:
        self.expiries: dict[str, float] = {}
        self.queue: collections.deque[tuple[float, str]] = collections.deque()

    def remember(self, key: str, ttl: float) -> bool:
        """Look ``key`` up, then store and queue it unconditionally."""
        known = key in self.expiries
        self.expiries[key] = ttl
        self.queue.append((ttl, key))
        return not known


def _memory_cost(held: int, make: cabc.Callable[[], Remember]) -> float:
    """Median cost of remembering a new key while about ``held`` nonces are held.

    A small store is rebuilt for every batch so that it stays small; a large
    one grows by the measured keys, a few percent.
    """
    measured = _keys("measured", _BATCH * _BATCHES)
    filler = _keys("held", held)
    if held < len(measured):
        costs = []
        for batch in _batches(measured):
            remember = make()
            for key in filler:
                remember(key, _MEMORY_TTL)
            costs.append(_batch_cost(remember, batch, _MEMORY_TTL))
        return statistics.median(costs)
    remember = make()
    for key in filler:
        remember(key, _MEMORY_TTL)
    return _median_cost(remember, measured, _MEMORY_TTL)


def _row(label: str, seconds: float) -> None:
    """Print one figure in microseconds."""
    print(f"{label:<58}{seconds * 1e6:9.3f} us")


def _report_memory(held: int) -> None:
    """Print the memory store's cost with 10 and with ``held`` nonces held."""
    store_small = _memory_cost(10, lambda: MemoryNonceStore().remember)
    store_large = _memory_cost(held, lambda: MemoryNonceStore(max_entries=2 * held).remember)
    bare_small = _memory_cost(10, lambda: _BareDictAndDeque().remember)
    bare_large = _memory_cost(held, lambda: _BareDictAndDeque().remember)
    _row("MemoryNonceStore.remember, 10 held", store_small)
    _row(f"MemoryNonceStore.remember, {held:,} held", store_large)
    print(f"{'  ratio':<58}{store_large / store_small:9.2f}")
    _row("bare dict + deque, 10 held", bare_small)
    _row(f"bare dict + deque, {held:,} held", bare_large)
    print(f"{'  ratio':<58}{bare_large / bare_small:9.2f}")
    _row("the store's own work (store - bare), 10 held", store_small - bare_small)
    _row(f"the store's own work (store - bare), {held:,} held", store_large - bare_large)


@contextlib.contextmanager
def redis_url(url: str | None) -> cabc.Iterator[str | None]:
    """Yield ``url``, or that of a redis-server started for the run, or None."""
    if url is not None:
        yield url
        return
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        socket_path = pathlib.Path(directory) / "redis.sock"
        command = [executable, "--port", "0", "--unixsocket", str(socket_path)]
        command += ["--save", "", "--appendonly", "no", "--dir", directory]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not socket_path.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            yield f"unix://{socket_path}"
        finally:
            process.terminate()
            process.wait(10)


def _report_redis(url: str) -> None:
    """Print the per-call cost of each Redis store against ``url``."""
    prefix = f"bench-nonce:{secrets.token_hex(4)}:"
    store = RedisNonceStore.from_url(url, prefix=prefix)
    sync_cost = _median_cost(store.remember, _keys("sync", 10_000), _REDIS_TTL)
    _row("RedisNonceStore.remember", sync_cost)
    store.client.close()

    async_store = AsyncRedisNonceStore.from_url(url, prefix=prefix)
    keys = _keys("async", 10_000)

    async def in_one_loop() -> float:
        costs = []
        for batch in _batches(keys):
            began = time.perf_counter()
            for key in batch:
                await async_store.remember(key, _REDIS_TTL)
            costs.append((time.perf_counter() - began) / len(batch))
        return statistics.median(costs)

    _row("AsyncRedisNonceStore.remember, one long-lived loop", asyncio.run(in_one_loop()))

    def in_a_new_loop(key: str, ttl: float) -> bool:
        return asyncio.run(async_store.remember(key, ttl))

    def bare_new_loop(key: str, ttl: float) -> None:
        asyncio.run(asyncio.sleep(0))

    # As under Flask: a new loop, so a new connection, for every call.
    _row(
        "AsyncRedisNonceStore.remember, new loop each (Flask)",
        _median_cost(in_a_new_loop, _keys("per-loop", 2_000), _REDIS_TTL),
    )
    _row(
        "  of which asyncio.run of nothing",
        _median_cost(bare_new_loop, _keys("bare", 2_000), _REDIS_TTL),
    )


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--redis-url", help="measure this Redis rather than start one")
    parser.add_argument("--held", type=int, default=1_000_000, help="nonces in the large store")
    arguments = parser.parse_args()
    began = time.monotonic()

    _report_memory(arguments.held)
    with redis_url(arguments.redis_url) as url:
        if url is None:
            print("Redis: skipped (no redis-server on PATH and no --redis-url)")
        else:
            _report_redis(url)
    print(f"total time: {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
