"""How much typed request bodies and negotiating first cost, in ratios from one run.

Every app is called through its WSGI callable in this one process, in
interleaved rounds, so load elsewhere on the machine slows both sides of a
ratio alike. Run it with ``make bench``. Targets (issue 11):

- 1,000 records into ``list[Record]`` over the whole round trip: at most
  1.3x (pydantic's own ``validate_json`` on the same bytes + an empty-view
  round trip), and faster than APIFlask and Flask-Pydantic on the same data
  (those two are measured when installed: ``pip install -r requirements/bench.txt``);
- a small typed body: no slower than ``request.get_json()`` and a dataclass
  built by hand;
- negotiating before the view: the tiny JSON round trip at most 1.00x plain Flask.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import statistics
import sys
import time
import typing as t

import orjson
from flask import Flask, request
from pydantic import TypeAdapter

from flask_api_utils import ResponsiveFlask

WSGIApp = t.Callable[[dict[str, t.Any], t.Callable[..., t.Any]], t.Iterable[bytes]]
Call = t.Callable[[], object]


@dataclasses.dataclass
class Record:
    id: int
    name: str
    price: float
    tags: list[str]


@dataclasses.dataclass
class Small:
    title: str
    body: str = ""


RECORDS = orjson.dumps(
    [{"id": i, "name": f"item-{i}", "price": i * 1.5, "tags": ["a", "b"]} for i in range(1000)]
)
SMALL = orjson.dumps({"title": "hello", "body": "world"})
ADAPTER = TypeAdapter(list[Record])


def _environ(method: str, path: str, body: bytes) -> dict[str, t.Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_ACCEPT": "application/json",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _request(app: WSGIApp, method: str, path: str, body: bytes = b"") -> Call:
    def call() -> bytes:
        status: list[str] = []

        def start_response(s: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> None:
            status.append(s)

        data = b"".join(app(_environ(method, path, body), start_response))
        assert status[0][:1] == "2", (status, data[:200])
        return data

    return call


def _typed_app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)

    @app.post("/records")
    def create_records(records: list[Record]) -> tuple[dict[str, int], int]:
        return {"count": len(records)}, 201

    @app.post("/empty")
    def empty() -> tuple[dict[str, int], int]:
        return {"count": 0}, 201

    @app.post("/small")
    def create_small(note: Small) -> tuple[dict[str, str], int]:
        return {"title": note.title}, 201

    @app.post("/small-by-hand")
    def create_small_by_hand() -> tuple[dict[str, str], int]:
        data = request.get_json()
        note = Small(title=data["title"], body=data.get("body", ""))
        return {"title": note.title}, 201

    @app.get("/tiny")
    def tiny() -> dict[str, str]:
        return {"hello": "world"}

    return app


def _flask_app() -> Flask:
    app = Flask(__name__)

    @app.get("/tiny")
    def tiny() -> dict[str, str]:
        return {"hello": "world"}

    return app


def _peer_apps() -> dict[str, WSGIApp]:
    """APIFlask (marshmallow, its default) and Flask-Pydantic, when installed."""
    peers: dict[str, WSGIApp] = {}
    if importlib.util.find_spec("apiflask") is not None:
        from apiflask import APIFlask, Schema
        from apiflask.fields import Float, Integer, List, String

        class RecordSchema(Schema):
            id = Integer(required=True)
            name = String(required=True)
            price = Float(required=True)
            tags = List(String(), required=True)

        apiflask_app = APIFlask(__name__, spec_path=None, docs_path=None)

        @apiflask_app.post("/records")
        @apiflask_app.input(RecordSchema(many=True), arg_name="records")
        def apiflask_records(records: list[dict[str, t.Any]]) -> tuple[dict[str, int], int]:
            return {"count": len(records)}, 201

        peers["APIFlask"] = apiflask_app
    if importlib.util.find_spec("flask_pydantic") is not None:
        from flask_pydantic import validate
        from pydantic import BaseModel

        class RecordModel(BaseModel):
            id: int
            name: str
            price: float
            tags: list[str]

        pydantic_app = Flask(__name__)

        def flask_pydantic_records(body: RecordModel) -> tuple[dict[str, int], int]:
            return {"count": len(t.cast(list[RecordModel], body))}, 201

        # Flask-Pydantic reads __annotations__ as they are, and this module's
        # are strings (postponed evaluation): give it the class.
        flask_pydantic_records.__annotations__["body"] = RecordModel
        pydantic_app.post("/records")(validate(request_body_many=True)(flask_pydantic_records))

        peers["Flask-Pydantic"] = pydantic_app
    return peers


def _validate_then_empty(empty: Call) -> Call:
    def call() -> object:
        ADAPTER.validate_json(RECORDS)
        return empty()

    return call


def _seconds_per_call(call: Call, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def main() -> None:
    typed, flask_app = _typed_app(), _flask_app()
    typed_wsgi = t.cast(WSGIApp, typed)
    empty = _request(typed_wsgi, "POST", "/empty")
    rows: list[tuple[str, Call, int, int]] = [
        ("1k records, typed view", _request(typed_wsgi, "POST", "/records", RECORDS), 20, 9),
        ("1k records, validate_json + empty view", _validate_then_empty(empty), 20, 9),
        # The small-body rows differ by a few microseconds in about 140: more
        # rounds, as for the tiny rows, so that the medians settle.
        ("small body, typed view", _request(typed_wsgi, "POST", "/small", SMALL), 2000, 15),
        (
            "small body, get_json + dataclass by hand",
            _request(typed_wsgi, "POST", "/small-by-hand", SMALL),
            2000,
            15,
        ),
        (
            "tiny JSON, ResponsiveFlask (negotiated first)",
            _request(typed_wsgi, "GET", "/tiny"),
            2000,
            15,
        ),
        ("tiny JSON, plain Flask", _request(t.cast(WSGIApp, flask_app), "GET", "/tiny"), 2000, 15),
    ]
    peers = _peer_apps()
    for name, app in peers.items():
        rows.append((f"1k records, {name}", _request(app, "POST", "/records", RECORDS), 5, 9))
    for _name, call, _number, _repeat in rows:
        call()
    # Rounds interleave the calls, so a burst of load slows each side alike.
    samples: dict[str, list[float]] = {row[0]: [] for row in rows}
    for round_ in range(max(row[3] for row in rows)):
        for name, call, number, repeat in rows:
            if round_ < repeat:
                samples[name].append(_seconds_per_call(call, number))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name in samples:
        print(f"{name:48} {medians[name] * 1e6:12.1f} us")

    def ratio(label: str, a: str, b: str, target: str) -> None:
        print(f"{label:66} {medians[a] / medians[b]:6.2f}  (target {target})")

    print()
    ratio(
        "1k records: typed view / (validate_json + empty view)",
        "1k records, typed view",
        "1k records, validate_json + empty view",
        "<= 1.3",
    )
    for name in ("APIFlask", "Flask-Pydantic"):
        if name in peers:
            ratio(
                f"1k records: {name} / typed view (speed-up)",
                f"1k records, {name}",
                "1k records, typed view",
                "> 1",
            )
        else:
            print(f"1k records: {name} not installed (pip install -r requirements/bench.txt)")
    ratio(
        "small body: typed view / get_json + dataclass by hand",
        "small body, typed view",
        "small body, get_json + dataclass by hand",
        "<= 1.00",
    )
    ratio(
        "tiny JSON: ResponsiveFlask negotiated first / plain Flask",
        "tiny JSON, ResponsiveFlask (negotiated first)",
        "tiny JSON, plain Flask",
        "<= 1.00",
    )


if __name__ == "__main__":
    main()
