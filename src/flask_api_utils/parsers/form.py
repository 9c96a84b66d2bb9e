"""Form bodies with Werkzeug's form parser: urlencoded and multipart."""

from __future__ import annotations

import collections.abc as cabc
import io
import typing as t

from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser

__all__ = ["parse_form", "parse_multipart"]

# silent=False: a malformed body is an error to report, not an empty form.
_form_parser = FormDataParser(silent=False)


def parse_form(data: bytes, options: cabc.Mapping[str, str], /) -> MultiDict[str, t.Any]:
    """Parse an ``application/x-www-form-urlencoded`` body.

    :return: the fields; a repeated name keeps every value (``getlist``).
    """
    return _parse(data, "application/x-www-form-urlencoded", options)


def parse_multipart(data: bytes, options: cabc.Mapping[str, str], /) -> MultiDict[str, t.Any]:
    """Parse a ``multipart/form-data`` body.

    :return: the fields and the files (as Werkzeug's ``FileStorage``) in one
        mapping; a repeated name keeps every value.
    :raise ValueError: for a body without a ``boundary`` parameter, or one
        that does not follow it.
    """
    if not options.get("boundary"):
        msg = "The body is not accepted: multipart/form-data without a 'boundary' parameter."
        raise ValueError(msg)
    return _parse(data, "multipart/form-data", options)


def _parse(data: bytes, mimetype: str, options: cabc.Mapping[str, str]) -> MultiDict[str, t.Any]:
    _, form, files = _form_parser.parse(io.BytesIO(data), mimetype, len(data), dict(options))
    if not files:
        return form
    merged: MultiDict[str, t.Any] = MultiDict(form)
    for name, file in files.items(multi=True):
        merged.add(name, file)
    return merged
