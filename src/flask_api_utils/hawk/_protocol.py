"""The Hawk protocol as the extension speaks it: parse, verify, sign.

Everything Hawk computes is here, on :mod:`hashlib` and :mod:`hmac` alone: the
normalized string, the request and response MACs, the payload hash and the
timestamp MAC (``tsm``); :mod:`._bewit` verifies bewits with them and
:mod:`._client` signs as a client does. It follows Hawk's reference implementation
and produces what mohawk 1.1 produces byte for byte (``tests/hawk/test_differential.py``
checks both), but makes no debug string and compares MACs with
:func:`hmac.compare_digest`. No third-party package is imported.

Each step either returns what the next step needs or raises the Werkzeug HTTP
exception the client gets, after logging the reason on
``flask_api_utils.hawk``. Nothing here logs or raises with a key or a MAC this
side computed.
"""

from __future__ import annotations

import base64
import binascii
import collections.abc as cabc
import functools
import hashlib
import hmac
import logging
import math
import re
import time
import typing as t
import urllib.parse

from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Unauthorized

if t.TYPE_CHECKING:
    from hashlib import _Hash

__all__ = [
    "Target",
    "parse_header",
    "request_target",
    "sign_response",
    "split_url",
    "unauthorized",
    "verify_header",
]

log = logging.getLogger("flask_api_utils.hawk")

#: Longest Authorization header or bewit URL accepted, as Hawk's reference
#: implementation limits them, so regular expressions never see more.
MAX_LENGTH = 4096

#: A client's credentials as this module takes them: ``id``, ``key``, ``algorithm``.
Credentials: t.TypeAlias = t.Mapping[str, str]

_REQUEST_ATTRIBUTES = frozenset({"id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"})
_REQUIRED_ATTRIBUTES = ("id", "ts", "nonce", "mac")
# How each request attribute's name is written after the value before it, in
# the form every client writes (see _parse_attributes).
_NAMES = {f", {name}=": name for name in _REQUEST_ATTRIBUTES}
# Every printable ASCII character but the backslash: what a header written so
# may hold besides its names (values hold the others but the quote, which
# delimits them). Deleting these from a header leaves nothing.
_HEADER_BYTES = bytes(byte for byte in range(0x20, 0x7F) if byte != ord("\\"))
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# hashlib's named constructors: hashlib.new() and hmac.digest() look the
# algorithm up in OpenSSL on every call, which costs more than the hashing.
_HASHES: dict[str, cabc.Callable[[bytes], _Hash]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
}
# RFC 2104: both algorithms hash in 64-byte blocks.
_BLOCK_SIZE = 64
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))

# The characters Hawk allows in an attribute value (mohawk's
# validate_header_attr and the reference implementation agree).
_VALUE_CHARACTERS = r"[ a-zA-Z0-9_!#$%&'()*+,\-./:;<=>?@\[\]^`{|}~]*"
_VALUE_RE = re.compile(_VALUE_CHARACTERS)
# mohawk.util.HAWK_HEADER_RE with the value restricted to those characters.
_ATTRIBUTE_RE = re.compile(rf"""(\w+)="({_VALUE_CHARACTERS})"\s*(?:,\s*|$)""")
# Attributes one after the other and nothing else. Each can end only one way
# (a value holds no quote), so this accepts exactly what matching them one
# by one from the start accepts, as mohawk does.
_ATTRIBUTES_RE = re.compile(rf"""(?:\w+="{_VALUE_CHARACTERS}"\s*(?:,\s*|$))*""")
# A URL whose parts urlparse finds where a plain reading of it does; see _split_url.
_PLAIN_URL_RE = re.compile(
    r"(https?)://([a-z0-9.-]+)(?::([0-9]{1,5}))?(/[!\"$-:<-~]*)", re.ASCII | re.IGNORECASE
)


class Target(t.NamedTuple):
    """The three parts of a URL that Hawk signs."""

    #: Path and query (``/a/b?c=d``), as sent.
    resource: str
    #: The host name, lower case.
    host: str
    #: The port, the scheme's default when the URL names none.
    port: str


