"""ResponsiveFlask: views return data, the client's ``Accept`` header picks its format.

A view (or error handler) returns a mapping, a list or a dataclass instance,
alone or in Flask's tuple forms. :class:`ResponsiveFlask` chooses a mimetype
from :attr:`~ResponsiveFlask.response_formatters` (RFC 9110 negotiation, see
:mod:`flask_api_utils.negotiation`), serialises the value with that
mimetype's formatter and adds ``Vary: Accept``. Every other return value goes
to Flask untouched.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import typing as t

from flask import Blueprint, Flask, request
from flask.sansio.scaffold import setupmethod
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import parse_set_header
from werkzeug.wrappers import Response as BaseResponse

from . import aio
from ._produces import VIEW_FORMATTERS, ViewFormats
from ._typed_input import plan_view
from .formatters import OrjsonProvider
from .formatters.html import RESPONSE_STATUS
from .negotiation import FormatterRegistry
from .parsers import JSONParser, ParserRegistry, XMLParser, parse_form, parse_multipart
from .problems import Problem

if t.TYPE_CHECKING:
    from flask.typing import HeadersValue, ResponseReturnValue
    from flask.wrappers import Response

    from .typing import (
        APIErrorHandlerCallable,
        APIResponseReturnValue,
        APIRouteCallable,
        Formatter,
    )

__all__ = ["FormatterError", "ResponsiveBlueprint", "ResponsiveFlask"]

T_api_route = t.TypeVar("T_api_route", bound="APIRouteCallable")
T_api_error_handler = t.TypeVar("T_api_error_handler", bound="APIErrorHandlerCallable")


class FormatterError(Exception):
    """A registered formatter could not serialise a view's return value.

    This is a server-side mistake, so it becomes a 500; its message names the
    value's type and the mimetype, and its ``__cause__`` is what the formatter
    raised.
    """


if t.TYPE_CHECKING:
    from flask.sansio.scaffold import Scaffold as _ScaffoldBase
else:
    _ScaffoldBase = object


class _APIScaffold(_ScaffoldBase):
    """Route and error-handler decorators re-typed for negotiable return values.

    Flask types views as returning :data:`flask.typing.ResponseReturnValue`,
    which rejects a view annotated to return a dataclass. These overrides
    change nothing at run time; they only widen what ``mypy`` accepts.
    """

    if t.TYPE_CHECKING:

        def route(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def get(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def post(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def put(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_api_route], T_api_route]: ...
        def add_url_rule(
            self,
            rule: str,
            endpoint: str | None = None,
            view_func: APIRouteCallable | None = None,
            provide_automatic_options: bool | None = None,
            **options: t.Any,
        ) -> None: ...
        def errorhandler(
            self, code_or_exception: type[Exception] | int
        ) -> t.Callable[[T_api_error_handler], T_api_error_handler]: ...
        def register_error_handler(
            self, code_or_exception: type[Exception] | int, f: APIErrorHandlerCallable
        ) -> None: ...

    @setupmethod
    def default_errorhandler(self, f: T_api_error_handler) -> T_api_error_handler:
        """Register ``f`` to render every HTTP error, and unhandled exceptions as 500.

        It receives the :class:`~werkzeug.exceptions.HTTPException` and may
        return a dict or dataclass, which is negotiated like a view's value.
        Handlers registered for a specific code or exception class win,
        whichever was declared first. The exception's own headers (``Allow``,
        ``WWW-Authenticate``, ``Retry-After``) are kept on the response.
        """
        self.register_error_handler(HTTPException, f)
        return f


class ResponsiveBlueprint(_APIScaffold, Blueprint):
    """A :class:`flask.Blueprint` whose route decorators accept negotiable views.

    At run time it is a plain blueprint: negotiation happens in the app, so
    views of any blueprint registered on a :class:`ResponsiveFlask` are
    negotiated. Use this class so that ``mypy`` accepts views that return
    dataclasses, and for :meth:`default_errorhandler` on the blueprint.

    ``produces`` and ``formatters`` give every view of the blueprint formats
    of its own, as :func:`~flask_api_utils.produces` does for one view (which
    wins over the blueprint's).

    :param produces: the app's mimetypes the views offer, in order.
    :param formatters: mimetypes and formatters only these views offer.
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        *args: t.Any,
        produces: cabc.Sequence[str] = (),
        formatters: cabc.Mapping[str, Formatter] | None = None,
        **kwargs: t.Any,
    ) -> None:
        super().__init__(name, import_name, *args, **kwargs)
        self._formats = (
            ViewFormats(tuple(m.lower() for m in produces), tuple((formatters or {}).items()))
            if produces or formatters
            else None
        )

    if not t.TYPE_CHECKING:

        @setupmethod
        def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
            if self._formats is not None:
                options.setdefault("produces", self._formats)
            super().add_url_rule(rule, endpoint, view_func, **options)


