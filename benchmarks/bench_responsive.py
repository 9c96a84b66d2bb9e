"""How fast negotiated responses are, against plain Flask and the bare stack.

Every app is called through its WSGI callable in this one process, so the
ratios printed at the end compare like with like on whatever machine runs
this. Run it with ``make bench``. Targets (issue 3):

- tiny payload: negotiated JSON no slower than plain Flask returning the dict;
- 10,000 records: at least 8x faster than plain Flask, at most 1.25x a bare
  Werkzeug ``Response(orjson.dumps(data))`` app;
- 10,000 records as XML: at most 1.5x a hand-written lxml builder.
"""

from __future__ import annotations

import datetime
import io
import statistics
import sys
import time
import typing as t

import orjson
from flask import Flask
from lxml import etree
from werkzeug.wrappers import Request, Response

from flask_api_utils import ResponsiveFlask, XMLFormatter

WSGIApp = t.Callable[[dict[str, t.Any], t.Callable[..., t.Any]], t.Iterable[bytes]]


def _records(n: int) -> list[dict[str, t.Any]]:
    return [
        {
            "id": i,
            "name": f"user-{i}",
            "score": i * 0.5,
            "active": i % 2 == 0,
            "manager": None,
            "joined": datetime.date(2024, 1, 1 + i % 28).isoformat(),
            "address": {"city": "Ankara", "zip": f"{i:05d}"},
            "tags": ["a", "b"],
        }
        for i in range(n)
    ]


TINY = {"hello": "world"}
LARGE = _records(10_000)


def _environ(path: str, accept: str | None) -> dict[str, t.Any]:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if accept is not None:
        environ["HTTP_ACCEPT"] = accept
    return environ


def _call(app: WSGIApp, path: str, accept: str | None) -> bytes:
    status: list[str] = []

    def start_response(s: str, headers: list[tuple[str, str]], exc_info: t.Any = None) -> None:
        status.append(s)

    body = b"".join(app(_environ(path, accept), start_response))
    assert status[0].startswith("200"), status
    return body


def _seconds_per_call(app: WSGIApp, path: str, accept: str | None, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        _call(app, path, accept)
    return (time.perf_counter() - start) / number


def _responsive_app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    app.response_formatters["application/xml"] = XMLFormatter()

    @app.get("/tiny")
    def tiny() -> dict[str, str]:
        return TINY

    @app.get("/large")
    def large() -> list[dict[str, t.Any]]:
        return LARGE

    return app


def _flask_app() -> Flask:
    app = Flask(__name__)

    @app.get("/tiny")
    def tiny() -> dict[str, str]:
        return TINY

    @app.get("/large")
    def large() -> list[dict[str, t.Any]]:
        return LARGE

    return app


@Request.application
def _bare_orjson_app(request: Request) -> Response:
    data = TINY if request.path == "/tiny" else LARGE
    return Response(orjson.dumps(data), content_type="application/json")


def _hand_written_xml(records: list[dict[str, t.Any]]) -> bytes:
    root = etree.Element("response")
    for record in records:
        item = etree.SubElement(root, "item")
        for key, value in record.items():
            child = etree.SubElement(item, key)
            if isinstance(value, dict):
                for k, v in value.items():
                    etree.SubElement(child, k).text = v
            elif isinstance(value, list):
                for v in value:
                    etree.SubElement(child, "item").text = v
            elif value is None:
                child.set("nil", "true")
            elif isinstance(value, bool):
                child.text = "true" if value else "false"
            else:
                child.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@Request.application
def _bare_lxml_app(request: Request) -> Response:
    return Response(_hand_written_xml(LARGE), content_type="application/xml; charset=utf-8")


def main() -> None:
    responsive, flask_app = _responsive_app(), _flask_app()
    bare_json = t.cast(WSGIApp, _bare_orjson_app)
    bare_xml = t.cast(WSGIApp, _bare_lxml_app)
    rows = [
        ("tiny JSON, ResponsiveFlask", responsive, "/tiny", "application/json", 2000, 15),
        ("tiny JSON, plain Flask", flask_app, "/tiny", "application/json", 2000, 15),
        ("tiny JSON, bare Werkzeug+orjson", bare_json, "/tiny", "application/json", 2000, 15),
        ("10k records JSON, ResponsiveFlask", responsive, "/large", "application/json", 10, 7),
        ("10k records JSON, plain Flask", flask_app, "/large", "application/json", 3, 5),
        ("10k records JSON, bare Werkzeug+orjson", bare_json, "/large", "application/json", 10, 7),
        ("10k records XML, ResponsiveFlask", responsive, "/large", "application/xml", 3, 7),
        ("10k records XML, hand-written lxml", bare_xml, "/large", None, 3, 7),
    ]
    # Rounds interleave the apps, so a burst of load elsewhere on the machine
    # slows every app's sample of that round rather than one app's median.
    samples: dict[str, list[float]] = {row[0]: [] for row in rows}
    for _name, app, path, accept, _number, _repeat in rows:
        _call(t.cast(WSGIApp, app), path, accept)
    for round_ in range(max(row[5] for row in rows)):
        for name, app, path, accept, number, repeat in rows:
            if round_ < repeat:
                samples[name].append(_seconds_per_call(t.cast(WSGIApp, app), path, accept, number))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name in samples:
        print(f"{name:42} {medians[name] * 1e6:12.1f} us")

    def ratio(label: str, a: str, b: str, target: str) -> None:
        print(f"{label:60} {medians[a] / medians[b]:6.2f}  (target {target})")

    print()
    ratio(
        "tiny: ResponsiveFlask / plain Flask",
        "tiny JSON, ResponsiveFlask",
        "tiny JSON, plain Flask",
        "<= 1.00",
    )
    ratio(
        "10k: plain Flask / ResponsiveFlask (speed-up)",
        "10k records JSON, plain Flask",
        "10k records JSON, ResponsiveFlask",
        ">= 8",
    )
    ratio(
        "10k: ResponsiveFlask / bare Werkzeug+orjson",
        "10k records JSON, ResponsiveFlask",
        "10k records JSON, bare Werkzeug+orjson",
        "<= 1.25",
    )
    ratio(
        "10k XML: ResponsiveFlask / hand-written lxml",
        "10k records XML, ResponsiveFlask",
        "10k records XML, hand-written lxml",
        "<= 1.5",
    )


if __name__ == "__main__":
    main()