@functools.lru_cache(maxsize=1024)
def _split_url(url: str) -> Target:
    """Split an absolute URL into what Hawk signs, as mohawk does.

    mohawk signs what :func:`urllib.parse.urlparse` makes of the URL. Most
    URLs are plain (a host name, digits for a port, a target of printable
    ASCII without ``;`` parameters or a ``#`` fragment): for those, a regular
    expression finds the same parts at a fraction of the cost; any other URL
    goes through ``urlparse`` itself. An API's clients request the same
    URLs again and again, so the answers are cached.

    :raises ValueError: If the URL's port is not a number from 0 to 65535.
    """
    plain = _PLAIN_URL_RE.fullmatch(url)
    if plain is not None:
        scheme, host, port, target = plain.groups()
        if port is None or int(port) <= 65535:
            path, _, query = target.partition("?")
            return Target(
                f"{path}?{query}" if query else path,
                host.lower(),
                _DEFAULT_PORTS.get(scheme.lower(), "None") if port is None else str(int(port)),
            )
    parts = urllib.parse.urlparse(url)
    resource = f"{parts.path}?{parts.query}" if parts.query else parts.path
    port = parts.port
    return Target(
        resource,
        parts.hostname or "",
        _DEFAULT_PORTS.get(parts.scheme, "None") if port is None else str(port),
    )


def _mac(
    kind: str,
    credentials: Credentials,
    target: Target,
    method: str,
    payload_hash: str,
    ext: str | None,
    fields: t.Mapping[str, str],
) -> bytes:
    """Return the MAC (base64) of Hawk's normalized string of a request, response or bewit.

    ``fields`` holds ``ts`` and ``nonce``, and ``app`` and ``dlg`` when
    signed: a request's attributes as parsed, read where they are. The string
    is the reference implementation's: one line per field, the ``app`` and
    ``dlg`` lines only when there is an ``app``.
    """
    text = (
        f"hawk.1.{kind}\n{fields['ts']}\n{fields['nonce']}\n{method}\n{target.resource}\n"
        f"{target.host}\n{target.port}\n{payload_hash}\n{ext or ''}\n"
    )
    app = fields.get("app")
    if app:
        text = f"{text}{app}\n{fields.get('dlg') or ''}\n"
    return binascii.b2a_base64(_hmac(credentials, text.encode()), newline=False)


@functools.lru_cache(maxsize=1024)
def _keyed(key: str, algorithm: str) -> tuple[_Hash, _Hash]:
    """Return the inner and outer hashes of HMAC with ``key``, its pads already hashed.

    A client's key is used for every request it makes: hashing its pads once
    halves the work of each MAC. (OpenSSL 3's HMAC, behind :func:`hmac.digest`,
    also fetches the algorithm on every call: three times the cost of this.)
    """
    new = _HASHES[algorithm]
    secret = key.encode("ascii")
    if len(secret) > _BLOCK_SIZE:
        secret = new(secret).digest()
    secret = secret.ljust(_BLOCK_SIZE, b"\0")
    return new(secret.translate(_INNER_PAD)), new(secret.translate(_OUTER_PAD))


def _hmac(credentials: Credentials, message: bytes) -> bytes:
    """Return HMAC(key, message) with the credentials' key and algorithm (RFC 2104)."""
    inner, outer = _keyed(credentials["key"], credentials["algorithm"])
    inner = inner.copy()
    inner.update(message)
    outer = outer.copy()
    outer.update(inner.digest())
    return outer.digest()


def _payload_hash(algorithm: str, content_type: str, content: bytes) -> bytes:
    """Return Hawk's payload hash (base64) of a body and its Content-Type."""
    if not content and not content_type:
        # A GET's: the same every time.
        return _EMPTY_PAYLOAD_HASHES[algorithm]
    digest = _payload_prefix(algorithm, content_type).copy()
    digest.update(content)
    digest.update(b"\n")
    return binascii.b2a_base64(digest.digest(), newline=False)


