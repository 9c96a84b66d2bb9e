"""The MAC covers the body the view reads, however the server framed it.

A WSGI server that ends the input stream itself sets ``wsgi.input_terminated``
(Werkzeug's server and mod_wsgi do, for chunked bodies); Werkzeug then reads
the body from ``wsgi.input`` with no ``Content-Length``, and a server that
speaks HTTP/2 has no ``Transfer-Encoding`` to show either. Whatever the
framing, the body the payload hash was checked against must be the body the
view gets: a body the client never signed is refused.
"""

from __future__ import annotations

import io
import typing as t

import orjson
import pytest

from flask_api_utils.hawk import MemoryNonceStore
from tests.fixtures.hawk import ALICE, build_hawk_app, sign

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

BODY = b'{"transfer": 1000}'


def _post_terminated_stream(path: str, signed_body: bytes) -> TestResponse:
    app, _ = build_hawk_app(nonce_store=MemoryNonceStore())
    header = sign(
        ALICE, "POST", path, content=signed_body, content_type="application/json"
    ).request_header
    environ: dict[str, object] = {
        "wsgi.input": io.BytesIO(BODY),
        "wsgi.input_terminated": True,
        "CONTENT_TYPE": "application/json",
        "HTTP_AUTHORIZATION": header,
    }
    # No data for the builder: it then sets no CONTENT_LENGTH, as the server gave none.
    return app.test_client().open(path, method="POST", environ_overrides=environ)


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_unsigned_body_without_length_or_chunking_is_refused(path: str) -> None:
    response = _post_terminated_stream(path, signed_body=b"")

    assert response.status_code == 401, response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_signed_body_without_length_or_chunking_reaches_the_view(path: str) -> None:
    response = _post_terminated_stream(path, signed_body=BODY)

    assert response.status_code == 200, response.headers.get("WWW-Authenticate")
    assert orjson.loads(response.data)["body"] == BODY.decode()
