"""XMLFormatter: the documented mapping case by case, names, errors and options."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import types
import typing as t
import uuid

import pytest
from lxml import etree

from flask_api_utils.formatters import XMLFormatter
from flask_api_utils.typing import Formatter

DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"
USER_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Colour(enum.Enum):
    RED = "red"
    OTHER = "not a name"


class Level(enum.IntEnum):
    HIGH = 3


class Shape(enum.Enum):
    SQUARE = (4, "sides")


class Name(str):
    def __str__(self) -> str:
        return "overridden"


class Count(int):
    pass


class Ratio(float):
    pass


class Stamp(datetime.datetime):
    pass


class Point(t.NamedTuple):
    x: int
    y: int


@dataclasses.dataclass
class Tag:
    name: str


@dataclasses.dataclass
class User:
    id: int
    tags: list[Tag]
    joined: datetime.date
    _password: str = "secret"


class Opaque:
    pass


def _write(value: object, formatter: XMLFormatter | None = None) -> bytes:
    output = (formatter or XMLFormatter())(value)
    assert output.startswith(DECLARATION)
    etree.fromstring(output)
    return output[len(DECLARATION) :]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"a": 1}, b"<response><a>1</a></response>", id="dict-key-names-element"),
        pytest.param({"b": 1, "a": 2}, b"<response><b>1</b><a>2</a></response>", id="key-order"),
        pytest.param(
            {"tags": ["x", "y"]},
            b"<response><tags><item>x</item><item>y</item></tags></response>",
            id="list-in-dict",
        ),
        pytest.param([1, 2], b"<response><item>1</item><item>2</item></response>", id="root-list"),
        pytest.param(
            [[1], []],
            b"<response><item><item>1</item></item><item/></response>",
            id="nested-lists",
        ),
        pytest.param((1, "a"), b"<response><item>1</item><item>a</item></response>", id="tuple"),
        pytest.param(
            [{"a": 1}, {"a": 2}],
            b"<response><item><a>1</a></item><item><a>2</a></item></response>",
            id="list-of-dicts",
        ),
        pytest.param({"a": None}, b'<response><a nil="true"/></response>', id="none-is-nil"),
        pytest.param({"a": ""}, b"<response><a></a></response>", id="empty-string-is-not-nil"),
        pytest.param(None, b'<response nil="true"/>', id="root-none"),
        pytest.param("hello", b"<response>hello</response>", id="root-text"),
        pytest.param({}, b"<response/>", id="empty-dict"),
        pytest.param({"a": {}}, b"<response><a/></response>", id="nested-empty-dict"),
        pytest.param(
            {"a": "<&>\"'"}, b"<response><a>&lt;&amp;&gt;\"'</a></response>", id="escaped-text"
        ),
        pytest.param(
            {"a": " a\n\tb\r"}, b"<response><a> a\n\tb&#13;</a></response>", id="whitespace-kept"
        ),
        pytest.param(
            {"a": "Привет"}, "<response><a>Привет</a></response>".encode(), id="utf8-text"
        ),
        pytest.param(
            {"t": True, "f": False}, b"<response><t>true</t><f>false</f></response>", id="bools"
        ),
        pytest.param(
            [0, -5, 2**70],
            b"<response><item>0</item><item>-5</item><item>1180591620717411303424</item></response>",
            id="ints-any-size",
        ),
        pytest.param(
            [1.5, 0.1, 1e16, -0.0],
            b"<response><item>1.5</item><item>0.1</item><item>1e+16</item><item>-0.0</item>"
            b"</response>",
            id="floats-repr",
        ),
        pytest.param(
            [float("nan"), float("inf"), -float("inf")],
            b"<response><item>NaN</item><item>INF</item><item>-INF</item></response>",
            id="floats-xml-schema-specials",
        ),
        pytest.param(
            [decimal.Decimal("0.10"), decimal.Decimal("1E+3")],
            b"<response><item>0.10</item><item>1E+3</item></response>",
            id="decimal-str",
        ),
        pytest.param(
            datetime.datetime(2024, 5, 1, 12, 30, 5, 123, tzinfo=datetime.UTC),
            b"<response>2024-05-01T12:30:05.000123+00:00</response>",
            id="aware-datetime",
        ),
        pytest.param(
            datetime.datetime(2024, 5, 1, 12),
            b"<response>2024-05-01T12:00:00</response>",
            id="naive-datetime",
        ),
        pytest.param(datetime.date(2024, 2, 29), b"<response>2024-02-29</response>", id="date"),
        pytest.param(datetime.time(8, 15), b"<response>08:15:00</response>", id="time"),
        pytest.param(
            USER_ID, b"<response>12345678-1234-5678-1234-567812345678</response>", id="uuid"
        ),
        pytest.param(
            [Colour.RED, Level.HIGH, Shape.SQUARE],
            b"<response><item>red</item><item>3</item><item><item>4</item><item>sides</item></item>"
            b"</response>",
            id="enums-by-value",
        ),
        pytest.param(
            User(1, [Tag("admin"), Tag("ops")], datetime.date(2024, 2, 29)),
            b"<response><id>1</id><tags><item><name>admin</name></item>"
            b"<item><name>ops</name></item></tags><joined>2024-02-29</joined></response>",
            id="nested-dataclass-private-field-left-out",
        ),
        pytest.param(
            types.MappingProxyType({"a": 1}), b"<response><a>1</a></response>", id="other-mapping"
        ),
        pytest.param(
            collections.OrderedDict(b=1, a=2),
            b"<response><b>1</b><a>2</a></response>",
            id="dict-subclass",
        ),
        pytest.param(
            [Name("n"), Count(7), Ratio(0.5), Stamp(2024, 5, 1)],
            b"<response><item>n</item><item>7</item><item>0.5</item>"
            b"<item>2024-05-01T00:00:00</item></response>",
            id="subclasses-as-base-type",
        ),
        pytest.param(
            Point(1, 2), b"<response><item>1</item><item>2</item></response>", id="namedtuple"
        ),
    ],
)
def test_value_maps_to_documented_xml(value: object, expected: bytes) -> None:
    assert _write(value) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("1st", b'<key name="1st">v</key>', id="starts-with-digit"),
        pytest.param("a b", b'<key name="a b">v</key>', id="space"),
        pytest.param("", b'<key name="">v</key>', id="empty"),
        pytest.param("a:b", b'<key name="a:b">v</key>', id="colon"),
        pytest.param("-a", b'<key name="-a">v</key>', id="starts-with-hyphen"),
        pytest.param("a\nb", b'<key name="a&#10;b">v</key>', id="newline-escaped"),
        pytest.param('<"&>', b'<key name="&lt;&quot;&amp;&gt;">v</key>', id="markup"),
        pytest.param("xml-thing", b"<xml-thing>v</xml-thing>", id="xml-prefix-is-used"),
        pytest.param("key", b"<key>v</key>", id="literal-key-has-no-name"),
        pytest.param("a-b.c_d", b"<a-b.c_d>v</a-b.c_d>", id="name-punctuation"),
        pytest.param("é", "<é>v</é>".encode(), id="non-ascii-name"),
        pytest.param(1, b'<key name="1">v</key>', id="int"),
        pytest.param(2.5, b'<key name="2.5">v</key>', id="float"),
        pytest.param(None, b'<key name="null">v</key>', id="none"),
        pytest.param(True, b'<key name="true">v</key>', id="bool"),
        pytest.param(datetime.date(2024, 1, 2), b'<key name="2024-01-02">v</key>', id="date"),
        pytest.param(USER_ID, b'<key name="' + str(USER_ID).encode() + b'">v</key>', id="uuid"),
        pytest.param(Colour.RED, b"<red>v</red>", id="enum-value-is-a-name"),
        pytest.param(Colour.OTHER, b'<key name="not a name">v</key>', id="enum-value-not-a-name"),
        pytest.param(Level.HIGH, b'<key name="3">v</key>', id="int-enum"),
        pytest.param(Name("sub"), b"<sub>v</sub>", id="str-subclass-by-content"),
    ],
)
def test_keys_that_are_not_names_keep_their_text_in_an_attribute(
    key: object, expected: bytes
) -> None:
    output = _write({key: "v"})
    assert output == b"<response>" + expected + b"</response>"


def test_name_rule_holds_beyond_the_name_cache() -> None:
    keys = [f"k{i}" for i in range(5000)] + [f"{i}k" for i in range(5000)]
    children = list(etree.fromstring(XMLFormatter()(dict.fromkeys(keys, 1))))
    assert [child.tag for child in children[:5000]] == keys[:5000]
    assert {child.tag for child in children[5000:]} == {"key"}
    assert [child.get("name") for child in children[5000:]] == keys[5000:]


@pytest.mark.parametrize(
    ("value", "where", "code"),
    [
        pytest.param({"a": "x\x00"}, "the text at value['a']", "U+0000", id="nul"),
        pytest.param({"a": "\x0b"}, "the text at value['a']", "U+000B", id="vertical-tab"),
        pytest.param(["ok", "\x1f"], "the text at value[1]", "U+001F", id="unit-separator"),
        pytest.param({"a": ["\ufffe"]}, "the text at value['a'][0]", "U+FFFE", id="ufffe"),
        pytest.param("\uffff", "the text at value", "U+FFFF", id="uffff"),
        pytest.param({"a": "\ud800"}, "the text at value['a']", "U+D800", id="lone-surrogate"),
        pytest.param({"b\x08": 1}, "the key 'b\\x08' in value", "U+0008", id="in-key"),
        pytest.param(
            {"a": [Tag("\x01")]}, "the text at value['a'][0]['name']", "U+0001", id="dataclass"
        ),
        pytest.param([Colour.RED, {"\x02": 1}], "the key '\\x02' in value[1]", "U+0002", id="key2"),
    ],
)
def test_text_xml_cannot_carry_raises_value_error_naming_it(
    value: object, where: str, code: str
) -> None:
    with pytest.raises(ValueError, match=r"XML 1\.0 cannot carry") as caught:
        XMLFormatter()(value)
    assert where in str(caught.value)
    assert f"({code})" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param({1, 2}, "Type is not XML serializable: set", id="set"),
        pytest.param({"a": b"raw"}, "Type is not XML serializable: bytes", id="bytes"),
        pytest.param([Opaque()], "XML serializable: tests.formatters.test_xml.Opaque", id="object"),
        pytest.param({"a": [{"b": frozenset()}]}, "serializable: frozenset", id="nested"),
        pytest.param({(1, 2): 1}, "Dict key type is not XML serializable: tuple", id="tuple-key"),
        pytest.param({Opaque(): 1}, "key type is not XML serializable: tests.", id="object-key"),
    ],
)
def test_unsupported_type_raises_type_error_naming_it(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        XMLFormatter()(value)


def _nested_lists(depth: int) -> list[t.Any]:
    value: list[t.Any] = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


def test_deepest_accepted_nesting_still_parses() -> None:
    # 255 nested lists put the innermost item 256 elements deep, libxml2's limit.
    root = etree.fromstring(XMLFormatter()(_nested_lists(255)))
    assert root.xpath("count(//item)") == 255


def test_nesting_beyond_what_parsers_accept_raises_value_error() -> None:
    with pytest.raises(ValueError, match="deeper than 256 elements"):
        XMLFormatter()(_nested_lists(256))


def test_value_containing_itself_raises_value_error() -> None:
    looped: list[t.Any] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="contains itself"):
        XMLFormatter()({"a": looped})


def test_root_and_item_names_are_configurable() -> None:
    formatter = XMLFormatter(root="users", item="user")
    assert _write([{"tags": ["a"]}], formatter) == (
        b"<users><user><tags><user>a</user></tags></user></users>"
    )
    assert (formatter.root, formatter.item, formatter.pretty) == ("users", "user", False)


def test_pretty_output_is_indented_and_ends_with_a_newline() -> None:
    output = XMLFormatter(pretty=True)({"a": 1, "b": [None, "x y"], "c": {}})
    assert output == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b"<response>\n"
        b"  <a>1</a>\n"
        b"  <b>\n"
        b'    <item nil="true"/>\n'
        b"    <item>x y</item>\n"
        b"  </b>\n"
        b"  <c/>\n"
        b"</response>\n"
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param({"root": "1st"}, ValueError, "'root' must be an XML element name", id="root"),
        pytest.param({"item": "a b"}, ValueError, "'item' must be an XML element name", id="item"),
        pytest.param({"root": ""}, ValueError, "not ''", id="empty"),
        pytest.param({"root": "ns:tag"}, ValueError, "not 'ns:tag'", id="colon"),
        pytest.param({"item": 5}, TypeError, "'item' must be a str, not 'int'", id="not-str"),
    ],
)
def test_constructor_validates_element_names(
    kwargs: dict[str, t.Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        XMLFormatter(**kwargs)


def test_formatter_fits_the_formatter_protocol_and_reports_its_options() -> None:
    formatter: Formatter = XMLFormatter(root="r", pretty=True)
    assert repr(formatter) == "XMLFormatter(root='r', item='item', pretty=True)"
    assert etree.fromstring(formatter({"a": 1})).findtext("a") == "1"
