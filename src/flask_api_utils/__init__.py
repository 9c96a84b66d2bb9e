"""Negotiated API representations and Hawk authentication for Flask 3.

The public names are re-exported here; everything in a module whose name
starts with an underscore, and every name that starts with one, is private.
Callback and protocol types live in :mod:`flask_api_utils.typing`, and the
test-client helpers in :mod:`flask_api_utils.testing`.

Importing needs none of the extras: :class:`Hawk` needs no third-party
package, the Redis stores need ``redis``, and ``HAWK_ALLOW_COOKIE_AUTH``
needs ``flask-login``.
"""

from __future__ import annotations

from ._body import parse_body as parse_body
from ._produces import produces as produces
from ._typed_input import Body as Body
from ._typed_input import Query as Query
from .aio import AsyncLoops as AsyncLoops
from .aio import PerLoop as PerLoop
from .formatters import BrowsableAPIFormatter as BrowsableAPIFormatter
from .formatters import CSVFormatter as CSVFormatter
from .formatters import JSONFormatter as JSONFormatter
from .formatters import OrjsonProvider as OrjsonProvider
from .formatters import XMLFormatter as XMLFormatter
from .hawk import AsyncRedisNonceStore as AsyncRedisNonceStore
from .hawk import ClientKey as ClientKey
from .hawk import Hawk as Hawk
from .hawk import HawkAuth as HawkAuth
from .hawk import HawkCredentials as HawkCredentials
from .hawk import MemoryNonceStore as MemoryNonceStore
from .hawk import NonceStoreUnavailable as NonceStoreUnavailable
from .hawk import RedisNonceStore as RedisNonceStore
from .hawk import current_hawk_auth as current_hawk_auth
from .hawk import make_bewit_url as make_bewit_url
from .negotiation import FormatterRegistry as FormatterRegistry
from .negotiation import choose_mimetype as choose_mimetype
from .openapi import OpenAPI as OpenAPI
from .openapi import ResponseDoc as ResponseDoc
from .openapi import doc as doc
from .parsers import JSONParser as JSONParser
from .parsers import ParserRegistry as ParserRegistry
from .parsers import XMLParser as XMLParser
from .problems import FieldError as FieldError
from .problems import Problem as Problem
from .problems import ProblemDetails as ProblemDetails
from .problems import ValidationFailed as ValidationFailed
from .responsive import FormatterError as FormatterError
from .responsive import ResponsiveBlueprint as ResponsiveBlueprint
from .responsive import ResponsiveFlask as ResponsiveFlask

__all__ = [
    "AsyncLoops",
    "AsyncRedisNonceStore",
    "Body",
    "BrowsableAPIFormatter",
    "CSVFormatter",
    "ClientKey",
    "FieldError",
    "FormatterError",
    "FormatterRegistry",
    "Hawk",
    "HawkAuth",
    "HawkCredentials",
    "JSONFormatter",
    "JSONParser",
    "MemoryNonceStore",
    "NonceStoreUnavailable",
    "OpenAPI",
    "OrjsonProvider",
    "ParserRegistry",
    "PerLoop",
    "Problem",
    "ProblemDetails",
    "Query",
    "RedisNonceStore",
    "ResponseDoc",
    "ResponsiveBlueprint",
    "ResponsiveFlask",
    "ValidationFailed",
    "XMLFormatter",
    "XMLParser",
    "choose_mimetype",
    "current_hawk_auth",
    "doc",
    "make_bewit_url",
    "parse_body",
    "produces",
]
