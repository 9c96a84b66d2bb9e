"""Reading the current request's body with the app's parsers."""

from __future__ import annotations

import typing as t

from flask import current_app, request
from werkzeug.exceptions import BadRequest

from .parsers import ParserRegistry

__all__ = ["parse_body", "read_body"]


def parse_body() -> t.Any:
    """Parse the current request's body by its ``Content-Type``.

    The parser is the one ``app.request_parsers`` holds for the body's
    mimetype. The body is read once and cached, so Hawk's payload check and
    the parser see the same bytes.

    :raise UnsupportedMediaType: a ``415`` for a mimetype without a parser,
        listing the accepted ones (in ``Accept-Post`` on POST, ``Accept-Patch``
        on PATCH).
    :raise RequestEntityTooLarge: a ``413`` for a body over
        ``MAX_CONTENT_LENGTH``, before anything is read.
    :raise BadRequest: a ``400`` for a malformed body, naming where parsing stopped.
    """
    registry = getattr(current_app, "request_parsers", None)
    if not isinstance(registry, ParserRegistry):
        msg = "parse_body() needs a ResponsiveFlask app, which has 'request_parsers'."
        raise RuntimeError(msg)
    return read_body(registry)


def read_body(registry: ParserRegistry) -> t.Any:
    """Parse the current request's body with a parser from ``registry``."""
    current = request._get_current_object()  # type: ignore[attr-defined]
    parser = registry.parser_for(current.mimetype, current.method)
    # get_data raises RequestEntityTooLarge from the Content-Length alone,
    # before reading, and caches what it read for Hawk's payload hash.
    data = current.get_data(cache=True)
    try:
        return parser(data, current.mimetype_params)
    except ValueError as e:
        raise BadRequest(str(e)) from None
