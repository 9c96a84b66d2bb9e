"""The OpenAPI document of the shop app: valid, and saying what its views declare."""

from __future__ import annotations

import typing as t

import pytest
import typing_extensions
from flask import Flask
from openapi_spec_validator import validate

from flask_api_utils import OpenAPI, ResponsiveFlask
from tests.openapi.catalog_app import ITEM, create_app

Document: t.TypeAlias = dict[str, t.Any]


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app()


@pytest.fixture(scope="module")
def document(app: Flask) -> Document:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return t.cast(Document, response.get_json())


def _schema(document: Document, name: str) -> Document:
    return t.cast(Document, document["components"]["schemas"][name])


def _resolved(document: Document, value: Document) -> Document:
    # A shared response or schema, looked up by its $ref.
    while "$ref" in value:
        *_, section, name = value["$ref"].split("/")
        value = document["components"][section][name]
    return value


def test_document_is_valid_openapi_3_1(document: Document) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Shop", "version": "2.1.0"}


def test_document_leaves_out_hidden_views_and_its_own_routes(document: Document) -> None:
    paths = set(document["paths"])
    assert "/shop/secret" not in paths
    assert "/openapi.json" not in paths
    assert "/docs" not in paths
    assert not any(path.startswith("/static") for path in paths)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/shop/pages/{page}", {"type": "integer", "minimum": 1, "maximum": 50}),
        ("/shop/ratios/{value}", {"type": "number", "minimum": 0}),
        ("/shop/items/{item_id}", {"type": "string", "format": "uuid"}),
        ("/shop/codes/{code}", {"type": "string", "minLength": 3, "maxLength": 3}),
        ("/shop/files/{name}", {"type": "string"}),
        ("/shop/kinds/{kind}", {"type": "string", "enum": ["small", "large"]}),
    ],
)
def test_converters_become_typed_path_parameters(
    document: Document, path: str, schema: Document
) -> None:
    operation = document["paths"][path]["get"]
    (parameter,) = operation["parameters"]
    assert parameter["in"] == "path"
    assert parameter["required"] is True
    assert parameter["schema"] == schema


def test_operations_take_ids_and_texts_from_the_views(document: Document) -> None:
    operation = document["paths"]["/shop/items"]["get"]
    assert operation["operationId"] == "list_items"
    assert operation["summary"] == "List the items."
    assert operation["description"] == "Filtered by colour and tags."
    assert operation["tags"] == ["shop"]
    # One view under two methods: one operation each, told apart by method.
    echo = document["paths"]["/shop/echo"]
    assert (echo["get"]["operationId"], echo["post"]["operationId"]) == ("echo_get", "echo_post")


def test_method_views_are_described_per_method(document: Document) -> None:
    stock = document["paths"]["/shop/stock"]
    assert list(stock) == ["get"]  # delete is hidden by its own @doc
    assert stock["get"]["summary"] == "Read the stock level."
    assert stock["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Summary"
    }


