"""The stubs in ``typings/`` match the packages installed: mypy's stubtest, in one run."""

from __future__ import annotations

import subprocess
import sys

from tests.fixtures.blocked_imports import ROOT

#: The third-party modules whose stubs we keep, as stubtest checks them.
STUBBED = ["mohawk", "flask_swagger_ui"]


def test_stubs_match_the_installed_packages() -> None:
    allowlists = [ROOT / "typings" / "stubtest-allowlist.txt"]
    if sys.version_info >= (3, 13):
        allowlists.append(ROOT / "typings" / "stubtest-allowlist-py313.txt")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            *STUBBED,
            "--mypy-config-file",
            str(ROOT / "mypy.ini"),
            *(argument for path in allowlists for argument in ("--allowlist", str(path))),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