class ResponsiveFlask(_APIScaffold, Flask):
    """A Flask app whose views return data that the client's ``Accept`` negotiates.

    A view or error handler that returns a :class:`~collections.abc.Mapping`,
    a ``list`` or a dataclass instance (alone or as ``(body, status)``,
    ``(body, headers)`` or ``(body, status, headers)``) is serialised by the
    formatter of the mimetype the client prefers among
    :attr:`response_formatters`. No acceptable mimetype is a ``406`` whose body
    lists the offered ones; an error that no acceptable mimetype fits is
    rendered in :attr:`default_mimetype` instead. Negotiated responses carry
    ``Vary: Accept``. Strings, bytes, responses, iterators and WSGI apps are
    handled by Flask as usual.

    HTTP errors without a handler of their own get a negotiated body
    ``{"code": ..., "name": ..., "description": ...}``; replace it with
    :meth:`default_errorhandler`.

    The JSON provider is :class:`~flask_api_utils.formatters.OrjsonProvider`,
    so ``jsonify`` and negotiated JSON write the same bytes.
    """

    json_provider_class = OrjsonProvider
    json: OrjsonProvider

    def __init__(self, import_name: str, **kwargs: t.Any) -> None:
        # Before Flask's __init__, which registers the static route.
        self._planned_views: dict[
            tuple[APIRouteCallable, ViewFormats | None], APIRouteCallable
        ] = {}
        super().__init__(import_name, **kwargs)
        #: The formatters this app offers, by mimetype, in the server's order
        #: of preference after :attr:`default_mimetype`. Assign to offer one:
        #: ``app.response_formatters["application/xml"] = XMLFormatter()``.
        self.response_formatters = FormatterRegistry()
        self.response_formatters["application/json"] = self.json.dumps_bytes
        #: The parsers this app reads request bodies with, by mimetype:
        #: JSON, XML and both HTML form encodings unless changed.
        self.request_parsers = _default_parsers()
        # Types seen as view results, and whether they are negotiable: a dict
        # lookup per response instead of isinstance checks against ABCs.
        self._negotiable_types: dict[type, bool] = {dict: True, list: True, str: False}
        #: The query parameter that names a format in place of ``Accept``
        #: (``?format=json``), for clients that cannot set headers; ``None``
        #: (the default) turns the override off.
        self.format_parameter: str | None = None
        #: The short names the format parameter takes, each to a mimetype.
        self.format_names: dict[str, str] = dict(_FORMAT_NAMES)
        self.register_error_handler(HTTPException, _describe_http_error)
        for name, value in aio.DEFAULT_CONFIG.items():
            self.config.setdefault(name, value)

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Run ``async def`` views, handlers and callbacks on long-lived loops.

        Each worker thread keeps one event loop for its life (see
        :mod:`flask_api_utils.aio`), so clients and pools made by coroutines
        outlive the request. ``API_LONG_LIVED_LOOPS = False`` restores
        Flask's loop per call.
        """
        return aio.async_to_sync(self, func)

    @property
    def default_mimetype(self) -> str:
        """The mimetype for ``Accept: */*``, no ``Accept``, and unmet errors.

        ``"application/json"`` unless set to another registered mimetype.
        """
        return self.response_formatters.default_mimetype

    @default_mimetype.setter
    def default_mimetype(self, mimetype: str) -> None:
        self.response_formatters.default_mimetype = mimetype

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: APIRouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a view, reading its typed parameters into a plan once, here.

        See :meth:`flask.Flask.add_url_rule`; blueprints register through it too.
        """
        formats = options.pop("produces", None)
        if view_func is not None:
            view_func = self._planned_view(view_func, formats)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)

    def _planned_view(
        self, view_func: APIRouteCallable, formats: ViewFormats | None
    ) -> APIRouteCallable:
        # One plan per function, so a view registered under two rules stays
        # one endpoint function, as Flask requires.
        key = (view_func, formats)
        planned = self._planned_views.get(key)
        if planned is None:
            planned = self._planned_views[key] = plan_view(self, view_func, formats)
        return planned

    def preprocess_request(self) -> ResponseReturnValue | None:
        """Apply the format parameter, when turned on, then Flask's preprocessing."""
        if self.format_parameter is not None:
            self._apply_format_parameter(self.format_parameter)
        return super().preprocess_request()

    def _apply_format_parameter(self, parameter: str) -> None:
        name = request.args.get(parameter)
        if name is None:
            return
        mimetype = self.format_names.get(name.lower())
        if mimetype is None:
            names = sorted(self.format_names)
            msg = f"Unknown format {name!r}; the formats are: {', '.join(names)}."
            raise Problem(msg, status=406, formats=names)
        # Every negotiation below reads the header: the named type replaces it.
        request.environ["HTTP_ACCEPT"] = mimetype

    def make_response(self, rv: ResponseReturnValue | APIResponseReturnValue) -> Response:
        """Convert a view's return value to a response, negotiating data values.

        See :meth:`flask.Flask.make_response` for the other return values.
        """
        return self._make_response(rv, for_error=False)

    def handle_http_exception(self, e: HTTPException) -> HTTPException | ResponseReturnValue:
        """Render an HTTP error through its handler, keeping the error's headers."""
        rv = super().handle_http_exception(e)
        if rv is e:
            return rv
        response = self._make_response(rv, for_error=True)
        # The handler chose the body; the exception still owns the headers
        # the status code requires (Allow on 405, WWW-Authenticate on 401).
        for name, value in e.get_headers():
            if name.lower() != "content-type" and name not in response.headers:
                response.headers.add(name, value)
        return response

    def handle_user_exception(self, e: Exception) -> HTTPException | ResponseReturnValue:
        """Render the value an exception handler returned, as an error."""
        rv = super().handle_user_exception(e)
        if isinstance(rv, (BaseResponse, HTTPException)):
            return rv
        return self._make_response(rv, for_error=True)

    def finalize_request(
        self,
        rv: ResponseReturnValue | HTTPException,
        from_error_handler: bool = False,
    ) -> Response:
        """Finish a request; a 500 handler's value is rendered as an error."""
        if from_error_handler and not isinstance(rv, (BaseResponse, HTTPException)):
            rv = self._make_response(rv, for_error=True)
        return super().finalize_request(rv, from_error_handler)

    def _make_response(self, rv: t.Any, *, for_error: bool) -> Response:
        body = rv[0] if type(rv) is tuple and rv else rv
        negotiable = self._negotiable_types.get(type(body))
        if negotiable is None:
            negotiable = _is_negotiable(body)
            self._negotiable_types[type(body)] = negotiable
        if not negotiable:
            return super().make_response(rv)

        status, headers = _unpack(rv)
        environ = request.environ
        # Formatters get the value only; one that shows the status reads it here.
        environ[RESPONSE_STATUS] = status
        # A view with formats of its own (@produces) left them in the environ;
        # errors keep the app's.
        registry = (
            self.response_formatters
            if for_error
            else environ.get(VIEW_FORMATTERS, self.response_formatters)
        )
        mimetype = registry.choose(environ.get("HTTP_ACCEPT"))
        if mimetype is None:
            if not for_error:
                return self._not_acceptable(registry)
            mimetype = registry.default_mimetype
        response = self._serialise(body, mimetype, registry)
        if status is not None:
            if isinstance(status, int):
                response.status_code = status
            else:
                response.status = status
        if headers:
            response.headers.update(headers)
            # The view's own Vary replaced ours: merge Accept back in.
            _vary_on_accept(response.headers)
        return response

    def _serialise(
        self, body: object, mimetype: str, registry: FormatterRegistry | None = None
    ) -> Response:
        registry = registry if registry is not None else self.response_formatters
        formatter, content_type = registry.formatter_for(mimetype)
        try:
            data = formatter(body)
        except Exception as e:
            msg = (
                f"The {mimetype!r} formatter could not serialise a"
                f" {type(body).__name__!r} value: {e}"
            )
            raise FormatterError(msg) from e
        return self.response_class(data, headers=_VARY_ACCEPT, content_type=content_type)

    def _not_acceptable(self, registry: FormatterRegistry | None = None) -> Response:
        # Lists the view's types, rendered as errors are: in an app type the
        # client accepts, else the default; a view's own formatters (CSV, say)
        # need not write this mapping.
        offered = (registry if registry is not None else self.response_formatters).offered
        return self._make_response(({"mimetypes": list(offered)}, 406), for_error=True)


_FORMAT_NAMES = {"json": "application/json", "xml": "application/xml", "csv": "text/csv"}


def _default_parsers() -> ParserRegistry:
    parsers = ParserRegistry()
    parsers["application/json"] = JSONParser()
    parsers["application/xml"] = XMLParser()
    parsers["application/x-www-form-urlencoded"] = parse_form
    parsers["multipart/form-data"] = parse_multipart
    return parsers


# Every negotiated response varies on Accept; built once, copied per response.
_VARY_ACCEPT = (("Vary", "Accept"),)


def _describe_http_error(e: HTTPException) -> tuple[dict[str, t.Any], int]:
    code = e.code if e.code is not None else InternalServerError.code
    body = {"code": code, "name": e.name, "description": e.description}
    if isinstance(e, Problem):
        body.update(e.extensions)
    return body, code


def _is_negotiable(body: object) -> bool:
    if isinstance(body, cabc.Mapping | list):
        return True
    return dataclasses.is_dataclass(body) and not isinstance(body, type)


def _unpack(rv: t.Any) -> tuple[int | str | None, HeadersValue | None]:
    if type(rv) is not tuple:
        return None, None
    if len(rv) == 3:
        return rv[1], rv[2]
    if len(rv) == 2:
        # Flask's rule: a 2-tuple's second item is headers when it is a
        # header collection, else the status.
        if isinstance(rv[1], Headers | dict | tuple | list):
            return None, rv[1]
        return rv[1], None
    msg = (
        "The view function did not return a valid response tuple. The tuple must"
        " have the form (body, status, headers), (body, status), or (body, headers)."
    )
    raise TypeError(msg)


def _vary_on_accept(headers: Headers) -> None:
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept"
        return
    fields = parse_set_header(vary)
    if "*" not in fields and "accept" not in fields:
        fields.add("Accept")
        headers["Vary"] = fields.to_header()
