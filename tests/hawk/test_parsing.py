"""The extension's header parser accepts exactly the headers mohawk's parser accepts."""

from __future__ import annotations

import collections.abc as cabc

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from mohawk.exc import HawkFail
from mohawk.util import parse_authorization_header
from werkzeug.exceptions import BadRequest

from flask_api_utils.hawk import _protocol
from flask_api_utils.hawk._protocol import parse_header

REQUEST_KEYS = ["id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"]
# Hawk's value characters, plus some it forbids, to reach both outcomes.
VALUE_CHARS = st.sampled_from([*"abcXYZ0189 !#$%&'()*+,-./:;<=>?@[]^_`{|}~", '"', "\\", "é", "\t"])
ATTRIBUTE = st.tuples(
    st.sampled_from([*REQUEST_KEYS, "tsm", "error", "x"]),
    st.text(VALUE_CHARS, max_size=12),
)
SEPARATOR = st.sampled_from([", ", ",", " , ", ",  ", " ", ""])


@st.composite
def headers(draw: st.DrawFn) -> str:
    """Hawk-like headers: mostly well formed, often subtly not."""
    attributes = draw(st.lists(ATTRIBUTE, max_size=6))
    parts = [f'{key}="{value}"' for key, value in attributes]
    text = ""
    for part in parts:
        text += part + draw(SEPARATOR)
    if draw(st.booleans()):
        text = text.rstrip(", ")
    return "Hawk " + text + draw(st.sampled_from(["", " ", ",", "x"]))


def _mohawk(header: str) -> dict[str, str] | None:
    try:
        return parse_authorization_header(header)
    except (HawkFail, ValueError):
        return None


def _attributes(parse: cabc.Callable[[str], dict[str, str]], text: str) -> dict[str, str] | None:
    """What ``parse`` makes of ``text``, or ``None`` if it refuses it with 400."""
    try:
        return parse(text)
    except BadRequest:
        return None


def _ours(header: str) -> dict[str, str] | None:
    return _attributes(lambda text: parse_header(text), header)


@given(headers())
@example('Hawk id="a", ts="1", nonce="n", mac="m"')
@example('Hawk id="a", ts="1", nonce="n", mac="m", ext="a, b=\'c\'"')
@example('Hawk id="a",ts="1",nonce="n",mac="m"')
@example('Hawk id="a", ts="1", nonce="n", mac="m",')
def test_parser_agrees_with_mohawk(header: str) -> None:
    theirs = _mohawk(header)
    ours = _ours(header)

    if ours is not None:
        # Whatever the extension accepts, mohawk parses to the same attributes.
        assert theirs == ours
    elif theirs is not None:
        # The extension refuses only what a request must not carry: another
        # attribute than a request's, or a missing or non-integer id/ts/nonce/mac.
        has_foreign = bool(theirs.keys() - set(REQUEST_KEYS))
        ts = theirs.get("ts", "")
        incomplete = not all(theirs.get(key) for key in ("id", "ts", "nonce", "mac"))
        assert has_foreign or incomplete or not ts.isdigit(), header


@pytest.mark.parametrize(
    "header",
    [
        pytest.param('Hawk id="a", ts="1", nonce="n", mac="m"', id="minimal"),
        pytest.param(
            'Hawk id="a", ts="1", nonce="n", mac="m", hash="h", ext="e", app="p", dlg="d"',
            id="every-attribute",
        ),
    ],
)
def test_well_formed_headers_parse_to_mohawks_attributes(header: str) -> None:
    assert _ours(header) == _mohawk(header)


@given(headers())
@example('id="a", ts="1", nonce="n", mac="m", ts="2"')
@example('id="a", ts="')
@example('id="a", ts="1""')
@example('id="a", ts="1", x="y"')
@example('id="a\\b", ts="1"')
@example('id="a", ts="1"\n')
@example('id="é", ts="1"')
def test_split_on_quotes_parses_as_the_full_parser(header: str) -> None:
    # The parser splits the form clients write on its quotes and leaves
    # everything else to the full pattern: both must agree on every text.
    text = header.removeprefix("Hawk ")

    assert _attributes(_protocol._parse_attributes, text) == _attributes(
        _protocol._parse_attributes_fully, text
    )
