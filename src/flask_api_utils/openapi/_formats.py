"""How each mimetype's content is described, and examples written by its formatter."""

from __future__ import annotations

import logging
import typing as t

import orjson

from ._annotate import UNSET
from ._schemas import SchemaSet

if t.TYPE_CHECKING:
    from flask import Flask

    from ..typing import Formatter

__all__ = ["is_json", "is_xml", "json_writer", "media_for", "set_example", "xml_root"]

log = logging.getLogger("flask_api_utils.openapi")


def is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def is_xml(mimetype: str) -> bool:
    return mimetype in ("application/xml", "text/xml") or mimetype.endswith("+xml")


def xml_root(formatter: object) -> str:
    root = getattr(formatter, "root", "response")
    return root if isinstance(root, str) else "response"


def json_writer(app: Flask) -> Formatter:
    def write(value: object, /) -> str:
        return app.json.dumps(value)

    return write


def media_for(schemas: SchemaSet, tp: object, mimetype: str, formatter: object) -> dict[str, t.Any]:
    if is_json(mimetype):
        return {"schema": schemas.ref(tp)}
    if is_xml(mimetype):
        return {"schema": schemas.ref(tp, xml={"name": xml_root(formatter)})}
    if mimetype == "text/csv":
        return {
            "schema": {
                "type": "string",
                "description": "RFC 4180 CSV: a header row of field names, then one row"
                " per record.",
            }
        }
    if mimetype.startswith("text/"):
        return {"schema": {"type": "string"}}
    return {}


def set_example(
    media: dict[str, t.Any], formatter: Formatter, mimetype: str, value: object
) -> None:
    written = written_example(formatter, mimetype, value)
    if written is not UNSET:
        media["example"] = written


def written_example(formatter: Formatter, mimetype: str, value: object) -> object:
    """Return ``value`` as the formatter writes it; ``UNSET`` if it cannot."""
    try:
        written = formatter(value)
    except (TypeError, ValueError) as e:
        # The view offers a format its own data does not fit: the document
        # still builds, and the log says what a client asking for it will get.
        log.warning("OpenAPI: the %r formatter cannot write an example: %s", mimetype, e)
        return UNSET
    if is_json(mimetype):
        return orjson.loads(written)
    return written.decode() if isinstance(written, bytes) else written
