"""Nonce stores: how Hawk remembers which requests it has already accepted.

Hawk refuses a request whose nonce it has seen within the replay window. A
store answers one question atomically: "was this key new? then remember it".

- :class:`MemoryNonceStore` keeps nonces in the process. It is the default and
  suits one worker process; several processes do not see each other's nonces.
- :class:`RedisNonceStore` keeps them in Redis through a synchronous
  :class:`redis.Redis`, shared by every worker and host that uses that server.
- :class:`AsyncRedisNonceStore` does the same through :mod:`redis.asyncio`.

Every store fails closed: when it cannot remember a nonce it raises
:exc:`NonceStoreUnavailable`, and Hawk answers 503 rather than accept a
request it cannot prove is not a replay. The Redis stores need the ``redis``
extra (``pip install 'flask-api-utils[redis]'``); this module imports without it.
"""

from __future__ import annotations

import asyncio
import collections
import collections.abc as cabc
import logging
import math
import threading
import time
import typing as t

from ..aio import PerLoop

if t.TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "AsyncRedisNonceStore",
    "MemoryNonceStore",
    "NonceStoreUnavailable",
    "RedisNonceStore",
]

_logger = logging.getLogger(__name__)

#: How many expired entries one ``remember`` forgets, at most, while the store
#: is under its cap: enough to outpace insertions, few enough that a burst of
#: expiries never stalls a single request.
_SWEEP_BATCH = 4


class NonceStoreUnavailable(Exception):
    """The nonce store could not be reached; the request fails closed with 503.

    Raised from ``remember`` with the underlying error as ``__cause__`` (a
    Redis connection error or timeout), or without one when
    :class:`MemoryNonceStore` is full. Hawk logs it and answers 503.
    """


def _checked_ttl(ttl: float) -> float:
    """Return ``ttl`` if it is a usable number of seconds, else raise ValueError."""
    if not math.isfinite(ttl) or ttl <= 0:
        msg = f"'ttl' must be a positive, finite number of seconds, got {ttl!r}"
        raise ValueError(msg)
    return ttl


def _ttl_ms(ttl: float) -> int:
    """Convert ``ttl`` seconds to Redis ``PX`` milliseconds, rounded up, at least 1."""
    # Rounding to nanoseconds first keeps float noise (0.1 + 0.2 seconds is
    # 300.00000000000006 ms) from adding a millisecond.
    return max(1, math.ceil(round(_checked_ttl(ttl) * 1000, 6)))


def _require_redis(store: str) -> None:
    """Raise ImportError naming the extra if the ``redis`` package is missing."""
    try:
        import redis.asyncio  # noqa: F401
    except ImportError:
        msg = f"{store} needs the redis package: pip install 'flask-api-utils[redis]'"
        raise ImportError(msg) from None


