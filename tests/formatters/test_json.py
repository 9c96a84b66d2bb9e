"""OrjsonProvider and JSONFormatter: the types they write, their options, Flask's use of them."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import json
import types
import typing as t
import uuid

import orjson
import pytest
from flask import Flask, jsonify, request, session

from flask_api_utils.formatters import JSONFormatter, OrjsonProvider

UTC = datetime.UTC
USER_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class Money(decimal.Decimal):
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


@dataclasses.dataclass(slots=True, frozen=True)
class Slotted:
    a: int


class Opaque:
    pass


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    return app


@pytest.fixture
def provider(app: Flask) -> OrjsonProvider:
    assert isinstance(app.json, OrjsonProvider)
    return app.json


SUPPORTED = [
    pytest.param(
        {"a": 1, "b": [True, False, None]}, b'{"a":1,"b":[true,false,null]}', id="dict-list"
    ),
    pytest.param({"z": 1, "a": 2}, b'{"z":1,"a":2}', id="insertion-order"),
    pytest.param((1, "two"), b'[1,"two"]', id="tuple"),
    pytest.param("Привет \u2603", '"Привет \u2603"'.encode(), id="unicode-unescaped"),
    pytest.param(-(2**63), b"-9223372036854775808", id="int-min-64"),
    pytest.param(2**64 - 1, b"18446744073709551615", id="int-max-u64"),
    pytest.param(0.1, b"0.1", id="float"),
    pytest.param(1e16, b"1e+16", id="float-exponent"),
    pytest.param([float("nan"), float("inf"), -float("inf")], b"[null,null,null]", id="nan-inf"),
    pytest.param(
        User(1, [Tag("admin"), Tag("ops")], datetime.date(2024, 2, 29)),
        b'{"id":1,"tags":[{"name":"admin"},{"name":"ops"}],"joined":"2024-02-29"}',
        id="nested-dataclass-private-field-left-out",
    ),
    pytest.param([Tag("a"), Tag("b")], b'[{"name":"a"},{"name":"b"}]', id="list-of-dataclasses"),
    pytest.param(Slotted(1), b'{"a":1}', id="slotted-dataclass"),
    pytest.param(
        datetime.datetime(2024, 5, 1, 12, 30, 5, 123, tzinfo=UTC),
        b'"2024-05-01T12:30:05.000123+00:00"',
        id="aware-datetime",
    ),
    pytest.param(datetime.datetime(2024, 5, 1, 12), b'"2024-05-01T12:00:00"', id="naive-datetime"),
    pytest.param(datetime.date(2024, 5, 1), b'"2024-05-01"', id="date"),
    pytest.param(datetime.time(8, 15, 0, 500), b'"08:15:00.000500"', id="time"),
    # orjson 3.13.0 itself writes "00:00:00.10000" for this one.
    pytest.param(datetime.time(0, 0, 0, 10000), b'"00:00:00.010000"', id="time-centiseconds"),
    pytest.param(datetime.time(8, 15, tzinfo=UTC), b'"08:15:00+00:00"', id="aware-time"),
    pytest.param(USER_ID, b'"12345678-1234-5678-1234-567812345678"', id="uuid"),
    pytest.param([Colour.RED, Level.HIGH], b'["red",3]', id="enums-by-value"),
    pytest.param(decimal.Decimal("0.10"), b'"0.10"', id="decimal-as-string"),
    pytest.param(decimal.Decimal("-1E+3"), b'"-1E+3"', id="decimal-exponent"),
    pytest.param(
        {1: "a", None: "b", 2.5: "d", datetime.date(2024, 1, 2): "e", Colour.RED: "f"},
        b'{"1":"a","null":"b","2.5":"d","2024-01-02":"e","red":"f"}',
        id="non-str-keys",
    ),
    pytest.param({True: 1, False: 0}, b'{"true":1,"false":0}', id="bool-keys"),
    pytest.param({USER_ID: 1}, b'{"12345678-1234-5678-1234-567812345678":1}', id="uuid-key"),
    pytest.param(types.MappingProxyType({"a": 1}), b'{"a":1}', id="other-mapping"),
    pytest.param(collections.OrderedDict(b=1, a=2), b'{"b":1,"a":2}', id="dict-subclass"),
    pytest.param([Name("n"), Money("1.50")], b'["n","1.50"]', id="str-and-decimal-subclasses"),
    pytest.param(Stamp(2024, 5, 1, 9), b'"2024-05-01T09:00:00"', id="datetime-subclass"),
    pytest.param(Point(1, 2), b"[1,2]", id="namedtuple"),
    pytest.param({}, b"{}", id="empty-dict"),
    pytest.param(None, b"null", id="none"),
]


@pytest.mark.parametrize(("value", "expected"), SUPPORTED)
def test_json_formatter_writes_each_supported_type(value: object, expected: bytes) -> None:
    assert JSONFormatter()(value) == expected


@pytest.mark.parametrize(("value", "expected"), SUPPORTED)
def test_provider_and_formatter_write_identical_bytes(
    provider: OrjsonProvider, value: object, expected: bytes
) -> None:
    assert provider.dumps_bytes(value) == JSONFormatter()(value) == expected
    assert provider.dumps(value) == expected.decode()
    provider.compact = False
    assert provider.dumps_bytes(value) == JSONFormatter(pretty=True)(value)
    provider.sort_keys = True
    assert provider.dumps_bytes(value) == JSONFormatter(pretty=True, sort_keys=True)(value)


def test_decimal_keeps_every_digit() -> None:
    amount = decimal.Decimal("3.141592653589793238462643383279502884197")
    text = orjson.loads(JSONFormatter()({"amount": amount}))["amount"]
    assert text == "3.141592653589793238462643383279502884197"
    assert decimal.Decimal(text) == amount


NESTED = {"b": [1, {"d": None}], "a": {}}
NESTED_PRETTY = b'{\n  "b": [\n    1,\n    {\n      "d": null\n    }\n  ],\n  "a": {}\n}'
NESTED_COMPACT = b'{"b":[1,{"d":null}],"a":{}}'


@pytest.mark.parametrize(
    ("compact", "debug", "expected"),
    [
        pytest.param(None, False, NESTED_COMPACT, id="none-out-of-debug-is-compact"),
        pytest.param(None, True, NESTED_PRETTY, id="none-in-debug-is-pretty"),
        pytest.param(True, True, NESTED_COMPACT, id="true-is-compact-even-in-debug"),
        pytest.param(False, False, NESTED_PRETTY, id="false-is-pretty-out-of-debug"),
    ],
)
def test_compact_setting_chooses_layout(
    app: Flask, provider: OrjsonProvider, compact: bool | None, debug: bool, expected: bytes
) -> None:
    provider.compact = compact
    app.debug = debug
    assert provider.dumps_bytes(NESTED) == expected
    assert provider.dumps(NESTED) == expected.decode()
    with app.app_context():
        assert jsonify(NESTED).data == expected


def test_json_formatter_pretty_indents_two_spaces() -> None:
    assert JSONFormatter(pretty=True)(NESTED) == NESTED_PRETTY
    assert JSONFormatter()(NESTED) == NESTED_COMPACT


def test_sort_keys_orders_keys_of_every_level(provider: OrjsonProvider) -> None:
    value = {"b": 1, "a": {"d": 2, "c": 3}}
    assert provider.sort_keys is False
    assert provider.dumps_bytes(value) == b'{"b":1,"a":{"d":2,"c":3}}'
    provider.sort_keys = True
    assert provider.dumps_bytes(value) == b'{"a":{"c":3,"d":2},"b":1}'
    assert JSONFormatter(sort_keys=True)(value) == b'{"a":{"c":3,"d":2},"b":1}'
    provider.sort_keys = False
    assert provider.dumps_bytes(value) == b'{"b":1,"a":{"d":2,"c":3}}'


def test_subclass_body_can_set_sort_keys_and_compact(app: Flask) -> None:
    class Sorted(OrjsonProvider):
        sort_keys = True
        compact = False

    provider = Sorted(app)
    assert provider.sort_keys is True
    assert provider.dumps_bytes({"b": 1, "a": 2}) == b'{\n  "a": 2,\n  "b": 1\n}'
    provider.sort_keys = False
    assert provider.dumps_bytes({"b": 1, "a": 2}) == b'{\n  "b": 1,\n  "a": 2\n}'
    assert OrjsonProvider(app).sort_keys is False


def test_jsonify_uses_the_provider(app: Flask, provider: OrjsonProvider) -> None:
    value = {"id": USER_ID, "amount": decimal.Decimal("9.99"), "tag": Tag("x")}
    with app.app_context():
        response = jsonify(value)
        assert response.mimetype == "application/json"
        assert response.data == provider.dumps_bytes(value)
        assert jsonify(1, "two").data == b'[1,"two"]'
        assert jsonify(a=1).data == b'{"a":1}'
        assert jsonify().data == b"null"


def test_response_refuses_args_and_kwargs_together(provider: OrjsonProvider) -> None:
    with pytest.raises(TypeError, match="either args or kwargs"):
        provider.response(1, a=2)


def test_view_returning_dict_is_written_by_the_provider(app: Flask) -> None:
    @app.get("/user")
    def user() -> dict[str, t.Any]:
        return {"joined": datetime.date(2024, 2, 29), "balance": decimal.Decimal("10.50")}

    response = app.test_client().get("/user")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.data == b'{"joined":"2024-02-29","balance":"10.50"}'


def test_request_json_is_parsed_by_the_provider_and_bad_json_is_400(app: Flask) -> None:
    @app.post("/echo")
    def echo() -> dict[str, t.Any]:
        return {"got": request.get_json()}

    client = app.test_client()
    good = client.post("/echo", data=b'{"a": [1, 2.5]}', content_type="application/json")
    assert good.status_code == 200
    assert good.get_json() == {"got": {"a": [1, 2.5]}}
    bad = client.post("/echo", data=b'{"a": ', content_type="application/json")
    assert bad.status_code == 400


def test_session_cookie_round_trips_through_the_provider(app: Flask) -> None:
    # Flask's session serializer calls app.json.dumps with separators=...
    app.secret_key = "test-only-secret"

    @app.get("/set")
    def set_value() -> str:
        session["seen"] = [1, "two"]
        return "ok"

    @app.get("/get")
    def get_value() -> dict[str, t.Any]:
        return {"seen": session.get("seen")}

    client = app.test_client()
    assert client.get("/set").status_code == 200
    assert client.get("/get").get_json() == {"seen": [1, "two"]}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"sort_keys": True}, '{"a":1,"b":2}', id="sort-keys"),
        pytest.param({"indent": 4}, '{\n  "b": 2,\n  "a": 1\n}', id="indent-is-two-spaces"),
        pytest.param({"indent": None}, '{"b":2,"a":1}', id="indent-none-is-compact"),
        pytest.param({"separators": (",", ":")}, '{"b":2,"a":1}', id="separators-are-compact"),
        pytest.param({"compact": False}, '{\n  "b": 2,\n  "a": 1\n}', id="compact-false"),
    ],
)
def test_dumps_understands_json_dumps_keywords(
    provider: OrjsonProvider, kwargs: dict[str, t.Any], expected: str
) -> None:
    assert provider.dumps({"b": 2, "a": 1}, **kwargs) == expected


def test_dumps_and_loads_refuse_unknown_keywords(provider: OrjsonProvider) -> None:
    with pytest.raises(TypeError, match="'ensure_ascii'"):
        provider.dumps({}, ensure_ascii=True)
    with pytest.raises(TypeError, match="'parse_float'"):
        provider.loads("{}", parse_float=float)


def test_loads_applies_an_object_hook_as_the_json_module_does(provider: OrjsonProvider) -> None:
    # Flask 3.0's session serializer loads through the provider with one.
    document = '{"a": {"b": [{"c": 1}, 2]}, "d": {}}'
    seen: list[dict[str, t.Any]] = []

    def hook(obj: dict[str, t.Any]) -> t.Any:
        seen.append(obj)
        return {"hooked": sorted(obj)}

    expected_seen: list[dict[str, t.Any]] = []

    def expected_hook(obj: dict[str, t.Any]) -> t.Any:
        expected_seen.append(obj)
        return {"hooked": sorted(obj)}

    assert provider.loads(document, object_hook=hook) == json.loads(
        document, object_hook=expected_hook
    )
    assert seen == expected_seen


@pytest.mark.parametrize(
    "document", [pytest.param('{"a": [1]}', id="str"), pytest.param(b'{"a": [1]}', id="bytes")]
)
def test_loads_reads_text_and_bytes(provider: OrjsonProvider, document: str | bytes) -> None:
    assert provider.loads(document) == {"a": [1]}


def test_loads_raises_value_error_on_malformed_json(provider: OrjsonProvider) -> None:
    with pytest.raises(ValueError, match="unexpected end of data"):
        provider.loads('{"a": ')


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        pytest.param({1, 2}, "set", id="set"),
        pytest.param(b"raw", "bytes", id="bytes"),
        pytest.param(Opaque(), "test_json.Opaque", id="object"),
        pytest.param({"deep": [1, {"x": frozenset()}]}, "frozenset", id="nested"),
        pytest.param(Colour, "enum.EnumType", id="class"),
        pytest.param({(1, 2): "tuple key"}, "tuple", id="tuple-key"),
        pytest.param([{"ok": 1}, {Opaque(): 1}], "test_json.Opaque", id="nested-object-key"),
    ],
)
def test_unsupported_type_raises_type_error_naming_it(
    provider: OrjsonProvider, value: object, type_name: str
) -> None:
    for write in (JSONFormatter(), provider.dumps_bytes, provider.dumps):
        with pytest.raises(TypeError, match=rf"not JSON serializable: .*\b{type_name}$"):
            write(value)


def test_integer_beyond_64_bits_raises_type_error() -> None:
    with pytest.raises(TypeError, match="64-bit"):
        JSONFormatter()({"big": 2**64})


def test_json_formatter_reports_its_options() -> None:
    formatter = JSONFormatter(pretty=True, sort_keys=True)
    assert (formatter.pretty, formatter.sort_keys) == (True, True)
    assert repr(formatter) == "JSONFormatter(pretty=True, sort_keys=True)"
