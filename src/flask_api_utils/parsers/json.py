"""JSON request bodies with orjson, nesting bounded."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

import orjson

__all__ = ["JSONParser"]

# orjson itself stops at 1024 levels with a JSONDecodeError (never a
# RecursionError); this lower default keeps what a view walks shallow.
_DEFAULT_MAX_DEPTH = 64


class JSONParser:
    """Parse a JSON body with orjson.

    ``app.request_parsers["application/vnd.company+json"] = JSONParser()``

    A body that is not JSON, or that nests arrays and objects deeper than
    ``max_depth``, raises :exc:`ValueError` naming the line and column where
    parsing stopped; the request becomes a ``400``.

    :param max_depth: the deepest nesting of arrays and objects accepted.
    """

    __slots__ = ("_max_depth",)

    def __init__(self, *, max_depth: int = _DEFAULT_MAX_DEPTH) -> None:
        if max_depth < 1:
            msg = f"'max_depth' must be at least 1, not {max_depth!r}."
            raise ValueError(msg)
        self._max_depth = max_depth

    @property
    def max_depth(self) -> int:
        """The deepest nesting of arrays and objects accepted."""
        return self._max_depth

    def __call__(self, data: bytes, options: cabc.Mapping[str, str], /) -> t.Any:
        """Return the value ``data`` holds.

        :param data: the body.
        :param options: the ``Content-Type`` parameters (unused: JSON is UTF-8).
        :raise ValueError: for a body that is not JSON or nests too deeply.
        """
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as e:
            msg = f"The body is not valid JSON: {e}"
            raise ValueError(msg) from None
        # Every level opens with a bracket, so a body with few brackets cannot
        # be deep: the walk below runs only for bodies that might be.
        if data.count(b"[") + data.count(b"{") > self._max_depth:
            _check_depth(value, self._max_depth)
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_depth={self._max_depth!r})"


def _check_depth(value: object, max_depth: int) -> None:
    # Iterative, so that no depth of data can exhaust Python's stack.
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: cabc.Iterable[object]
        if isinstance(node, dict):
            children = t.cast("dict[str, object]", node).values()
        elif isinstance(node, list):
            children = t.cast("list[object]", node)
        else:
            continue
        if depth > max_depth:
            msg = f"The body is not accepted: JSON nested deeper than {max_depth} levels."
            raise ValueError(msg)
        stack.extend((child, depth + 1) for child in children)
