"""Fuzz harness: any ``Authorization`` value through a Hawk-protected view, by test client.

An input whose first byte is even is the header itself (read as Latin-1, as a
WSGI server hands it over); an odd one splices the rest of the input into a
header freshly signed by mohawk, so the fuzzer also reaches MAC, payload and
nonce checks. The answer must be 400 or 401 (200 only for a splice mohawk
parses into the same attributes), never 500, and no key or extension log
line may carry the MAC the server computed.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import logging

from flask_api_utils.hawk import MemoryNonceStore
from tests.fixtures.hawk import BASE_URL, build_hawk_app, sign
from tests.hostile.hawk_support import KEYS, KNOWN_CLIENTS, parsed_or_none, server_mac

__all__ = ["check", "splice"]

_APP, _ = build_hawk_app(nonce_store=MemoryNonceStore())
_CLIENT = _APP.test_client()
_ALICE = KNOWN_CLIENTS["alice"]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def _extension_log() -> cabc.Iterator[list[str]]:
    """Collect the extension's log lines, at DEBUG, for the block; leave logging as it was."""
    logger = logging.getLogger("flask_api_utils")
    handler = _Lines()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def splice(original: str, data: bytes) -> str:
    """Replace a few characters of ``original`` as ``data`` says.

    :param original: the text to mutate.
    :param data: two bytes of position, one of length removed, then the text to insert.
    """
    if len(data) < 3:
        return original
    start = int.from_bytes(data[:2], "big") % (len(original) + 1)
    removed = data[2] % 8
    return original[:start] + data[3:].decode("latin-1") + original[start + removed :]


def check(data: bytes) -> None:
    """Send ``data`` as (or spliced into) an Authorization header; raise on a wrong answer.

    :param data: the fuzzer's input.
    """
    if not data:
        return
    path = "/sync" if data[0] & 2 else "/async"
    original = None
    if data[0] & 1:
        original = sign(_ALICE, "GET", path).request_header
        header = splice(original, data[1:])
    else:
        header = data[1:].decode("latin-1")
    with _extension_log() as lines:
        response = _CLIENT.get(path, environ_overrides={"HTTP_AUTHORIZATION": header})

    attributes = parsed_or_none(header)
    signed = parsed_or_none(original) if original is not None else None
    equivalent = signed is not None and attributes == signed
    allowed = {200, 400, 401} if equivalent else {400, 401}
    assert response.status_code in allowed, (header, response.status_code)
    secret = None
    if attributes is not None and not equivalent:
        secret = server_mac(attributes, method="GET", url=BASE_URL + path)
        if signed is not None and secret == signed["mac"]:
            # Only the presented MAC changed: the right one is the client's own.
            secret = None
    exposed = response.get_data(as_text=True) + str(response.headers)
    for text in (exposed, *lines):
        for value in (*KEYS, secret):
            assert value is None or value not in text, (header, text)


if __name__ == "__main__":
    from tests.fuzz.driver import fuzz

    fuzz(check)
