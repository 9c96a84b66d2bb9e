"""The extension computes every Hawk value exactly as mohawk does, and decides alike.

Hypothesis draws requests (see :mod:`.differential_support`): methods, URLs
with odd ports and percent-encoding, bodies, Content-Types, ``ext``, ``app``
and ``dlg`` values, both algorithms, keys shorter and longer than a hash
block. For each, the request MAC, the payload hash, the response's
``Server-Authorization``, the ``tsm`` of a stale timestamp and a bewit must be
byte for byte mohawk's; a request mohawk's ``Sender`` signed and then
tampered with in one way must be accepted or refused exactly as mohawk's
``Receiver`` decides, for the same reason.
"""

from __future__ import annotations

import dataclasses
import time
import typing as t

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mohawk import Receiver, Sender
from mohawk.base import EmptyValue, Resource
from mohawk.bewit import get_bewit
from mohawk.exc import HawkFail, MacMismatch, MisComputedContentHash, TokenExpired
from mohawk.util import calculate_mac, calculate_payload_hash, calculate_ts_mac
from werkzeug.exceptions import BadRequest, Unauthorized

from flask_api_utils.hawk import _client, _protocol

from .differential_support import Case, cases, our_header, our_mac, our_verification

#: Enough cases to reach every branch many times, few enough for `make test`.
CASES = settings(max_examples=150, deadline=None)


def _resource(case: Case, **overrides: t.Any) -> Resource:
    fields: dict[str, t.Any] = {
        "credentials": case.credentials,
        "url": case.url,
        "method": case.method,
        "timestamp": case.ts,
        "nonce": case.nonce,
        "ext": case.ext,
        "app": case.app,
        "dlg": case.dlg,
        "content": case.content,
        "content_type": case.content_type,
    }
    return Resource(**(fields | overrides))


def _split_or_none(url: str) -> _protocol.Target | None:
    try:
        return _protocol._split_url(url)
    except ValueError:
        return None


@CASES
@given(cases())
@example(
    Case(
        key="k" * 65,
        algorithm="sha1",
        method="post",
        url="http://Example.COM:0080/a%2Fb;p?q=%20&r",
        ts=1,
        nonce="n",
        content=b"",
        content_type="",
        ext="",
        app="app",
        dlg=None,
        response_content=b"",
        response_content_type="",
        response_ext=None,
    )
)
def test_request_mac_and_payload_hash_equal_mohawks(case: Case) -> None:
    payload_hash = calculate_payload_hash(case.content, case.algorithm, case.content_type)
    target = _split_or_none(case.url)
    try:
        resource = _resource(case)
    except ValueError:
        # urlparse refuses the port; so does the extension (a 400).
        assert target is None
        return
    assert target is not None

    ours = our_mac(case, "header", target, payload_hash)

    assert ours == calculate_mac("header", resource, payload_hash)
    assert _protocol._payload_hash(case.algorithm, case.content_type, case.content) == payload_hash


@CASES
@given(cases(), st.integers(0, 2**33))
def test_timestamp_mac_equals_mohawks(case: Case, now: int) -> None:
    assert (
        _protocol._ts_mac(now, case.credentials) == calculate_ts_mac(now, case.credentials).decode()
    )


@CASES
@given(cases())
def test_client_header_equals_mohawk_senders(case: Case) -> None:
    try:
        sender = Sender(
            case.credentials,
            case.url,
            case.method,
            content=case.content,
            content_type=case.content_type,
            ext=case.ext,
            app=case.app,
            dlg=case.dlg,
            nonce=case.nonce,
            _timestamp=case.ts,
        )
    except ValueError:
        with pytest.raises(ValueError, match=r"[Pp]ort"):
            our_header(case)
        return

    assert our_header(case) == sender.request_header


@CASES
@given(cases())
def test_bewit_equals_mohawks(case: Case) -> None:
    url = case.url.replace("bewit=", "b=")
    target = _split_or_none(url)
    if target is None or not url.isascii():
        # bewit_url takes a URL as a client holds it: ASCII, a valid port.
        return
    resource = Resource(
        credentials=case.credentials,
        url=url,
        method="GET",
        timestamp=case.ts,
        nonce="",
        ext=case.ext,
    )

    ours = _client.bewit_url(url, case.credentials, expiry=case.ts, ext=case.ext)

    assert ours.rpartition("bewit=")[2] == get_bewit(resource).rstrip("=")


#: What a tampered request changes, one thing at a time.
TAMPERING = st.sampled_from(
    [
        "nothing",
        "method",
        "path",
        "host",
        "port",
        "content",
        "content_type",
        "content_type_parameters",
        "no_hash",
        "no_hash_untrusted",
        "stale",
        "key",
        "ext",
    ]
)


