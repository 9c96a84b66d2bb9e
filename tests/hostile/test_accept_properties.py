"""Property tests: any ``Accept`` header gets 200 in a type it accepted, or 406; never 500.

Werkzeug's own parser (:func:`werkzeug.http.parse_accept_header` into a
:class:`~werkzeug.datastructures.MIMEAccept`) is the oracle for what a client
accepted: the app must answer with a type that oracle gives a quality above 0,
or with the default when the header names no media range at all. Requests go
through the test client's WSGI environ untouched, so the app sees every byte
a server would hand it, tabs and Latin-1 included.
"""

from __future__ import annotations

import typing as t

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from .accept_support import (
    JSON,
    OFFERED,
    assert_body_parses,
    build_app,
    client_accepted,
    states_a_media_range,
)
from .accept_support import parse as oracle_parse

if t.TYPE_CHECKING:
    from werkzeug.test import TestResponse

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)

# Header bytes as a WSGI server hands them over: Latin-1 text without the
# line breaks no server lets through.
_RAW_HEADERS = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0xFF, exclude_characters="\r\n"),
    max_size=200,
)
_TYPES = st.sampled_from(["application", "APPLICATION", "text", "image", "*", "x-y", ""])
_SUBTYPES = st.sampled_from(
    ["json", "xml", "csv", "*", "vnd.example+json", "html", "JSON", "Xml", "", "json "]
)
_VALID_Q = st.integers(min_value=0, max_value=1000).map(lambda n: f"{n // 1000}.{n % 1000:03d}")
_INVALID_Q = st.sampled_from(["abc", "2", "1.5", "-0.5", "", "0.", ".5", "1e-3", "nan", "0,5"])
_Q_PARAMS = st.one_of(_VALID_Q, _INVALID_Q).map(lambda q: f"q={q}")
_CHARSETS = st.sampled_from(["utf-8", "UTF-8", "utf8", '"utf-8"', "iso-8859-1", "latin1"])
_OTHER_PARAMS = st.sampled_from(["level=1", "version=2", "a", "=", 'x="a;b,c"', "q", "Q=0"])


def _media_ranges(params: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Media ranges, valid and broken, each with a few parameters."""
    return st.builds(
        lambda kind, subtype, slash, chosen_params, space: (
            kind + ("/" + subtype if slash else "") + "".join(f";{space}{p}" for p in chosen_params)
        ),
        _TYPES,
        _SUBTYPES,
        st.booleans() | st.just(True),
        st.lists(params, max_size=3),
        st.sampled_from(["", " ", "\t"]),
    )


def _headers(params: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Lists of media ranges joined as clients and attackers join them."""
    return st.builds(
        lambda ranges, separator: separator.join(ranges),
        st.lists(_media_ranges(params), max_size=6),
        st.sampled_from([",", ", ", " , ", ",,", ",\t"]),
    )


_ALL_PARAMS = _Q_PARAMS | _CHARSETS.map(lambda c: f"charset={c}") | _OTHER_PARAMS
#: Headers without a charset parameter: there Werkzeug's matching is the whole rule.
PLAIN_HEADERS = _headers(_Q_PARAMS | _OTHER_PARAMS)
ANY_HEADERS = _RAW_HEADERS | _headers(_ALL_PARAMS)


_APP = build_app()


def _get(path: str, accept: str | None) -> TestResponse:
    environ = {} if accept is None else {"HTTP_ACCEPT": accept}
    return _APP.test_client().get(path, environ_overrides=environ)


@PROPERTY_SETTINGS
@given(accept=ANY_HEADERS)
@example(accept="")
@example(accept=",;")
@example(accept="*/*;q=0")
@example(accept="application/json;charset=utf-8;q=0, application/*")
@example(accept="application/*;charset=utf-8;q=0, application/*;q=0.5")
@example(accept="*/json, text/*;q=0.001")
@example(accept="\x00/\xff;q=\t1")
def test_any_accept_header_gets_an_accepted_type_or_406(accept: str) -> None:
    response = _get("/thing", accept)

    assert response.status_code in {200, 406}
    assert "Accept" in response.headers.get("Vary", "")
    mimetype = response.mimetype
    assert mimetype is not None
    assert mimetype in OFFERED
    assert_body_parses(response)
    oracle = oracle_parse(accept)
    if response.status_code == 406:
        assert mimetype == JSON
        assert orjson.loads(response.data) == {"mimetypes": list(OFFERED)}
    elif states_a_media_range(oracle):
        assert client_accepted(oracle, mimetype), (accept, mimetype)
    else:
        assert mimetype == JSON


@PROPERTY_SETTINGS
@given(accept=PLAIN_HEADERS)
@example(accept="application/*;q=0.5, application/xml;q=0.500, text/csv;q=0.4")
@example(accept="*/*;q=0.1, application/json;q=0")
def test_chosen_type_has_the_highest_quality_werkzeug_gives(accept: str) -> None:
    response = _get("/thing", accept)

    oracle = oracle_parse(accept)
    qualities = {mimetype: oracle.quality(mimetype) for mimetype in OFFERED}
    best = max(qualities.values())
    if not states_a_media_range(oracle):
        assert response.status_code == 200
        assert response.mimetype == JSON
    elif best == 0:
        assert response.status_code == 406
    else:
        assert response.status_code == 200
        chosen = response.mimetype
        assert chosen is not None
        assert qualities[chosen] == best, (accept, qualities)


@PROPERTY_SETTINGS
@given(accept=ANY_HEADERS)
def test_errors_keep_their_status_under_any_accept_header(accept: str) -> None:
    response = _get("/gone", accept)

    assert response.status_code == 410
    assert response.mimetype in OFFERED
    assert_body_parses(response)


@PROPERTY_SETTINGS
@given(accept=ANY_HEADERS)
def test_same_header_gets_the_same_answer_after_caching(accept: str) -> None:
    first = _get("/thing", accept)
    second = _get("/thing", accept)

    assert (second.status_code, second.headers["Content-Type"]) == (
        first.status_code,
        first.headers["Content-Type"],
    )
    assert parse_options_header(second.headers["Content-Type"])[0] in OFFERED


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("application/*;charset=utf-8;q=0, application/*;q=0.5", id="wildcard"),
        pytest.param("application/json;charset=utf-8;q=0, application/json", id="exact-type"),
        pytest.param(
            "application/json;charset=utf-8;q=0, application/*;qn;charset=utf-8;q=0,"
            " application/*;q=0.5=0.5",
            id="found-by-fuzzing",
        ),
    ],
)
def test_refusing_utf8_refuses_every_utf8_representation(accept: str) -> None:
    # Every formatter writes UTF-8; the charset range is the more specific one
    # and so decides (RFC 9110, section 12.5.1), whatever the bare range says.
    response = _get("/thing", accept)

    assert response.status_code == 406, response.mimetype
