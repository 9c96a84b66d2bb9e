"""Property tests: random and mutated Hawk credentials get 400 or 401, never 500, and leak nothing.

Random ``Authorization`` headers and ``bewit`` values, and valid ones with a
few characters changed, go to sync and ``async def`` views. A mutated header
may only succeed when mohawk, an independent parser, reads the same attributes
from it as from the original; everything else is a 400 or a 401. No key, and
no MAC the server computed for a refused request, appears in the response or
in any log line. Every single field of a signed request, changed alone, is
refused.
"""

from __future__ import annotations

import time
import typing as t

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from mohawk.base import Resource
from mohawk.bewit import get_bewit

from flask_api_utils.hawk import MemoryNonceStore
from tests.fixtures.hawk import ALICE, BASE_URL, BOB, build_hawk_app, sign

from .hawk_support import (
    assert_nothing_leaked,
    captured_logs,
    decoded_bewit,
    parsed_or_none,
    server_bewit_mac,
    server_mac,
)

if t.TYPE_CHECKING:
    from flask import Flask

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_APP, _ = build_hawk_app(nonce_store=MemoryNonceStore())
_ASYNC_LOADER_APP, _ = build_hawk_app(loader_kind="async", nonce_store=MemoryNonceStore())
APPS = st.sampled_from([_APP, _ASYNC_LOADER_APP])
VIEWS = st.sampled_from(["/sync", "/async"])
BEWIT_VIEWS = st.sampled_from(["/bewit/sync", "/bewit/async"])

_LATIN1 = st.characters(min_codepoint=0, max_codepoint=0xFF, exclude_characters="\r\n")
RAW_HEADERS = st.text(alphabet=_LATIN1, max_size=300)
_SCHEMES = st.sampled_from(["Hawk", "hawk", "HAWK", "Hawk\t", "Basic", "Bearer", "", "Hawkish"])
_NAMES = st.sampled_from(
    ["id", "ts", "nonce", "mac", "hash", "ext", "app", "dlg", "ID", "bogus", "", "m a c"]
)
_VALUES = st.one_of(
    st.sampled_from([ALICE.id, BOB.id, "mallory", "nobody", "", "0", str(int(time.time())), "1e3"]),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=24),
    st.text(alphabet=_LATIN1, max_size=8),
    st.binary(min_size=1, max_size=40).map(lambda b: b.hex()),
)
_QUOTES = st.sampled_from(['"{}"', "{}", '"{}', "'{}'", '"{}"" '])
_ATTRIBUTES = st.builds(
    lambda name, value, quote: f"{name}={quote.format(value)}", _NAMES, _VALUES, _QUOTES
)
HAWKISH_HEADERS = st.builds(
    lambda scheme, attributes, separator: f"{scheme} {separator.join(attributes)}",
    _SCHEMES,
    st.lists(_ATTRIBUTES, max_size=9),
    st.sampled_from([", ", ",", " ", ",,", " , "]),
)
#: Characters that matter to a Hawk header, and a few that never belong in one.
_MUTATION_CHARS = st.text(
    alphabet=st.sampled_from('aA0=", \\\t+/_-xyz\x00\xe9') | _LATIN1, min_size=0, max_size=4
)


def _assert_refused(status: int, allowed: frozenset[int] = frozenset({400, 401})) -> None:
    assert status in allowed, status


@PROPERTY_SETTINGS
@given(app=APPS, path=VIEWS, header=RAW_HEADERS | HAWKISH_HEADERS)
@example(app=_APP, path="/sync", header="")
@example(app=_APP, path="/sync", header="Hawk")
@example(app=_APP, path="/async", header='Hawk id="alice", ts="1", nonce="n", mac="m"')
@example(app=_APP, path="/sync", header='Hawk id="nobody", ts="1", nonce="n", mac="m"')
@example(app=_APP, path="/sync", header='Hawk id="alice", id="alice", ts="1", nonce="", mac="m"')
@example(app=_APP, path="/sync", header='Hawk id="alice", ts="٣", nonce="n", mac="m"')
def test_random_authorization_header_is_400_or_401(app: Flask, path: str, header: str) -> None:
    with captured_logs() as lines:
        response = app.test_client().get(path, environ_overrides={"HTTP_AUTHORIZATION": header})

    _assert_refused(response.status_code)
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"].lower().startswith("hawk")
    attributes = parsed_or_none(header)
    url = BASE_URL + path
    secret = server_mac(attributes, method="GET", url=url) if attributes else None
    assert_nothing_leaked(response, lines, [secret])


def _mutate(text: str, data: st.DataObject) -> str:
    start = data.draw(st.integers(min_value=0, max_value=len(text)), label="start")
    removed = data.draw(st.integers(min_value=0, max_value=4), label="removed")
    inserted = data.draw(_MUTATION_CHARS, label="inserted")
    return text[:start] + inserted + text[start + removed :]