class MemoryNonceStore:
    """Remembers nonces in this process: the default store, for one worker.

    Safe to share between threads. Each ``remember`` does the same work
    whether ten or a million nonces are held: a dict maps key to expiry and a
    queue holds the entries in the order they were remembered, so expired
    entries are forgotten from the front of the queue a few at a time, never
    by a scan. Expiry uses :func:`time.monotonic`, so clock changes do not
    matter.

    Hawk passes each nonce the time left in its timestamp's window, so a
    nonce from a client whose clock runs behind expires before nonces
    remembered earlier. It is refused for its own ttl and no longer, but it
    keeps its slot, and counts in ``len()``, until those earlier ones expire:
    at most the longest ttl after it was remembered.

    When ``max_entries`` unexpired nonces are held, a request with a new nonce
    raises :exc:`NonceStoreUnavailable` (Hawk answers 503) until some expire:
    the store fails closed. Making room by forgetting the oldest unexpired
    nonce would let an attacker who floods the store replay that request, so
    it never does. A replayed nonce is still answered ``False`` when full.

    Each process has its own store: behind several workers, or hosts, a
    request replayed to another process is accepted. Use
    :class:`RedisNonceStore` there.

    :param max_entries: the most nonces held at once. Size it above the peak
        rate of new nonces times the longest ttl Hawk passes, twice
        ``HAWK_TIMESTAMP_SKEW_IN_SECONDS`` plus one: with the default skew
        (121 s), the default 100,000 covers about 800 requests a second.
    """

    def __init__(self, *, max_entries: int = 100_000) -> None:
        if max_entries < 1:
            msg = f"'max_entries' must be at least 1, got {max_entries!r}"
            raise ValueError(msg)
        #: The most nonces held at once; see the class docstring.
        self.max_entries = max_entries
        self._expiries: dict[str, float] = {}
        # (expiry, key) in the order remembered; an entry is stale when its key
        # was remembered again after expiring and so has a newer expiry.
        self._queue: collections.deque[tuple[float, str]] = collections.deque()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Return how many nonces are held, counting expired ones not yet forgotten."""
        with self._lock:
            return len(self._expiries)

    def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` for ``ttl`` seconds; ``True`` if it was not known yet.

        :param key: the nonce key Hawk built for the request.
        :param ttl: seconds to refuse the key again, more than zero.
        :raises NonceStoreUnavailable: the key is new and the store is full.
        :raises ValueError: ``ttl`` is not a positive, finite number.
        """
        # _checked_ttl's test, inline: this runs on every request.
        if not 0 < ttl < math.inf:
            _checked_ttl(ttl)
        with self._lock:
            now = time.monotonic()
            if self._queue and self._queue[0][0] <= now:
                self._forget_expired(now, _SWEEP_BATCH)
            expiry = self._expiries.get(key)
            if expiry is not None and expiry > now:
                return False
            if expiry is None and len(self._expiries) >= self.max_entries:
                # Each entry leaves the queue once, so draining here stays
                # O(1) amortised however many expired entries piled up.
                while len(self._expiries) >= self.max_entries and self._forget_expired(now, 1):
                    pass
                if len(self._expiries) >= self.max_entries:
                    msg = f"MemoryNonceStore is full: {self.max_entries} unexpired nonces held"
                    raise NonceStoreUnavailable(msg)
            expiry = now + ttl
            self._expiries[key] = expiry
            self._queue.append((expiry, key))
            return True

    def _forget_expired(self, now: float, limit: int) -> int:
        """Pop up to ``limit`` expired entries off the queue; return how many popped."""
        queue = self._queue
        popped = 0
        while popped < limit and queue and queue[0][0] <= now:
            expiry, key = queue.popleft()
            popped += 1
            # A stale entry must not delete the key's newer, unexpired one.
            if self._expiries.get(key) == expiry:
                del self._expiries[key]
        return popped


class RedisNonceStore:
    """Remembers nonces in Redis with a synchronous :class:`redis.Redis` client.

    One ``SET prefix+key 1 NX PX ttl`` per request does the check and the
    remembering atomically, so every worker and host sharing the Redis server
    shares the replay protection, and Redis expires the keys itself. The ttl
    is sent in milliseconds, rounded up, at least 1.

    Any Redis error, a refused connection or a timeout above all, raises
    :exc:`NonceStoreUnavailable` from it: Hawk answers 503 and the request is
    never accepted unchecked. A hung server holds each request for the
    client's ``socket_timeout`` (redis-py waits 5 seconds by default), so set
    it to what a request can afford. After a timeout Redis may still have
    stored the key; the request was refused all the same, and a client that
    retries with a new nonce, as Hawk clients do, is not affected.

    This store also serves ``async def`` views: Flask runs each in an event
    loop on a thread of its own, so the blocking call holds up only that
    request.

    :param client: a :class:`redis.Redis`; its connection pool is thread-safe
        and reconnects after a fork, so one client serves every worker.
    :param prefix: prepended to every key, to keep nonces apart from other
        data in the same database.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "hawk:nonce:") -> None:
        _require_redis("RedisNonceStore")
        import redis.asyncio

        # An asyncio client's set() returns a coroutine, which is truthy: every
        # replay would be accepted. Typed callers cannot pass one; untyped ones
        # are refused here rather than fail open.
        given: object = client
        if isinstance(given, redis.asyncio.Redis | redis.asyncio.RedisCluster):
            msg = "'client' is a redis.asyncio client: use AsyncRedisNonceStore for it"
            raise TypeError(msg)
        #: The Redis client the nonces are set through.
        self.client = client
        #: Prepended to every key.
        self.prefix = prefix
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "hawk:nonce:", **kwargs: t.Any) -> t.Self:
        """Make a store with a client for ``url``, as :meth:`redis.Redis.from_url` reads it.

        :param url: ``redis://``, ``rediss://`` or ``unix://`` URL of the server.
        :param prefix: prepended to every key.
        :param kwargs: passed on to :meth:`redis.Redis.from_url`, for example
            ``socket_timeout=0.5``.
        """
        _require_redis("RedisNonceStore")
        import redis

        return cls(redis.Redis.from_url(url, **kwargs), prefix=prefix)

    def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` for ``ttl`` seconds; ``True`` if it was not known yet.

        :param key: the nonce key Hawk built for the request.
        :param ttl: seconds to refuse the key again, more than zero.
        :raises NonceStoreUnavailable: Redis could not be reached or failed.
        :raises ValueError: ``ttl`` is not a positive, finite number.
        """
        milliseconds = _ttl_ms(ttl)
        try:
            created = self.client.set(self.prefix + key, 1, nx=True, px=milliseconds)
        except self._errors as exc:
            msg = f"Redis nonce store failed: {type(exc).__name__}"
            raise NonceStoreUnavailable(msg) from exc
        return bool(created)


