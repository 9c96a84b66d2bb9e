"""Property tests: random nested data through the JSON and XML formatters (issue 6, item 3).

JSON must round-trip: what orjson reads back equals the value with each type
replaced by its documented JSON form. XML must always re-parse with lxml and
represent the value by the documented mapping, text included; text XML 1.0
cannot carry must raise ValueError instead.
"""

from __future__ import annotations

import datetime
import decimal
import math
import typing as t
import uuid

import orjson
import pytest
from flask import Flask
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from flask_api_utils.formatters import JSONFormatter, OrjsonProvider, XMLFormatter

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

_INT64 = st.integers(min_value=-(2**63), max_value=2**64 - 1)
_TIMEZONES = st.sampled_from([None, datetime.UTC])


def _scalars(text: st.SearchStrategy[str]) -> st.SearchStrategy[t.Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        _INT64,
        st.floats(allow_nan=True, allow_infinity=True),
        text,
        st.datetimes(timezones=_TIMEZONES),
        st.dates(),
        st.times(),
        st.uuids(),
        st.decimals(allow_nan=True, allow_infinity=True),
    )


def _nested(text: st.SearchStrategy[str]) -> st.SearchStrategy[t.Any]:
    return st.recursive(
        _scalars(text),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4)
        ),
        max_leaves=25,
    )


# Hypothesis's text leaves out surrogates; mix some in for XML, which must refuse them.
_XML_TEXT = st.text() | st.builds(
    lambda before, surrogate, after: before + surrogate + after,
    st.text(max_size=3),
    st.characters(categories=["Cs"]),
    st.text(max_size=3),
)


def _json_form(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {key: _json_form(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_form(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


@PROPERTY_SETTINGS
@given(value=_nested(st.text()))
def test_json_round_trips_to_the_documented_forms(value: t.Any) -> None:
    written = JSONFormatter()(value)
    assert orjson.loads(written) == _json_form(value)
    app = Flask(__name__)
    provider = OrjsonProvider(app)
    assert provider.dumps_bytes(value) == written
    provider.compact = False
    assert provider.dumps_bytes(value) == JSONFormatter(pretty=True)(value)
    assert orjson.loads(provider.dumps_bytes(value)) == _json_form(value)


def _is_xml_char(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _has_text_xml_cannot_carry(value: t.Any) -> bool:
    if isinstance(value, str):
        return not all(_is_xml_char(char) for char in value)
    if isinstance(value, dict):
        return any(
            _has_text_xml_cannot_carry(key) or _has_text_xml_cannot_carry(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_has_text_xml_cannot_carry(item) for item in value)
    return False


def _xml_text(value: t.Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _assert_represents(element: etree._Element, value: t.Any) -> None:
    children = list(element)
    if value is None:
        assert element.get("nil") == "true"
        assert (element.text, children) == (None, [])
        return
    assert element.get("nil") is None
    if isinstance(value, dict):
        assert element.text is None
        assert len(children) == len(value)
        for (key, item), child in zip(value.items(), children, strict=True):
            if child.get("name") is None:
                assert child.tag == key
            else:
                assert (child.tag, child.get("name")) == ("key", key)
            _assert_represents(child, item)
    elif isinstance(value, list):
        assert element.text is None
        assert [child.tag for child in children] == ["item"] * len(value)
        for item, child in zip(value, children, strict=True):
            _assert_represents(child, item)
    else:
        assert children == []
        assert (element.text or "") == _xml_text(value)


@PROPERTY_SETTINGS
@given(value=_nested(_XML_TEXT))
def test_xml_reparses_and_keeps_every_value_or_refuses_bad_text(value: t.Any) -> None:
    if _has_text_xml_cannot_carry(value):
        with pytest.raises(ValueError, match=r"XML 1\.0 cannot carry"):
            XMLFormatter()(value)
        return
    root = etree.fromstring(XMLFormatter()(value))
    assert root.tag == "response"
    _assert_represents(root, value)


@PROPERTY_SETTINGS
@given(value=_nested(st.text()))
def test_pretty_xml_reparses_to_the_same_values(value: t.Any) -> None:
    assume(not _has_text_xml_cannot_carry(value))
    root = etree.fromstring(XMLFormatter(pretty=True, root="r", item="i")(value))
    assert root.tag == "r"
    # Indentation adds whitespace text to elements that hold other elements
    # only; every leaf keeps its text exactly.
    compact = etree.fromstring(XMLFormatter(root="r", item="i")(value))
    assert [(e.tag, dict(e.attrib), e.text) for e in root.iter() if len(e) == 0] == [
        (e.tag, dict(e.attrib), e.text) for e in compact.iter() if len(e) == 0
    ]


@PROPERTY_SETTINGS
@given(text=_XML_TEXT)
def test_text_is_preserved_exactly_as_value_and_as_key_or_refused(text: str) -> None:
    formatter = XMLFormatter()
    if _has_text_xml_cannot_carry(text):
        for value in ({"value": text}, {text: 1}):
            with pytest.raises(ValueError, match=r"XML 1\.0 cannot carry"):
                formatter(value)
        return
    assert etree.fromstring(formatter({"value": text})).findtext("value") == text
    (element,) = etree.fromstring(formatter({text: 1}))
    assert element.get("name", element.tag) == text
