"""Run one harness's ``check`` under atheris, instrumenting everything already imported.

A harness module imports the code it fuzzes at the top, so pytest can replay
its regressions without atheris; :func:`fuzz` then instruments every loaded
function (Werkzeug, mohawk, flask-api-utils) and hands ``check`` to libFuzzer.
Regular-expression and ``str`` comparison hooks let libFuzzer learn the
literals the parsers look for (``Hawk``, ``q=``, ``bewit=``).
"""

from __future__ import annotations

import collections.abc as cabc
import sys

__all__ = ["fuzz"]


def fuzz(check: cabc.Callable[[bytes], None], argv: cabc.Sequence[str] | None = None) -> None:
    """Fuzz ``check`` with libFuzzer's command-line options in ``argv``.

    :param check: raises on a finding; returns for an input handled correctly.
    :param argv: libFuzzer's arguments (``-max_total_time=60 corpus/``);
        :data:`sys.argv` by default.
    """
    import atheris  # type: ignore[import-untyped]

    atheris.enabled_hooks.add("RegEx")
    atheris.enabled_hooks.add("str")
    atheris.instrument_all()
    atheris.Setup(list(sys.argv if argv is None else argv), check)
    atheris.Fuzz()
