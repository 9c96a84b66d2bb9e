"""Fuzz harness: any ``Accept`` value through FormatterRegistry.choose and a ResponsiveFlask app.

Each input, read as Latin-1 (what a WSGI server hands over), must give a
registered mimetype that Werkzeug's parser says the client accepted, or
``None``; the cached choice must equal a fresh one; and the app must answer
200 in that type, or 406. Run it with ``python -m tests.fuzz.fuzz_accept
-max_total_time=60 CORPUS`` (``make fuzz`` does, for every harness).
"""

from __future__ import annotations

from flask_api_utils import choose_mimetype
from tests.hostile.accept_support import (
    JSON,
    OFFERED,
    assert_body_parses,
    build_app,
    client_accepted,
    parse,
    states_a_media_range,
)

__all__ = ["check"]

_APP = build_app()
_REGISTRY = _APP.response_formatters
_CLIENT = _APP.test_client()


def check(data: bytes) -> None:
    """Negotiate ``data`` as an ``Accept`` header; raise AssertionError on a wrong answer.

    :param data: the raw header bytes.
    """
    header = data.decode("latin-1")
    choice = _REGISTRY.choose(header)
    oracle = parse(header)
    assert choice == choose_mimetype(oracle, _REGISTRY.offered), header
    assert choice is None or choice in OFFERED, (header, choice)
    if choice is not None and states_a_media_range(oracle):
        assert client_accepted(oracle, choice), (header, choice)
    if not states_a_media_range(oracle):
        assert choice == JSON, header

    response = _CLIENT.get("/thing", environ_overrides={"HTTP_ACCEPT": header})
    expected = (200, choice) if choice is not None else (406, JSON)
    assert (response.status_code, response.mimetype) == expected, header
    assert_body_parses(response)


if __name__ == "__main__":
    from tests.fuzz.driver import fuzz

    fuzz(check)
