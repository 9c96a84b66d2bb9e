"""Negotiated API representations and Hawk authentication for Flask 3.

The public names are re-exported here; everything in a module whose name
starts with an underscore, and every name that starts with one, is private.
Callback and protocol types live in :mod:`flask_api_utils.typing`.
"""

from __future__ import annotations

from .formatters import JSONFormatter as JSONFormatter
from .formatters import OrjsonProvider as OrjsonProvider
from .formatters import XMLFormatter as XMLFormatter
from .negotiation import FormatterRegistry as FormatterRegistry
from .negotiation import choose_mimetype as choose_mimetype
from .responsive import FormatterError as FormatterError
from .responsive import ResponsiveBlueprint as ResponsiveBlueprint
from .responsive import ResponsiveFlask as ResponsiveFlask

__all__ = [
    "FormatterError",
    "FormatterRegistry",
    "JSONFormatter",
    "OrjsonProvider",
    "ResponsiveBlueprint",
    "ResponsiveFlask",
    "XMLFormatter",
    "choose_mimetype",
]
