"""Long-lived event loops for a Flask app's ``async def`` code.

Flask runs every ``async def`` view, error handler and callback through
:func:`asgiref.sync.async_to_sync`, which starts an event loop, in a new
thread, for that one call and closes it afterwards. Each call pays for the
loop and the thread, and nothing made on one loop outlives the call: an async
connection pool, a ``redis.asyncio`` client or an ``httpx.AsyncClient``
opened in one request is unusable in the next ("attached to a different
loop", "Event loop is closed").

Here the process keeps a pool of event loops that live until it exits. A
call borrows an idle loop, runs the coroutine on it to completion in the
calling thread, and gives it back. There are never more loops than async
calls that ran at the same moment, so one thread's requests, and those of
threads that come and go (Werkzeug's development server starts one per
request), all reuse the same loop and whatever clients and pools were made
on it. We measured the two other designs: one loop thread per process costs
four to five times as much per call, since every call crosses threads twice;
one loop per thread makes a new loop, and new connections, for every request
of a server that starts a thread per request.

- Flask's context-locals (``request``, ``g``, ``session``, ``current_app``)
  are visible: the coroutine runs in a copy of the caller's context.
- A call costs one task and the loop iterations it waits for. The task's
  first step runs as soon as the task is made, as Python 3.12's eager tasks
  run it, so a coroutine that never waits never reaches the loop's queue or
  its selector; callbacks woken by a ``select`` run without another.
- Tasks a coroutine leaves running go on during later calls on their loop:
  its selector is polled and its timers run at least every millisecond of
  calls.
- At interpreter exit every idle loop is shut down as :func:`asyncio.run`
  does: pending tasks cancelled and awaited, async generators and the
  default executor shut down, then the loop closed.
- A forked child never uses its parent's loops: they are closed in the child
  and it makes its own.
- A loop iteration that runs code for longer than
  ``API_SLOW_COROUTINE_SECONDS`` without waiting (a blocking call where an
  await belongs) is logged on ``flask_api_utils.aio`` with the coroutine's
  name and the duration.
- Code that already runs inside an event loop in this thread (an async
  function called through ``ensure_sync`` from a coroutine) gets Flask's
  own behaviour, which refuses it: await the function instead.

:class:`~flask_api_utils.ResponsiveFlask` uses this by default; give a plain
:class:`flask.Flask` app the same with ``AsyncLoops(app)``.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import collections.abc as cabc
import concurrent.futures
import contextvars
import functools
import logging
import os
import selectors
import sys
import threading
import time
import typing as t
from asyncio import events

if t.TYPE_CHECKING:
    from flask import Flask

__all__ = ["AsyncLoops", "PerLoop"]

log = logging.getLogger("flask_api_utils.aio")

#: Setting that turns the long-lived loops on (default) or off.
LOOPS_KEY = "API_LONG_LIVED_LOOPS"
#: Setting: seconds one step of a coroutine may hold the loop before it is logged.
SLOW_KEY = "API_SLOW_COROUTINE_SECONDS"
#: The settings and their defaults, set by AsyncLoops and ResponsiveFlask.
DEFAULT_SLOW = 0.1
DEFAULT_CONFIG: dict[str, object] = {LOOPS_KEY: True, SLOW_KEY: DEFAULT_SLOW}
# Where an app keeps the sync runner of each coroutine function, and how many.
_RUNNERS = "flask_api_utils.aio.runners"
_MAX_RUNNERS = 1024

R = t.TypeVar("R")
T = t.TypeVar("T")
Ts = t.TypeVarTuple("Ts")


class _LoopPool:
    """The process's event loops, and which of them are idle.

    A call borrows with ``idle.pop()`` and gives back with ``idle.append()``:
    each is one atomic list operation, so borrowing takes no lock. The lock
    guards ``every`` and the shutdown.
    """

    def __init__(self) -> None:
        self.idle: list[_PooledLoop] = []
        self.every: list[_PooledLoop] = []
        self.lock = threading.Lock()

    def new(self) -> _PooledLoop:
        """Make a loop for a call that found none idle."""
        loop = _PooledLoop()
        with self.lock:
            self.every.append(loop)
        return loop


_pool = _LoopPool()


def _shut_down(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel and await what is pending on ``loop``, then close it, as asyncio.run does."""
    if loop.is_closed() or loop.is_running():
        return
    try:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        try:
            loop.run_until_complete(loop.shutdown_default_executor())
        except RuntimeError:
            # Python 3.12 refuses the thread that this starts once the
            # interpreter is exiting: shut the executor down from here.
            executor: concurrent.futures.Executor | None = getattr(loop, "_default_executor", None)
            if executor is None:
                raise
            executor.shutdown(wait=True)
    except Exception:
        log.exception("shutting down an event loop failed")
    finally:
        loop.close()