def test_every_operation_id_is_unique(document: Document) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_each_record_type_is_one_component_referenced_everywhere(document: Document) -> None:
    schemas = document["components"]["schemas"]
    assert {"Item", "Price", "Color", "Summary"} <= set(schemas)
    assert not [name for name in schemas if name.endswith(("-Input", "-Output"))]
    listed = document["paths"]["/shop/items"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["items"]["$ref"] == "#/components/schemas/Item"
    body = document["paths"]["/shop/items"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/Item"}


def test_record_fields_are_described_as_the_json_formatter_writes_them(
    document: Document,
) -> None:
    item = _schema(document, "Item")["properties"]
    assert item["id"] == {"format": "uuid", "title": "Id", "type": "string"}
    assert item["added"]["format"] == "date"
    assert item["seen_at"]["format"] == "date-time"
    assert item["color"] == {"$ref": "#/components/schemas/Color"}
    assert item["note"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert item["name"]["minLength"] == 1
    assert item["name"]["maxLength"] == 50
    assert _schema(document, "Item")["required"] == [
        "id",
        "name",
        "price",
        "color",
        "tags",
        "added",
        "seen_at",
    ]
    price = _schema(document, "Price")["properties"]
    assert price["amount"]["type"] == "string"
    assert price["currency"]["enum"] == ["EUR", "USD"]
    assert _schema(document, "Color")["enum"] == ["red", "green"]
    assert _schema(document, "Summary")["properties"]["count"]["type"] == "integer"
    # API_UNKNOWN_FIELDS is "forbid" by default: records refuse other fields.
    assert _schema(document, "Item")["additionalProperties"] is False


def test_query_types_become_query_parameters(document: Document) -> None:
    parameters = {p["name"]: p for p in document["paths"]["/shop/items"]["get"]["parameters"]}
    assert set(parameters) == {"color", "tag", "limit"}
    assert all(p["in"] == "query" and p["required"] is False for p in parameters.values())
    assert parameters["tag"]["schema"]["type"] == "array"
    assert parameters["tag"]["explode"] is True
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert parameters["color"]["schema"]["anyOf"][0] == {"$ref": "#/components/schemas/Color"}
    # The query type itself is not a component: its fields are the parameters.
    assert "ItemFilter" not in document["components"]["schemas"]


def test_a_literal_status_documents_the_response_under_that_code(document: Document) -> None:
    created = document["paths"]["/shop/items"]["post"]["responses"]
    assert "200" not in created
    assert created["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Item"
    }
    deleted = document["paths"]["/shop/items/{item_id}"]["delete"]["responses"]
    assert deleted["204"] == {"description": "No Content"}


def test_each_offered_format_is_one_content_entry(document: Document) -> None:
    content = document["paths"]["/shop/items/{item_id}"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/json", "application/xml"]
    assert content["application/xml"]["schema"] == {
        "$ref": "#/components/schemas/Item",
        "xml": {"name": "response"},
    }
    prices = document["paths"]["/shop/prices.csv"]["get"]["responses"]["200"]["content"]
    assert list(prices) == ["application/json", "text/csv"]
    assert prices["text/csv"]["schema"]["type"] == "string"


def test_xml_lists_are_wrapped_with_named_items(document: Document) -> None:
    tags = _schema(document, "Item")["properties"]["tags"]
    assert tags["xml"] == {"wrapped": True}
    assert tags["items"]["xml"] == {"name": "item"}
    listed = document["paths"]["/shop/items"]["get"]["responses"]["200"]["content"]
    assert listed["application/xml"]["schema"]["xml"] == {"wrapped": True, "name": "response"}


def test_examples_are_written_by_each_formatter(document: Document) -> None:
    body = document["paths"]["/shop/items"]["post"]["requestBody"]["content"]
    assert body["application/json"]["example"]["id"] == str(ITEM.id)
    assert body["application/json"]["example"]["price"] == {"amount": "12.50", "currency": "EUR"}
    assert "<name>Teapot</name>" in body["application/xml"]["example"]
    created = document["paths"]["/shop/items"]["post"]["responses"]["201"]["content"]
    assert created["application/json"]["example"]["name"] == "Teapot"


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/shop/items", "get", {"200", "406", "422"}),
        ("/shop/items", "post", {"201", "400", "401", "406", "409", "415", "422"}),
        ("/shop/items/{item_id}", "get", {"200", "400", "401", "404", "406"}),
        ("/shop/summary", "get", {"200", "406"}),
        ("/shop/echo", "get", {"200"}),
    ],
)
def test_error_responses_follow_what_the_view_does(
    document: Document, path: str, method: str, codes: set[str]
) -> None:
    assert set(document["paths"][path][method]["responses"]) == codes


def test_errors_are_problem_details(document: Document) -> None:
    responses = document["paths"]["/shop/items"]["post"]["responses"]
    unauthorized = _resolved(document, responses["401"])
    assert "WWW-Authenticate" in unauthorized["headers"]
    assert list(unauthorized["content"]) == ["application/problem+json", "application/problem+xml"]
    unsupported = _resolved(document, responses["415"])
    assert "Accept-Post" in unsupported["headers"]
    invalid = _resolved(document, responses["422"])
    schema = _resolved(document, invalid["content"]["application/problem+json"]["schema"])
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/Problem"}
    conflict = responses["409"]
    assert conflict["description"] == "The item exists."
    assert conflict["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


def test_hawk_views_name_the_security_scheme_and_bewit_as_the_alternative(
    document: Document,
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["hawk"]["type"] == "http"
    assert schemes["hawk"]["scheme"] == "hawk"
    assert schemes["bewit"] == {
        "type": "apiKey",
        "in": "query",
        "name": "bewit",
        "description": schemes["bewit"]["description"],
    }
    paths = document["paths"]
    assert paths["/shop/items"]["post"]["security"] == [{"hawk": []}]
    assert paths["/shop/items/{item_id}"]["get"]["security"] == [{"hawk": []}, {"bewit": []}]
    assert "security" not in paths["/shop/items"]["get"]


def test_doc_adds_tags_deprecation_ids_and_responses(document: Document) -> None:
    operation = document["paths"]["/shop/old-items"]["get"]
    assert operation["tags"] == ["legacy"]
    assert operation["operationId"] == "oldItems"
    assert operation["deprecated"] is True
    assert operation["summary"] == "The items, the old way."
    assert operation["responses"]["200"]["description"] == "The items."
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
    assert operation["responses"]["301"]["headers"]["Location"]["description"] == "Where to."
    assert {tag["name"] for tag in document["tags"]} == {"shop", "legacy"}


def test_document_is_built_once_and_served_with_a_validator(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/openapi.json")
    assert app.extensions["openapi"].document is OpenAPI().document(app)
    again = client.get("/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["Cache-Control"] == "no-cache"


def test_paths_are_configurable_and_one_setting_turns_both_off() -> None:
    moved = create_app({"OPENAPI_PATH": "/api/spec.json", "OPENAPI_DOCS_PATH": "/api/docs"})
    client = moved.test_client()
    assert client.get("/api/spec.json").status_code == 200
    assert client.get("/api/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 404

    off = create_app({"OPENAPI_PATH": None}).test_client()
    assert off.get("/openapi.json").status_code == 404
    assert off.get("/docs").status_code == 404


def test_blueprints_setting_limits_the_document() -> None:
    app = create_app({"OPENAPI_BLUEPRINTS": ["elsewhere"]})
    document = app.test_client().get("/openapi.json").get_json()
    assert document["paths"] == {}


# Plain Flask writes a mapping as JSON, not a dataclass.
class Greeting(typing_extensions.TypedDict):
    text: str


def test_a_plain_flask_app_is_described_as_json() -> None:
    app = Flask(__name__)
    OpenAPI(app)

    @app.get("/greeting")
    def greeting() -> Greeting:
        return {"text": "hi"}

    document = app.test_client().get("/openapi.json").get_json()
    validate(document)
    content = document["paths"]["/greeting"]["get"]["responses"]["200"]["content"]
    assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/Greeting"}}}


def test_init_app_twice_is_refused() -> None:
    app = ResponsiveFlask(__name__)
    OpenAPI(app)
    with pytest.raises(RuntimeError, match="call init_app once"):
        OpenAPI(app)
