"""MAC comparisons are constant time, on the header path and on the bewit path.

No test measures time. They check the code path instead: an Authorization
header's MAC, its payload hash and a bewit's MAC are all compared by
:func:`hmac.compare_digest`. A spy that calls through records each
comparison, with the values compared; the expected values are computed
independently, with mohawk's functions.
"""

from __future__ import annotations

import hmac
import time
import typing as t

import pytest
from mohawk.base import Resource
from mohawk.bewit import get_bewit
from mohawk.util import calculate_mac, calculate_payload_hash

from flask_api_utils.hawk import HawkCredentials, MemoryNonceStore
from tests.fixtures.hawk import ALICE, BASE_URL, build_hawk_app, sign

from .hawk_support import parsed_or_none, server_mac

if t.TYPE_CHECKING:
    from flask import Flask

WRONG_KEY = HawkCredentials(ALICE.id, "a-forger-guessing-alices-key-0000000")


def _text(value: object) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else str(value)


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
def test_header_mac_is_compared_by_hmac_compare_digest(
    compared_by_hmac: list[tuple[str, str]],
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
    assert (expected, attributes["mac"]) in compared_by_hmac


@pytest.mark.parametrize("view", ["/sync", "/async"])
@pytest.mark.parametrize(
    ("signed", "status"),
    [pytest.param(b"the body", 200, id="genuine"), pytest.param(b"another", 401, id="tampered")],
)
def test_payload_hash_is_compared_by_hmac_compare_digest(
    compared_by_hmac: list[tuple[str, str]],
    loader_kind: t.Literal["sync", "async"],
    view: str,
    signed: bytes,
    status: int,
) -> None:
    header = sign(ALICE, "POST", view, content=signed, content_type="text/plain").request_header
    attributes = parsed_or_none(header)
    assert attributes is not None
    expected = calculate_payload_hash(b"the body", ALICE.algorithm, "text/plain")

    response = (
        _app(loader_kind)
        .test_client()
        .post(
            view, data=b"the body", headers={"Authorization": header, "Content-Type": "text/plain"}
        )
    )

    assert response.status_code == status
    assert (expected.decode("ascii"), attributes["hash"]) in compared_by_hmac


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