@PROPERTY_SETTINGS
@given(
    app=APPS,
    path=VIEWS,
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    body=st.binary(max_size=64),
    ext=st.none() | st.sampled_from(["a", "some ext", "x=1"]),
    data=st.data(),
)
def test_mutated_signed_header_is_refused_unless_equivalent(
    app: Flask,
    path: str,
    method: str,
    body: bytes,
    ext: str | None,
    data: st.DataObject,
) -> None:
    content_type = "application/octet-stream" if body else ""
    header = sign(
        ALICE, method, path, content=body, content_type=content_type, ext=ext
    ).request_header
    mutated = _mutate(header, data)
    assume(mutated != header)
    original_attributes = parsed_or_none(header)
    mutated_attributes = parsed_or_none(mutated)

    with captured_logs() as lines:
        response = app.test_client().open(
            path,
            method=method,
            data=body,
            headers={"Content-Type": content_type} if content_type else {},
            environ_overrides={"HTTP_AUTHORIZATION": mutated},
        )

    if mutated_attributes is not None and mutated_attributes == original_attributes:
        # mohawk reads the same header: a client could have sent it.
        _assert_refused(response.status_code, frozenset({200, 400, 401}))
        return
    _assert_refused(response.status_code)
    secret = None
    if mutated_attributes is not None:
        secret = server_mac(mutated_attributes, method=method, url=BASE_URL + path)
        if original_attributes is not None and secret == original_attributes["mac"]:
            # Only the presented MAC changed: the right one is the client's own.
            secret = None
    assert_nothing_leaked(response, lines, [secret])


_BASE64URL = st.text(
    alphabet=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
    max_size=120,
)
_QUERY_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"),
    max_size=120,
)


def _bewit_for(path: str, *, expiry: int, ext: str | None = None) -> str:
    resource = Resource(
        url=BASE_URL + path,
        method="GET",
        credentials={"id": ALICE.id, "key": ALICE.key, "algorithm": ALICE.algorithm},
        timestamp=expiry,
        nonce="",
        ext=ext,
    )
    return get_bewit(resource)


@PROPERTY_SETTINGS
@given(app=APPS, path=BEWIT_VIEWS, bewit=_BASE64URL | _QUERY_TEXT)
@example(app=_APP, path="/bewit/sync", bewit="")
@example(app=_APP, path="/bewit/sync", bewit="%3D%3D")
@example(app=_APP, path="/bewit/sync", bewit="YWxpY2VcMVxtXA")  # alice\1\m\ : expired
@example(app=_APP, path="/bewit/sync", bewit="Ym9iXDk5OTk5OTk5OTlcbVw")  # bob\9999999999\m\
def test_random_bewit_is_400_or_401(app: Flask, path: str, bewit: str) -> None:
    with captured_logs() as lines:
        response = app.test_client().get(path, query_string=f"bewit={bewit}")

    _assert_refused(response.status_code)
    assert_nothing_leaked(response, lines, [])


@PROPERTY_SETTINGS
@given(app=APPS, path=BEWIT_VIEWS, ext=st.none() | st.just("e"), data=st.data())
def test_mutated_bewit_is_refused_unless_equivalent(
    app: Flask, path: str, ext: str | None, data: st.DataObject
) -> None:
    bewit = _bewit_for(path, expiry=int(time.time()) + 600, ext=ext)
    mutated = _mutate(bewit, data)
    assume(mutated != bewit)

    with captured_logs() as lines:
        response = app.test_client().get(path, query_string=f"bewit={mutated}")

    original, changed = decoded_bewit(bewit), decoded_bewit(mutated)
    if changed is not None and changed == original:
        _assert_refused(response.status_code, frozenset({200, 400, 401}))
    else:
        _assert_refused(response.status_code)
        secret = server_bewit_mac(changed, BASE_URL + path) if changed else None
        if original is not None and secret == original[2]:
            # Only the presented MAC changed: the right one is the client's own.
            secret = None
        assert_nothing_leaked(response, lines, [secret])


# Every field a Hawk MAC covers, changed alone after signing.


class _Request(t.NamedTuple):
    method: str
    path: str
    body: bytes
    content_type: str
    base_url: str
    header: str


def _replace_attribute(header: str, name: str, value: str | None) -> str:
    """Rebuild ``header`` with one attribute changed (or removed when ``value`` is None)."""
    attributes = parsed_or_none(header)
    assert attributes is not None
    assert name in attributes, (name, header)
    if value is None:
        del attributes[name]
    else:
        attributes[name] = value
    return "Hawk " + ", ".join(f'{key}="{item}"' for key, item in attributes.items())


