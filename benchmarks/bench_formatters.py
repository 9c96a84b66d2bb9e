"""Time the formatters against the fastest code that writes the same bytes.

XML: :class:`~flask_api_utils.formatters.XMLFormatter` against a hand-written
lxml builder that knows the record layout (``Element``/``SubElement``, then
``tostring``); the target is at most 1.5 times its time. JSON: the provider's
``dumps_bytes`` against a bare ``orjson.dumps`` call that writes dates itself
(the provider routes them through Python to avoid an orjson bug with times).

Run from the project root: ``PYTHONPATH=src python benchmarks/bench_formatters.py``.
Each measurement is the best of a few bounded ``timeit`` repeats.
"""

from __future__ import annotations

import datetime
import timeit
import typing as t

import orjson
from flask import Flask
from lxml import etree

from flask_api_utils.formatters import OrjsonProvider, XMLFormatter
from flask_api_utils.formatters.json import _default

__all__ = ["handwritten_xml", "main", "make_records"]

RECORDS = 10_000
REPEATS = 5
XML_TARGET_RATIO = 1.5


def make_records(count: int) -> list[dict[str, t.Any]]:
    """Return ``count`` records of mixed fields, as an API listing would hold."""
    joined = datetime.date(2024, 5, 1)
    return [
        {
            "id": i,
            "name": f"user {i}",
            "score": i * 0.25,
            "active": i % 2 == 0,
            "note": None,
            "joined": joined + datetime.timedelta(days=i % 365),
            "address": {"city": "Kazan", "zip": f"{420000 + i % 1000}"},
            "tags": ["staff", "beta"],
        }
        for i in range(count)
    ]


def handwritten_xml(records: list[dict[str, t.Any]]) -> bytes:
    """Build the document XMLFormatter writes, knowing every field's type in advance."""
    sub = etree.SubElement
    root = etree.Element("response")
    for record in records:
        element = sub(root, "item")
        sub(element, "id").text = str(record["id"])
        sub(element, "name").text = record["name"]
        sub(element, "score").text = repr(record["score"])
        sub(element, "active").text = "true" if record["active"] else "false"
        sub(element, "note", nil="true")
        sub(element, "joined").text = record["joined"].isoformat()
        address = sub(element, "address")
        sub(address, "city").text = record["address"]["city"]
        sub(address, "zip").text = record["address"]["zip"]
        tags = sub(element, "tags")
        for tag in record["tags"]:
            sub(tags, "item").text = tag
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _best(function: t.Callable[[], object]) -> float:
    return min(timeit.repeat(function, number=1, repeat=REPEATS))


def main() -> int:
    """Print the timings; return 1 if the XML formatter misses its target."""
    records = make_records(RECORDS)
    formatter = XMLFormatter()
    if formatter(records) != handwritten_xml(records):
        print("XMLFormatter and the hand-written builder disagree")
        return 1
    ours = _best(lambda: formatter(records))
    baseline = _best(lambda: handwritten_xml(records))
    ratio = ours / baseline
    print(f"XML, {RECORDS} records: XMLFormatter {ours * 1000:.1f} ms, ", end="")
    print(f"hand-written lxml {baseline * 1000:.1f} ms, ratio {ratio:.2f} ", end="")
    print(f"(target <= {XML_TARGET_RATIO})")

    app = Flask(__name__)
    app.json = provider = OrjsonProvider(app)
    option = orjson.OPT_NON_STR_KEYS  # orjson writing dates natively
    if provider.dumps_bytes(records) != orjson.dumps(records, _default, option):
        print("dumps_bytes and orjson.dumps disagree")
        return 1
    ours = _best(lambda: provider.dumps_bytes(records))
    baseline = _best(lambda: orjson.dumps(records, _default, option))
    print(f"JSON, {RECORDS} records: dumps_bytes {ours * 1000:.2f} ms, ", end="")
    print(f"bare orjson.dumps, native dates {baseline * 1000:.2f} ms")

    small = {"hello": "world"}
    calls = 200_000
    ours = min(timeit.repeat(lambda: provider.dumps_bytes(small), number=calls, repeat=REPEATS))
    baseline = min(
        timeit.repeat(lambda: orjson.dumps(small, _default, option), number=calls, repeat=REPEATS)
    )
    print(f"JSON, one small dict: dumps_bytes {ours / calls * 1e9:.0f} ns, ", end="")
    print(f"bare orjson.dumps {baseline / calls * 1e9:.0f} ns")
    return 0 if ratio <= XML_TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
