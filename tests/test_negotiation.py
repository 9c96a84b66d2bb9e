"""RFC 9110 content negotiation and the formatter registry."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from flask_api_utils import FormatterRegistry, choose_mimetype

JSON = "application/json"
XML = "application/xml"
VENDOR = "application/vnd.company+xml"
OFFERED = (JSON, XML, VENDOR)


def _choose(header: str | None, offered: tuple[str, ...] = OFFERED) -> str | None:
    return choose_mimetype(parse_accept_header(header, MIMEAccept), offered)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, JSON, id="no-accept-gets-default"),
        pytest.param("", JSON, id="empty-accept-gets-default"),
        pytest.param("*/*", JSON, id="anything-gets-default"),
        pytest.param("application/*", JSON, id="type-wildcard-ties-go-to-server-order"),
        pytest.param(XML, XML, id="exact"),
        pytest.param("APPLICATION/XML", XML, id="case-insensitive"),
        pytest.param(VENDOR, VENDOR, id="vendor-type"),
        pytest.param("application/xml;q=0.5, application/json;q=0.4", XML, id="higher-q-wins"),
        pytest.param(
            "application/json;q=0.4, application/xml;q=0.5", XML, id="order-of-ranges-irrelevant"
        ),
        pytest.param("application/xml, application/json", JSON, id="equal-q-server-order"),
        pytest.param("application/json;q=0, */*", XML, id="q0-excludes-specific"),
        pytest.param("*/*;q=0.1, application/json;q=0", XML, id="q0-beats-wildcard-for-that-type"),
        pytest.param(
            "application/*;q=0.2, application/xml;q=0.9", XML, id="specific-range-decides"
        ),
        pytest.param(
            "application/xml;q=0.1, application/*;q=0.9", JSON, id="specific-range-lowers-q"
        ),
        pytest.param("application/json; charset=utf-8", JSON, id="utf8-charset-matches"),
        pytest.param("application/json;charset=UTF8", JSON, id="utf8-alias-matches"),
        pytest.param("application/xml;charset=iso-8859-1", None, id="other-charset-does-not-match"),
        pytest.param("application/json;version=2", None, id="distinguishing-param-does-not-match"),
        pytest.param(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            XML,
            id="browser-gets-xml",
        ),
        pytest.param("text/html", None, id="nothing-offered-is-acceptable"),
        pytest.param("blah/*", None, id="seed-406"),
        pytest.param("*/json", None, id="invalid-range-never-matches"),
        pytest.param("application/json;q=abc", JSON, id="invalid-q-item-ignored"),
        pytest.param("application/json;q=2", JSON, id="out-of-range-q-item-ignored"),
        pytest.param(",,,;;;", JSON, id="garbage-is-no-preference"),
        pytest.param("*/*;q=0", None, id="refuses-everything"),
    ],
)
def test_choose_mimetype_follows_rfc_9110(header: str | None, expected: str | None) -> None:
    assert _choose(header) == expected


def test_choose_mimetype_without_offers_chooses_nothing() -> None:
    assert _choose("*/*", ()) is None


def test_registry_offers_default_first_then_registration_order() -> None:
    registry = FormatterRegistry()
    registry[JSON] = lambda data: b"{}"
    registry[VENDOR] = lambda data: b"<a/>"
    registry[XML] = lambda data: b"<a/>"
    assert registry.offered == (JSON, VENDOR, XML)
    registry.default_mimetype = XML
    assert registry.offered == (XML, JSON, VENDOR)
    assert registry.choose(None) == XML


def test_registry_forgets_cached_choices_when_formatters_change() -> None:
    registry = FormatterRegistry()
    registry[JSON] = lambda data: b"{}"
    assert registry.choose(XML) is None
    registry[XML] = lambda data: b"<a/>"
    assert registry.choose(XML) == XML
    del registry[XML]
    assert registry.choose(XML) is None


def test_registry_cache_stays_bounded_under_distinct_headers() -> None:
    registry = FormatterRegistry()
    registry[JSON] = lambda data: b"{}"
    for i in range(5000):
        assert registry.choose(f"application/x-{i}, application/json;q=0.5") == JSON
    assert len(registry._choices) <= 512


@pytest.mark.parametrize(
    ("content_type_of", "expected"),
    [
        pytest.param(JSON, "application/json", id="json-without-charset"),
        pytest.param(XML, "application/xml; charset=utf-8", id="xml-with-charset"),
        pytest.param(
            VENDOR, "application/vnd.company+xml; charset=utf-8", id="vendor-xml-with-charset"
        ),
        pytest.param("text/csv", "text/csv; charset=utf-8", id="text-with-charset"),
    ],
)
def test_registry_content_types(content_type_of: str, expected: str) -> None:
    registry = FormatterRegistry()
    registry[content_type_of] = lambda data: b""
    assert registry.formatter_for(content_type_of)[1] == expected


@pytest.mark.parametrize(
    "mimetype",
    [
        pytest.param("json", id="no-subtype"),
        pytest.param("application/*", id="wildcard"),
        pytest.param("*/*", id="any"),
        pytest.param("application/json;q=0.5", id="quality"),
        pytest.param("application/json;charset=utf-8", id="charset"),
    ],
)
def test_registry_refuses_mimetypes_that_are_not_concrete(mimetype: str) -> None:
    registry = FormatterRegistry()
    with pytest.raises(ValueError, match=r"application|json|\*"):
        registry[mimetype] = lambda data: b""


def test_registry_refuses_a_formatter_that_is_not_callable() -> None:
    registry = FormatterRegistry()
    with pytest.raises(TypeError, match="'application/json' must be callable"):
        registry[JSON] = "not a function"  # type: ignore[assignment]


def test_registry_refuses_an_unregistered_default_and_removing_the_default() -> None:
    registry = FormatterRegistry()
    registry[JSON] = lambda data: b"{}"
    with pytest.raises(ValueError, match="'application/xml'"):
        registry.default_mimetype = XML
    with pytest.raises(ValueError, match="default"):
        del registry[JSON]
