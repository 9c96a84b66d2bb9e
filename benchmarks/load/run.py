"""``make load``: requests per second and latency of the whole stack, under gunicorn and wrk.

Everything listens on 127.0.0.1 and is bounded in time. It starts, each by
its own PID and stopped by that PID at the end (also on failure):

- a redis-server on a free port (no persistence), for the async Redis store
  and the example's nonces;
- one gunicorn per app, ``--workers 2`` (sync workers), on a free port each:
  the seven apps of :mod:`benchmarks.load.apps` (five GETs, two POSTs of a
  small JSON body) and the example (``examples/notes``, its demo data seeded
  into a temporary instance folder);

then runs wrk (``-t1 -c8``, ``LOAD_SECONDS`` seconds, 5 by default) against
each row in turn, for ``LOAD_ROUNDS`` rounds (3 by default), so that other
work on the machine falls on every row alike; a row's figures are its
medians over the rounds. Before each run of a Hawk row, a fresh file of
signed requests is written, each with its own nonce and the current
timestamp (well inside the 60-second skew for a run this short), which
``wrk.lua`` cycles through; a run that used a nonce twice, or got any
answer but 2xx, is reported, not hidden.

Run: ``make load`` (installs wrk with scripts/load-deps and Flask-RESTful into
``.venv-bench``), or ``PYTHONPATH=examples .venv-bench/bin/python -m
benchmarks.load.run`` from the repository root.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import dataclasses
import http.client
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.load.apps import CLIENT_ID, KEY, NOTE_BODY

from flask_api_utils.hawk import HawkCredentials
from flask_api_utils.testing import hawk_authorization

__all__ = ["main"]

SECONDS = int(os.environ.get("LOAD_SECONDS", "5"))
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "3"))
WORKERS = 2
CONNECTIONS = 8
WRK_THREADS = 1
#: Signed requests written per Hawk run: more than a run can send.
SIGNED_PER_RUN = max(20_000, SECONDS * 6_000)
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 10.0
_WRK_LUA = pathlib.Path(__file__).with_name("wrk.lua")
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
#: The ratios printed under the table: (numerator, denominator, target or None).
TARGETS: list[tuple[str, str, str | None]] = [
    ("ResponsiveFlask JSON", "plain Flask", ">= 0.95"),
    ("Hawk, sync", "ResponsiveFlask JSON", ">= 0.75"),
    ("ResponsiveFlask JSON", "Flask-RESTful", "> 1"),
    ("POST, typed body (ResponsiveFlask)", "POST, get_json + dataclass by hand (Flask)", None),
]


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of the table: an app, a path, who signs the requests (if anyone), a JSON body.

    A row with a ``json_body`` POSTs it as ``application/json``; every other row GETs.
    """

    label: str
    server: str
    path: str = "/"
    credentials: HawkCredentials | None = None
    json_body: str | None = None


@dataclasses.dataclass
class Result:
    """One wrk run."""

    rps: float
    p50_ms: float
    p99_ms: float
    refused: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answering(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"server on port {port} exited with {process.returncode}"
            raise RuntimeError(msg)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    msg = f"server on port {port} did not answer within {_START_TIMEOUT} s"
    raise RuntimeError(msg)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one process we started, by its PID: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(_STOP_TIMEOUT)


@contextlib.contextmanager
def _started(
    command: list[str], *, port: int, probe: str, env: cabc.Mapping[str, str], log: pathlib.Path
) -> cabc.Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=out, stderr=out)
    try:
        _wait_until_answering(port, probe, process)
        yield process
    except BaseException:
        print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
        raise
    finally:
        _stop(process)


def _redis(
    port: int, work: pathlib.Path
) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        msg = "redis-server is not installed: run scripts/system-deps"
        raise RuntimeError(msg)
    command = [
        redis_server,
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--save", "",
        "--appendonly", "no",
        "--dir", str(work),
    ]  # fmt: skip
    return _started_redis(command, port, work / "redis.log")


@contextlib.contextmanager
def _started_redis(
    command: list[str], port: int, log: pathlib.Path
) -> cabc.Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                msg = f"redis-server did not start: {log.read_text(errors='replace')}"
                raise RuntimeError(msg)
            time.sleep(0.05)
        yield process
    finally:
        _stop(process)


def _gunicorn(
    app: str, port: int, *, probe: str, env: cabc.Mapping[str, str], log: pathlib.Path
) -> contextlib.AbstractContextManager[subprocess.Popen[bytes]]:
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "512",
        "--log-level", "warning",
        app,
    ]  # fmt: skip
    pythonpath = os.pathsep.join([str(ROOT / "src"), str(ROOT / "examples"), str(ROOT)])
    return _started(command, port=port, probe=probe, env={"PYTHONPATH": pythonpath, **env}, log=log)


def _seed_example(instance: pathlib.Path, url: str, redis_url: str) -> HawkCredentials:
    """Create the example's demo user, client and first note; return the client."""
    from notes import create_app
    from notes.demo import init_demo
    from notes.extensions import note_store

    app = create_app({"REDIS_URL": redis_url}, instance_path=instance)
    with app.app_context():
        setup = init_demo(note_store(), instance, url)
    credentials = setup.credentials
    return HawkCredentials(credentials.id, credentials.key, credentials.algorithm)


