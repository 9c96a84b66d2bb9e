"""The ``gunicorn_server`` fixture and :func:`run_gunicorn` that other suites reuse."""

from __future__ import annotations

import os
import pathlib
import socket
import typing as t

import pytest
import requests

from tests.fixtures.gunicorn import run_gunicorn

if t.TYPE_CHECKING:
    from tests.fixtures.gunicorn import GunicornFactory


def test_factory_serves_an_app_factory_with_every_worker_booted(
    gunicorn_server: GunicornFactory, tmp_path: pathlib.Path
) -> None:
    server = gunicorn_server(
        "notes:create_app()", workers=3, env={"NOTES_INSTANCE_PATH": str(tmp_path)}
    )
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert len(server.worker_pids) == 3
    for pid in server.worker_pids:
        os.kill(pid, 0)  # raises if the worker is gone
    assert requests.get(f"{server.url}/hello", timeout=10).json() == {"hello": "world"}


def test_server_is_stopped_when_the_block_ends(
    pytestconfig: pytest.Config, tmp_path: pathlib.Path
) -> None:
    root = pytestconfig.rootpath
    with run_gunicorn(
        "notes:create_app()",
        env={"NOTES_INSTANCE_PATH": str(tmp_path)},
        pythonpath=[root / "src", root / "examples"],
    ) as server:
        assert server.process.poll() is None
    assert server.process.returncode == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_app_that_cannot_load_raises_with_gunicorns_log(pytestconfig: pytest.Config) -> None:
    with (
        pytest.raises(RuntimeError, match="exited with status") as failure,
        run_gunicorn("no_such_module:app", pythonpath=[pytestconfig.rootpath]),
    ):
        pass
    assert "No module named 'no_such_module'" in str(failure.value)
