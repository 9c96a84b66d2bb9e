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
    from _typeshed.wsgi import WSGIEnvironment

    from .responsive import ResponsiveFlask
    from .typing import APIRouteCallable, Formatter

__all__ = ["VIEW_FORMATTERS", "Negotiation", "ViewFormats", "negotiated_first", "produces"]

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


class Negotiation:
    """One view's negotiation before it runs: its formats, and the ``406`` it answers.

    A view with formats of its own (``@produces`` or its blueprint's) gets a
    registry built from the app's formatters on its first request, and built
    again on the first request after any change to ``app.response_formatters``,
    so a formatter registered or replaced later serves it too.
    """

    __slots__ = ("_app", "_built", "_formats")

    def __init__(self, app: ResponsiveFlask, formats: ViewFormats | None) -> None:
        self._app = app
        self._formats = formats
        # The app's registry and its version, and the view's registry built from them.
        self._built: tuple[FormatterRegistry, int, FormatterRegistry] | None = None

    def registry(self) -> FormatterRegistry:
        """Return the formatters the view offers now."""
        app_formatters = self._app.response_formatters
        formats = self._formats
        if formats is None:
            return app_formatters
        built = self._built
        if built is None or built[0] is not app_formatters or built[1] != app_formatters.version:
            # The version is read first: a change made while building is seen next time.
            version = app_formatters.version
            built = self._built = (app_formatters, version, formats.registry(app_formatters))
        return built[2]

    def refusal(self, environ: WSGIEnvironment) -> t.Any:
        """Return the ``406`` for a client that accepts none of the view's types, else ``None``.

        With :class:`~flask_api_utils.ProblemDetails`, the ``406`` is raised as
        a :class:`~flask_api_utils.Problem` instead.
        """
        formats = self._formats
        registry = self._app.response_formatters if formats is None else self.registry()
        if registry.choose(environ.get("HTTP_ACCEPT")) is None:
            if "problem_details" in self._app.extensions:
                offered = ", ".join(registry.offered)
                raise Problem(
                    f"None of the types this resource offers is acceptable: {offered}.",
                    status=406,
                    mimetypes=list(registry.offered),
                )
            return self._app._not_acceptable(registry)
        if formats is not None:
            environ[VIEW_FORMATTERS] = registry
        return None


def negotiated_first(
    view: cabc.Callable[..., t.Any], negotiation: Negotiation
) -> cabc.Callable[..., t.Any]:
    """Return ``view`` preceded by negotiation: ``406`` without running it."""
    refusal = negotiation.refusal

    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_negotiated(*args: t.Any, **kwargs: t.Any) -> t.Any:
            refused = refusal(request.environ)
            if refused is not None:
                return refused
            return await view(*args, **kwargs)

        return async_negotiated

    @functools.wraps(view)
    def negotiated(*args: t.Any, **kwargs: t.Any) -> t.Any:
        refused = refusal(request.environ)
        if refused is not None:
            return refused
        return view(*args, **kwargs)

    return negotiated
