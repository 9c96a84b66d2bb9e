"""Helpers for the hostile Hawk tests: what must stay secret, and a check that it did.

The secrets are the keys the key loader serves and the MAC the server computes
for a request it refuses (what a forger lacks). That MAC is recomputed here
independently, with mohawk's own functions, from the attributes the request
presented. Logs are captured from every logger at DEBUG, mohawk's included.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import logging
import typing as t

from mohawk.base import Resource
from mohawk.bewit import parse_bewit
from mohawk.exc import HawkFail
from mohawk.util import calculate_mac, parse_authorization_header

from tests.fixtures.hawk import ALICE, BOB

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

    from flask_api_utils.hawk import HawkCredentials

__all__ = [
    "KEYS",
    "KNOWN_CLIENTS",
    "assert_nothing_leaked",
    "captured_logs",
    "decoded_bewit",
    "parsed_or_none",
    "server_bewit_mac",
    "server_mac",
]

#: The clients the key loader of :func:`tests.fixtures.hawk.build_hawk_app` serves.
KNOWN_CLIENTS = {ALICE.id: ALICE, BOB.id: BOB}
#: Their keys: never in a response or a log line.
KEYS = tuple(client.key for client in KNOWN_CLIENTS.values())


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        # format() adds the traceback, whose exception messages could quote a MAC.
        self.lines.append(self.format(record))


@contextlib.contextmanager
def captured_logs() -> cabc.Iterator[list[str]]:
    """Collect every log line, at DEBUG and up from every logger, for the block.

    A context manager rather than pytest's ``caplog``, so a Hypothesis example
    gets a fresh capture each time.
    """
    collector = _Collector()
    root = logging.getLogger()
    level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        root.removeHandler(collector)
        root.setLevel(level)


def parsed_or_none(header: str) -> dict[str, str] | None:
    """Return mohawk's parse of an Authorization header, or ``None`` if it refuses it.

    :param header: the header value.
    """
    try:
        return parse_authorization_header(header)
    except (HawkFail, ValueError, KeyError, IndexError):
        return None


def decoded_bewit(bewit: str) -> tuple[str, ...] | None:
    """Return mohawk's decoding of a bewit as ``(id, expiration, mac, ext)``, or ``None``.

    Base64url may leave its padding out (RFC 4648, section 3.2), as Hawk's
    reference client does, and a URL may percent-encode it; mohawk wants it,
    so it is put back first.

    :param bewit: the ``bewit`` query value.
    """
    unpadded = bewit.replace("%3D", "=").replace("%3d", "=").rstrip("=")
    try:
        return tuple(parse_bewit(unpadded + "=" * (-len(unpadded) % 4)))
    except (HawkFail, ValueError, TypeError, UnicodeError):
        return None


def server_mac(
    attributes: cabc.Mapping[str, str],
    *,
    method: str,
    url: str,
    credentials: HawkCredentials | None = None,
) -> str | None:
    """Return the MAC a server computes for a request presenting ``attributes``.

    That is the MAC mohawk compares the presented one with: the forger's
    missing piece. ``None`` when the attributes name no known client (or
    lack what a MAC needs), so nothing is computed.

    :param attributes: the parsed Authorization header.
    :param method: the request's method.
    :param url: the absolute URL the server sees.
    :param credentials: the client whose key signs; by default the one the
        ``id`` attribute names.
    """
    if credentials is None:
        credentials = KNOWN_CLIENTS.get(attributes.get("id", ""))
    if credentials is None or not attributes.get("ts") or "nonce" not in attributes:
        return None
    resource = Resource(
        credentials={
            "id": credentials.id,
            "key": credentials.key,
            "algorithm": credentials.algorithm,
        },
        method=method,
        url=url,
        timestamp=attributes["ts"],
        nonce=attributes["nonce"],
        ext=attributes.get("ext"),
        app=attributes.get("app"),
        dlg=attributes.get("dlg"),
    )
    return calculate_mac("header", resource, attributes.get("hash")).decode("ascii")


def server_bewit_mac(decoded: tuple[str, ...], url: str) -> str | None:
    """Return the MAC a server computes for a bewit that decodes to ``decoded``.

    ``None`` when the bewit names no known client or has no numeric expiry.

    :param decoded: ``(id, expiration, mac, ext)`` as :func:`decoded_bewit` returns it.
    :param url: the absolute URL without the bewit.
    """
    client_id, expiration, _, ext = decoded
    credentials = KNOWN_CLIENTS.get(client_id)
    if credentials is None or not expiration.isdigit():
        return None
    resource = Resource(
        credentials={
            "id": credentials.id,
            "key": credentials.key,
            "algorithm": credentials.algorithm,
        },
        method="GET",
        url=url,
        timestamp=expiration,
        nonce="",
        ext=ext,
    )
    return calculate_mac("bewit", resource, None).decode("ascii")


def assert_nothing_leaked(
    response: TestResponse, log_lines: cabc.Iterable[str], secrets: cabc.Iterable[str | None]
) -> None:
    """Assert no key, and none of ``secrets``, is in the response or the log lines.

    :param response: what the client received.
    :param log_lines: what was logged while it was answered.
    :param secrets: MACs that must stay on the server; ``None`` entries are skipped.
    """
    exposed = [
        response.get_data(as_text=True),
        *(f"{name}: {value}" for name, value in response.headers.items()),
    ]
    logged = list(log_lines)
    for secret in (*KEYS, *secrets):
        if secret is None:
            continue
        # The first 8 characters catch a secret logged in part, too.
        for fragment in {secret, secret[:8]}:
            assert not any(fragment in text for text in exposed), f"{fragment!r} in the response"
            assert not any(fragment in line for line in logged), f"{fragment!r} in the log"
