"""The registry behind ``app.request_parsers``."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.http import parse_options_header

from ..negotiation import _validated_mimetype

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ..typing import Parser

__all__ = ["ParserRegistry"]


class ParserRegistry(cabc.MutableMapping[str, "Parser"]):
    """The parsers an app accepts request bodies with, keyed by mimetype.

    This is ``app.request_parsers``, the mirror of ``app.response_formatters``:
    assigning a parser to a mimetype accepts bodies of that type, deleting one
    refuses them. A vendor type registered in both serves both directions.
    """

    def __init__(self) -> None:
        self._parsers: dict[str, Parser] = {}
        self._accepted: tuple[str, ...] = ()
        # The mimetype each Content-Type value seen names: a dict lookup per
        # request instead of parsing the header.
        self._mimetypes: dict[str | None, str] = {}

    @property
    def accepted(self) -> tuple[str, ...]:
        """The registered mimetypes, in registration order."""
        return self._accepted

    def parser_for(self, mimetype: str, method: str) -> Parser:
        """Return the parser of a request body's mimetype.

        :param mimetype: the body's mimetype, lowercase and without parameters
            (``request.mimetype``).
        :param method: the request method, which names the header listing the
            accepted types: ``Accept-Post``, ``Accept-Patch``.
        :raise UnsupportedMediaType: a ``415`` for a mimetype without a parser.
        """
        try:
            return self._parsers[mimetype]
        except KeyError:
            raise self.unsupported(mimetype, method) from None

    def parser_for_header(self, content_type: str | None, method: str) -> Parser:
        """Return the parser of a request body's ``Content-Type`` header, as it was sent.

        The same as :meth:`parser_for` with the header's mimetype; the
        mimetype each distinct header names is remembered.

        :param content_type: the raw header (``CONTENT_TYPE`` in the WSGI
            environ), ``None`` when absent.
        :param method: the request method.
        :raise UnsupportedMediaType: a ``415`` for a mimetype without a parser.
        """
        mimetype = self._mimetypes.get(content_type)
        if mimetype is None:
            # Werkzeug's reading of the header, as request.mimetype gives it.
            mimetype = parse_options_header(content_type)[0].lower()
            if content_type is None or len(content_type) <= _CACHE_MAX_HEADER_LENGTH:
                if len(self._mimetypes) >= _CACHE_MAX_ENTRIES:
                    self._mimetypes.clear()
                self._mimetypes[content_type] = mimetype
        return self.parser_for(mimetype, method)

    def unsupported(self, mimetype: str, method: str) -> UnsupportedMediaType:
        """Return the ``415`` for a body of ``mimetype``, naming the accepted types.

        On POST and PATCH the accepted types are listed in ``Accept-Post`` or
        ``Accept-Patch`` (RFC 9110, section 15.5.16; RFC 5789).
        """
        accepted = ", ".join(self._accepted)
        what = repr(mimetype) if mimetype else "a body without a Content-Type"
        description = f"This endpoint does not accept {what}; send one of: {accepted}."
        header = _ACCEPT_HEADERS.get(method)
        headers = [(header, accepted)] if header is not None else []
        return _UnsupportedMediaType(description, headers)

    def __getitem__(self, mimetype: str) -> Parser:
        return self._parsers[mimetype.lower()]

    def __setitem__(self, mimetype: str, parser: Parser) -> None:
        key = _validated_mimetype(mimetype)
        if not callable(t.cast(object, parser)):
            kind = type(parser).__name__
            msg = f"The parser for {mimetype!r} must be callable, not {kind!r}."
            raise TypeError(msg)
        self._parsers[key] = parser
        self._accepted = tuple(self._parsers)

    def __delitem__(self, mimetype: str) -> None:
        del self._parsers[mimetype.lower()]
        self._accepted = tuple(self._parsers)

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._parsers)

    def __len__(self) -> int:
        return len(self._parsers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {list(self._accepted)!r}>"


# Distinct Content-Type values are few; the bounds keep a client that invents
# them from growing the cache.
_CACHE_MAX_ENTRIES = 512
_CACHE_MAX_HEADER_LENGTH = 512

_ACCEPT_HEADERS = {"POST": "Accept-Post", "PATCH": "Accept-Patch"}


class _UnsupportedMediaType(UnsupportedMediaType):
    """A ``415`` that carries the header listing the accepted types."""

    def __init__(self, description: str, headers: list[tuple[str, str]]) -> None:
        super().__init__(description)
        self._extra_headers = headers

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        return [*super().get_headers(environ, scope), *self._extra_headers]
