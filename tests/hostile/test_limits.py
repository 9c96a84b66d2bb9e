"""Size limits: an oversized body is a 413 before any hashing; a huge header a 400 before parsing.

Work is bounded structurally, never by a clock: spies that call through show
that no MAC is computed and no payload hashed for a body above
``MAX_CONTENT_LENGTH``, and that neither the Hawk header parser nor the bewit
pattern ever sees a value above the length limit (4096 characters, as Hawk's
reference implementation limits headers). No nonce is used up by a refusal.
"""

from __future__ import annotations

import collections.abc as cabc
import re
import typing as t

import pytest
import requests
from mohawk.util import parse_authorization_header

from flask_api_utils.hawk import MemoryNonceStore, _bewit, _protocol
from tests.fixtures.hawk import ALICE, build_hawk_app, sign

if t.TYPE_CHECKING:
    from flask import Flask

    from tests.fixtures.live_server import LiveServerFactory

LIMIT = 1024
#: The longest Authorization header or bewit target the extension reads.
MAX_HEADER = 4096


class _Spy:
    """Calls through to a function, counting the calls."""

    def __init__(self, function: cabc.Callable[..., t.Any]) -> None:
        self.function = function
        self.calls = 0

    @staticmethod
    def reset(spies: cabc.Iterable[_Spy]) -> None:
        """Forget the calls so far."""
        for spy in spies:
            spy.calls = 0

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def hashing(monkeypatch: pytest.MonkeyPatch) -> dict[str, _Spy]:
    """Spy on the extension's MAC and payload hash."""
    spies = {"mac": _Spy(_protocol._mac), "payload": _Spy(_protocol._payload_hash)}
    monkeypatch.setattr(_protocol, "_mac", spies["mac"])
    monkeypatch.setattr(_protocol, "_payload_hash", spies["payload"])
    return spies


@pytest.fixture
def parsing(monkeypatch: pytest.MonkeyPatch) -> _Spy:
    """Spy on the extension's Hawk attribute parser."""
    spy = _Spy(_protocol._parse_attributes)
    monkeypatch.setattr(_protocol, "_parse_attributes", spy)
    return spy


class _PatternSpy:
    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.calls = 0

    def match(self, text: str) -> re.Match[str] | None:
        self.calls += 1
        return self.pattern.match(text)


def _limited_app(
    loader_kind: t.Literal["sync", "async"] = "sync",
) -> tuple[Flask, MemoryNonceStore]:
    store = MemoryNonceStore()
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=store)
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    return app, store


def _post(app: Flask, path: str, body: bytes, spies: cabc.Iterable[_Spy]) -> int:
    header = sign(
        ALICE, "POST", path, content=body, content_type="application/octet-stream"
    ).request_header
    _Spy.reset(spies)
    response = app.test_client().post(
        path,
        data=body,
        headers={"Authorization": header, "Content-Type": "application/octet-stream"},
    )
    return response.status_code


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_body_above_max_content_length_is_413_before_hashing(
    hashing: dict[str, _Spy], loader_kind: t.Literal["sync", "async"], path: str
) -> None:
    app, store = _limited_app(loader_kind)

    status = _post(app, path, b"x" * (LIMIT + 1), hashing.values())

    assert status == 413
    assert hashing["mac"].calls == 0
    assert hashing["payload"].calls == 0
    assert len(store) == 0


@pytest.mark.parametrize("path", ["/sync", "/async"])
def test_body_at_max_content_length_is_accepted(
    hashing: dict[str, _Spy], loader_kind: t.Literal["sync", "async"], path: str
) -> None:
    app, store = _limited_app(loader_kind)

    status = _post(app, path, b"x" * LIMIT, hashing.values())

    assert status == 200
    assert hashing["payload"].calls >= 1
    assert len(store) == 1


