"""Bewits: a URL that carries its own Hawk authorization for GET.

A bewit is the client id, an expiry, a MAC over the URL and an optional
``ext``, URL-safe base64 in a ``bewit`` query parameter. This module finds
one in a request target, decodes it and verifies it, as Hawk's reference
server does.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import re
import time

from ._protocol import (
    _VALUE_RE,
    MAX_LENGTH,
    Credentials,
    Target,
    _bad_request,
    _mac,
    log,
    split_url,
    unauthorized,
)

__all__ = ["BewitAttempt", "bewit_mac", "find_bewit", "parse_bewit", "verify_bewit"]

# Hawk's reference server (hapijs/hawk lib/server.js, bewitRegex) finds the
# last bewit parameter and rebuilds the URL from what is around it; the MAC
# covers exactly that URL, so this mirrors it group for group.
_BEWIT_RE = re.compile(r"^(/.*)([?&])bewit=([^&$]*)(?:&(.+))?\Z")
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]+")


@dataclasses.dataclass(frozen=True, slots=True)
class BewitAttempt:
    """A request that presented a syntactically valid bewit."""

    #: The Hawk ``id`` the bewit names.
    client_id: str
    #: When the bewit stops being valid, in seconds since the epoch.
    expiry: int
    #: The MAC the bewit carries.
    mac: str
    #: The bewit's ``ext`` value, empty when it has none.
    ext: str
    #: The absolute URL the bewit was made for: the request's without the bewit.
    url: str
    #: What of ``url`` the MAC covers.
    target: Target


def find_bewit(target: str) -> tuple[str, str] | None:
    """Split a request target into its bewit and the target without it.

    Return ``None`` when the target has no ``bewit`` parameter.

    :param target: The request target as the client sent it.
    """
    if "bewit=" not in target:
        return None
    if len(target) > MAX_LENGTH:
        raise _bad_request("URL with a bewit too long")
    match = _BEWIT_RE.match(target)
    if match is None:
        return None
    start, separator, bewit, rest = match.groups()
    return bewit, (f"{start}{separator}{rest}" if rest else start)


def parse_bewit(bewit: str, url: str) -> BewitAttempt:
    """Decode a bewit, refusing anything malformed with 400.

    :param bewit: The ``bewit`` parameter's raw value: URL-safe base64, with
        or without (possibly percent-encoded) padding.
    :param url: The absolute URL of the request without the bewit.
    """
    unpadded = bewit.replace("%3D", "=").replace("%3d", "=").rstrip("=")
    if _BASE64URL_RE.fullmatch(unpadded) is None:
        raise _bad_request("bewit is not URL-safe base64")
    try:
        decoded = base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
        parts = decoded.decode("ascii").split("\\")
    except (binascii.Error, UnicodeDecodeError):
        raise _bad_request("bewit is not URL-safe base64") from None
    if len(parts) != 4:
        raise _bad_request("bewit does not have four parts")
    client_id, expiry, mac, ext = parts
    if not (client_id and mac and expiry.isdigit() and int(expiry)):
        raise _bad_request("bewit without id, expiry or MAC")
    if _VALUE_RE.fullmatch(client_id) is None or _VALUE_RE.fullmatch(ext) is None:
        raise _bad_request("bewit with a forbidden character")
    return BewitAttempt(
        client_id=client_id, expiry=int(expiry), mac=mac, ext=ext, url=url, target=split_url(url)
    )


def bewit_mac(target: Target, credentials: Credentials, *, expiry: int, ext: str) -> bytes:
    """Return the MAC (base64) of a bewit for ``target`` expiring at ``expiry``."""
    # A bewit is made for GET, with an empty nonce.
    return _mac("bewit", credentials, target, "GET", "", ext, {"ts": str(expiry), "nonce": ""})


def verify_bewit(attempt: BewitAttempt, credentials: Credentials, *, offset: float) -> None:
    """Check a bewit's MAC, then its expiry; 401 on failure.

    The MAC comes first so that only the holder of a genuine bewit learns it
    has expired. The reference server verifies HEAD as GET, and so does this.

    :param attempt: The decoded bewit.
    :param credentials: The credentials of the client it names.
    :param offset: ``HAWK_LOCALTIME_OFFSET_IN_SECONDS``.
    """
    mac = bewit_mac(attempt.target, credentials, expiry=attempt.expiry, ext=attempt.ext)
    if not hmac.compare_digest(mac, attempt.mac.encode("ascii")):
        log.info("Hawk: bewit MAC mismatch for client %r", attempt.client_id)
        raise unauthorized("Invalid credentials")
    if attempt.expiry <= time.time() + offset:
        log.info("Hawk: expired bewit from client %r", attempt.client_id)
        raise unauthorized("Access expired")