@functools.lru_cache(maxsize=256)
def _payload_prefix(algorithm: str, content_type: str) -> _Hash:
    """Return the payload hash with its first lines, up to the body, already hashed.

    An API answers with a handful of content types: each is normalised and
    hashed once.
    """
    media_type = content_type.split(";", 1)[0].strip().lower()
    return _HASHES[algorithm](b"hawk.1.payload\n%s\n" % media_type.encode())


_EMPTY_PAYLOAD_HASHES = {
    algorithm: base64.b64encode(new(b"hawk.1.payload\n\n\n").digest())
    for algorithm, new in _HASHES.items()
}


def _ts_mac(now: int, credentials: Credentials) -> str:
    """Return the ``tsm`` that lets a client trust the server's time ``now``."""
    return base64.b64encode(_hmac(credentials, b"hawk.1.ts\n%d\n" % now)).decode("ascii")


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


def parse_header(header: str) -> dict[str, str]:
    """Parse a Hawk Authorization header into its attributes; 400 for anything malformed.

    The attributes returned hold every required one, and ``ts`` is an integer.

    :param header: The Authorization header's value.
    """
    if len(header) > MAX_LENGTH:
        raise _bad_request("Authorization header too long")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "hawk":
        raise _bad_request("Authorization scheme is not Hawk")
    attributes = _parse_attributes(rest)
    get = attributes.get
    ts = get("ts")
    if not (get("id") and ts and get("nonce") and get("mac")):
        missing = next(name for name in _REQUIRED_ATTRIBUTES if not get(name))
        raise _bad_request(f"Hawk Authorization header without {missing!r}")
    if not (ts.isascii() and ts.isdigit()):
        raise _bad_request("Hawk timestamp is not an integer")
    return attributes


def split_url(url: str) -> Target:
    """Return what of the absolute ``url`` Hawk signs; 400 if its port is not a port.

    :param url: The request's absolute URL, as the client signed it.
    """
    try:
        return _split_url(url)
    except ValueError:
        # Only the Host header can make it so: the port is not a port.
        raise _bad_request("Host header with an invalid port") from None


def _parse_attributes(text: str) -> dict[str, str]:
    """Parse ``key="value", ...``, accepting exactly what mohawk accepts.

    Clients write the attributes one way: ``name="value"`` joined by ``", "``.
    A header written so, with request attributes only, each once, is split
    on its quotes (values cannot hold one); any other header, and any that
    fails that, goes through :func:`_parse_attributes_fully`, which decides.
    """
    # With ", " in front, every name is written the same way. A well-formed
    # text has an even number of quotes, the last one at the end; deleting
    # the allowed characters checks every value at once.
    pieces = f", {text}".split('"')
    if (
        len(pieces) % 2
        and not pieces[-1]
        and text.isascii()
        and not text.encode().translate(None, _HEADER_BYTES)
    ):
        try:
            attributes = dict(
                zip(map(_NAMES.__getitem__, pieces[:-1:2]), pieces[1::2], strict=True)
            )
        except KeyError:
            pass
        else:
            # A repeated name would have kept only its last value.
            if 2 * len(attributes) + 1 == len(pieces):
                return attributes
    return _parse_attributes_fully(text)


def _parse_attributes_fully(text: str) -> dict[str, str]:
    """Parse ``key="value", ...`` in any form mohawk accepts; 400 for anything else.

    This pattern is mohawk's ``parse_authorization_header``'s with its value
    check (the characters Hawk allows) folded in, so the two accept the same
    headers.
    """
    # One pass checks the whole shape, one collects the pairs: a loop of
    # matches in Python costs several times more.
    if _ATTRIBUTES_RE.fullmatch(text) is None:
        raise _bad_request("malformed Hawk Authorization header")
    pairs: list[tuple[str, str]] = _ATTRIBUTE_RE.findall(text)
    attributes = dict(pairs)
    unknown = attributes.keys() - _REQUEST_ATTRIBUTES
    if unknown:
        raise _bad_request(f"attribute {min(unknown)!r} not allowed in a request header")
    if len(attributes) != len(pairs):
        raise _bad_request("duplicate attribute in the Hawk header")
    return attributes


