"""A WSGI reverse proxy that relays to the notes server, optionally spoiling its answers.

gunicorn serves it in the tests (``tests.example.tamper_proxy:create_app(...)``)
to stand for a network attacker between the client and the server. It keeps
the client's ``Host``, so the server checks the request's MAC against the
address the client signed for.
"""

from __future__ import annotations

import http.client
import typing as t
import urllib.parse

if t.TYPE_CHECKING:
    import collections.abc as cabc

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["MODES", "create_app"]

#: ``relay`` passes everything on; ``tamper`` changes the body and keeps the
#: signature; ``strip`` removes the ``Server-Authorization`` header.
MODES = frozenset({"relay", "tamper", "strip"})

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}
)


def create_app(upstream: str, mode: str) -> WSGIApplication:
    """Make the proxy.

    :param upstream: the notes server's base URL.
    :param mode: one of :data:`MODES`.
    """
    if mode not in MODES:
        msg = f"Unknown mode {mode!r}; choose one of {sorted(MODES)}."
        raise ValueError(msg)
    target = urllib.parse.urlsplit(upstream)
    host, port = target.hostname or "127.0.0.1", target.port or 80

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> cabc.Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        path = environ.get("RAW_URI") or environ["PATH_INFO"]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        try:
            conn.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            answer_headers = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP
                and not (mode == "strip" and name.lower() == "server-authorization")
            ]
            status = f"{response.status} {response.reason}"
        finally:
            conn.close()
        if mode == "tamper":
            data = data.replace(b"Welcome", b"Welc0me")
        answer_headers.append(("Content-Length", str(len(data))))
        start_response(status, answer_headers)
        return [data]

    return app
