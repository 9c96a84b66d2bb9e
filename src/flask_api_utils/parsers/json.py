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
            msg = (
                self._too_deep()
                if _ORJSON_TOO_DEEP in str(e)
                else f"The body is not valid JSON: {e}"
            )
            raise ValueError(msg) from None
        self._check_value(data, value)
        return value

    def check_depth(self, data: bytes) -> None:
        """Refuse ``data`` if it nests arrays and objects deeper than :attr:`max_depth`.

        For a reader with a JSON parser of its own, whose limit differs
        (pydantic's ``validate_json``): this limit is the one to honour. A
        body that is not JSON is left to that reader to report.

        :raise ValueError: naming the limit, for a body nested deeper.
        """
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as e:
            if _ORJSON_TOO_DEEP in str(e):
                raise ValueError(self._too_deep()) from None
            return
        self._check_value(data, value)

    def _check_value(self, data: bytes, value: object) -> None:
        # Every level opens with a bracket, so a body with few brackets cannot
        # be deep: the walk runs only for bodies that might be.
        if data.count(b"[") + data.count(b"{") > self._max_depth:
            _check_depth(value, self._max_depth, self._too_deep)

    def _too_deep(self) -> str:
        return f"The body is not accepted: JSON nested deeper than {self._max_depth} levels."

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_depth={self._max_depth!r})"


# orjson's message for a body nested deeper than it reads at all (1024 levels).
_ORJSON_TOO_DEEP = "depth limit exceeded"


def _check_depth(value: object, max_depth: int, message: cabc.Callable[[], str]) -> None:
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
            raise ValueError(message())
        stack.extend((child, depth + 1) for child in children)