@pytest.mark.parametrize(
    "signed_length",
    [
        pytest.param(4 * LIMIT, id="whole-body-signed"),
        pytest.param(LIMIT, id="only-the-first-LIMIT-bytes-signed"),
    ],
)
def test_chunked_body_above_the_limit_is_413(
    live_server_factory: LiveServerFactory, hashing: dict[str, _Spy], signed_length: int
) -> None:
    app, store = _limited_app()
    server = live_server_factory(app)
    body = b"x" * (4 * LIMIT)
    header = sign(
        ALICE,
        "POST",
        server.url + "/sync",
        content=body[:signed_length],
        content_type="text/plain",
    ).request_header
    _Spy.reset(hashing.values())

    # A generator body has no Content-Length: requests sends it chunked.
    response = requests.post(
        server.url + "/sync",
        data=(body[i : i + 256] for i in range(0, len(body), 256)),
        headers={"Authorization": header, "Content-Type": "text/plain"},
        timeout=10,
    )

    assert response.status_code == 413
    assert len(store) == 0


@pytest.mark.parametrize("path", ["/sync", "/async"])
@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Hawk " + "x" * 1_000_000, id="1MB-of-one-attribute-value"),
        pytest.param('Hawk id="a", ' * 80_000, id="1MB-of-attributes"),
        pytest.param("Hawk " + "\\" * (MAX_HEADER + 1), id="just-over-the-limit"),
    ],
)
def test_huge_authorization_header_is_400_without_parsing(
    parsing: _Spy, hashing: dict[str, _Spy], path: str, header: str
) -> None:
    app, store = _limited_app()
    _Spy.reset(hashing.values())

    response = app.test_client().get(path, environ_overrides={"HTTP_AUTHORIZATION": header})

    assert response.status_code == 400
    assert parsing.calls == 0
    assert hashing["mac"].calls == 0
    assert len(store) == 0


def _header_of_length(length: int, path: str) -> str:
    base = sign(ALICE, "GET", path, ext="").request_header
    # mohawk leaves an empty ext out; one character of ext adds ', ext="x"'.
    padding = length - len(base) - len(', ext=""')
    header = sign(ALICE, "GET", path, ext="x" * padding).request_header
    # The MAC's base64 length never varies, so neither does the header's.
    assert len(header) == length, (len(header), length)
    return header


def test_header_at_the_limit_is_parsed_and_accepted(parsing: _Spy) -> None:
    app, _ = _limited_app()
    header = _header_of_length(MAX_HEADER, "/sync")
    _Spy.reset([parsing])

    response = app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 200
    assert parsing.calls == 1
    assert len(parse_authorization_header(header)["ext"]) > 3900


def test_signed_header_one_over_the_limit_is_400_without_parsing(parsing: _Spy) -> None:
    app, store = _limited_app()
    header = _header_of_length(MAX_HEADER + 1, "/sync")
    _Spy.reset([parsing])

    response = app.test_client().get("/sync", headers={"Authorization": header})

    assert response.status_code == 400
    assert parsing.calls == 0
    assert len(store) == 0


def test_huge_bewit_target_is_400_without_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _PatternSpy(_bewit._BEWIT_RE)
    monkeypatch.setattr(_bewit, "_BEWIT_RE", spy)
    app, _ = _limited_app()

    response = app.test_client().get("/bewit/sync", query_string="a=" + "&" * 1_000_000 + "bewit=")

    assert response.status_code == 400
    assert spy.calls == 0


def test_live_server_refuses_a_1mb_header_and_keeps_serving(
    live_server_factory: LiveServerFactory,
) -> None:
    app, _ = _limited_app()
    server = live_server_factory(app)

    huge = requests.get(
        server.url + "/sync", headers={"Authorization": "Hawk " + "x" * 1_000_000}, timeout=10
    )
    header = sign(ALICE, "GET", server.url + "/sync").request_header
    after = requests.get(server.url + "/sync", headers={"Authorization": header}, timeout=10)

    assert 400 <= huge.status_code < 500
    assert after.status_code == 200