def verify_header(
    attributes: t.Mapping[str, str],
    target: Target,
    credentials: Credentials,
    *,
    method: str,
    content: bytes,
    content_type: str,
    skew: float,
    offset: float,
    accept_untrusted_content: bool,
) -> None:
    """Check the MAC, then the payload hash, then the timestamp; 401 on failure.

    The nonce is left to the caller, so that a request that fails here never
    uses one up.

    :param attributes: The header's attributes, from :func:`parse_header`.
    :param target: What of the request's URL the MAC covers (:func:`split_url`).
    :param credentials: The credentials of the client the header names.
    :param method: The request's method, upper case.
    :param content: The request body.
    :param content_type: The request's Content-Type (parameters are ignored).
    :param skew: ``HAWK_TIMESTAMP_SKEW_IN_SECONDS``.
    :param offset: ``HAWK_LOCALTIME_OFFSET_IN_SECONDS``.
    :param accept_untrusted_content: ``HAWK_ACCEPT_UNTRUSTED_CONTENT``.
    """
    their_hash = attributes.get("hash", "")
    mac = _mac("header", credentials, target, method, their_hash, attributes.get("ext"), attributes)
    if not hmac.compare_digest(mac, attributes["mac"].encode("ascii")):
        log.info("Hawk: MAC mismatch for client %r", attributes["id"])
        raise unauthorized("Invalid credentials")
    # A header without a hash is acceptable for a request with neither body
    # nor Content-Type, or when the app accepts untrusted content.
    if ("hash" in attributes or content or content_type) and not (
        "hash" not in attributes and accept_untrusted_content
    ):
        payload_hash = _payload_hash(credentials["algorithm"], content_type, content)
        if not hmac.compare_digest(payload_hash, their_hash.encode("ascii")):
            log.info("Hawk: payload hash mismatch for client %r", attributes["id"])
            raise unauthorized("Bad payload hash")
    now = math.floor(int(time.time()) + offset)
    if abs(int(attributes["ts"]) - now) > skew:
        log.info("Hawk: stale timestamp from client %r", attributes["id"])
        # The client checks tsm with its key before trusting ts to fix its clock.
        token = f'ts="{now}", tsm="{_ts_mac(now, credentials)}", error="Stale timestamp"'
        raise unauthorized("Stale timestamp", token=token)


def sign_response(
    attributes: t.Mapping[str, str],
    target: Target,
    credentials: Credentials,
    method: str,
    content: bytes | None,
    content_type: str,
    *,
    ext: str | None = None,
) -> str:
    """Return the ``Server-Authorization`` value for a response to a verified request.

    :param attributes: The request header's attributes.
    :param target: What of the request's URL its MAC covered.
    :param credentials: The credentials the request verified with.
    :param method: The request's method, upper case.
    :param content: The body sent, or ``None`` for a streamed body, which is
        signed without a payload hash.
    :param content_type: The response's Content-Type.
    :param ext: An ``ext`` value to sign into the header.
    """
    payload_hash = ""
    if content is not None:
        payload_hash = _payload_hash(credentials["algorithm"], content_type, content).decode()
    mac = _mac("response", credentials, target, method, payload_hash, ext, attributes)
    header = f'Hawk mac="{mac.decode("ascii")}"'
    if payload_hash:
        header = f'{header}, hash="{payload_hash}"'
    if ext:
        header = f'{header}, ext="{checked(ext, "ext")}"'
    return header


def checked(value: str, name: str) -> str:
    """Return ``value``; :exc:`ValueError` if it has a character Hawk does not allow."""
    if _VALUE_RE.fullmatch(value) is None:
        msg = f"Hawk {name!r} value {value!r} has a character Hawk does not allow"
        raise ValueError(msg)
    return value
