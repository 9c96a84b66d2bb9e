"""Real responses of the shop app, each checked against the app's own document."""

from __future__ import annotations

import typing as t

import orjson
import pytest

from flask_api_utils import HawkCredentials
from flask_api_utils.testing import HawkTestClient
from tests.openapi.catalog_app import CLIENTS, ITEM, create_app
from tests.openapi.conformance import assert_conforms

if t.TYPE_CHECKING:
    from flask import Flask

SHOPKEEPER = HawkCredentials("shopkeeper", CLIENTS["shopkeeper"])
ITEM_JSON = orjson.loads(orjson.dumps(ITEM, option=orjson.OPT_PASSTHROUGH_DATETIME, default=str))


@pytest.fixture(scope="module")
def app() -> Flask:
    app = create_app()
    app.test_client_class = HawkTestClient
    return app


@pytest.fixture(scope="module")
def document(app: Flask) -> dict[str, t.Any]:
    return t.cast(dict[str, t.Any], app.test_client().get("/openapi.json").get_json())


_ITEM_PATH = f"/shop/items/{ITEM.id}"
_OTHER_ITEM = "/shop/items/00000000-0000-4000-8000-000000000000"

# (documented path, method, URL, request options, expected status)
CASES: list[tuple[str, str, str, dict[str, t.Any], int]] = [
    ("/shop/items", "GET", "/shop/items?tag=gift&limit=5", {}, 200),
    ("/shop/items", "GET", "/shop/items", {"headers": {"Accept": "application/xml"}}, 200),
    ("/shop/items", "GET", "/shop/items?limit=0", {}, 422),
    ("/shop/items", "GET", "/shop/items", {"headers": {"Accept": "image/png"}}, 406),
    ("/shop/items", "POST", "/shop/items", {"json": ITEM_JSON, "hawk": SHOPKEEPER}, 201),
    ("/shop/items", "POST", "/shop/items", {"json": {"name": 5}, "hawk": SHOPKEEPER}, 422),
    (
        "/shop/items",
        "POST",
        "/shop/items",
        {"data": b"{", "content_type": "application/json", "hawk": SHOPKEEPER},
        400,
    ),
    (
        "/shop/items",
        "POST",
        "/shop/items",
        {"data": b"x", "content_type": "text/plain", "hawk": SHOPKEEPER},
        415,
    ),
    ("/shop/items", "POST", "/shop/items", {"json": ITEM_JSON}, 401),
    ("/shop/items/{item_id}", "GET", _ITEM_PATH, {"hawk": SHOPKEEPER}, 200),
    ("/shop/items/{item_id}", "GET", _OTHER_ITEM, {"hawk": SHOPKEEPER}, 404),
    ("/shop/items/{item_id}", "DELETE", _ITEM_PATH, {"hawk": SHOPKEEPER}, 204),
    ("/shop/summary", "GET", "/shop/summary", {}, 200),
    ("/shop/prices.csv", "GET", "/shop/prices.csv", {}, 200),
    ("/shop/prices.csv", "GET", "/shop/prices.csv", {"headers": {"Accept": "text/csv"}}, 200),
    ("/shop/pages/{page}", "GET", "/shop/pages/7", {}, 200),
    ("/shop/ratios/{value}", "GET", "/shop/ratios/0.5", {}, 200),
    ("/shop/codes/{code}", "GET", "/shop/codes/abc", {}, 200),
    ("/shop/files/{name}", "GET", "/shop/files/a/b.txt", {}, 200),
    ("/shop/kinds/{kind}", "GET", "/shop/kinds/large", {}, 200),
    ("/shop/old-items", "GET", "/shop/old-items", {}, 200),
    ("/shop/echo", "POST", "/shop/echo", {}, 200),
]


@pytest.mark.parametrize(
    ("path", "method", "url", "options", "status"),
    CASES,
    ids=[f"{method} {url} {status}" for _, method, url, _, status in CASES],
)
def test_response_matches_the_document(
    app: Flask,
    document: dict[str, t.Any],
    path: str,
    method: str,
    url: str,
    options: dict[str, t.Any],
    status: int,
) -> None:
    response = app.test_client().open(url, method=method, **options)

    assert response.status_code == status, response.get_data(as_text=True)
    assert_conforms(document, path, method, response, response.get_data())


def test_a_response_outside_the_document_is_caught(document: dict[str, t.Any], app: Flask) -> None:
    # The checker itself: a body that breaks the schema does not pass.
    response = app.test_client().get("/shop/summary")
    with pytest.raises(AssertionError, match=r"2 is not of type 'string'"):
        assert_conforms(document, "/shop/summary", "GET", response, b'{"count": 1, "total": 2}')
