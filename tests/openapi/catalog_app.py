"""A shop API that uses every type and route form the OpenAPI document describes.

It is the app the document tests validate, and whose real responses they
check against the document's schemas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import typing as t
import uuid

import typing_extensions
from flask.views import MethodView
from pydantic import Field, StringConstraints
from werkzeug.exceptions import NotFound

from flask_api_utils import (
    CSVFormatter,
    Hawk,
    OpenAPI,
    ProblemDetails,
    Query,
    ResponseDoc,
    ResponsiveBlueprint,
    ResponsiveFlask,
    XMLFormatter,
    doc,
    produces,
)

__all__ = [
    "CLIENTS",
    "ITEM",
    "Color",
    "Item",
    "ItemFilter",
    "Price",
    "Summary",
    "create_app",
]

#: The Hawk clients of the app: id to key.
CLIENTS = {"shopkeeper": "a key for the shop"}


class Color(enum.Enum):
    """A colour an item comes in."""

    RED = "red"
    GREEN = "green"


@dataclasses.dataclass
class Price:
    """An amount in a currency."""

    amount: decimal.Decimal
    currency: t.Literal["EUR", "USD"]


@dataclasses.dataclass
class Item:
    """Something the shop sells."""

    id: uuid.UUID
    name: t.Annotated[str, StringConstraints(min_length=1, max_length=50)]
    price: Price
    color: Color
    tags: list[str]
    added: dt.date
    seen_at: dt.datetime
    note: str | None = None


# pydantic reads typing.TypedDict only from Python 3.12; typing_extensions' from 3.11.
class Summary(typing_extensions.TypedDict):
    """Totals over the stock."""

    count: int
    total: decimal.Decimal


@dataclasses.dataclass
class ItemFilter:
    """What to list."""

    color: Color | None = None
    tag: list[str] = dataclasses.field(default_factory=list[str])
    limit: t.Annotated[int, Field(ge=1, le=100)] = 10


#: The one item in stock.
ITEM = Item(
    id=uuid.UUID("6f1c9a0e-8a52-4a43-9e35-4c2f0d1b7a10"),
    name="Teapot",
    price=Price(decimal.Decimal("12.50"), "EUR"),
    color=Color.RED,
    tags=["kitchen", "gift"],
    added=dt.date(2026, 1, 2),
    seen_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
)

hawk = Hawk()
shop = ResponsiveBlueprint("shop", __name__, url_prefix="/shop")


@hawk.client_key_loader
def _client_key(client_id: str) -> str | None:
    return CLIENTS.get(client_id)


@shop.get("/items")
def list_items(query: t.Annotated[ItemFilter, Query]) -> list[Item]:
    """List the items.

    Filtered by colour and tags.
    """
    items = [ITEM]
    if query.color is not None:
        items = [item for item in items if item.color is query.color]
    if query.tag:
        items = [item for item in items if set(query.tag) <= set(item.tags)]
    return items[: query.limit]


@shop.post("/items")
@hawk.auth_required
@doc(request_example=ITEM, response_example=ITEM, responses={409: "The item exists."})
def add_item(item: Item) -> tuple[Item, t.Literal[201]]:
    """Add an item."""
    return item, 201


@shop.get("/items/<uuid:item_id>")
@hawk.auth_required(bewit=True)
@doc(responses={404: "No such item."})
def get_item(item_id: uuid.UUID) -> Item:
    """Show one item."""
    if item_id != ITEM.id:
        raise NotFound()
    return ITEM


@shop.delete("/items/<uuid:item_id>")
@hawk.auth_required
def delete_item(item_id: uuid.UUID) -> tuple[str, t.Literal[204]]:
    """Delete an item."""
    del item_id
    return "", 204


@shop.get("/summary")
def summary() -> Summary:
    """Count the stock."""
    return {"count": 1, "total": ITEM.price.amount}


@shop.get("/prices.csv")
@produces("application/json", formatters={"text/csv": CSVFormatter()})
def prices() -> list[Price]:
    """Every price, in JSON or CSV."""
    return [ITEM.price]


@shop.get("/pages/<int(min=1, max=50):page>")
def page(page: int) -> dict[str, int]:
    """A page number between 1 and 50."""
    return {"page": page}


@shop.get("/ratios/<float:value>")
def ratio(value: float) -> dict[str, float]:
    """A non-negative ratio."""
    return {"value": value}


@shop.get("/codes/<string(length=3):code>")
def code(code: str) -> dict[str, str]:
    """A three-letter code."""
    return {"code": code}


@shop.get("/files/<path:name>")
def file(name: str) -> dict[str, str]:
    """A path, slashes included."""
    return {"name": name}


@shop.get("/kinds/<any(small, large):kind>")
def kind(kind: str) -> dict[str, str]:
    """One of two kinds."""
    return {"kind": kind}


@shop.get("/old-items")
@doc(
    summary="The items, the old way.",
    tags=["legacy"],
    operation_id="oldItems",
    deprecated=True,
    responses={
        200: ResponseDoc("The items.", body=list[Item]),
        301: ResponseDoc("Moved.", headers={"Location": "Where to."}),
    },
)
def old_items() -> t.Any:
    """Replaced by list_items."""
    return [ITEM]


@shop.get("/secret")
@doc(hidden=True)
def secret() -> dict[str, str]:
    """Not in the document."""
    return {"secret": "yes"}


@shop.route("/echo", methods=["GET", "POST"])
def echo() -> str:
    """Text, not data."""
    return "echo"


class StockView(MethodView):
    """The stock level, one method per verb."""

    def get(self) -> Summary:
        """Read the stock level."""
        return {"count": 1, "total": ITEM.price.amount}

    @doc(hidden=True)
    def delete(self) -> tuple[str, t.Literal[204]]:
        """Not in the document."""
        return "", 204


shop.add_url_rule("/stock", view_func=StockView.as_view("stock"))


def create_app(config: t.Mapping[str, t.Any] | None = None) -> ResponsiveFlask:
    """Make the shop app, its document served at /openapi.json and docs at /docs."""
    app = ResponsiveFlask(__name__)
    app.config.update(TESTING=True, OPENAPI_TITLE="Shop", OPENAPI_VERSION="2.1.0")
    app.config.update(config or {})
    app.response_formatters["application/xml"] = XMLFormatter()
    ProblemDetails(app)
    hawk.init_app(app)
    app.register_blueprint(shop)
    OpenAPI(app)
    return app