def _shut_down_all() -> None:
    with _pool.lock:
        loops = list(_pool.idle)
        _pool.idle.clear()
        _pool.every.clear()
    for loop in loops:
        _shut_down(loop)


def _after_fork_in_child() -> None:
    # The parent's loops hold its selector and self-pipe: close the child's
    # copies of those descriptors, run nothing on them, and start afresh.
    global _pool
    inherited = _pool.every
    _pool = _LoopPool()
    for loop in inherited:
        if not loop.is_running() and not loop.is_closed():
            loop.close()


atexit.register(_shut_down_all)
# Also before the interpreter waits for non-daemon threads: a client's own
# worker thread (aiosqlite keeps one per connection) ends only once its loop's
# closer has closed it. concurrent.futures registers its shutdown the same way.
_register_before_thread_join = getattr(threading, "_register_atexit", None)
if _register_before_thread_join is not None:
    _register_before_thread_join(_shut_down_all)
os.register_at_fork(after_in_child=_after_fork_in_child)


class _TimingSelector(selectors.DefaultSelector):
    """The default selector, noting how long its last ``select`` waited."""

    waited = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        started = time.perf_counter()
        try:
            return super().select(timeout)
        finally:
            self.waited = time.perf_counter() - started


#: Seconds a loop may run ready callbacks without polling its selector.
_POLL_INTERVAL = 0.001

#: A callback as a loop queues it: the function, its arguments, its context.
_Callback: t.TypeAlias = tuple[
    cabc.Callable[..., object], tuple[t.Any, ...], contextvars.Context | None
]


def _nothing() -> None:
    """A ready callback that makes the next ``_run_once`` poll without waiting."""


class _PooledLoop(asyncio.SelectorEventLoop):
    """A selector event loop that can hand a new task's first step to :func:`_drive`."""

    def __init__(self) -> None:
        self.timing_selector = _TimingSelector()
        #: :func:`time.perf_counter` when ``_run_once`` last ran.
        self.polled = -_POLL_INTERVAL
        super().__init__(self.timing_selector)
        #: The async generator hooks that ``run_forever`` installs, made once.
        self.asyncgen_hooks = (
            self._asyncgen_firstiter_hook,  # type: ignore[attr-defined]
            self._asyncgen_finalizer_hook,  # type: ignore[attr-defined]
        )
        #: Whether the next ``call_soon`` hands its callback over rather than queue it.
        self.taking = False
        #: The callback handed over.
        self.taken: _Callback | None = None
        # What call_soon returns for the callback it hands over: the task
        # that asked ignores it.
        self._handed_over = asyncio.Handle(_nothing, (), self, None)
        self._handed_over.cancel()

    def call_soon(
        self,
        callback: cabc.Callable[[t.Unpack[Ts]], object],
        *args: *Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        """Queue ``callback`` as the base class does, without its two inner calls.

        Or, when :attr:`taking` is set, hand it over in :attr:`taken`
        instead: :func:`_drive` sets it while it makes a task, and runs the
        task's first step itself.
        """
        if self._debug or self._closed:  # type: ignore[attr-defined]
            return super().call_soon(callback, *args, context=context)
        if self.taking:
            self.taking = False
            self.taken = (callback, args, context)
            return self._handed_over
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)  # type: ignore[attr-defined]
        return handle

    def step(self, ready: collections.deque[asyncio.Handle], started: float) -> float:
        """Run one iteration; return the seconds it waited in ``select``.

        When callbacks are ready and the selector was polled less than
        :data:`_POLL_INTERVAL` ago, the ready callbacks run without a
        ``select`` call or a look at the timers, which cost as much as the
        rest; otherwise (and always in debug mode) the loop's own
        ``_run_once`` polls I/O, moves due timers and runs what is ready.
        """
        if ready and started - self.polled < _POLL_INTERVAL and not self._debug:  # type: ignore[attr-defined]
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle._cancelled:
                    handle._run()
            return 0.0
        self._run_once()  # type: ignore[attr-defined]
        self.polled = started
        return self.timing_selector.waited


