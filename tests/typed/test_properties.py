"""Random JSON and XML bodies against typed dataclasses: a 2xx or a 4xx, never a 500."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import typing as t

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask_api_utils import ResponsiveFlask, XMLFormatter


@dataclasses.dataclass
class Line:
    price: decimal.Decimal
    count: int = 1


@dataclasses.dataclass
class Basket:
    lines: list[Line]
    owner: str | None = None
    when: datetime.date | None = None
    kind: t.Literal["a", "b"] = "a"


app = ResponsiveFlask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 4096


@app.post("/baskets")
def create(basket: Basket) -> tuple[Basket, int]:
    return basket, 201


@app.post("/many")
async def many(baskets: list[Basket]) -> dict[str, int]:
    return {"count": len(baskets)}


client = app.test_client()
ALLOWED = {200, 201, 400, 413, 415, 422}

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["lines", "price", "count", "owner", "when", "kind", "x"]) | st.text(),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_json, path=st.sampled_from(["/baskets", "/many"]))
def test_random_json_is_never_a_server_error(value: object, path: str) -> None:
    response = client.post(path, data=json.dumps(value), content_type="application/json")
    assert response.status_code in ALLOWED, response.get_data(as_text=True)


@settings(max_examples=100, deadline=None)
@given(
    data=st.binary(max_size=200),
    content_type=st.sampled_from(
        ["application/json", "application/xml", "application/x-www-form-urlencoded", "text/plain"]
    ),
)
def test_random_bytes_are_never_a_server_error(data: bytes, content_type: str) -> None:
    response = client.post("/baskets", data=data, content_type=content_type)
    assert response.status_code in ALLOWED


_xml_values = st.recursive(
    st.none()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=10)
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["lines", "price", "count", "owner", "when", "kind", "item", "key"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_xml_values, root=st.sampled_from(["response", "basket"]))
def test_random_xml_is_never_a_server_error(value: object, root: str) -> None:
    data = XMLFormatter(root=root)(value)
    response = client.post("/baskets", data=data, content_type="application/xml")
    assert response.status_code in ALLOWED, response.get_data(as_text=True)


_baskets = st.builds(
    Basket,
    lines=st.lists(
        st.builds(
            Line,
            price=st.decimals(allow_nan=False, allow_infinity=False, places=2),
            count=st.integers(-(2**63), 2**63 - 1),
        ),
        max_size=3,
    ),
    owner=st.none()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=10),
    when=st.none() | st.dates(),
    kind=st.sampled_from(["a", "b"]),
)


@settings(max_examples=100, deadline=None)
@given(basket=_baskets)
def test_any_basket_written_as_xml_reads_back_equal(basket: Basket) -> None:
    response = client.post("/baskets", data=XMLFormatter()(basket), content_type="application/xml")
    assert response.status_code == 201, response.get_data(as_text=True)
    sent = json.loads(app.json.dumps(basket))
    assert response.get_json() == sent
