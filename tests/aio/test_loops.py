"""``async def`` code runs on long-lived per-thread loops, and what it makes there lasts.

The Redis connection counts come from a real redis-server; the servers are
Werkzeug's threaded server and gunicorn with gthread workers, over sockets.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
import typing as t

import pytest
import redis
import requests
from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import NotFound

from flask_api_utils import (
    AsyncLoops,
    Hawk,
    HawkCredentials,
    ResponsiveFlask,
)
from flask_api_utils.testing import HawkTestClient
from tests.aio.async_app import REDIS_URL_VARIABLE, create_app
from tests.fixtures.gunicorn import GunicornFactory
from tests.fixtures.live_server import LiveServerFactory
from tests.fixtures.redis_server import RedisServer

ALICE_KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"


def _connections_received(client: redis.Redis) -> int:
    info: dict[str, t.Any] = client.info("stats")
    return int(info["total_connections_received"])


def _loop_app(app: Flask) -> Flask:
    @app.get("/loop")
    async def loop() -> dict[str, int]:
        return {"loop": id(asyncio.get_running_loop())}

    return app


@pytest.mark.parametrize(
    ("make_app", "shared"),
    [
        pytest.param(lambda: ResponsiveFlask(__name__), True, id="responsive-flask"),
        pytest.param(lambda: _with_loops(Flask(__name__)), True, id="flask-with-async-loops"),
        pytest.param(lambda: _loops_off(ResponsiveFlask(__name__)), False, id="setting-off"),
        pytest.param(lambda: Flask(__name__), False, id="plain-flask"),
    ],
)
def test_requests_of_one_thread_share_a_loop_unless_turned_off(
    make_app: t.Callable[[], Flask], shared: bool
) -> None:
    client = _loop_app(make_app()).test_client()

    loops = {client.get("/loop").json["loop"] for _ in range(3)}  # type: ignore[index]

    assert (len(loops) == 1) is shared


def _with_loops(app: Flask) -> Flask:
    AsyncLoops(app)
    return app


def _loops_off(app: Flask) -> Flask:
    app.config["API_LONG_LIVED_LOOPS"] = False
    return app


def test_async_loops_refuses_a_second_init_app() -> None:
    app = Flask(__name__)
    AsyncLoops(app)

    with pytest.raises(RuntimeError, match="already set up"):
        AsyncLoops(app)


def test_context_locals_are_visible_in_views_handlers_and_loaders() -> None:
    app = ResponsiveFlask(__name__)
    app.secret_key = "test-only"
    seen: dict[str, object] = {}

    hawk = Hawk(app)

    @hawk.client_key_loader
    async def load_key(client_id: str) -> str:
        seen["loader"] = (request.path, current_app.name, g.get("marker"))
        return ALICE_KEY

    @app.before_request
    def mark() -> None:
        g.marker = "set before the request"
        session["user"] = "alice"

    @app.get("/view")
    @hawk.auth_required
    async def view() -> dict[str, t.Any]:
        return {
            "path": request.path,
            "arg": request.args["q"],
            "marker": g.marker,
            "user": session["user"],
            "app": current_app.name,
        }

    @app.errorhandler(NotFound)
    async def not_found(error: NotFound) -> tuple[dict[str, str], int]:
        return {"path": request.path, "marker": g.marker}, 404

    app.test_client_class = HawkTestClient
    client = app.test_client()
    body = client.get("/view?q=1", hawk=HawkCredentials("alice", ALICE_KEY)).json
    missing = client.get("/nowhere")

    assert body == {
        "path": "/view",
        "arg": "1",
        "marker": "set before the request",
        "user": "alice",
        "app": app.name,
    }
    assert seen["loader"] == ("/view", app.name, "set before the request")
    assert missing.status_code == 404
    assert missing.json == {"path": "/nowhere", "marker": "set before the request"}


@pytest.mark.parametrize(
    "waits",
    [
        # A coroutine that never waits completes in the step taken when its task is made.
        pytest.param(False, id="never-waits"),
        pytest.param(True, id="waits-on-the-loop"),
    ],
)
def test_task_apis_work_inside_a_view(waits: bool) -> None:
    app = ResponsiveFlask(__name__)

    async def child() -> str:
        if waits:
            await asyncio.sleep(0.01)
        task = asyncio.current_task()
        return task.get_name() if task is not None else "no task"

    @app.get("/task")
    async def task_view() -> dict[str, t.Any]:
        task = asyncio.current_task()
        assert task is not None
        async with asyncio.timeout(5):
            async with asyncio.TaskGroup() as group:
                named = group.create_task(child(), name="the child")
        timed_out = False
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(5)
        except TimeoutError:
            timed_out = True
        return {
            "same_loop": task.get_loop() is asyncio.get_running_loop(),
            "running": asyncio.get_running_loop().is_running(),
            "child": named.result(),
            "timed_out": timed_out,
            "cancelling": task.cancelling(),
        }

    client = app.test_client()

    for _ in range(2):  # on a new loop, then on the same loop again
        assert client.get("/task").json == {
            "same_loop": True,
            "running": True,
            "child": "the child",
            "timed_out": True,
            "cancelling": 0,
        }


def test_tasks_a_view_leaves_running_go_on_during_later_calls() -> None:
    app = ResponsiveFlask(__name__)
    done: list[str] = []

    async def later(label: str) -> None:
        await asyncio.sleep(0.01)  # a timer, due while no call runs
        done.append(label)

    @app.get("/spawn")
    async def spawn() -> dict[str, bool]:
        background = asyncio.create_task(later("spawned"))
        _LEFT_RUNNING.add(background)
        background.add_done_callback(_LEFT_RUNNING.discard)
        return {"spawned": True}

    @app.get("/quick")
    async def quick() -> dict[str, bool]:
        return {"quick": True}  # never waits: completes in its first step

    client = app.test_client()
    assert client.get("/spawn").status_code == 200
    time.sleep(0.05)
    # Later calls that never wait still give the loop's other work a turn.
    for _ in range(3):
        assert client.get("/quick").status_code == 200

    assert done == ["spawned"]


# Tasks a view started, held until they finish (a loop keeps only weak references).
_LEFT_RUNNING: set[asyncio.Task[None]] = set()


def test_an_exception_in_a_coroutine_reaches_flasks_error_handling() -> None:
    app = ResponsiveFlask(__name__)

    @app.get("/value-error")
    async def value_error() -> dict[str, str]:
        raise ValueError("no such thing")

    @app.get("/missing")
    async def missing() -> dict[str, str]:
        raise NotFound("nothing here")

    @app.errorhandler(ValueError)
    def handle(error: ValueError) -> tuple[dict[str, str], int]:
        return {"error": str(error)}, 418

    client = app.test_client()

    assert client.get("/value-error").status_code == 418
    assert client.get("/value-error").json == {"error": "no such thing"}
    assert client.get("/missing").json == {
        "code": 404,
        "name": "Not Found",
        "description": "nothing here",
    }


@pytest.mark.parametrize(
    "awaits_first",
    [
        # The first step runs as soon as the task is made, the later ones as the loop steps.
        pytest.param(False, id="blocking-in-the-first-step"),
        pytest.param(True, id="blocking-after-an-await"),
    ],
)
def test_a_coroutine_that_blocks_the_loop_is_logged(
    caplog: pytest.LogCaptureFixture, awaits_first: bool
) -> None:
    app = ResponsiveFlask(__name__)
    app.config["API_SLOW_COROUTINE_SECONDS"] = 0.05

    @app.get("/blocking")
    async def blocking_view() -> dict[str, bool]:
        if awaits_first:
            await asyncio.sleep(0)
        time.sleep(0.1)  # a blocking call where an await belongs
        return {"done": True}

    @app.get("/polite")
    async def polite_view() -> dict[str, bool]:
        await asyncio.sleep(0.1)
        return {"done": True}

    with caplog.at_level(logging.WARNING, logger="flask_api_utils.aio"):
        assert app.test_client().get("/polite").status_code == 200
        assert not caplog.records
        assert app.test_client().get("/blocking").status_code == 200

    (record,) = caplog.records
    assert "blocking_view" in record.getMessage()
    seconds = float(record.getMessage().split(" for ")[1].split(" s")[0])
    assert 0.1 <= seconds < 1


def test_an_async_function_called_synchronously_from_a_coroutine_is_a_logged_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = ResponsiveFlask(__name__)

    async def inner() -> int:
        return 1

    @app.get("/nested")
    async def nested() -> dict[str, int]:
        # Sync code reached from a coroutine calls async code: the loop that
        # would run it is busy running this view. Awaiting it is the fix.
        return {"value": current_app.ensure_sync(inner)()}

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/nested")

    assert response.status_code == 500
    assert "just await the async function directly" in caplog.text


def test_threads_that_come_and_go_reuse_one_loop() -> None:
    # Werkzeug's development server runs each request in a thread of its own.
    app = _loop_app(ResponsiveFlask(__name__))
    seen: list[int] = []

    def request_in_a_thread() -> None:
        seen.append(app.test_client().get("/loop").json["loop"])  # type: ignore[index]

    for _ in range(5):
        worker = threading.Thread(target=request_in_a_thread)
        worker.start()
        worker.join()

    assert len(set(seen)) == 1


def test_concurrent_calls_each_get_a_loop_of_their_own() -> None:
    app = ResponsiveFlask(__name__)
    barrier = threading.Barrier(3)

    @app.get("/together")
    async def together() -> dict[str, int]:
        # Every call holds its loop until all three are running at once.
        await asyncio.get_running_loop().run_in_executor(None, barrier.wait, 5)
        return {"loop": id(asyncio.get_running_loop())}

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: app.test_client().get("/together"), range(3)))

    assert len({answer.json["loop"] for answer in answers}) == 3  # type: ignore[index]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_gets_a_fresh_loop() -> None:
    app = _loop_app(ResponsiveFlask(__name__))
    client = app.test_client()
    parent_loop = client.get("/loop").json["loop"]  # type: ignore[index]
    read, write = os.pipe()

    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            child_loops = {client.get("/loop").json["loop"] for _ in range(2)}  # type: ignore[index]
            report: dict[str, object] = {"fresh": parent_loop not in child_loops}
            report["kept"] = len(child_loops) == 1
        except BaseException as error:  # reported to the parent
            report = {"error": repr(error)}
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = json.loads(pipe.read())
    os.waitpid(pid, 0)

    assert report == {"fresh": True, "kept": True}
    assert client.get("/loop").json["loop"] == parent_loop  # type: ignore[index]


def test_connections_are_reused_under_a_threaded_live_server(
    live_server_factory: LiveServerFactory,
    redis_server: RedisServer,
    redis_client: redis.Redis,
) -> None:
    server = live_server_factory(create_app(redis_server.url))
    # The first request opens the connection; the server starts a thread per
    # request, and each borrows the same loop.
    assert requests.get(f"{server.url}/remember", timeout=10).json() == {"fresh": True}
    before = _connections_received(redis_client)
    answers = [requests.get(f"{server.url}/remember", timeout=10) for _ in range(500)]
    after = _connections_received(redis_client)

    assert {answer.status_code for answer in answers} == {200}
    assert after - before <= 1  # this count's own connection


def test_connections_are_reused_under_gunicorn_gthread_workers(
    gunicorn_server: GunicornFactory,
    redis_server: RedisServer,
    redis_client: redis.Redis,
) -> None:
    server = gunicorn_server(
        "tests.aio.async_app:create_app()",
        workers=2,
        env={REDIS_URL_VARIABLE: redis_server.url},
        args=["--threads", "4", "--worker-class", "gthread"],
    )
    # Warm every worker thread: each opens its connection once.
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: requests.get(f"{server.url}/remember", timeout=10), range(64)))
    before = _connections_received(redis_client)
    # A new TCP connection per request: gthread's pool threads and their loops stay.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda _: requests.get(f"{server.url}/remember", timeout=10), range(500))
        )
    after = _connections_received(redis_client)

    assert {answer.status_code for answer in answers} == {200}
    # At most one per worker thread that the warm-up missed, and this count's own.
    assert after - before <= 2 * 4 + 1


def test_concurrent_async_requests_wait_together(
    live_server_factory: LiveServerFactory, redis_server: RedisServer
) -> None:
    server = live_server_factory(create_app(redis_server.url))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        answers = list(
            pool.map(lambda _: requests.get(f"{server.url}/sleep", timeout=10), range(32))
        )
    elapsed = time.monotonic() - started

    assert {answer.status_code for answer in answers} == {200}
    # One after another would take 32 x 0.2 s = 6.4 s.
    assert elapsed < 3


def test_shutdown_leaves_no_pending_task_and_no_open_connection(
    redis_server: RedisServer, tmp_path: t.Any
) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio
        from tests.aio.async_app import create_app

        app = create_app({redis_server.url!r})
        background = []

        @app.get("/spawn")
        async def spawn() -> dict[str, bool]:
            # A task still pending when the interpreter exits.
            background.append(asyncio.create_task(asyncio.sleep(3600)))
            return {{"spawned": True}}

        @app.get("/executor")
        async def executor() -> dict[str, int]:
            # The loop's default executor, shut down with the loop at exit.
            return {{"one": await asyncio.get_running_loop().run_in_executor(None, int, "1")}}

        client = app.test_client()
        for _ in range(3):
            assert client.get("/remember").status_code == 200
        assert client.get("/spawn").status_code == 200
        assert client.get("/executor").json == {{"one": 1}}
        print("served")
        """
    )
    assert _run_to_exit(script) == "served"


def test_exit_closes_connections_whose_driver_runs_a_thread(tmp_path: t.Any) -> None:
    # aiosqlite keeps a non-daemon thread per connection: the interpreter
    # waits for it before atexit hooks run, so the loops must be shut down
    # (closing the connection, ending its thread) before that wait.
    script = textwrap.dedent(
        f"""
        import sqlite3

        import aiosqlite

        from flask_api_utils import PerLoop, ResponsiveFlask

        connections = PerLoop(
            lambda: aiosqlite.connect({str(tmp_path / "exit.sqlite3")!r}), lambda c: c.close()
        )
        app = ResponsiveFlask(__name__)

        @app.get("/one")
        async def one() -> dict[str, int]:
            connection = await connections.get()
            async with connection.execute("SELECT 1") as cursor:
                row = await cursor.fetchone()
            return {{"one": row[0]}}

        assert app.test_client().get("/one").json == {{"one": 1}}
        print("served")
        """
    )
    assert _run_to_exit(script) == "served"


def _run_to_exit(script: str) -> str:
    """Run ``script`` in a new interpreter, warnings as errors; what it printed.

    The interpreter must exit on its own, with status 0 and nothing on
    stderr: no "Task was destroyed but it is pending", no unclosed resource.
    """
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.strip()