class AsyncRedisNonceStore:
    """Remembers nonces in Redis through :mod:`redis.asyncio`, for ``async def`` views.

    It works as :class:`RedisNonceStore` does (one atomic ``SET NX PX``, every
    Redis error raised as :exc:`NonceStoreUnavailable`) but awaits the call.

    Why it takes a factory, not a client: a :mod:`redis.asyncio` connection
    belongs to the event loop that opened it, and an app may run coroutines
    on several loops (one per worker thread under
    :class:`~flask_api_utils.ResponsiveFlask` or
    :class:`~flask_api_utils.AsyncLoops`). So the store calls
    ``client_factory`` once per event loop, keeps that client, and its
    connection pool, for the loop's life, and closes it when the loop shuts
    down (it cancels its pending tasks, as :func:`asyncio.run`, asgiref and
    :mod:`flask_api_utils.aio` do). On those long-lived loops every request
    of a thread reuses the same connections, and the store costs about what
    :class:`RedisNonceStore` costs. On plain Flask's loop per call, every
    request opens and closes a connection of its own, about ten times the
    ``SET`` itself: there, prefer :class:`RedisNonceStore`.

    A timeout: redis-py's asyncio client honours its ``socket_timeout`` by
    wrapping every write in a task of its own and every read in a timer,
    which costs a third of a ``SET``. So :meth:`from_url` gives its clients
    no ``socket_timeout`` and applies it here instead, once around each
    ``SET``: a hung server fails a ``remember`` after that many seconds, as
    :exc:`NonceStoreUnavailable` from a :exc:`TimeoutError`, and the
    connection is dropped (redis-py closes a connection whose command was
    cancelled) and made anew for the next call.

    :param client_factory: returns a new :class:`redis.asyncio.Redis` each
        call, for example ``lambda: redis.asyncio.Redis(host="cache")``.
    :param prefix: prepended to every key.
    :param timeout: seconds one ``remember`` may take in all, or ``None``
        for the client's own timeouts only.
    """

    def __init__(
        self,
        client_factory: cabc.Callable[[], redis.asyncio.Redis],
        *,
        prefix: str = "hawk:nonce:",
        timeout: float | None = None,
    ) -> None:
        _require_redis("AsyncRedisNonceStore")
        import redis

        given: object = client_factory
        if not callable(given):
            msg = (
                f"'client_factory' must be a callable returning a new redis.asyncio.Redis,"
                f" got {type(given).__name__!r}: a client is bound to one event"
                f" loop; use AsyncRedisNonceStore.from_url() or pass a factory"
            )
            raise TypeError(msg)
        if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
            msg = f"'timeout' must be a positive number of seconds or None, got {timeout!r}"
            raise ValueError(msg)
        self._client_factory = client_factory
        #: Prepended to every key.
        self.prefix = prefix
        #: Seconds one ``remember`` may take in all; ``None``: the client's timeouts only.
        self.timeout = timeout
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._clients = PerLoop(self._open_client, self._close_client, name="AsyncRedisNonceStore")

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "hawk:nonce:", **kwargs: t.Any) -> t.Self:
        """Make a store whose clients connect to ``url``, as :mod:`redis.asyncio` reads it.

        The URL is parsed now, so a malformed one fails at startup. Each
        loop's client keeps one connection (``single_connection_client``,
        unless ``kwargs`` say otherwise): the coroutines of one loop take
        turns on it. The client's ``socket_timeout`` (redis-py's default
        unless given) becomes the store's :attr:`timeout`, and bounds the
        connect as well.

        :param url: ``redis://``, ``rediss://`` or ``unix://`` URL of the server.
        :param prefix: prepended to every key.
        :param kwargs: passed on to :meth:`redis.asyncio.Redis.from_url`, for
            example ``socket_timeout=0.5``.
        """
        _require_redis("AsyncRedisNonceStore")
        import redis.asyncio

        # Parsing binds nothing to a loop; the pool is dropped unused, and its
        # unconnected probe tells the timeouts that the URL, the arguments and
        # this redis-py version's defaults come to.
        client_options = {"single_connection_client": kwargs.pop("single_connection_client", True)}
        pool = redis.asyncio.ConnectionPool.from_url(url, **kwargs)
        probe = pool.connection_class(**pool.connection_kwargs)
        timeout: float | None = probe.socket_timeout
        if timeout is not None:
            kwargs["socket_timeout"] = None
            kwargs["socket_connect_timeout"] = probe.socket_connect_timeout
        # redis-py 7 and later read their own version from the installed
        # metadata for every new connection, about a millisecond, and under
        # Flask each request makes one: read it once, here.
        identified = kwargs.keys() & {"driver_info", "lib_name", "lib_version"}
        if hasattr(redis, "DriverInfo") and not identified:
            kwargs["driver_info"] = redis.DriverInfo()
        kwargs.update(client_options)
        return cls(
            lambda: redis.asyncio.Redis.from_url(url, **kwargs), prefix=prefix, timeout=timeout
        )

    async def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` for ``ttl`` seconds; ``True`` if it was not known yet.

        :param key: the nonce key Hawk built for the request.
        :param ttl: seconds to refuse the key again, more than zero.
        :raises NonceStoreUnavailable: Redis could not be reached or failed.
        :raises ValueError: ``ttl`` is not a positive, finite number.
        """
        milliseconds = _ttl_ms(ttl)
        client, deadlines = await self._clients.get()
        try:
            if self.timeout is None:
                created = await client.set(self.prefix + key, 1, nx=True, px=milliseconds)
            else:
                with deadlines.within(self.timeout):
                    created = await client.set(self.prefix + key, 1, nx=True, px=milliseconds)
        except self._errors as exc:  # TimeoutError is an OSError
            msg = f"Redis nonce store failed: {type(exc).__name__}"
            raise NonceStoreUnavailable(msg) from exc
        return bool(created)

    async def _open_client(self) -> tuple[redis.asyncio.Redis, _Deadlines]:
        return self._client_factory(), _Deadlines(asyncio.get_running_loop())

    async def _close_client(self, opened: tuple[redis.asyncio.Redis, _Deadlines]) -> None:
        client, _ = opened
        try:
            await client.aclose()
        except self._errors:
            # The server went away first; the socket is closed all the same.
            _logger.debug("closing a nonce store's Redis client failed", exc_info=True)


class _Deadlines:
    """Times out the calls of one event loop with one timer between them.

    :func:`asyncio.timeout` arms a timer when it is entered and cancels it
    when it is left, and the cancelled timers pile up in the loop's heap
    until it sweeps them: about a tenth of what an ``AsyncRedisNonceStore``
    call costs. Here a call notes its deadline and drops it; one timer, set
    for the earliest deadline, cancels the task of each call that outlived
    its own and sets itself for the next.

    :param loop: the loop whose calls these are.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.due: dict[asyncio.Task[t.Any], float] = {}
        self.late: set[asyncio.Task[t.Any]] = set()
        self._timer: asyncio.TimerHandle | None = None

    def within(self, seconds: float) -> _Within:
        """Cancel the running task if the block outlasts ``seconds``; raise TimeoutError then."""
        return _Within(self, seconds)

    def arm(self, deadline: float) -> None:
        """Make sure the timer runs no later than ``deadline``."""
        if self._timer is None:
            self._timer = self.loop.call_at(deadline, self._cancel_the_late)

    def _cancel_the_late(self) -> None:
        self._timer = None
        now = self.loop.time()
        upcoming = math.inf
        for task, deadline in self.due.items():
            if task in self.late:
                continue
            if deadline <= now:
                self.late.add(task)
                task.cancel()
            else:
                upcoming = min(upcoming, deadline)
        if upcoming < math.inf:
            self.arm(upcoming)


class _Within:
    """One block of :meth:`_Deadlines.within`, as :func:`asyncio.timeout` does it."""

    __slots__ = ("_cancelling", "_deadlines", "_task")

    def __init__(self, deadlines: _Deadlines, seconds: float) -> None:
        task = asyncio.current_task(deadlines.loop)
        if task is None:
            msg = "a deadline needs a running task"
            raise RuntimeError(msg)
        self._deadlines = deadlines
        self._task = task
        self._cancelling = task.cancelling()
        deadline = deadlines.loop.time() + seconds
        deadlines.due[task] = deadline
        deadlines.arm(deadline)

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: object
    ) -> None:
        deadlines, task = self._deadlines, self._task
        del deadlines.due[task]
        if task in deadlines.late:
            deadlines.late.discard(task)
            if kind is asyncio.CancelledError and task.uncancel() <= self._cancelling:
                raise TimeoutError from error