def _signed_file(row: Row, base_url: str, path: pathlib.Path) -> None:
    assert row.credentials is not None
    url = base_url + row.path
    with path.open("w", encoding="ascii") as f:
        for _ in range(SIGNED_PER_RUN):
            f.write(f"{row.path}\t{hawk_authorization(row.credentials, 'GET', url)}\n")


def _wrk(row: Row, base_url: str, work: pathlib.Path, seconds: int) -> Result:
    command = [
        "wrk",
        "-t", str(WRK_THREADS),
        "-c", str(CONNECTIONS),
        "-d", f"{seconds}s",
        "--timeout", "5s",
        "-s", str(_WRK_LUA),
        base_url + row.path,
    ]  # fmt: skip
    if row.credentials is not None:
        signed = work / "signed.txt"
        _signed_file(row, base_url, signed)
        command += ["--", str(signed), str(WRK_THREADS)]
    elif row.json_body is not None:
        command += ["--", "post", "application/json", row.json_body]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("LOAD-RESULT"))
    requests, duration_us, p50_us, p99_us, refused, errors = map(int, line.split()[1:])
    return Result(
        rps=requests / (duration_us / 1e6),
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        refused=refused,
        errors=errors,
    )


def _table(rows: list[Row], results: dict[Row, list[Result]]) -> list[str]:
    def median(row: Row, field: str) -> float:
        return float(statistics.median(getattr(result, field) for result in results[row]))

    lines = [
        "| row | requests/s | p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        refused = sum(result.refused for result in results[row])
        errors = sum(result.errors for result in results[row])
        lines.append(
            f"| {row.label} | {median(row, 'rps'):,.0f} | {median(row, 'p50_ms'):.2f}"
            f" | {median(row, 'p99_ms'):.2f} | {refused} | {errors} |"
        )
    rps = {row.label: median(row, "rps") for row in rows}
    lines.append("")
    for numerator, denominator, target in TARGETS:
        ratio = rps[numerator] / rps[denominator]
        goal = "no target" if target is None else f"target {target}"
        lines.append(f"{numerator} / {denominator}: {ratio:.2f} ({goal})")
    return lines


def main() -> None:
    """Start everything, measure, stop everything, print the table."""
    if shutil.which("wrk") is None:
        msg = "wrk is not installed: run scripts/load-deps"
        raise SystemExit(msg)
    client = HawkCredentials(CLIENT_ID, KEY)
    with (
        tempfile.TemporaryDirectory(prefix="flask-api-utils-load-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        work = pathlib.Path(tmp)
        redis_port = _free_port()
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        stack.enter_context(_redis(redis_port, work))
        ports: dict[str, int] = {}
        for name, spec, env in [
            ("plain", "benchmarks.load.apps:plain()", {}),
            ("responsive", "benchmarks.load.apps:responsive()", {}),
            ("restful", "benchmarks.load.apps:restful()", {}),
            ("hawk_sync", "benchmarks.load.apps:hawk_sync()", {}),
            (
                "hawk_async",
                "benchmarks.load.apps:hawk_async_redis()",
                {"LOAD_REDIS_URL": redis_url},
            ),
            ("typed_post", "benchmarks.load.apps:typed_post()", {}),
            ("plain_post", "benchmarks.load.apps:plain_post()", {}),
        ]:
            ports[name] = _free_port()
            stack.enter_context(
                _gunicorn(spec, ports[name], probe="/", env=env, log=work / f"{name}.log")
            )
        ports["example"] = _free_port()
        instance = work / "notes-instance"
        example_url = f"http://127.0.0.1:{ports['example']}"
        example_client = _seed_example(instance, example_url, redis_url)
        stack.enter_context(
            _gunicorn(
                "notes:create_app()",
                ports["example"],
                probe="/hello",
                env={"NOTES_INSTANCE_PATH": str(instance), "REDIS_URL": redis_url},
                log=work / "example.log",
            )
        )
        rows = [
            Row("plain Flask", "plain"),
            Row("ResponsiveFlask JSON", "responsive"),
            Row("Flask-RESTful", "restful"),
            Row("Hawk, sync", "hawk_sync", credentials=client),
            Row("Hawk, async + AsyncRedisNonceStore", "hawk_async", credentials=client),
            Row("POST, typed body (ResponsiveFlask)", "typed_post", json_body=NOTE_BODY),
            Row("POST, get_json + dataclass by hand (Flask)", "plain_post", json_body=NOTE_BODY),
            Row("example: GET /hello", "example", path="/hello"),
            Row(
                "example: GET /api/notes/1 (Hawk, signed response)",
                "example",
                path="/api/notes/1",
                credentials=example_client,
            ),
        ]
        results: dict[Row, list[Result]] = {row: [] for row in rows}
        for row in rows:
            # Warm-up: imports, first connections, the allocator.
            _wrk(row, f"http://127.0.0.1:{ports[row.server]}", work, 1)
        for _ in range(ROUNDS):
            for row in rows:
                results[row].append(
                    _wrk(row, f"http://127.0.0.1:{ports[row.server]}", work, SECONDS)
                )
    # Every server has been stopped by its PID when the ExitStack closed.
    print(
        f"gunicorn --workers {WORKERS} (sync), wrk -t{WRK_THREADS} -c{CONNECTIONS},"
        f" {ROUNDS} rounds of {SECONDS} s per row, medians; {os.cpu_count()} CPUs, all on loopback"
    )
    print("\n".join(_table(rows, results)))


if __name__ == "__main__":
    main()
