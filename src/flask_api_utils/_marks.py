"""Declarations that decorators leave on a view function, and finding them again.

``@produces`` and ``@doc`` return the view itself, so that it keeps its
signature for type checkers; what they declare is kept in the function's
``__dict__``, which :func:`functools.wraps` copies to every wrapper made
later, and found again through ``__wrapped__`` from wrappers made before.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

__all__ = ["mark", "marked"]

T_function = t.TypeVar("T_function", bound=cabc.Callable[..., t.Any])


def mark(key: str, value: object) -> cabc.Callable[[T_function], T_function]:
    """Return a decorator that keeps ``value`` under ``key`` on the function it returns."""

    def decorate(view: T_function) -> T_function:
        vars(view)[key] = value
        return view

    return decorate


def marked(view: cabc.Callable[..., t.Any], key: str) -> object | None:
    """Return what was kept under ``key`` on ``view`` or a function it wraps."""
    while True:
        value: object = vars(view).get(key) if hasattr(view, "__dict__") else None
        if value is not None:
            return value
        wrapped = getattr(view, "__wrapped__", None)
        if wrapped is None:
            return None
        view = wrapped
