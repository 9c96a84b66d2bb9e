"""The parts every document shares: error bodies, error responses, security schemes."""

from __future__ import annotations

import typing as t

from ._annotate import ResponseDoc
from ._schemas import COMPONENTS

__all__ = [
    "BEWIT_SCHEME",
    "ERROR_SCHEMAS",
    "HAWK_SCHEME",
    "PROBLEM_XML_OBJECT",
    "SHARED_RESPONSES",
]

#: OpenAPI's ``xml`` object of a problem: RFC 9457, appendix B.
PROBLEM_XML_OBJECT = {"name": "problem", "namespace": "urn:ietf:rfc:7807"}

ERROR_SCHEMAS: dict[str, t.Any] = {
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details.",
        "type": "object",
        "properties": {
            "type": {"type": "string", "format": "uri-reference", "default": "about:blank"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
        },
        "required": ["type", "title", "status"],
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A problem whose errors member lists every field that does not fit.",
        "allOf": [
            {"$ref": COMPONENTS + "Problem"},
            {
                "type": "object",
                "properties": {
                    "errors": {
                        "type": "array",
                        "xml": {"wrapped": True},
                        "items": {"$ref": COMPONENTS + "FieldError", "xml": {"name": "i"}},
                    }
                },
                "required": ["errors"],
            },
        ],
    },
    "FieldError": {
        "title": "FieldError",
        "type": "object",
        "properties": {
            "source": {"type": "string", "enum": ["body", "query"]},
            "location": {"type": "string", "description": "Such as items[3].price."},
            "reason": {"type": "string"},
            "code": {"type": "string"},
        },
        "required": ["source", "location", "reason", "code"],
    },
    "Error": {
        "title": "Error",
        "description": "An HTTP error.",
        "type": "object",
        "properties": {
            "code": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
        },
        "required": ["code", "name", "description"],
    },
    "NotAcceptable": {
        "title": "NotAcceptable",
        "description": "The types the resource offers.",
        "type": "object",
        "properties": {
            "mimetypes": {
                "type": "array",
                "xml": {"wrapped": True},
                "items": {"type": "string", "xml": {"name": "item"}},
            }
        },
        "required": ["mimetypes"],
    },
}

# The error responses many operations share, kept once under components/responses.
SHARED_RESPONSES: dict[int, tuple[str, ResponseDoc]] = {
    400: (
        "BadRequest",
        ResponseDoc(
            "The request is malformed: a body that does not parse, or a malformed"
            " Authorization header."
        ),
    ),
    401: (
        "Unauthorized",
        ResponseDoc(
            "No valid Hawk credentials.",
            headers={"WWW-Authenticate": "The Hawk challenge, with an error message."},
        ),
    ),
    406: ("NotAcceptable", ResponseDoc("None of the types the operation offers is acceptable.")),
    415: (
        "UnsupportedMediaType",
        ResponseDoc(
            "The body's Content-Type is not one the operation reads.",
            headers={
                "Accept-Post": "On POST: the accepted types.",
                "Accept-Patch": "On PATCH: the accepted types.",
            },
        ),
    ),
    422: (
        "UnprocessableContent",
        ResponseDoc("A well-formed body or query that does not fit the declared type."),
    ),
}

HAWK_SCHEME: dict[str, t.Any] = {
    "type": "http",
    "scheme": "hawk",
    "description": "Hawk: an Authorization header with a MAC of the request, made with the"
    " client's key (https://github.com/mozilla/hawk).",
}

BEWIT_SCHEME: dict[str, t.Any] = {
    "type": "apiKey",
    "in": "query",
    "name": "bewit",
    "description": "A Hawk bewit: a signed, expiring grant to GET this URL.",
}
