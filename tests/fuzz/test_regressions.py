"""Replay every fuzz seed and every input a fuzz run once failed on, without atheris.

``tests/fuzz/run.py`` copies each input that failed a harness into
``tests/fuzz/regressions/<harness>/``; here each one, and each seed, goes
through the harness's ``check`` again, so a fixed bug stays fixed.
"""

from __future__ import annotations

import collections.abc as cabc
import importlib
import pathlib

import pytest

from tests.fuzz.run import HARNESSES

_FUZZ_DIR = pathlib.Path(__file__).resolve().parent


def _inputs() -> cabc.Iterator[object]:
    for name in HARNESSES:
        for kind in ("seeds", "regressions"):
            folder = _FUZZ_DIR / kind / name
            for path in sorted(folder.glob("*")) if folder.is_dir() else []:
                if path.is_file() and not path.name.startswith("."):
                    yield pytest.param(name, path, id=f"{name}/{kind}/{path.name}")


@pytest.mark.parametrize(("harness", "path"), list(_inputs()))
def test_fuzz_input_is_handled(harness: str, path: pathlib.Path) -> None:
    check: cabc.Callable[[bytes], None] = importlib.import_module(HARNESSES[harness]).check

    check(path.read_bytes())


def test_every_harness_has_seeds() -> None:
    for name in HARNESSES:
        assert any((_FUZZ_DIR / "seeds" / name).iterdir()), name
