"""Formatters that turn a view's return value into a response body.

:class:`OrjsonProvider` is the app's JSON provider and, through its
``dumps_bytes``, the default ``application/json`` formatter;
:class:`JSONFormatter` writes the same JSON under other mimetypes;
:class:`XMLFormatter` writes XML by the mapping :mod:`.xml` documents;
:class:`CSVFormatter` writes lists of flat records as RFC 4180 CSV;
:class:`BrowsableAPIFormatter` writes any of them as an HTML page for browsers.
"""

from __future__ import annotations

from .csv import CSVFormatter as CSVFormatter
from .html import BrowsableAPIFormatter as BrowsableAPIFormatter
from .json import JSONFormatter as JSONFormatter
from .json import OrjsonProvider as OrjsonProvider
from .xml import XMLFormatter as XMLFormatter

__all__ = [
    "BrowsableAPIFormatter",
    "CSVFormatter",
    "JSONFormatter",
    "OrjsonProvider",
    "XMLFormatter",
]
