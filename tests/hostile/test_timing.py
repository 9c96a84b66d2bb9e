"""MAC comparisons are constant time, on the header path and on the bewit path.

No test measures time. They check the code path instead: an Authorization
header's MAC is compared by mohawk's ``strings_match`` (mohawk 1.1 does not use
:func:`hmac.compare_digest`: it XORs every byte pair and only then looks at the
result), and a bewit's MAC by :func:`hmac.compare_digest` in the extension.
Spies that call through record each comparison, with the MACs compared; and
``strings_match`` is shown to read every byte even when the first one differs.
"""

from __future__ import annotations

import collections.abc as cabc
import hmac
import time
import typing as t

import mohawk.base
import pytest
from mohawk.base import Resource
from mohawk.bewit import get_bewit
from mohawk.util import calculate_mac, strings_match

from flask_api_utils.hawk import HawkCredentials, MemoryNonceStore
from tests.fixtures.hawk import ALICE, BASE_URL, build_hawk_app, sign

from .hawk_support import parsed_or_none, server_mac

if t.TYPE_CHECKING:
    from flask import Flask

WRONG_KEY = HawkCredentials(ALICE.id, "a-forger-guessing-alices-key-0000000")


def _text(value: object) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


@pytest.fixture
def compared_by_mohawk(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record every ``strings_match`` call mohawk's verification makes, calling through."""
    calls: list[tuple[str, str]] = []

    def spy(a: bytes | str, b: bytes | str) -> bool:
        calls.append((_text(a), _text(b)))
        return strings_match(a, b)

    monkeypatch.setattr(mohawk.base, "strings_match", spy)
    return calls


@pytest.fixture
def compared_by_hmac(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record every :func:`hmac.compare_digest` call, calling through."""
    calls: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def spy(a: t.Any, b: t.Any) -> bool:
        calls.append((_text(a), _text(b)))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def _app(loader_kind: t.Literal["sync", "async"]) -> Flask:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    return app


@pytest.mark.parametrize("view", ["/sync", "/async"])
@pytest.mark.parametrize(
    ("credentials", "status"),
    [pytest.param(ALICE, 200, id="genuine"), pytest.param(WRONG_KEY, 401, id="forged")],
)
def test_header_mac_is_compared_by_mohawks_constant_time_compare(
    compared_by_mohawk: list[tuple[str, str]],
    loader_kind: t.Literal["sync", "async"],
    view: str,
    credentials: HawkCredentials,
    status: int,
) -> None:
    header = sign(credentials, "GET", view).request_header
    attributes = parsed_or_none(header)
    assert attributes is not None
    expected = server_mac(attributes, method="GET", url=BASE_URL + view, credentials=ALICE)

    response = _app(loader_kind).test_client().get(view, headers={"Authorization": header})

    assert response.status_code == status
    # The MAC the server computed against the one presented, in that call.
    assert (expected, attributes["mac"]) in compared_by_mohawk


@pytest.mark.parametrize("view", ["/bewit/sync", "/bewit/async"])
@pytest.mark.parametrize(
    ("credentials", "status"),
    [pytest.param(ALICE, 200, id="genuine"), pytest.param(WRONG_KEY, 401, id="forged")],
)
def test_bewit_mac_is_compared_by_hmac_compare_digest(
    compared_by_hmac: list[tuple[str, str]],
    loader_kind: t.Literal["sync", "async"],
    view: str,
    credentials: HawkCredentials,
    status: int,
) -> None:
    expiry = int(time.time()) + 60

    def resource(signer: HawkCredentials) -> Resource:
        return Resource(
            url=BASE_URL + view,
            method="GET",
            credentials={"id": signer.id, "key": signer.key, "algorithm": signer.algorithm},
            timestamp=expiry,
            nonce="",
        )

    bewit = get_bewit(resource(credentials))
    presented = calculate_mac("bewit", resource(credentials), None).decode("ascii")
    expected = calculate_mac("bewit", resource(ALICE), None).decode("ascii")

    response = _app(loader_kind).test_client().get(view, query_string={"bewit": bewit})

    assert response.status_code == status
    assert (expected, presented) in compared_by_hmac


class _CountingText(str):
    """A str that counts how many of its characters were read by iteration."""

    read = 0

    def __iter__(self) -> cabc.Iterator[str]:
        for character in super().__iter__():
            type(self).read += 1
            yield character


@pytest.mark.parametrize(
    "presented",
    [
        pytest.param("X" + "A" * 43, id="first-byte-differs"),
        pytest.param("A" * 43 + "X", id="last-byte-differs"),
        pytest.param("A" * 44, id="equal"),
    ],
)
def test_mohawk_compare_reads_every_byte_whatever_differs(presented: str) -> None:
    _CountingText.read = 0

    matched = strings_match(_CountingText("A" * 44), _CountingText(presented))

    assert matched == (presented == "A" * 44)
    # Both MACs read in full: the loop never stops at the first difference.
    assert _CountingText.read == 88
