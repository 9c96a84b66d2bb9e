"""The package as users get it: the wheel and the sdist, built and installed.

The wheel is built from this tree with the locked build backend, installed
with its extras into a fresh virtualenv outside the source tree (versions
from the lock), and that installed copy serves the README's first example
and a Hawk-protected view over a real socket. Nothing of the source tree is
importable there: the server reports which file it imported.
"""

from __future__ import annotations

import collections.abc as cabc
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import textwrap
import urllib.parse
import zipfile

import pytest
import requests
from requests_hawk import HawkAuth

from tests.test_readme import SECTIONS, curl_request

ROOT = pathlib.Path(__file__).parent.parent
UV = pathlib.Path(sys.executable).with_name("uv")

#: Run by the fresh virtualenv's Python: the README's first app, with a Hawk
#: view added, on a free port of 127.0.0.1; prints the port, then serves.
_SERVER = """
import sys

import flask_api_utils
from flask_api_utils import Hawk, current_hawk_auth
from werkzeug.serving import make_server

namespace = {"__name__": "readme_first_example"}
exec(compile(sys.stdin.read(), "README.md", "exec"), namespace)
app = namespace["app"]
app.config["HAWK_SIGN_RESPONSE"] = True
hawk = Hawk(app)


@hawk.client_key_loader
def load_key(client_id: str) -> str | None:
    return {"alice": "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"}.get(client_id)


@app.get("/whoami")
@hawk.auth_required
def whoami() -> dict[str, str]:
    return {"client": current_hawk_auth().client_id, "imported": flask_api_utils.__file__}


server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.port, flush=True)
server.serve_forever()
"""


def _run(*args: str | pathlib.Path, cwd: pathlib.Path = ROOT) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The sdist and the wheel, built from this tree as ``make dist`` builds them."""
    out = tmp_path_factory.mktemp("dist")
    _run(UV, "build", "--quiet", "--python", sys.executable, "--no-build-isolation", "-o", out)
    return out


def _wheel(dist: pathlib.Path) -> pathlib.Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def _sdist(dist: pathlib.Path) -> pathlib.Path:
    (sdist,) = dist.glob("*.tar.gz")
    return sdist


def test_twine_accepts_both_distributions(dist: pathlib.Path) -> None:
    output = _run(sys.executable, "-m", "twine", "check", "--strict", _wheel(dist), _sdist(dist))

    assert output.count("PASSED") == 2


def test_wheel_holds_the_package_and_its_py_typed_and_nothing_else(dist: pathlib.Path) -> None:
    names = zipfile.ZipFile(_wheel(dist)).namelist()
    top_levels = {name.split("/")[0] for name in names}

    assert "flask_api_utils/py.typed" in names
    assert "flask_api_utils/hawk/extension.py" in names
    assert {top for top in top_levels if not top.endswith(".dist-info")} == {"flask_api_utils"}
    assert not [name for name in names if "test" in name.split("/")[0]]


def test_sdist_holds_what_running_the_tests_needs(dist: pathlib.Path) -> None:
    with tarfile.open(_sdist(dist)) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}

    needed = {
        "pyproject.toml",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "mypy.ini",
        "Makefile",
        "requirements/lock.txt",
        "requirements/dev.in",
        "src/flask_api_utils/py.typed",
        "tests/conftest.py",
        "tests/test_readme.py",
        "typings/mohawk/__init__.pyi",
        "typings/stubtest-allowlist.txt",
        "examples/notes/__init__.py",
    }
    assert needed <= names
    assert not [name for name in names if "__pycache__" in name or name.startswith(".venv")]


@pytest.fixture(scope="module")
def installed_python(dist: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A fresh virtualenv outside the source tree with the wheel and its extras installed."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(
        UV,
        "pip",
        "install",
        "--quiet",
        "--python",
        python,
        "--constraint",
        ROOT / "requirements" / "lock.txt",
        f"flask-api-utils[hawk,redis,login] @ {_wheel(dist).as_uri()}",
    )
    return python


@pytest.fixture
def installed_server(installed_python: pathlib.Path) -> cabc.Iterator[str]:
    """The README's first example, plus a Hawk view, served by the installed copy."""
    source, _ = next(iter(SECTIONS.values()))
    # Neither the Makefile's PYTHONPATH nor the working directory may let the
    # source tree in.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    process = subprocess.Popen(
        [installed_python, "-I", "-c", _SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=installed_python.parent,
        env=env,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(source)
    process.stdin.close()
    port = process.stdout.readline().strip()
    try:
        assert port.isdigit(), process.stderr.read() if process.stderr else ""
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_installed_copy_serves_the_readme_first_example(installed_server: str) -> None:
    _, exchanges = next(iter(SECTIONS.values()))
    assert exchanges, "the README's first example shows no transcript"

    for exchange in exchanges:
        method, url, headers, data = curl_request(exchange)
        target = urllib.parse.urlsplit(url)
        response = requests.request(
            method,
            installed_server + urllib.parse.urlunsplit(("", "", *target[2:])),
            headers=headers,
            data=data,
            timeout=10,
        )

        assert exchange.status_line.startswith(f"HTTP/1.1 {response.status_code} ")
        for name, value in exchange.headers:
            assert response.headers[name] == value
        assert response.text == exchange.body


def test_installed_copy_accepts_a_hawk_signed_request(installed_server: str) -> None:
    auth = HawkAuth(
        id="alice", key="werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn", always_hash_content=False
    )
    response = requests.get(installed_server + "/whoami", auth=auth, timeout=10)
    unsigned = requests.get(installed_server + "/whoami", timeout=10)

    assert response.status_code == 200
    body = json.loads(response.text)
    assert body["client"] == "alice"
    imported = pathlib.Path(body["imported"])
    assert ROOT not in imported.parents
    assert "site-packages" in imported.parts
    assert "Server-Authorization" in response.headers
    assert unsigned.status_code == 401
    assert unsigned.headers["WWW-Authenticate"] == "Hawk"


def test_installed_copy_type_checks_as_a_consumer(
    installed_python: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    # py.typed ships in the wheel: a consumer's mypy --strict sees the
    # package's own annotations, not Any.
    consumer = tmp_path / "consumer.py"
    consumer.write_text(
        textwrap.dedent(
            """
            from flask_api_utils import ResponsiveFlask

            app = ResponsiveFlask(__name__)
            reveal_type(app.response_formatters)
            """
        )
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(installed_python),
            "--config-file",
            os.devnull,
            str(consumer),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "flask_api_utils.negotiation.FormatterRegistry" in result.stdout, result.stdout
