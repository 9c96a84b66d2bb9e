"""What the document reads off a view: its path, handler, types, statuses and protection."""

from __future__ import annotations

import collections.abc as cabc
import http
import inspect
import re
import types
import typing as t

from werkzeug.routing import (
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
    parse_converter_args,
)

from .._produces import ViewFormats, _is_negotiable_type
from .._typed_input import REPROTECT, _readers, _strip
from ..responsive import ResponsiveFlask

if t.TYPE_CHECKING:
    from flask import Flask
    from werkzeug.routing import Map

__all__ = [
    "MISSING",
    "NO_CONTENT",
    "OPAQUE",
    "blueprint_formats",
    "docstring",
    "hawk_protection",
    "is_data",
    "path_and_parameters",
    "phrase",
    "results",
    "typed_parameters",
    "view_handler",
]

# <converter(arguments):name>, as Werkzeug's rule syntax spells a variable.
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>.*?)\))?:)?"
    r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)


def path_and_parameters(url_map: Map, rule: str) -> tuple[str, list[dict[str, t.Any]]]:
    """Return a Werkzeug rule as an OpenAPI path template, and its path parameters."""
    parameters: list[dict[str, t.Any]] = []
    for match in _VARIABLE.finditer(rule):
        schema, note = _converter_schema(url_map, match["converter"], match["arguments"])
        parameter: dict[str, t.Any] = {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": schema,
        }
        if note:
            parameter["description"] = note
        parameters.append(parameter)
    return _VARIABLE.sub(r"{\g<name>}", rule), parameters


def _converter_schema(
    url_map: Map, name: str | None, arguments: str | None
) -> tuple[dict[str, t.Any], str | None]:
    cls = url_map.converters.get(name or "default", BaseConverter)
    args, kwargs = parse_converter_args(arguments) if arguments else ((), {})
    converter = cls(url_map, *args, **kwargs)
    if isinstance(converter, IntegerConverter | FloatConverter):
        schema: dict[str, t.Any] = {
            "type": "integer" if isinstance(converter, IntegerConverter) else "number"
        }
        minimum = converter.min
        if minimum is None and not converter.signed:
            minimum = 0
        if minimum is not None:
            schema["minimum"] = minimum
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema, None
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}, None
    if isinstance(converter, PathConverter):
        return {"type": "string"}, "May contain slashes."
    if isinstance(converter, AnyConverter):
        return {"type": "string", "enum": [str(item) for item in args]}, None
    schema = {"type": "string"}
    if "length" in kwargs:
        schema["minLength"] = schema["maxLength"] = int(kwargs["length"])
    else:
        schema["minLength"] = int(kwargs.get("minlength", 1))
        if kwargs.get("maxlength") is not None:
            schema["maxLength"] = int(kwargs["maxlength"])
    return schema, None


#: A view without a return annotation.
MISSING: t.Final = object()
#: A response without a body (204).
NO_CONTENT: t.Final = object()
#: A body the annotation does not describe (a Response object, an iterator).
OPAQUE: t.Final = object()


def is_data(body: object) -> bool:
    """Whether a response body type is negotiated data, not text or nothing."""
    return body not in (NO_CONTENT, OPAQUE, str, bytes)


def typed_parameters(app: Flask, view: cabc.Callable[..., t.Any]) -> list[tuple[str, object]]:
    """The (source, type) of each typed parameter: ``"body"`` or ``"query"``.

    Only a :class:`~flask_api_utils.ResponsiveFlask` reads typed parameters;
    on another app they are the view's own business.
    """
    if not isinstance(app, ResponsiveFlask):
        return []
    return [(reader.source, reader.tp) for reader in _readers(app, view)]


def blueprint_formats(app: Flask) -> dict[cabc.Callable[..., t.Any], ViewFormats]:
    # ResponsiveFlask keeps each planned view by the formats it was planned
    # with; a blueprint's formats are known only there.
    planned: dict[tuple[t.Any, ViewFormats | None], cabc.Callable[..., t.Any]] = getattr(
        app, "_planned_views", {}
    )
    return {view: formats for (_, formats), view in planned.items() if formats is not None}


def hawk_protection(view: cabc.Callable[..., t.Any]) -> bool | None:
    """``None`` for a view Hawk does not protect, else whether it takes a bewit."""
    reprotect = getattr(view, "__dict__", {}).get(REPROTECT)
    if reprotect is None:
        return None
    keywords: dict[str, object] = getattr(reprotect, "keywords", {})
    return bool(keywords.get("allow_bewit", False))


def view_handler(view: cabc.Callable[..., t.Any], method: str) -> cabc.Callable[..., t.Any]:
    """The function that answers ``method``: a MethodView's method, else the view itself."""
    view_class = getattr(inspect.unwrap(view), "view_class", None)
    handler: object = getattr(view_class, method.lower(), None) if view_class else None
    target = handler if callable(handler) else view
    return t.cast(cabc.Callable[..., t.Any], inspect.unwrap(target))


def docstring(function: cabc.Callable[..., t.Any]) -> tuple[str | None, str | None]:
    text = inspect.getdoc(function)
    if not text:
        return None, None
    first, _, rest = text.partition("\n")
    return first.strip() or None, rest.strip() or None


def _statuses(tp: object) -> list[int] | None:
    """The status codes a tuple member allows.

    A ``Literal``'s codes, ``[]`` for any ``int``, ``None`` for no status type.
    """
    tp = _strip(tp)[0]
    if tp is int:
        return []
    if t.get_origin(tp) is t.Literal:
        literal = [a for a in t.get_args(tp) if isinstance(a, int) and not isinstance(a, bool)]
        return literal or None
    if t.get_origin(tp) in (t.Union, types.UnionType):
        codes: list[int] = []
        for arg in t.get_args(tp):
            found = _statuses(arg)
            if found is None:
                return None
            codes.extend(found)
        return codes
    return None


def results(annotation: object, default_status: int | None) -> list[tuple[int, object]]:
    """The (status, body type) pairs a return annotation allows."""
    tp = _strip(annotation)[0]
    if tp is t.NoReturn or tp is getattr(t, "Never", None):
        return []
    if t.get_origin(tp) in (t.Union, types.UnionType):
        return [
            result
            for arg in t.get_args(tp)
            if arg is not type(None)
            for result in results(arg, default_status)
        ]
    statuses: list[int] = []
    if t.get_origin(tp) is tuple:
        args = t.get_args(tp)
        if not args:
            return [(default_status or 200, OPAQUE)]
        tp = _strip(args[0])[0]
        if len(args) >= 2:
            statuses = _statuses(args[1]) or []
    codes = statuses or [default_status or 200]
    body: object
    body = tp if tp in (str, bytes) or _is_negotiable_type(tp) else OPAQUE
    return [(code, NO_CONTENT if code == 204 or code == 304 else body) for code in codes]


def phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"
