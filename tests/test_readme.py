"""The README's examples run, and answer what its transcripts show.

A section that starts with ``<!-- readme-app: NAME -->`` has a Python block
that builds an app; every ``console`` block after it, up to the next ``##``
heading, that starts with ``$ curl`` is a request and the response it prints.
Each is replayed through the app's test client and compared: status line,
every header shown, and the body. A Python block right after
``<!-- readme-run -->`` is a script that asserts what it shows, and runs.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
import shlex
import typing as t
import urllib.parse

import pytest
from flask import Flask

README = pathlib.Path(__file__).parent.parent / "README.md"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_APP_MARKER = re.compile(r"<!-- readme-app: (\S+) -->")


@dataclasses.dataclass
class Exchange:
    app_name: str
    command: str
    status_line: str
    headers: list[tuple[str, str]]
    body: str


def _sections() -> dict[str, tuple[str, list[Exchange]]]:
    """Map each app name to its Python source and its transcripts."""
    sections: dict[str, tuple[str, list[Exchange]]] = {}
    for chunk in re.split(r"^## ", README.read_text(), flags=re.MULTILINE):
        marker = _APP_MARKER.search(chunk)
        if marker is None:
            continue
        name = marker.group(1)
        blocks = _BLOCK.findall(chunk[marker.end() :])
        source = next(text for lang, text in blocks if lang == "python")
        exchanges = [
            _exchange(name, text)
            for lang, text in blocks
            if lang == "console" and text.startswith("$ curl")
        ]
        sections[name] = (source, exchanges)
    return sections


def _exchange(app_name: str, text: str) -> Exchange:
    command, status_line, *rest = text.rstrip("\n").split("\n")
    blank = rest.index("")
    headers = [tuple(line.split(": ", 1)) for line in rest[:blank]]
    return Exchange(
        app_name,
        command.removeprefix("$ "),
        status_line,
        t.cast(list[tuple[str, str]], headers),
        "\n".join(rest[blank + 1 :]),
    )


def _scripts() -> list[str]:
    """The Python blocks marked ``<!-- readme-run -->``: scripts that assert what they show."""
    text = README.read_text()
    return [
        _BLOCK.match(text, marker.end() + 1).group(2)  # type: ignore[union-attr]
        for marker in re.finditer(r"<!-- readme-run -->", text)
    ]


SECTIONS = _sections()
SCRIPTS = _scripts()
EXCHANGES = [exchange for _, exchanges in SECTIONS.values() for exchange in exchanges]


def curl_request(exchange: Exchange) -> tuple[str, str, dict[str, str], str | None]:
    """Read a transcript's curl command: its method, URL, headers and body."""
    argv = shlex.split(exchange.command)
    assert argv[0] == "curl"
    method, headers, data, url = "GET", {}, None, ""
    args = iter(argv[1:])
    for arg in args:
        if arg == "-i":
            continue
        if arg == "-H":
            name, value = next(args).split(": ", 1)
            headers[name] = value
        elif arg == "-X":
            method = next(args)
        elif arg == "-d":
            data = next(args)
        else:
            url = arg
    return method, url, headers, data


def _build_app(name: str) -> Flask:
    namespace: dict[str, t.Any] = {"__name__": f"readme_{name}"}
    # dont_inherit: the README's code runs without this module's
    # `from __future__ import annotations`, as it would when copied.
    exec(compile(SECTIONS[name][0], f"README.md ({name})", "exec", dont_inherit=True), namespace)
    app = namespace["app"]
    assert isinstance(app, Flask)
    return app


def test_readme_has_runnable_examples() -> None:
    assert set(SECTIONS) >= {"hello", "errors", "hawk"}
    assert len(EXCHANGES) >= 8
    assert SCRIPTS


@pytest.mark.parametrize("source", SCRIPTS)
def test_readme_script_runs(source: str) -> None:
    code = compile(source, "README.md (script)", "exec", dont_inherit=True)
    exec(code, {"__name__": "readme_script"})


@pytest.mark.parametrize(
    "exchange", EXCHANGES, ids=[f"{e.app_name}:{e.command}" for e in EXCHANGES]
)
def test_readme_transcript_matches_the_code(exchange: Exchange) -> None:
    method, url, headers, data = curl_request(exchange)
    target = urllib.parse.urlsplit(url)
    client = _build_app(exchange.app_name).test_client()
    response = client.open(
        target.path, query_string=target.query, method=method, headers=headers, data=data
    )

    protocol, status = exchange.status_line.split(" ", 1)
    assert protocol == "HTTP/1.1"
    assert response.status == status
    for name, value in exchange.headers:
        assert response.headers.get(name) == value, name
    if response.mimetype == "application/json":
        assert response.get_json() == json.loads(exchange.body)
        # The transcript shows the bytes that are really sent.
        assert response.get_data(as_text=True) == exchange.body
    elif response.mimetype == "text/csv":
        # CSV ends every line with CRLF, which a transcript shows as lines.
        text = response.get_data(as_text=True)
        assert text.endswith("\r\n")
        assert text.removesuffix("\r\n").split("\r\n") == exchange.body.split("\n")
    else:
        assert response.get_data(as_text=True) == exchange.body