def _drive(
    loop: _PooledLoop,
    coroutine: cabc.Coroutine[t.Any, t.Any, R],
    slow_seconds: float | None,
) -> R:
    """Run ``coroutine`` as a task on ``loop`` until it is done, in the calling thread.

    What :meth:`~asyncio.loop.run_until_complete` does, without its stop
    callback and the loop iteration that runs it. It uses what
    ``run_forever`` uses (``_run_once``, ``_ready``, the running-loop marker,
    the async generator hooks), the same on Python 3.11 to 3.13, on loops
    this module made.

    The task's first step runs at once: a task schedules it with
    ``call_soon`` when it is made, and the loop hands it back here instead
    of queueing it, so it runs as Python 3.12's eager tasks run it, and a
    coroutine that completes without waiting costs one task and its step
    (not in debug mode, nor with a task factory: then the task is made and
    queued as :meth:`~asyncio.loop.create_task` does).

    Until it is done the loop steps (:meth:`_PooledLoop.step`). Then, if
    other callbacks are ready or the selector was last polled over
    :data:`_POLL_INTERVAL` ago, one more step runs without waiting: what
    earlier calls left on the loop (a task they started, its I/O, a due
    timer) goes on at least every millisecond of calls. The time each step
    spends running code, not waiting in ``select``, is checked against
    ``slow_seconds``.
    """
    first: _Callback | None = None
    if loop._task_factory is not None:  # type: ignore[attr-defined]
        task: asyncio.Future[R] = loop.create_task(coroutine)
    else:
        loop.taking = True
        try:
            # The task runs in a copy of this thread's context: Flask's context-locals.
            task = asyncio.Task(coroutine, loop=loop)
        finally:
            loop.taking = False
        first, loop.taken = loop.taken, None
    ready: collections.deque[asyncio.Handle] = loop._ready  # type: ignore[attr-defined]
    hooks = sys.get_asyncgen_hooks()
    # What run_forever sets: is_running() and debug mode's thread checks read it.
    loop._thread_id = threading.get_ident()  # type: ignore[attr-defined]
    sys.set_asyncgen_hooks(*loop.asyncgen_hooks)
    events._set_running_loop(loop)
    try:
        started = time.perf_counter()
        if first is not None:
            callback, args, context = first
            if context is None:
                callback(*args)
            else:
                context.run(callback, *args)
            if slow_seconds is not None and time.perf_counter() - started > slow_seconds:
                _check(coroutine, started, 0.0, slow_seconds)
        while not task.done():
            started = time.perf_counter()
            waited = loop.step(ready, started)
            _check(coroutine, started, waited, slow_seconds)
        if ready or started - loop.polled >= _POLL_INTERVAL:
            if not ready:
                loop.call_soon(_nothing)  # poll, never wait
            started = time.perf_counter()
            waited = loop.step(ready, started)
            _check(coroutine, started, waited, slow_seconds)
    finally:
        events._set_running_loop(None)
        sys.set_asyncgen_hooks(*hooks)
        loop._thread_id = None  # type: ignore[attr-defined]
    return task.result()


def _check(coroutine: object, started: float, waited: float, slow_seconds: float | None) -> None:
    """Log a step that ran code for longer than ``slow_seconds``."""
    if slow_seconds is not None:
        busy = time.perf_counter() - started - waited
        if busy > slow_seconds:
            _log_slow(coroutine, busy, slow_seconds)


def _log_slow(coroutine: object, busy: float, slow_seconds: float) -> None:
    name = getattr(coroutine, "__qualname__", type(coroutine).__name__)
    log.warning(
        "coroutine %s held the event loop for %.3f s without awaiting (limit %s s)",
        name,
        busy,
        slow_seconds,
    )


def async_to_sync(
    app: Flask, func: cabc.Callable[..., cabc.Coroutine[t.Any, t.Any, R]]
) -> cabc.Callable[..., R]:
    """Return a sync callable that runs ``func`` on a long-lived loop.

    Flask asks for one on every request that calls a coroutine function, so
    each is made once per function and kept on the app. The settings are
    read when it runs: with ``API_LONG_LIVED_LOOPS`` false, or when a loop
    already runs in the calling thread, it is Flask's own per-call
    :meth:`flask.Flask.async_to_sync`.
    """
    try:
        return app.extensions[_RUNNERS][func]  # type: ignore[no-any-return]
    except KeyError:
        pass
    runners: dict[object, cabc.Callable[..., t.Any]] = app.extensions.setdefault(_RUNNERS, {})
    if len(runners) >= _MAX_RUNNERS:  # callables made per call would grow it
        runners.clear()
    runner = runners[func] = _runner(app, func)
    return runner


