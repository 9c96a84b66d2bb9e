"""Check a real response against the OpenAPI document that describes it.

The response's status must be documented for its operation, its mimetype must
be one of that response's content types, and a JSON body must validate
against the schema there, formats (uuid, date, date-time) included, with a
JSON Schema validator that knows nothing of this package.
"""

from __future__ import annotations

import typing as t

import orjson
from jsonschema import Draft202012Validator

__all__ = ["assert_conforms"]

Document: t.TypeAlias = dict[str, t.Any]


class _Response(t.Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> t.Any: ...


def _resolved(document: Document, value: Document) -> Document:
    while "$ref" in value:
        *_, section, name = value["$ref"].split("/")
        value = document["components"][section][name]
    return value


def assert_conforms(
    document: Document, path: str, method: str, response: _Response, body: bytes
) -> None:
    """Assert that ``response`` (with its ``body``) is one the document describes."""
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: {status} is not documented"
    described = _resolved(document, operation["responses"][status])
    content_type = response.headers.get("Content-Type", "")
    mimetype = content_type.partition(";")[0].strip().lower()
    if not body:
        return
    assert mimetype in described.get("content", {}), (
        f"{method} {path}: {status} {mimetype} is not documented"
    )
    schema = described["content"][mimetype].get("schema")
    if schema is None or not (mimetype.endswith("json")):
        return
    # The document is the root resource, so that #/components/... resolves.
    root = {"components": document["components"], "allOf": [schema]}
    validator = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(orjson.loads(body)), key=str)
    assert not errors, f"{method} {path}: {status}: " + "; ".join(e.message for e in errors)
