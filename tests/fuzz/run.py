"""``make fuzz``: a bounded, coverage-guided atheris run of every harness, one after another.

Each harness runs in a process of its own for ``--seconds`` (60 by default, or
``FUZZ_SECONDS``), starting from its seeds (``tests/fuzz/seeds/<name>``) and
every input that once found a bug (``tests/fuzz/regressions/<name>``). A new
crash is copied into the regressions folder, which ``test_regressions.py``
replays in every ``make test``: commit it with the fix. The exit status is 1
when any harness found something, and the executions of each are printed.

Usage: ``python tests/fuzz/run.py [--seconds N] [HARNESS ...]``.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

__all__ = ["HARNESSES", "main"]

_FUZZ_DIR = pathlib.Path(__file__).resolve().parent
_ROOT = _FUZZ_DIR.parent.parent
#: Harness name -> its module, run as ``python -m``.
HARNESSES = {
    "accept": "tests.fuzz.fuzz_accept",
    "hawk_header": "tests.fuzz.fuzz_hawk_header",
    "bewit": "tests.fuzz.fuzz_bewit",
}
_DONE = re.compile(rb"^stat::number_of_executed_units: (\d+)", re.MULTILINE)
_COVERAGE = re.compile(rb"^#\d+\s+\w+\s+cov: (\d+)", re.MULTILINE)
_ARTIFACT = re.compile(r"^(crash|timeout|oom|leak|slow-unit)-")
# A harness that outlives its budget by this much is hung, not slow to stop.
_GRACE_SECONDS = 120


def _run(name: str, module: str, seconds: int, work: pathlib.Path) -> tuple[int, bool]:
    """Fuzz one harness; return its executions and whether it found anything."""
    corpus = work / "corpus" / name
    artifacts = work / "artifacts" / name
    corpus.mkdir(parents=True)
    artifacts.mkdir(parents=True)
    seeds = _FUZZ_DIR / "seeds" / name
    regressions = _FUZZ_DIR / "regressions" / name
    command = [
        sys.executable,
        "-m",
        module,
        f"-max_total_time={seconds}",
        "-max_len=6000",
        "-timeout=10",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        str(corpus),
        *(str(d) for d in (seeds, regressions) if d.is_dir()),
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(_ROOT), str(_ROOT / "src"), env.get("PYTHONPATH")])
    )
    log_path = work / f"{name}.log"
    print(f"fuzz {name}: {seconds} s, log {log_path}", flush=True)
    with open(log_path, "wb") as log:
        try:
            process = subprocess.run(
                command,
                cwd=_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=seconds + _GRACE_SECONDS,
                check=False,
            )
            returncode = process.returncode
        except subprocess.TimeoutExpired:
            returncode = -1
    output = log_path.read_bytes()
    done = _DONE.search(output)
    executions = int(done.group(1)) if done else 0
    coverage = _COVERAGE.findall(output)
    found = sorted(p for p in artifacts.iterdir() if _ARTIFACT.match(p.name))
    if found:
        regressions.mkdir(parents=True, exist_ok=True)
        for artifact in found:
            shutil.copy(artifact, regressions / artifact.name)
            print(f"  found {artifact.name}: kept as {regressions / artifact.name}")
    failed = bool(found) or returncode != 0 or done is None
    if failed:
        tail = output.decode("utf-8", "replace")[-4000:]
        print(f"  {name} failed (exit {returncode}); the end of its log:\n{tail}")
    cov = coverage[-1].decode() if coverage else "?"
    print(f"  {name}: {executions} executions, coverage {cov} edges", flush=True)
    return executions, failed


def main(argv: list[str] | None = None) -> int:
    """Run the harnesses; return the process exit status.

    :param argv: the command-line arguments, without the program name.
    """
    parser = argparse.ArgumentParser(description="Fuzz every harness for a bounded time.")
    parser.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("FUZZ_SECONDS", "60")),
        help="how long each harness runs (default 60, or FUZZ_SECONDS)",
    )
    parser.add_argument("harnesses", nargs="*", help=f"any of {', '.join(HARNESSES)} (all)")
    args = parser.parse_args(argv)
    if args.seconds < 1:
        parser.error("--seconds must be at least 1")
    unknown = set(args.harnesses) - HARNESSES.keys()
    if unknown:
        parser.error(f"unknown harness {min(unknown)!r}")
    names = args.harnesses or list(HARNESSES)
    total = 0
    failures = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for name in names:
            executions, failed = _run(name, HARNESSES[name], args.seconds, pathlib.Path(tmp))
            total += executions
            if failed:
                failures.append(name)
        if failures:
            # Keep the logs of a failed run for reading.
            kept = pathlib.Path(tempfile.mkdtemp(prefix="fuzz-logs-"))
            for log in pathlib.Path(tmp).glob("*.log"):
                shutil.copy(log, kept / log.name)
            print(f"logs kept in {kept}")
    print(f"fuzz: {total} executions in all; failed: {', '.join(failures) or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
