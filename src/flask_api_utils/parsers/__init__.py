"""Parsers that turn a request body into data, one per mimetype.

:class:`ParserRegistry` is ``app.request_parsers``, the mirror of
``app.response_formatters``: a mimetype maps to a
:class:`~flask_api_utils.typing.Parser`. :class:`JSONParser` (orjson) and
:class:`XMLParser` (lxml, hardened, reading back what
:class:`~flask_api_utils.XMLFormatter` writes) are registered on every
:class:`~flask_api_utils.ResponsiveFlask`, and so are :func:`parse_form`
(``application/x-www-form-urlencoded``) and :func:`parse_multipart`
(``multipart/form-data``), both on Werkzeug's form parser.
"""

from __future__ import annotations

from ._registry import ParserRegistry as ParserRegistry
from .form import parse_form as parse_form
from .form import parse_multipart as parse_multipart
from .json import JSONParser as JSONParser
from .xml import XMLParser as XMLParser

__all__ = ["JSONParser", "ParserRegistry", "XMLParser", "parse_form", "parse_multipart"]