def _signed(view: str) -> _Request:
    body = b'{"title": "hello"}'
    path = f"{view}?x=1"
    header = sign(
        ALICE, "POST", path, content=body, content_type="application/json", ext="e1"
    ).request_header
    return _Request("POST", path, body, "application/json", BASE_URL, header)


def _other_view(view: str) -> str:
    return "/async" if view == "/sync" else "/sync"


def _attribute(request: _Request, name: str) -> str:
    attributes = parsed_or_none(request.header)
    assert attributes is not None
    return attributes[name]


def _flip_first(text: str) -> str:
    return ("B" if text.startswith("A") else "A") + text[1:]


_MUTATIONS: dict[str, t.Callable[[_Request, str], _Request]] = {
    "method": lambda r, v: r._replace(method="PUT"),
    "path": lambda r, v: r._replace(path=f"{_other_view(v)}?x=1"),
    "query": lambda r, v: r._replace(path=f"{v}?x=2"),
    "query-added": lambda r, v: r._replace(path=f"{v}?x=1&y=2"),
    "query-removed": lambda r, v: r._replace(path=v),
    "host": lambda r, v: r._replace(base_url="http://example.com"),
    "port": lambda r, v: r._replace(base_url="http://localhost:8080"),
    "scheme": lambda r, v: r._replace(base_url="https://localhost"),
    "body": lambda r, v: r._replace(body=b'{"title": "hellO"}'),
    "body-removed": lambda r, v: r._replace(body=b""),
    "content-type": lambda r, v: r._replace(content_type="text/plain"),
    "ts": lambda r, v: r._replace(
        header=_replace_attribute(r.header, "ts", str(int(_attribute(r, "ts")) + 1))
    ),
    "nonce": lambda r, v: r._replace(
        header=_replace_attribute(r.header, "nonce", _attribute(r, "nonce") + "x")
    ),
    "ext": lambda r, v: r._replace(header=_replace_attribute(r.header, "ext", "e2")),
    "ext-removed": lambda r, v: r._replace(header=_replace_attribute(r.header, "ext", None)),
    "id": lambda r, v: r._replace(header=_replace_attribute(r.header, "id", BOB.id)),
    "hash": lambda r, v: r._replace(
        header=_replace_attribute(r.header, "hash", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    ),
    "mac": lambda r, v: r._replace(
        header=_replace_attribute(r.header, "mac", _flip_first(_attribute(r, "mac")))
    ),
}


def _send(app: Flask, request: _Request) -> tuple[int, list[str], str]:
    with captured_logs() as lines:
        response = app.test_client().open(
            request.path,
            method=request.method,
            base_url=request.base_url,
            data=request.body,
            headers={"Content-Type": request.content_type, "Authorization": request.header},
        )
    assert_nothing_leaked(response, lines, [])
    return response.status_code, lines, response.get_data(as_text=True)


@pytest.mark.parametrize("view", ["/sync", "/async"])
def test_the_unmutated_signed_request_is_accepted(
    view: str, loader_kind: t.Literal["sync", "async"]
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())

    status, _, body = _send(app, _signed(view))

    assert status == 200, body


@pytest.mark.parametrize("field", [pytest.param(name, id=name) for name in _MUTATIONS])
@pytest.mark.parametrize("view", ["/sync", "/async"])
def test_single_field_mutation_of_a_signed_request_is_refused(
    field: str, view: str, loader_kind: t.Literal["sync", "async"]
) -> None:
    app, _ = build_hawk_app(loader_kind=loader_kind, nonce_store=MemoryNonceStore())
    original = _signed(view)
    mutated = _MUTATIONS[field](original, view)
    attributes = parsed_or_none(mutated.header)
    assert attributes is not None
    request_fields = (mutated.method, mutated.path, mutated.body, mutated.content_type)
    original_fields = (original.method, original.path, original.body, original.content_type)
    # The field really changed: the request, its origin or the header's attributes differ.
    assert (
        request_fields != original_fields
        or mutated.base_url != original.base_url
        or attributes != parsed_or_none(original.header)
    )
    url = mutated.base_url + mutated.path
    credentials = ALICE if field != "id" else BOB
    secret = server_mac(attributes, method=mutated.method, url=url, credentials=credentials)

    with captured_logs() as lines:
        response = app.test_client().open(
            mutated.path,
            method=mutated.method,
            base_url=mutated.base_url,
            data=mutated.body,
            headers={"Content-Type": mutated.content_type, "Authorization": mutated.header},
        )

    assert response.status_code == 401, response.get_data(as_text=True)
    assert response.headers["WWW-Authenticate"].startswith("Hawk")
    # The original, sent afterwards, is still accepted: the refusal used up no nonce.
    assert _send(app, original)[0] == 200
    if secret == attributes["mac"]:
        secret = None
    assert_nothing_leaked(response, lines, [secret])
