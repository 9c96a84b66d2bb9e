"""Fuzz harness: any ``bewit`` query value through bewit-enabled views, by test client.

An input whose first byte is even is the raw query value (Latin-1, as a WSGI
server hands the target over); an odd one splices the rest into a bewit
freshly made by mohawk. The answer must be 400 or 401 (200 only for a splice
that mohawk decodes into the same bewit), never 500, and no key may appear in
the response.
"""

from __future__ import annotations

import time

from mohawk.base import Resource
from mohawk.bewit import get_bewit

from flask_api_utils.hawk import MemoryNonceStore
from tests.fixtures.hawk import BASE_URL, build_hawk_app
from tests.fuzz.fuzz_hawk_header import splice
from tests.hostile.hawk_support import KEYS, KNOWN_CLIENTS, decoded_bewit

__all__ = ["check"]

_APP, _ = build_hawk_app(nonce_store=MemoryNonceStore())
_CLIENT = _APP.test_client()
_ALICE = KNOWN_CLIENTS["alice"]


def _bewit(path: str) -> str:
    resource = Resource(
        url=BASE_URL + path,
        method="GET",
        credentials={"id": _ALICE.id, "key": _ALICE.key, "algorithm": _ALICE.algorithm},
        timestamp=int(time.time()) + 600,
        nonce="",
    )
    return get_bewit(resource)


def check(data: bytes) -> None:
    """Send ``data`` as (or spliced into) a bewit; raise AssertionError on a wrong answer.

    :param data: the fuzzer's input.
    """
    if not data:
        return
    path = "/bewit/sync" if data[0] & 2 else "/bewit/async"
    original = None
    if data[0] & 1:
        original = _bewit(path)
        bewit = splice(original, data[1:])
    else:
        bewit = data[1:].decode("latin-1")
    target = f"{path}?bewit={bewit}"
    environ = {"QUERY_STRING": f"bewit={bewit}", "REQUEST_URI": target, "RAW_URI": target}

    response = _CLIENT.get(path, environ_overrides=environ)

    equivalent = original is not None and decoded_bewit(bewit) == decoded_bewit(original)
    allowed = {200, 400, 401} if equivalent else {400, 401}
    assert response.status_code in allowed, (bewit, response.status_code)
    exposed = response.get_data(as_text=True) + str(response.headers)
    assert not any(key in exposed for key in KEYS), bewit


if __name__ == "__main__":
    from tests.fuzz.driver import fuzz

    fuzz(check)
