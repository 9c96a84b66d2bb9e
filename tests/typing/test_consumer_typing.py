"""A consumer's code under ``mypy --strict``: what must fail fails, with the right error.

The files in ``tests/typing/pass`` are part of the main ``mypy`` run; the files
in ``tests/typing/fail`` are excluded from it and checked here. Each starts
with ``# expect: <part of the error mypy must report for that file>``.
"""

from __future__ import annotations

import pathlib

import pytest
from mypy import api

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
FAILING = sorted((HERE / "fail").glob("*.py"))


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
