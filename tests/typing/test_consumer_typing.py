"""A consumer's code under ``mypy --strict`` and pyright strict: what must fail fails.

The files in ``tests/typing/pass`` are part of the main ``mypy`` run and of
``make typecheck``'s pyright run (``pyrightconfig.json``); the files in
``tests/typing/fail`` are excluded from both and checked here. Each starts
with ``# expect: <part of the error mypy must report for that file>``;
pyright, whose messages differ, must report an error in each too.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest
from mypy import api

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
FAILING = sorted((HERE / "fail").glob("*.py"))
PYRIGHT = ROOT / "tests" / "js" / "node_modules" / ".bin" / "pyright"


@pytest.fixture(scope="module")
def mypy_errors() -> dict[str, str]:
    """Run mypy once over every failing file; its report, split per file."""
    stdout, stderr, status = api.run(
        ["--config-file", str(ROOT / "mypy.ini"), *(str(p) for p in FAILING)]
    )
    assert status == 1, stdout + stderr
    errors: dict[str, str] = {}
    for line in stdout.splitlines():
        path, _, message = line.partition(":")
        errors[pathlib.Path(path).name] = errors.get(pathlib.Path(path).name, "") + message + "\n"
    return errors


def _expected_error(path: pathlib.Path) -> str:
    first_line = path.read_text().splitlines()[0]
    assert first_line.startswith("# expect: "), f"{path.name} must start with '# expect: '"
    return first_line.removeprefix("# expect: ")


def test_there_are_failing_cases() -> None:
    assert len(FAILING) >= 3


@pytest.mark.parametrize("path", FAILING, ids=[p.stem for p in FAILING])
def test_consumer_mistake_is_a_type_error(path: pathlib.Path, mypy_errors: dict[str, str]) -> None:
    assert _expected_error(path) in mypy_errors.get(path.name, ""), mypy_errors


@pytest.fixture(scope="module")
def pyright_errors() -> dict[str, list[str]]:
    """Run pyright strict once over every failing file; its errors, per file."""
    result = subprocess.run(
        [
            PYRIGHT,
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "-p",
            ROOT / "pyrightconfig.json",
            *FAILING,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    report = json.loads(result.stdout)
    errors: dict[str, list[str]] = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            name = pathlib.Path(diagnostic["file"]).name
            errors.setdefault(name, []).append(diagnostic["message"])
    return errors


@pytest.mark.parametrize("path", FAILING, ids=[p.stem for p in FAILING])
def test_consumer_mistake_is_a_pyright_error(
    path: pathlib.Path, pyright_errors: dict[str, list[str]]
) -> None:
    assert pyright_errors.get(path.name), pyright_errors