def _tamper(case: Case, how: str) -> tuple[Case, bool]:
    """Return the request the server receives, and whether to accept untrusted content."""
    changes: dict[str, dict[str, t.Any]] = {
        "method": {"method": "PUT" if case.method.upper() != "PUT" else "POST"},
        "path": {"url": case.url + "x"},
        "host": {"url": case.url.replace("://", "://x", 1)},
        "port": {"url": _with_port(case.url, "1234")},
        "content": {"content": case.content + b"x"},
        "content_type": {"content_type": "application/x-tampered"},
        "content_type_parameters": {"content_type": case.content_type + "; Charset=latin-1"},
        "stale": {"ts": case.ts},
        "key": {"key": case.key + "x"},
    }
    return dataclasses.replace(case, **changes.get(how, {})), how == "no_hash_untrusted"


def _with_port(url: str, port: str) -> str:
    scheme, _, rest = url.partition("://")
    host, slash, target = rest.partition("/")
    return f"{scheme}://{host.partition(':')[0]}:{port}{slash}{target}"


def _mohawk_decision(received: Case, header: str, *, untrusted: bool) -> str:
    try:
        Receiver(
            lambda _: received.credentials,
            header,
            received.url,
            received.method,
            content=received.content,
            content_type=received.content_type,
            seen_nonce=lambda *_: False,
            accept_untrusted_content=untrusted,
            timestamp_skew_in_seconds=60,
        )
    except MacMismatch:
        return "Invalid credentials"
    except MisComputedContentHash:
        return "Bad payload hash"
    except TokenExpired:
        return "Stale timestamp"
    except (HawkFail, ValueError):
        return "400"
    return "accepted"


def _our_decision(received: Case, header: str, *, untrusted: bool) -> str:
    try:
        our_verification(received, header, untrusted=untrusted)
    except BadRequest:
        return "400"
    except Unauthorized as e:
        return str(e.description).removeprefix("Hawk authentication failed: ").rstrip(".")
    return "accepted"


@CASES
@given(cases(), TAMPERING)
def test_accept_or_refuse_equals_mohawk_receivers(case: Case, how: str) -> None:
    now = int(time.time())
    signed = dataclasses.replace(case, ts=now)
    hash_content = not how.startswith("no_hash")
    try:
        header = Sender(
            signed.credentials,
            signed.url,
            signed.method,
            content=signed.content if hash_content else EmptyValue,
            content_type=signed.content_type if hash_content else EmptyValue,
            always_hash_content=hash_content,
            ext=signed.ext,
            app=signed.app,
            dlg=signed.dlg,
            nonce=signed.nonce,
            _timestamp=signed.ts if how != "stale" else now - 3600,
        ).request_header
    except ValueError:
        return
    received, untrusted = _tamper(signed, how)

    theirs = _mohawk_decision(received, header, untrusted=untrusted)
    ours = _our_decision(received, header, untrusted=untrusted)

    assert ours == theirs


@CASES
@given(cases())
def test_server_authorization_equals_mohawk_receivers(case: Case) -> None:
    now = int(time.time())
    try:
        header = our_header(case, timestamp=now)
    except ValueError:
        return
    receiver = Receiver(
        lambda _: case.credentials,
        header,
        case.url,
        case.method,
        content=case.content,
        content_type=case.content_type,
        seen_nonce=lambda *_: False,
    )
    verified = our_verification(case, header)

    ours = verified.sign_response(
        case.response_content, case.response_content_type, ext=case.response_ext
    )
    streamed = verified.sign_response(None, case.response_content_type)

    assert ours == receiver.respond(
        content=case.response_content,
        content_type=case.response_content_type,
        ext=case.response_ext,
    )
    assert streamed == receiver.respond(always_hash_content=False)


def test_stale_timestamp_carries_mohawks_tsm() -> None:
    credentials = {"id": "client-1", "key": "a-key", "algorithm": "sha256"}
    header = Sender(
        credentials, "http://localhost/", "GET", content=b"", content_type="", _timestamp=1
    ).request_header

    with pytest.raises(Unauthorized) as refused:
        _protocol.verify_header(
            _protocol.parse_header(header),
            _protocol.split_url("http://localhost/"),
            credentials,
            method="GET",
            content=b"",
            content_type="",
            skew=60,
            offset=0,
            accept_untrusted_content=False,
        )

    assert refused.value.www_authenticate is not None
    [challenge] = refused.value.www_authenticate
    assert challenge.token is not None
    attributes = dict(part.split("=", 1) for part in challenge.token.replace('"', "").split(", "))
    assert abs(int(attributes["ts"]) - time.time()) < 5
    assert attributes["tsm"] == calculate_ts_mac(attributes["ts"], credentials).decode()
    assert attributes["error"] == "Stale timestamp"
