"""Negotiation before the view runs, and per-view formats with :func:`produces`.

A view whose return annotation is negotiable data (a mapping, a list, a
dataclass, alone or in Flask's tuple forms), or that declares its formats
with :func:`produces`, is negotiated before it runs: a client that accepts
none of its types gets ``406`` and the view never runs, so a refused POST
changes nothing.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import functools
import inspect
import types
import typing as t

from flask import request

from ._marks import mark, marked
from .negotiation import FormatterRegistry
from .problems import Problem

if t.TYPE_CHECKING:
    from flask import Flask

    from .typing import APIRouteCallable, Formatter

__all__ = ["VIEW_FORMATTERS", "ViewFormats", "negotiated_first", "produces"]

T_route = t.TypeVar("T_route", bound="APIRouteCallable")

#: The WSGI environ key that holds the formatters of a view with formats of its own.
VIEW_FORMATTERS = "flask_api_utils.formatters"

_PRODUCES = "__flask_api_utils_produces__"


@dataclasses.dataclass(frozen=True)
class ViewFormats:
    """The formats of one view or blueprint: which of the app's, and any of its own.

    :param mimetypes: the app's mimetypes to offer, in order; empty for all of them.
    :param formatters: formatters of the view's own, offered after those.
    """

    mimetypes: tuple[str, ...] = ()
    formatters: tuple[tuple[str, Formatter], ...] = ()

    def registry(self, app_formatters: FormatterRegistry) -> FormatterRegistry:
        """Build the view's registry from the app's current formatters."""
        registry = FormatterRegistry()
        names = self.mimetypes or tuple(app_formatters.offered)
        own = dict(self.formatters)
        for mimetype in names:
            if mimetype in own:
                continue
            try:
                registry[mimetype] = app_formatters[mimetype]
            except KeyError:
                msg = (
                    f"@produces names {mimetype!r}, which has no formatter: register it in"
                    " 'app.response_formatters' or pass it in 'formatters'."
                )
                raise LookupError(msg) from None
        for mimetype, formatter in self.formatters:
            registry[mimetype] = formatter
        if self.mimetypes:
            registry.default_mimetype = self.mimetypes[0]
        return registry


def produces(
    *mimetypes: str, formatters: cabc.Mapping[str, Formatter] | None = None
) -> cabc.Callable[[T_route], T_route]:
    """Declare the formats a view answers in; it is then negotiated before it runs.

    ``@produces("text/csv", "application/json")`` narrows the view to those of
    the app's formatters, the first the default; ``@produces(formatters={...})``
    offers formatters of the view's own after the app's. The view is returned
    unchanged, so it keeps its signature for type checkers. Put it under the
    route decorator.

    :param mimetypes: the app's mimetypes the view offers, in order.
    :param formatters: mimetypes and formatters only this view offers.
    """
    formats = ViewFormats(tuple(m.lower() for m in mimetypes), tuple((formatters or {}).items()))
    return mark(_PRODUCES, formats)


def declared_formats(view: cabc.Callable[..., t.Any]) -> ViewFormats | None:
    """Return the formats ``@produces`` declared on ``view`` or a function it wraps."""
    return t.cast("ViewFormats | None", marked(view, _PRODUCES))


def _is_negotiable_type(tp: object) -> bool:
    if t.get_origin(tp) is t.Annotated:
        tp = t.get_args(tp)[0]
    origin = t.get_origin(tp)
    if origin in (t.Union, types.UnionType):
        return all(_is_negotiable_type(arg) for arg in t.get_args(tp))
    cls = origin if origin is not None else tp
    if not isinstance(cls, type):
        return False
    if dataclasses.is_dataclass(cls) or t.is_typeddict(cls):
        return True
    return issubclass(cls, cabc.Mapping | list) and not issubclass(cls, str | bytes)


def returns_data(return_annotation: object) -> bool:
    """Whether a view annotated to return this always returns negotiable data."""
    tp = return_annotation
    if t.get_origin(tp) is tuple:
        args = t.get_args(tp)
        if not args:
            return False
        tp = args[0]
    return _is_negotiable_type(tp)


def negotiated_first(
    app: Flask, view: cabc.Callable[..., t.Any], formats: ViewFormats | None
) -> cabc.Callable[..., t.Any]:
    """Return ``view`` preceded by negotiation: ``406`` without running it."""
    built: list[FormatterRegistry] = []

    def view_registry() -> FormatterRegistry:
        app_formatters = t.cast(FormatterRegistry, app.response_formatters)  # type: ignore[attr-defined]
        if formats is None:
            return app_formatters
        # Built on the first request, from the formatters the app has by then.
        if not built:
            built.append(formats.registry(app_formatters))
        return built[0]

    def refused(registry: FormatterRegistry) -> t.Any:
        if "problem_details" in app.extensions:
            offered = ", ".join(registry.offered)
            raise Problem(
                f"None of the types this resource offers is acceptable: {offered}.",
                status=406,
                mimetypes=list(registry.offered),
            )
        return app._not_acceptable(registry)  # type: ignore[attr-defined]

    def acceptable() -> bool:
        registry = view_registry()
        environ = request._get_current_object().environ  # type: ignore[attr-defined]
        if registry.choose(environ.get("HTTP_ACCEPT")) is None:
            return False
        if formats is not None:
            environ[VIEW_FORMATTERS] = registry
        return True

    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_negotiated(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if not acceptable():
                return refused(view_registry())
            return await view(*args, **kwargs)

        return async_negotiated

    @functools.wraps(view)
    def negotiated(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not acceptable():
            return refused(view_registry())
        return view(*args, **kwargs)

    return negotiated
