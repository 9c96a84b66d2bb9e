"""Typed bodies and queries from the view's signature: parsed, validated, 422 with every field."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import sys
import typing as t
import uuid

import orjson
import pytest
import typing_extensions as te
from flask.testing import FlaskClient
from pydantic import BeforeValidator, Field

from flask_api_utils import (
    Body,
    JSONParser,
    Query,
    ResponsiveBlueprint,
    ResponsiveFlask,
    XMLFormatter,
)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass
class Item:
    price: t.Annotated[decimal.Decimal, Field(ge=0)]
    name: t.Annotated[str, Field(min_length=1, max_length=8, pattern=r"^[a-z]+$")]


@dataclasses.dataclass
class Order:
    items: list[Item]
    when: datetime.datetime
    day: datetime.date
    ref: uuid.UUID
    colour: Colour = Colour.RED
    size: t.Literal["s", "m", "l"] = "m"
    note: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)


class Tag(te.TypedDict):
    name: str
    weight: int


@dataclasses.dataclass
class Page:
    page: t.Annotated[int, Field(ge=1)] = 1
    tag: list[str] = dataclasses.field(default_factory=list)


REF = uuid.UUID("12345678-1234-5678-1234-567812345678")
ORDER = Order(
    items=[Item(decimal.Decimal("1.50"), "pen")],
    when=datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC),
    day=datetime.date(2024, 5, 2),
    ref=REF,
    colour=Colour.BLUE,
    note=None,
    tags=["a", "b"],
)
ORDER_JSON = {
    "items": [{"price": "1.50", "name": "pen"}],
    "when": "2024-05-01T12:00:00+00:00",
    "day": "2024-05-02",
    "ref": str(REF),
    "colour": "blue",
    "tags": ["a", "b"],
}


@pytest.fixture
def app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    received: list[object] = []
    app.config["received"] = received

    @app.post("/orders")
    def create(order: Order) -> tuple[Order, int]:
        received.append(order)
        return order, 201

    @app.post("/async-orders")
    async def create_async(order: Order) -> tuple[Order, int]:
        received.append(order)
        return order, 201

    @app.post("/tags")
    def tags(tags: list[Tag]) -> dict[str, object]:
        received.append(tags)
        return {"count": len(tags)}

    @app.post("/documents")
    def documents(document: t.Annotated[dict[str, t.Any], Body]) -> dict[str, object]:
        return {"keys": list(document)}

    @app.get("/search")
    def search(page: t.Annotated[Page, Query]) -> Page:
        return page

    @app.post("/items/<int:number>")
    def item(number: int, item: Item, page: t.Annotated[Page, Query]) -> dict[str, object]:
        return {"number": number, "item": item, "page": page}

    api = ResponsiveBlueprint("api", __name__, url_prefix="/api")

    @api.post("/orders")
    def blueprint_create(order: Order) -> tuple[Order, int]:
        received.append(order)
        return order, 201

    app.register_blueprint(api)
    return app


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize("path", ["/orders", "/async-orders", "/api/orders"])
def test_view_receives_the_validated_dataclass(
    app: ResponsiveFlask, client: FlaskClient, path: str
) -> None:
    response = client.post(path, json=ORDER_JSON)
    assert response.status_code == 201
    assert app.config["received"] == [ORDER]
    assert response.get_json() == {**ORDER_JSON, "size": "m", "note": None}


def test_a_value_written_as_xml_reads_back_equal(app: ResponsiveFlask, client: FlaskClient) -> None:
    for root in ("response", "order"):
        data = XMLFormatter(root=root)(ORDER)
        response = client.post("/orders", data=data, content_type="application/xml")
        assert response.status_code == 201, response.get_data(as_text=True)
    assert app.config["received"] == [ORDER, ORDER]


def test_xml_empty_list_and_single_item_read_back_equal(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    order = dataclasses.replace(ORDER, tags=[], note="")
    response = client.post("/orders", data=XMLFormatter()(order), content_type="application/xml")
    assert response.status_code == 201
    assert app.config["received"] == [order]


def test_list_of_typeddicts(app: ResponsiveFlask, client: FlaskClient) -> None:
    body = [{"name": "a", "weight": 1}, {"name": "b", "weight": 2}]
    response = client.post("/tags", json=body)
    assert response.get_json() == {"count": 2}
    assert app.config["received"] == [body]


def test_form_body_fills_list_fields_from_repeated_keys(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    response = client.post("/items/7?tag=x", data={"price": "2", "name": "cup"})
    assert response.get_json() == {
        "number": 7,
        "item": {"price": "2", "name": "cup"},
        "page": {"page": 1, "tag": ["x"]},
    }


def test_query_repeated_keys_fill_a_list(client: FlaskClient) -> None:
    response = client.get("/search?page=3&tag=a&tag=b")
    assert response.get_json() == {"page": 3, "tag": ["a", "b"]}


def test_query_that_does_not_fit_is_422_in_the_query(client: FlaskClient) -> None:
    response = client.get("/search?page=0")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {
            "source": "query",
            "location": "page",
            "reason": "Input should be greater than or equal to 1",
            "code": "greater_than_equal",
        }
    ]


def test_422_lists_every_field_that_does_not_fit(app: ResponsiveFlask, client: FlaskClient) -> None:
    body = {
        **ORDER_JSON,
        "items": [
            {"price": "1", "name": "ok"},
            {"price": "-1", "name": "ok"},
            {"price": "x", "name": "UPPER"},
            {"price": "1", "name": ""},
        ],
        "colour": "green",
        "size": "xl",
        "ref": "not-a-uuid",
    }
    del body["day"]
    response = client.post("/orders", json=body)
    assert response.status_code == 422
    found = {(e["location"], e["code"]) for e in response.get_json()["errors"]}
    assert found == {
        ("items[1].price", "greater_than_equal"),
        ("items[2].price", "decimal_parsing"),
        ("items[2].name", "string_pattern_mismatch"),
        ("items[3].name", "string_too_short"),
        ("day", "missing"),
        ("ref", "uuid_parsing"),
        ("colour", "enum"),
        ("size", "literal_error"),
    }
    assert app.config["received"] == []


def test_wrong_json_type_is_422_naming_the_field(client: FlaskClient) -> None:
    response = client.post("/orders", json={**ORDER_JSON, "note": 5})
    assert response.status_code == 422
    assert [e["location"] for e in response.get_json()["errors"]] == ["note"]


def test_unknown_fields_are_refused_by_default(client: FlaskClient) -> None:
    response = client.post("/orders", json={**ORDER_JSON, "extra": 1})
    assert response.status_code == 422
    assert [e["location"] for e in response.get_json()["errors"]] == ["extra"]


def test_unknown_fields_are_ignored_when_configured(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    app.config["API_UNKNOWN_FIELDS"] = "ignore"
    response = client.post("/orders", json={**ORDER_JSON, "extra": 1})
    assert response.status_code == 201
    assert app.config["received"] == [ORDER]


def test_malformed_json_is_400_naming_where(client: FlaskClient) -> None:
    response = client.post("/orders", data=b'{"items": [', content_type="application/json")
    assert response.status_code == 400
    assert "line 1 column 11" in response.get_json()["description"]


def _nested(depth: int) -> bytes:
    """Return a JSON object nesting ``depth`` levels of objects and arrays in all."""
    return b'{"deep": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.mark.parametrize("depth", [65, 100, 300, 1025, 100_000])
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/orders", id="dataclass"),
        pytest.param("/async-orders", id="async"),
        pytest.param("/documents", id="any-depth-type"),
    ],
)
def test_json_nested_deeper_than_the_parsers_limit_is_400_naming_it(
    client: FlaskClient, path: str, depth: int
) -> None:
    response = client.post(path, data=_nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "JSON nested deeper than 64 levels" in response.get_json()["description"]


def test_json_at_the_parsers_limit_is_accepted(client: FlaskClient) -> None:
    response = client.post("/documents", data=_nested(64), content_type="application/json")
    assert response.status_code == 200
    assert response.get_json() == {"keys": ["deep"]}


def test_an_ignored_field_nested_too_deep_is_400(app: ResponsiveFlask, client: FlaskClient) -> None:
    app.config["API_UNKNOWN_FIELDS"] = "ignore"
    data = orjson.dumps(ORDER_JSON)[:-1] + b', "deep": ' + b"[" * 80 + b"]" * 80 + b"}"
    response = client.post("/orders", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "JSON nested deeper than 64 levels" in response.get_json()["description"]
    assert app.config["received"] == []


@dataclasses.dataclass
class Measured:
    # A validator of the user's may accept JSON of any depth for a scalar field.
    size: t.Annotated[int, BeforeValidator(lambda value: len(str(value)))]


def test_a_field_with_a_validator_of_its_own_keeps_the_limit() -> None:
    app = ResponsiveFlask(__name__)

    @app.post("/measured")
    def measure(measured: Measured) -> Measured:
        return measured

    client = app.test_client()
    assert client.post("/measured", json={"size": [[1]]}).get_json() == {"size": 5}
    data = b'{"size": ' + b"[" * 80 + b"]" * 80 + b"}"
    response = client.post("/measured", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "JSON nested deeper than 64 levels" in response.get_json()["description"]


def test_a_json_parsers_own_limit_applies_to_typed_bodies(
    app: ResponsiveFlask, client: FlaskClient
) -> None:
    app.request_parsers["application/json"] = JSONParser(max_depth=2)
    # {"items": [{...}]}: three levels.
    response = client.post("/orders", json=ORDER_JSON)
    assert response.status_code == 400
    assert "JSON nested deeper than 2 levels" in response.get_json()["description"]
    assert client.post("/tags", json=[{"name": "a", "weight": 1}]).status_code == 200


def test_unsupported_body_is_415_with_accept_post(client: FlaskClient) -> None:
    response = client.post("/orders", data=b"x", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.headers["Accept-Post"]


def test_body_over_max_content_length_is_413(app: ResponsiveFlask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/orders", json=ORDER_JSON)
    assert response.status_code == 413


def test_a_view_under_two_rules_is_one_endpoint() -> None:
    app = ResponsiveFlask(__name__)

    @app.post("/a")
    @app.post("/b")
    def both(item: Item) -> Item:
        return item

    client = app.test_client()
    for path in ("/a", "/b"):
        assert client.post(path, json={"price": "1", "name": "x"}).status_code == 200


def test_two_bodies_are_refused_at_registration() -> None:
    app = ResponsiveFlask(__name__)
    with pytest.raises(TypeError, match="'two' declares more than one request body"):

        @app.post("/two")
        def two(a: Item, b: Order) -> dict[str, str]:
            return {}


def test_a_query_type_that_is_not_a_record_is_refused_at_registration() -> None:
    app = ResponsiveFlask(__name__)
    with pytest.raises(TypeError, match="'page' must be a dataclass or TypedDict"):

        @app.get("/q")
        def q(page: t.Annotated[int, Query]) -> dict[str, str]:
            return {}


def test_views_without_typed_input_or_data_results_are_registered_unchanged() -> None:
    app = ResponsiveFlask(__name__)

    def plain(number: int) -> str:
        return str(number)

    app.add_url_rule("/n/<int:number>", view_func=plain)
    assert app.view_functions["plain"] is plain


def test_a_typed_body_without_pydantic_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import itself fail, as it does without the package.
    monkeypatch.setitem(sys.modules, "pydantic", None)
    app = ResponsiveFlask(__name__)
    with pytest.raises(ImportError, match=r"flask-api-utils\[typed\]"):

        @app.post("/x")
        def x(item: Item) -> Item:
            return item
