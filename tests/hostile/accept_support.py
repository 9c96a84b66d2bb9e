"""An app that offers four types, and an oracle for what an ``Accept`` header accepted.

Shared by the negotiation property tests and the fuzz harness. The oracle never
parses a header itself: it asks Werkzeug's
:class:`~werkzeug.datastructures.MIMEAccept`.
"""

from __future__ import annotations

import typing as t

import orjson
from flask import abort
from lxml import etree
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from flask_api_utils import ResponsiveFlask, XMLFormatter

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

__all__ = [
    "CSV",
    "JSON",
    "OFFERED",
    "VENDOR",
    "XML",
    "assert_body_parses",
    "build_app",
    "client_accepted",
    "parse",
    "states_a_media_range",
]

JSON = "application/json"
XML = "application/xml"
VENDOR = "application/vnd.example+json"
CSV = "text/csv"
#: What :func:`build_app` offers, default first.
OFFERED = (JSON, XML, VENDOR, CSV)


def _csv(data: object) -> str:
    return f"value\r\n{data!r}\r\n"


def build_app() -> ResponsiveFlask:
    """Return an app offering :data:`OFFERED`; ``/thing`` is data, ``/gone`` a 410."""
    app = ResponsiveFlask(__name__)
    app.response_formatters[XML] = XMLFormatter()
    app.response_formatters[VENDOR] = app.json.dumps_bytes
    app.response_formatters[CSV] = _csv

    @app.get("/thing")
    def thing() -> dict[str, object]:
        return {"name": "thing", "sizes": [1, 2, 3]}

    # NoReturn: a view annotated to return data is negotiated before it runs,
    # so its errors would meet a 406 first; this one only ever fails.
    @app.get("/gone")
    def gone() -> t.NoReturn:
        abort(410)

    return app


def assert_body_parses(response: TestResponse) -> None:
    """Assert the body is well-formed in the response's mimetype.

    :param response: an answer from :func:`build_app`.
    """
    mimetype = response.mimetype
    if mimetype in {JSON, VENDOR}:
        orjson.loads(response.data)
    elif mimetype == XML:
        etree.fromstring(response.data)
    else:
        assert mimetype == CSV
        assert response.data.startswith(b"value\r\n")


def parse(header: str | None) -> MIMEAccept:
    """Parse ``header`` as Werkzeug does for ``request.accept_mimetypes``.

    :param header: the raw header value, or ``None`` when absent.
    """
    return parse_accept_header(header, MIMEAccept)


def states_a_media_range(accept: MIMEAccept) -> bool:
    """Whether the header names at least one media range (a value with a ``/``).

    One that names none (``Accept: ,;``) states no preference, and the server
    answers in its default type.

    :param accept: the parsed header.
    """
    return any("/" in value for value, _ in accept)


def client_accepted(accept: MIMEAccept, mimetype: str) -> bool:
    """Whether Werkzeug gives ``mimetype`` a quality above 0 in ``accept``.

    Every formatter writes UTF-8, so a range that asks for that charset
    accepts the type too: the oracle is asked about each spelling of it.

    :param accept: the parsed header.
    :param mimetype: a concrete mimetype the server answered with.
    """
    spellings = (mimetype, f"{mimetype};charset=utf-8", f"{mimetype};charset=utf8")
    return any(accept.quality(spelling) > 0 for spelling in spellings)