def _runner(
    app: Flask, func: cabc.Callable[..., cabc.Coroutine[t.Any, t.Any, R]]
) -> cabc.Callable[..., R]:
    from flask import Flask

    config = app.config

    def run(*args: t.Any, **kwargs: t.Any) -> R:
        if not config.get(LOOPS_KEY, True) or asyncio._get_running_loop() is not None:
            per_call: cabc.Callable[..., R] = Flask.async_to_sync(app, func)
            return per_call(*args, **kwargs)
        idle = _pool.idle
        try:
            loop = idle.pop()  # the most recently used: its clients are warm
        except IndexError:
            loop = _pool.new()
        try:
            return _drive(loop, func(*args, **kwargs), config.get(SLOW_KEY, DEFAULT_SLOW))
        finally:
            idle.append(loop)

    return run


class AsyncLoops:
    """Run a plain Flask app's ``async def`` code on long-lived event loops.

    :class:`~flask_api_utils.ResponsiveFlask` does this already. For a
    :class:`flask.Flask` app, one line::

        AsyncLoops(app)  # or AsyncLoops() and, later, init_app(app)

    :param app: The app to set up now; see :meth:`init_app`.
    """

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Make ``app`` run its coroutines on long-lived event loops.

        Configuration, read each time a coroutine is run:

        ``API_LONG_LIVED_LOOPS`` (``True``)
            ``False`` goes back to Flask's event loop per call.
        ``API_SLOW_COROUTINE_SECONDS`` (``0.1``)
            A step of a coroutine (the code between two awaits) that holds
            the loop longer than this is logged as a warning on
            ``flask_api_utils.aio``, with its name and duration. ``None``
            turns the check off.

        :raises RuntimeError: If ``init_app`` already ran for ``app``.
        """
        if "async_loops" in app.extensions:
            msg = f"AsyncLoops is already set up on the app {app.name!r}"
            raise RuntimeError(msg)
        for name, value in DEFAULT_CONFIG.items():
            app.config.setdefault(name, value)
        app.extensions["async_loops"] = self
        # An instance attribute shadows Flask.async_to_sync, which
        # Flask.ensure_sync calls for every coroutine function.
        app.async_to_sync = functools.partial(async_to_sync, app)  # type: ignore[method-assign]


# A loop holds only weak references to its tasks. The closers are held here,
# not by their PerLoop, so that one dropped while its loop lives on still
# closes its value when that loop shuts down.
_CLOSERS: set[asyncio.Task[None]] = set()


class PerLoop(t.Generic[T]):
    """One value per event loop: opened on the loop's first call, closed when it shuts down.

    An asyncio client, pool or connection belongs to the loop that opened
    it. Keep yours in a ``PerLoop`` and every coroutine that runs on a loop
    gets that loop's own, opened once and kept for the loop's life: on the
    long-lived loops of this module, for the life of the process::

        connections = PerLoop(lambda: aiosqlite.connect("app.db"), lambda c: c.close())

        @app.get("/count")
        async def count() -> dict[str, int]:
            connection = await connections.get()
            ...

    The value is closed when its loop shuts down (the loop cancels its
    pending tasks, as :func:`asyncio.run`, asgiref and this module's loops
    do at exit); an error while closing is logged at debug level.

    :param open: Awaited, on the loop, to open the loop's value.
    :param close: Awaited with the value when its loop shuts down.
    :param name: Names the closing task, for debugging.
    """

    def __init__(
        self,
        open: cabc.Callable[[], cabc.Awaitable[T]],
        close: cabc.Callable[[T], cabc.Awaitable[object]],
        *,
        name: str = "PerLoop",
    ) -> None:
        self._open = open
        self._close = close
        self._name = name
        self._values: dict[asyncio.AbstractEventLoop, T] = {}
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    async def get(self) -> T:
        """Return the running loop's value, opening it on the loop's first call."""
        loop = asyncio.get_running_loop()
        try:
            return self._values[loop]
        except KeyError:
            pass
        # Two coroutines of one loop asking at once open one value between them.
        async with self._locks.setdefault(loop, asyncio.Lock()):
            if loop not in self._values:
                self._values[loop] = await self._open()
                closer = loop.create_task(self._close_at_shutdown(loop), name=self._name)
                _CLOSERS.add(closer)
                closer.add_done_callback(_CLOSERS.discard)
        return self._values[loop]

    async def _close_at_shutdown(self, loop: asyncio.AbstractEventLoop) -> None:
        """Wait for the loop to cancel this task at shutdown, then close its value."""
        try:
            await loop.create_future()
        finally:
            value = self._values.pop(loop)
            self._locks.pop(loop, None)
            try:
                await self._close(value)
            except Exception:
                log.debug("closing the value of %s failed", self._name, exc_info=True)
