"""Strategies for the differential tests: requests as odd as Hawk allows.

Each draw is a :class:`Case`: a client's credentials, a method, an absolute
URL (odd ports, percent-encoding, upper-case hosts, parameters), a body and
its Content-Type, and ``ext``, ``app`` and ``dlg`` values, for both of Hawk's
algorithms. The same cases go to mohawk and to the reference JavaScript
implementation, and each must compute what the extension computes.
"""

from __future__ import annotations

import dataclasses
import typing as t

from hypothesis import strategies as st

from flask_api_utils.hawk import _client, _protocol

__all__ = [
    "HAWK_VALUE",
    "ODD_PORTS",
    "PORTS",
    "Case",
    "OurVerification",
    "cases",
    "hosts",
    "our_header",
    "our_mac",
    "our_verification",
    "paths",
]

#: Every character Hawk allows in an attribute value.
HAWK_VALUE_CHARACTERS = " abcxyzABCXYZ0189_!#$%&'()*+,-./:;<=>?@[]^`{|}~"
HAWK_VALUE = st.text(st.sampled_from(HAWK_VALUE_CHARACTERS), max_size=24)

METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get"])
# Unreserved and sub-delimiter characters, percent-encodings (of "/", "?",
# " ", "%" and UTF-8), and non-ASCII text as a decoded target carries it.
PATH_PIECES = [
    *"abcXYZ019-._~!$&'()*+,=:@",
    "%2F",
    "%2f",
    "%20",
    "%3F",
    "%25",
    "%C3%A9",
    "é",
    "ü",
    "/",
]
QUERY_PIECES = [*"abcXYZ019-._~!$&'()*+,=:@/?", "%26", "%3D", "%20", "+", "é"]


@st.composite
def paths(draw: st.DrawFn, *, reference: bool = False) -> str:
    """A request target: a path and, maybe, a query (possibly empty).

    :param reference: Only targets that the reference client's URL parser
        (node's legacy ``url.parse``) reads as the target itself: no ``;``
        parameters (Python's ``urlparse`` drops them), no empty query (node
        keeps the ``?``), and nothing node escapes (``'``, non-ASCII).
    """
    if reference:
        path_pieces = [piece for piece in PATH_PIECES if piece.isascii() and piece != "'"]
        query_pieces = [piece for piece in QUERY_PIECES if piece.isascii() and piece != "'"]
    else:
        path_pieces, query_pieces = [*PATH_PIECES, ";"], [*QUERY_PIECES, ";"]
    path = "/" + "".join(draw(st.lists(st.sampled_from(path_pieces), max_size=12)))
    query = draw(
        st.none()
        | st.lists(st.sampled_from(query_pieces), min_size=int(reference), max_size=12).map("".join)
    )
    return path if query is None else f"{path}?{query}"


@st.composite
def hosts(draw: st.DrawFn) -> str:
    """A host name, maybe upper case, maybe an IPv4 address."""
    return draw(
        st.sampled_from(["localhost", "example.com", "API.Example.COM", "127.0.0.1", "a-b.c"])
        | st.from_regex(r"[a-z][a-z0-9-]{0,8}(\.[a-z]{1,4})?", fullmatch=True)
    )


PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":1", ":65535", ":5000"]) | st.integers(
    0, 65535
).map(lambda port: f":{port}")
#: Ports Python reads as node does not: leading zeros, out of range, empty.
ODD_PORTS = st.sampled_from([":0080", ":00", ":65536", ":99999", ":", ":8x"])


@dataclasses.dataclass(frozen=True)
class Case:
    """One request (and its response) to compute every Hawk value of."""

    key: str
    algorithm: t.Literal["sha256", "sha1"]
    method: str
    url: str
    ts: int
    nonce: str
    content: bytes
    content_type: str
    ext: str | None
    app: str | None
    dlg: str | None
    response_content: bytes
    response_content_type: str
    response_ext: str | None

    @property
    def credentials(self) -> dict[str, str]:
        """The credentials as mohawk and the extension take them (a fresh dict)."""
        return {"id": "client-1", "key": self.key, "algorithm": self.algorithm}


CONTENT_TYPES = st.sampled_from(
    [
        "",
        "text/plain",
        "application/json",
        "Application/JSON; charset=UTF-8",
        "  text/html ;q=1",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ]
)


@st.composite
def cases(draw: st.DrawFn, *, reference: bool = False) -> Case:
    """A request with a response; see the module docstring.

    :param reference: Only URLs that node's ``url.parse`` and Python's
        ``urlparse`` split alike (see :func:`paths`), with ports in range.
    """
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(PORTS if reference else PORTS | ODD_PORTS)
    url = f"{scheme}://{draw(hosts())}{port}{draw(paths(reference=reference))}"
    app = draw(st.none() | HAWK_VALUE.filter(bool))
    return Case(
        # Keys both shorter and longer than a hash block (64 bytes).
        key=draw(st.text(st.sampled_from(HAWK_VALUE_CHARACTERS), min_size=1, max_size=100)),
        algorithm=draw(st.sampled_from(["sha256", "sha1"])),
        method=draw(METHODS),
        url=url,
        ts=draw(st.integers(1, 2**33)),
        nonce=draw(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)),
        content=draw(st.binary(max_size=64)),
        content_type=draw(CONTENT_TYPES),
        ext=draw(st.none() | HAWK_VALUE),
        app=app,
        dlg=draw(st.none() | HAWK_VALUE) if app else None,
        response_content=draw(st.binary(max_size=64)),
        response_content_type=draw(CONTENT_TYPES),
        response_ext=draw(st.none() | HAWK_VALUE),
    )


def our_header(case: Case, **overrides: t.Any) -> str:
    """Sign the case's request with the extension's client signer."""
    fields: dict[str, t.Any] = {
        "content": case.content,
        "content_type": case.content_type,
        "ext": case.ext,
        "app": case.app,
        "dlg": case.dlg,
        "timestamp": case.ts,
        "nonce": case.nonce,
    }
    return _client.request_header(case.credentials, case.method, case.url, **(fields | overrides))


class OurVerification(t.NamedTuple):
    """What the extension keeps of a verified request, to sign its response with."""

    attributes: dict[str, str]
    target: _protocol.Target
    credentials: dict[str, str]
    method: str

    def sign_response(
        self, content: bytes | None, content_type: str, *, ext: str | None = None
    ) -> str:
        """The extension's ``Server-Authorization`` for a response to this request."""
        return _protocol.sign_response(
            self.attributes,
            self.target,
            self.credentials,
            self.method,
            content,
            content_type,
            ext=ext,
        )


def our_verification(case: Case, header: str, *, untrusted: bool = False) -> OurVerification:
    """Parse and verify ``header`` as the extension does for the case's request (skew 60 s)."""
    attributes = _protocol.parse_header(header)
    target = _protocol.split_url(case.url)
    method = case.method.upper()
    _protocol.verify_header(
        attributes,
        target,
        case.credentials,
        method=method,
        content=case.content,
        content_type=case.content_type,
        skew=60,
        offset=0,
        accept_untrusted_content=untrusted,
    )
    return OurVerification(attributes, target, dict(case.credentials), method)


def our_mac(case: Case, kind: str, target: _protocol.Target, payload_hash: bytes) -> bytes:
    """The extension's MAC of ``kind`` (header, response, bewit) for the case's request."""
    fields = {"ts": str(case.ts), "nonce": case.nonce, "app": case.app or "", "dlg": case.dlg or ""}
    return _protocol._mac(
        kind,
        case.credentials,
        target,
        case.method.upper(),
        payload_hash.decode(),
        case.ext,
        fields,
    )
