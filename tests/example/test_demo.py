"""``python -m notes`` (what ``make demo`` runs): every line it prints works against it.

The demo is started as a person would start it, as a subprocess on a free
port; each printed command is then run literally with the shell and must get
the status its comment promises. Each curl line's request is also sent with
``requests`` (same method, URL and headers), which is all that runs where curl
is not installed.
"""

from __future__ import annotations

import collections.abc as cabc
import os
import pathlib
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.example.notes_server import example_env

_STARTUP_SECONDS = 30.0
# "  $ <command>  # <status> <what it shows>"; commands that make no request
# have no status.
_COMMAND = re.compile(r"^  \$ (?P<command>.+?)  # (?:(?P<status>\d{3}) )?(?P<note>.+)$")


def _read_until(path: pathlib.Path, marker: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8")
        if marker in text:
            return text
        if process.poll() is not None:
            pytest.fail(f"python -m notes exited with {process.returncode}:\n{text}")
        time.sleep(0.05)
    pytest.fail(f"python -m notes printed no {marker!r} in {_STARTUP_SECONDS} s")


def _wait_for_http(url: str) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
        except (requests.ConnectionError, requests.Timeout):
            # Refused before gunicorn listens; unanswered while its worker
            # still imports the app on a loaded machine.
            time.sleep(0.05)
        else:
            return
    pytest.fail(f"{url} did not answer in {_STARTUP_SECONDS} s")


@pytest.fixture
def demo_output(pytestconfig: pytest.Config, tmp_path: pathlib.Path) -> cabc.Iterator[str]:
    """Start ``python -m notes --port 0`` and return what it printed before serving."""
    root = pytestconfig.rootpath
    out_path = tmp_path / "stdout.txt"
    err_path = tmp_path / "stderr.txt"
    env = example_env(root, NOTES_INSTANCE_PATH=str(tmp_path / "instance"), REDIS_URL="")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "notes", "--port", "0"],
            cwd=root,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        text = _read_until(out_path, "Press Ctrl+C to stop.", process)
        base_url = re.search(r"Serving on (http://\S+) ", text)
        assert base_url is not None, text
        _wait_for_http(f"{base_url[1]}/hello")
        yield text
    finally:
        # The process is gunicorn now (python -m notes execs it): SIGTERM is
        # its graceful stop.
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _curl_with_requests(command: str) -> int:
    """Send the request a ``curl -i [-H 'Name: value']... URL`` line describes."""
    words = shlex.split(command)
    assert words[:2] == ["curl", "-i"], command
    headers: dict[str, str] = {}
    rest = words[2:]
    while rest[0] == "-H":
        name, _, value = rest[1].partition(":")
        headers[name.strip()] = value.strip()
        rest = rest[2:]
    (url,) = rest
    return requests.get(url, headers=headers, timeout=10).status_code


def _run(command: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        shell=True,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _curl_status(output: str) -> int:
    # curl -i prints the status line first: "HTTP/1.1 200 OK".
    status_line = output.split("\r\n", 1)[0]
    return int(status_line.split()[1])


def test_every_printed_command_gets_the_status_it_promises(
    demo_output: str, pytestconfig: pytest.Config
) -> None:
    root = pytestconfig.rootpath
    commands = [m for line in demo_output.splitlines() if (m := _COMMAND.match(line))]
    assert len(commands) == 16, demo_output
    has_curl = shutil.which("curl") is not None
    for match in commands:
        command, status = match["command"], match["status"]
        if command.startswith("curl "):
            # The same request from requests, always, so that this fallback
            # for machines without curl is proven where curl exists too.
            assert _curl_with_requests(command) == int(status), command
            if has_curl:
                result = _run(command, root)
                assert result.returncode == 0, result.stderr
                assert _curl_status(result.stdout) == int(status), command
            continue
        result = _run(command, root)
        if status is None:
            # The bewit command prints a link; the link must open the note.
            assert result.returncode == 0, result.stderr
            link = result.stdout.strip()
            assert requests.get(link, timeout=10).status_code == 200, link
            continue
        expected_exit = 0 if int(status) < 400 else 1
        assert result.returncode == expected_exit, (command, result.stderr)
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith(f"{status} "), (command, result.stderr)
        assert last_line.endswith("(response verified)"), (command, result.stderr)


def test_printed_login_is_accepted(demo_output: str) -> None:
    login = re.search(r"log in at +(\S+) +user 'demo', password '([^']+)'", demo_output)
    assert login is not None, demo_output
    with requests.Session() as browser:
        form = browser.get(login[1], timeout=10)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None, form.text
        response = browser.post(
            login[1],
            data={"csrf_token": token[1], "username": "demo", "password": login[2]},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.url.endswith("/")
        me = browser.get(login[1].replace("/login", "/api/me"), timeout=10)
        assert me.json()["via"] == "session"


def test_demo_refuses_several_workers_without_redis(
    pytestconfig: pytest.Config, tmp_path: pathlib.Path
) -> None:
    env = example_env(pytestconfig.rootpath, NOTES_INSTANCE_PATH=str(tmp_path), REDIS_URL="")
    result = subprocess.run(
        [sys.executable, "-m", "notes", "--port", "0", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--workers 2 needs REDIS_URL" in result.stderr
    assert result.stdout == ""


def test_demo_reports_a_port_in_use(pytestconfig: pytest.Config, tmp_path: pathlib.Path) -> None:
    env = example_env(pytestconfig.rootpath, NOTES_INSTANCE_PATH=str(tmp_path), REDIS_URL="")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "notes", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert os.listdir(tmp_path) == []
