"""The Hawk protocol as the extension speaks it, on top of mohawk.

This is the only module of the extension that imports :mod:`mohawk`;
:mod:`.extension` imports it only if mohawk is installed, so that importing
the package works without the ``hawk`` extra.

Each step either returns what the next step needs or raises the Werkzeug HTTP
exception the client gets, after logging the reason on
``flask_api_utils.hawk``. Nothing here logs or raises with a key, a MAC this
side computed, or the text of a mohawk exception (some of which quote the
expected MAC).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import logging
import re
import time
import typing as t
import urllib.parse

from mohawk import Receiver
from mohawk.base import Resource
from mohawk.bewit import get_bewit
from mohawk.exc import HawkFail, MacMismatch, MisComputedContentHash, TokenExpired
from mohawk.util import (
    calculate_mac,
    calculate_ts_mac,
    validate_header_attr,
)
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Unauthorized

__all__ = [
    "BewitAttempt",
    "HeaderAttempt",
    "bewit_url",
    "find_bewit",
    "parse_bewit",
    "parse_header",
    "request_target",
    "sign_response",
    "unauthorized",
    "verify_bewit",
    "verify_header",
]

log = logging.getLogger("flask_api_utils.hawk")

#: Longest Authorization header or bewit URL accepted, as Hawk's reference
#: implementation limits them, so regular expressions never see more.
MAX_LENGTH = 4096

_REQUEST_ATTRIBUTES = frozenset({"id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"})
_REQUIRED_ATTRIBUTES = ("id", "ts", "nonce", "mac")

# mohawk.util.HAWK_HEADER_RE with the value restricted to the characters
# mohawk.util.validate_header_attr allows.
_ATTRIBUTE_RE = re.compile(
    r"""(\w+)="([ a-zA-Z0-9_!#$%&'()*+,\-./:;<=>?@\[\]^`{|}~]*)"\s*(?:,\s*|$)"""
)
# Hawk's reference server (hapijs/hawk lib/server.js, bewitRegex) finds the
# last bewit parameter and rebuilds the URL from what is around it; the MAC
# covers exactly that URL, so this mirrors it group for group.
_BEWIT_RE = re.compile(r"^(/.*)([?&])bewit=([^&$]*)(?:&(.+))?\Z")
_BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]+")


@dataclasses.dataclass(frozen=True, slots=True)
class HeaderAttempt:
    """A request that presented a syntactically valid Hawk Authorization header."""

    #: The header's attributes, every required one present and ``ts`` an integer.
    attributes: dict[str, str]
    #: The absolute URL the client signed.
    url: str

    @property
    def client_id(self) -> str:
        """The Hawk ``id`` the client claims."""
        return self.attributes["id"]


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


def unauthorized(error: str | None = None, *, token: str | None = None) -> Unauthorized:
    """Build a 401 whose ``WWW-Authenticate`` names the Hawk scheme.

    :param error: The reason given to the client, in an ``error`` attribute
        and in the body's description.
    :param token: The header's attributes already formatted, used as they are
        in place of the ``error`` attribute.
    """
    if token is None and error is not None:
        token = f'error="{error}"'
    # The body says what the header says, for people reading a 401; the
    # reasons are Hawk's own and tell an attacker nothing new.
    description = (
        "This resource needs Hawk authentication."
        if error is None
        else f"Hawk authentication failed: {error}."
    )
    return Unauthorized(description, www_authenticate=_HawkChallenge("hawk", token=token))


class _HawkChallenge(WWWAuthenticate):
    """A ``WWW-Authenticate`` value that is the bare scheme when it has no parameters.

    Werkzeug before 3.1.6 writes ``"Hawk "``, with a trailing space, for a
    challenge without parameters.
    """

    def to_header(self) -> str:
        return super().to_header().rstrip()


def _bad_request(reason: str) -> BadRequest:
    log.info("Hawk: %s", reason)
    return BadRequest(reason)


def request_target(environ: t.Mapping[str, t.Any]) -> str:
    """Return the request target (path and query) exactly as the client sent it.

    Servers that keep the raw target (Werkzeug, gunicorn, uWSGI, mod_wsgi) put
    it in ``REQUEST_URI`` or ``RAW_URI``; the decoded ``PATH_INFO`` would turn
    ``/a%2Fb`` into ``/a/b`` and break the MAC. Elsewhere the target is rebuilt.

    :param environ: The WSGI environ of the request.
    """
    target: str | None = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if target is None:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        path = path.encode("latin-1").decode("utf-8", "replace")
        target = urllib.parse.quote(path, safe="/:@!$&'()*+,;=~")
    else:
        if not target.startswith("/"):
            # The absolute form ("GET http://host/path") a client sends to a proxy.
            parts = urllib.parse.urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        proxied = environ.get("werkzeug.proxy_fix.orig")
        if proxied is not None and not proxied.get("SCRIPT_NAME"):
            # ProxyFix(x_prefix=1) set SCRIPT_NAME from X-Forwarded-Prefix: the
            # proxy took that prefix off the path the client signed.
            target = environ.get("SCRIPT_NAME", "").rstrip("/") + target
    query: str = environ.get("QUERY_STRING", "")
    if query and "?" not in target:
        # Werkzeug's test EnvironBuilder leaves a query given as a separate
        # argument out of REQUEST_URI; a real server never does.
        target = f"{target}?{query}"
    if not target.isascii():
        # WSGI carries raw bytes as latin-1; the client signed the UTF-8 text.
        target = target.encode("latin-1").decode("utf-8", "replace")
    return target


def parse_header(header: str, url: str) -> HeaderAttempt:
    """Parse a Hawk Authorization header, refusing anything malformed with 400.

    :param header: The Authorization header's value.
    :param url: The absolute URL of the request, as the client signed it.
    """
    if len(header) > MAX_LENGTH:
        raise _bad_request("Authorization header too long")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "hawk":
        raise _bad_request("Authorization scheme is not Hawk")
    attributes = _parse_attributes(rest)
    for name in _REQUIRED_ATTRIBUTES:
        if not attributes.get(name):
            raise _bad_request(f"Hawk Authorization header without {name!r}")
    ts = attributes["ts"]
    if not (ts.isascii() and ts.isdigit()):
        raise _bad_request("Hawk timestamp is not an integer")
    return HeaderAttempt(attributes=attributes, url=url)


def _parse_attributes(text: str) -> dict[str, str]:
    """Parse ``key="value", ...``, accepting exactly what mohawk accepts.

    mohawk's ``parse_authorization_header`` formats its result for a debug
    line on every call, logging on or off (see :class:`_ParsedReceiver`).
    This pattern is mohawk's with its value check (the characters Hawk
    allows) folded in, so the two accept the same headers.
    """
    attributes: dict[str, str] = {}
    end = len(text)
    position = 0
    while position < end:
        match = _ATTRIBUTE_RE.match(text, position)
        if match is None:
            raise _bad_request("malformed Hawk Authorization header")
        key, value = match.groups()
        if key not in _REQUEST_ATTRIBUTES:
            raise _bad_request(f"attribute {key!r} not allowed in a request header")
        if key in attributes:
            raise _bad_request(f"duplicate attribute {key!r} in the Hawk header")
        attributes[key] = value
        position = match.end()
    return attributes


def verify_header(
    attempt: HeaderAttempt,
    credentials: dict[str, str],
    *,
    method: str,
    content: bytes,
    content_type: str,
    skew: float,
    offset: float,
    accept_untrusted_content: bool,
) -> Receiver:
    """Check the MAC, then the payload hash, then the timestamp; 401 on failure.

    The nonce is left to the caller, so that a request that fails here never
    uses one up.

    :param attempt: The parsed header.
    :param credentials: mohawk's credentials dict for the client the header names.
    :param method: The request's method.
    :param content: The request body.
    :param content_type: The request's Content-Type (parameters are ignored).
    :param skew: ``HAWK_TIMESTAMP_SKEW_IN_SECONDS``.
    :param offset: ``HAWK_LOCALTIME_OFFSET_IN_SECONDS``.
    :param accept_untrusted_content: ``HAWK_ACCEPT_UNTRUSTED_CONTENT``.
    """
    client_id = attempt.client_id
    try:
        return _ParsedReceiver(
            attempt,
            credentials,
            method=method,
            content=content,
            content_type=content_type,
            skew=skew,
            offset=offset,
            accept_untrusted_content=accept_untrusted_content,
        )
    except MacMismatch:
        log.info("Hawk: MAC mismatch for client %r", client_id)
        raise unauthorized("Invalid credentials") from None
    except MisComputedContentHash:
        log.info("Hawk: payload hash mismatch for client %r", client_id)
        raise unauthorized("Bad payload hash") from None
    except TokenExpired as e:
        log.info("Hawk: stale timestamp from client %r", client_id)
        now = int(e.localtime_in_seconds or 0)
        tsm = calculate_ts_mac(now, credentials).decode("ascii")
        # The client checks tsm with its key before trusting ts to fix its clock.
        token = f'ts="{now}", tsm="{tsm}", error="Stale timestamp"'
        raise unauthorized("Stale timestamp", token=token) from None


def _nonce_checked_by_caller(client_id: str, nonce: str, ts: str) -> bool:
    return False


class _ParsedReceiver(Receiver):
    """mohawk's Receiver, made from a header this module has already parsed.

    ``Receiver.__init__`` parses the header again, and mohawk's parser
    formats its result for a debug line on every call, debug logging on or
    off: that costs more than all the rest of the extension's own work on a
    request. This does the rest of ``Receiver.__init__`` as mohawk 1.1 does it
    (the same ``Resource``, then ``_authorize``: MAC, payload hash, nonce
    callback, timestamp), so the object is a Receiver in every respect and
    ``respond()`` signs the response. The mohawk stubs and stubtest pin the
    two names it relies on.
    """

    def __init__(
        self,
        attempt: HeaderAttempt,
        credentials: dict[str, str],
        *,
        method: str,
        content: bytes,
        content_type: str,
        skew: float,
        offset: float,
        accept_untrusted_content: bool,
    ) -> None:
        attributes = attempt.attributes
        self.response_header = None
        self.credentials_map = lambda _: credentials
        # mohawk warns on every request when seen_nonce is None; the
        # extension checks the nonce itself once everything else passed.
        self.seen_nonce = _nonce_checked_by_caller
        resource = Resource(
            url=attempt.url,
            method=method,
            ext=attributes.get("ext"),
            app=attributes.get("app"),
            dlg=attributes.get("dlg"),
            credentials=credentials,
            nonce=attributes["nonce"],
            seen_nonce=_nonce_checked_by_caller,
            content=content,
            timestamp=attributes["ts"],
            content_type=content_type,
        )
        self._authorize(
            "header",
            attributes,
            resource,
            timestamp_skew_in_seconds=skew,
            localtime_offset_in_seconds=offset,
            accept_untrusted_content=accept_untrusted_content,
        )
        self.parsed_header = attributes
        self.resource = resource


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
    try:
        validate_header_attr(client_id, name="id")
        validate_header_attr(ext, name="ext")
    except HawkFail:
        raise _bad_request("bewit with a forbidden character") from None
    return BewitAttempt(client_id=client_id, expiry=int(expiry), mac=mac, ext=ext, url=url)


def verify_bewit(attempt: BewitAttempt, credentials: dict[str, str], *, offset: float) -> None:
    """Check a bewit's MAC, then its expiry; 401 on failure.

    The MAC comes first so that only the holder of a genuine bewit learns it
    has expired.

    :param attempt: The decoded bewit.
    :param credentials: mohawk's credentials dict for the client it names.
    :param offset: ``HAWK_LOCALTIME_OFFSET_IN_SECONDS``.
    """
    resource = Resource(
        url=attempt.url,
        # A bewit is made for GET; the reference server verifies HEAD as GET.
        method="GET",
        credentials=credentials,
        timestamp=attempt.expiry,
        nonce="",
        ext=attempt.ext,
    )
    if not hmac.compare_digest(calculate_mac("bewit", resource, None), attempt.mac.encode()):
        log.info("Hawk: bewit MAC mismatch for client %r", attempt.client_id)
        raise unauthorized("Invalid credentials")
    if attempt.expiry <= time.time() + offset:
        log.info("Hawk: expired bewit from client %r", attempt.client_id)
        raise unauthorized("Access expired")


def sign_response(
    receiver: Receiver, content: bytes | None, content_type: str, *, ext: str | None = None
) -> str:
    """Return the ``Server-Authorization`` value for a response to a verified request.

    :param receiver: The verification of the request being answered.
    :param content: The body sent, or ``None`` for a streamed body, which is
        signed without a payload hash.
    :param content_type: The response's Content-Type.
    :param ext: An ``ext`` value to sign into the header.
    """
    if content is None:
        return receiver.respond(always_hash_content=False, ext=ext)
    return receiver.respond(content=content, content_type=content_type, ext=ext)


def bewit_url(url: str, credentials: dict[str, str], *, expiry: int, ext: str | None) -> str:
    """Return ``url`` with a ``bewit`` parameter that authorises GET until ``expiry``.

    :param url: An absolute ``http`` or ``https`` URL without a bewit.
    :param credentials: mohawk's credentials dict of the client the bewit is for.
    :param expiry: When the bewit stops being valid, in seconds since the epoch.
    :param ext: An ``ext`` value to sign into the bewit.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        msg = f"bewit URL {url!r} is not an absolute http or https URL"
        raise ValueError(msg)
    signed = urllib.parse.urlunsplit(parts._replace(fragment=""))
    if find_bewit(parts.path + ("?" + parts.query if parts.query else "")) is not None:
        msg = f"bewit URL {url!r} already has a bewit parameter"
        raise ValueError(msg)
    resource = Resource(
        url=signed,
        method="GET",
        credentials=credentials,
        timestamp=expiry,
        nonce="",
        ext=ext,
    )
    # Hawk's reference client leaves the padding out.
    bewit = get_bewit(resource).rstrip("=")
    query = f"{parts.query}&bewit={bewit}" if parts.query else f"bewit={bewit}"
    return urllib.parse.urlunsplit(parts._replace(query=query))
