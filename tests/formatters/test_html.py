"""BrowsableAPIFormatter: a readable, linked, escaped page for browsers; other clients unchanged.

Pages are read back with the standard library's HTML parser, as a browser
would tokenise them, so an assertion about a tag or an attribute is about
what a browser would build, not about the bytes' spelling.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import enum
import hashlib
import html.parser
import typing as t
import uuid

import orjson
import pytest
from flask import Blueprint, request
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from flask_api_utils import (
    BrowsableAPIFormatter,
    CSVFormatter,
    ProblemDetails,
    ResponsiveFlask,
    XMLFormatter,
    produces,
)
from flask_api_utils.formatters.html import RESPONSE_STATUS

if t.TYPE_CHECKING:
    from flask.testing import FlaskClient

HTML = "text/html"
CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Note:
    id: int
    title: str
    href: str
    created: datetime.datetime
    tags: list[str]
    _secret: str = "hidden"


NOTE = Note(
    1, "First", "/notes/1", datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC), ["a", "b"]
)


@dataclasses.dataclass
class Page:
    """What a browser would build from a page: its tags, texts and links."""

    tags: list[tuple[str, list[tuple[str, str | None]]]]
    title: str
    heading: str
    fields: dict[str, str]
    code: str
    code_links: list[tuple[str, str]]
    nav_links: list[tuple[str, str]]
    style: str
    text: str


class _Reader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.open: list[str] = []
        self.texts: dict[str, str] = {}
        self.all_text = ""
        self.fields: dict[str, str] = {}
        self.last_dt = ""
        self.links: list[tuple[str, str, str]] = []
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag != "meta":
            self.open.append(tag)
        if tag == "a":
            self.href = dict(attrs)["href"]
            where = "code" if "code" in self.open else "nav"
            self.links.append((where, self.href or "", ""))

    def handle_endtag(self, tag: str) -> None:
        assert self.open, tag
        assert self.open[-1] == tag, (self.open, tag)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.all_text += data
        for tag in set(self.open):
            self.texts[tag] = self.texts.get(tag, "") + data
        if self.open and self.open[-1] == "dt":
            self.last_dt = data
        elif "dd" in self.open:
            self.fields[self.last_dt] = self.fields.get(self.last_dt, "") + data
        if "a" in self.open:
            where, href, text = self.links[-1]
            self.links[-1] = (where, href, text + data)


def read_page(data: bytes) -> Page:
    """Parse a page as a browser tokenises it; every tag must be closed in order."""
    reader = _Reader()
    reader.feed(data.decode())
    reader.close()
    assert reader.open == [], reader.open
    return Page(
        tags=reader.tags,
        title=reader.texts.get("title", ""),
        heading=reader.texts.get("h1", ""),
        fields=reader.fields,
        code=reader.texts.get("code", ""),
        code_links=[(href, text) for where, href, text in reader.links if where == "code"],
        nav_links=[(href, text) for where, href, text in reader.links if where == "nav"],
        style=reader.texts.get("style", ""),
        text=reader.all_text,
    )


def _make_app(*, html: bool = True, xml: bool = False) -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    if xml:
        app.response_formatters["application/xml"] = XMLFormatter()
    if html:
        app.response_formatters[HTML] = BrowsableAPIFormatter()

    @app.get("/notes")
    def notes() -> dict[str, t.Any]:
        return {"notes": [NOTE], "next": "/notes?page=2", "count": 1}

    @app.route("/notes/<int:note_id>", methods=["GET", "PUT", "DELETE"])
    def note(note_id: int) -> Note:
        return dataclasses.replace(NOTE, id=note_id)

    @app.post("/created")
    def created() -> tuple[dict[str, str], int]:
        return {"href": "/notes/2"}, 201

    @app.get("/status/<status>")
    # A status string: Flask takes one at run time, though its types say int.
    def with_status(status: str) -> t.Any:
        return {"status": status}, int(status) if status.isdigit() else status

    @app.get("/csv")
    @produces("text/csv", formatters={"text/csv": CSVFormatter()})
    def csv_only() -> list[dict[str, int]]:
        return [{"a": 1}]

    @app.get("/set")
    def unserialisable() -> dict[str, t.Any]:
        return {"a": {1, 2}}

    return app


@pytest.fixture
def app() -> ResponsiveFlask:
    return _make_app()


@pytest.fixture
def client(app: ResponsiveFlask) -> FlaskClient:
    return app.test_client()


def _browse(client: FlaskClient, path: str, method: str = "GET", **kwargs: t.Any) -> t.Any:
    return client.open(path, method=method, headers={"Accept": CHROMIUM}, **kwargs)


def _format(app: ResponsiveFlask, value: object, path: str = "/") -> Page:
    """Call the formatter directly, inside a request as ResponsiveFlask calls it."""
    with app.test_request_context(path):
        return read_page(BrowsableAPIFormatter()(value))


# The formatter on its own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"a": 1, "b": [True, None, 1.5]}, id="dict"),
        pytest.param([{"a": 1}, {"a": 2}], id="list"),
        pytest.param(NOTE, id="dataclass"),
        pytest.param({"deep": {"er": [[{"x": NOTE}]]}}, id="nested"),
        pytest.param(
            {
                "when": datetime.date(2024, 5, 1),
                "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
                "amount": decimal.Decimal("0.10"),
                "colour": Colour.RED,
                "big": 1.5e20,
                "quote": 'say "hi" \\ \n\t\u2028 ünï',
            },
            id="types-the-json-provider-writes",
        ),
        pytest.param({}, id="empty-dict"),
        pytest.param([], id="empty-list"),
    ],
)
def test_page_shows_the_value_as_the_apps_json_indented(value: object) -> None:
    app = _make_app()
    page = _format(app, value)
    assert page.code == app.json.dumps(value, indent=2)
    assert orjson.loads(page.code) == orjson.loads(app.json.dumps_bytes(value))


def test_page_follows_the_apps_json_settings() -> None:
    app = _make_app()
    app.json.sort_keys = True
    assert _format(app, {"b": 1, "a": 2}).code == '{\n  "a": 2,\n  "b": 1\n}'


@pytest.mark.parametrize(
    "link",
    [
        "/notes/1",
        "/",
        "/search?q=a%20b&page=2#top",
        "http://example.com",
        "https://example.com/a?b=1&c=2",
        "https://user@example.com:8443/ünï",
        '/a"b',
    ],
)
def test_urls_and_absolute_paths_in_values_become_links(link: str) -> None:
    page = _format(_make_app(), {"self": link, "items": [{"href": link}]})
    quoted = orjson.dumps(link).decode()
    assert page.code_links == [(link, quoted), (link, quoted)]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("JavaScript:alert(1)", id="javascript-mixed-case"),
        pytest.param("data:text/html,<script>alert(1)</script>", id="data"),
        pytest.param("//evil.example/x", id="network-path"),
        pytest.param("/\\evil.example", id="backslash-read-as-slash"),
        pytest.param("/\t/evil.example", id="tab-dropped-by-browsers"),
        pytest.param("/a b", id="space"),
        pytest.param(" /a", id="leading-space"),
        pytest.param("notes/1", id="relative-path"),
        pytest.param("mailto:a@example.com", id="mailto"),
        pytest.param("ftp://example.com/", id="ftp"),
        pytest.param("https:///evil.example", id="empty-host"),
        pytest.param("https://", id="scheme-only"),
        pytest.param("http:/notes", id="scheme-without-host"),
        pytest.param("https://a\x00b", id="control-character"),
    ],
)
def test_other_strings_are_not_links(value: str) -> None:
    page = _format(_make_app(), {"value": value, "list": [value]})
    assert page.code_links == []
    assert orjson.loads(page.code) == {"value": value, "list": [value]}


def test_keys_and_other_scalars_are_never_links() -> None:
    page = _format(_make_app(), {"/notes/1": 1, "https://example.com": None, "n": 2})
    assert page.code_links == []


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (None, "200 OK"),
        (418, "418 I'm a teapot"),
        ("418", "418 I'm a teapot"),
        ("418 TEAPOT", "418 TEAPOT"),
        (" 418  ", "418 I'm a teapot"),
        ("nonsense", "nonsense"),
    ],
)
def test_status_comes_from_the_environ_key(
    app: ResponsiveFlask, status: int | str | None, shown: str
) -> None:
    with app.test_request_context("/", environ_base={RESPONSE_STATUS: status}):
        page = read_page(BrowsableAPIFormatter()({}))
    assert page.fields["Status"] == shown


def test_repr_shows_the_settings() -> None:
    formatter = BrowsableAPIFormatter(title="Notes", docs_endpoint="manual")
    assert formatter.title == "Notes"
    assert repr(formatter) == (
        "BrowsableAPIFormatter(title='Notes', docs_endpoint='manual', spec_endpoint='openapi.spec')"
    )


def test_a_value_the_json_provider_cannot_write_is_a_type_error(app: ResponsiveFlask) -> None:
    with app.test_request_context("/"), pytest.raises(TypeError, match="set"):
        BrowsableAPIFormatter()({"a": {1, 2}})


def test_page_is_a_complete_html5_document_with_its_own_style(client: FlaskClient) -> None:
    data = _browse(client, "/notes").data
    assert data.startswith(b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    page = read_page(data)
    names = [tag for tag, _ in page.tags]
    assert names[:2] == ["html", "head"]
    assert names.count("title") == names.count("style") == names.count("body") == 1
    assert "script" not in names
    assert "link" not in names
    # Nothing is loaded from anywhere: no src, no stylesheet link, no url() in the style.
    assert not [attrs for _, attrs in page.tags if any(name == "src" for name, _ in attrs)]
    assert "url(" not in page.style


def test_page_allows_only_its_own_stylesheet(client: FlaskClient) -> None:
    page = read_page(_browse(client, "/notes").data)
    (policy,) = [
        dict(attrs)["content"]
        for tag, attrs in page.tags
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"
    ]
    digest = base64.b64encode(hashlib.sha256(page.style.encode()).digest()).decode()
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives == {
        "default-src": "'none'",
        "style-src": f"'sha256-{digest}'",
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    # The policy comes before anything taken from the request.
    metas = [tag for tag, _ in page.tags[: [tag for tag, _ in page.tags].index("title")]]
    assert metas == ["html", "head", "meta", "meta", "meta"]


# Through the app ------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [CHROMIUM, FIREFOX, SAFARI, "text/html"])
@pytest.mark.parametrize("xml", [False, True], ids=["json-only", "json-and-xml"])
def test_browsers_get_the_page(accept: str, xml: bool) -> None:
    response = _make_app(xml=xml).test_client().get("/notes", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Vary"] == "Accept"
    page = read_page(response.data)
    assert orjson.loads(page.code)["next"] == "/notes?page=2"


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param(None, id="no-accept"),
        pytest.param("", id="empty"),
        pytest.param("*/*", id="curl-requests-httpx"),
        pytest.param("application/json", id="json"),
        pytest.param("application/json, text/plain, */*", id="axios"),
        pytest.param("application/*", id="application-any"),
        pytest.param("application/xml", id="xml"),
        pytest.param("application/json;q=0.5, */*;q=0.1", id="weighted"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/notes"),
        ("GET", "/notes/7"),
        ("POST", "/created"),
        ("GET", "/missing"),
        ("POST", "/notes"),
        ("GET", "/csv"),
    ],
)
def test_registering_html_changes_nothing_for_other_clients(
    accept: str | None, method: str, path: str
) -> None:
    headers = {} if accept is None else {"Accept": accept}
    answers = [
        _make_app(html=html, xml=True).test_client().open(path, method=method, headers=headers)
        for html in (False, True)
    ]
    without, with_html = ((r.status, r.headers.to_wsgi_list(), r.data) for r in answers)
    assert with_html == without
    assert answers[1].mimetype != HTML


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/notes", "200 OK"),
        ("/status/201", "201 Created"),
        ("/status/202%20Accepted%20later", "202 Accepted later"),
        ("/status/203", "203 Non Authoritative Information"),
        ("/status/299", "299 Unknown"),
        ("/missing", "404 Not Found"),
    ],
)
def test_page_shows_the_status(client: FlaskClient, path: str, status: str) -> None:
    response = _browse(client, path)
    page = read_page(response.data)
    assert page.fields["Status"] == status
    # The status line the response is sent with, as Werkzeug spells it.
    assert response.status.upper() == status.upper()
    assert page.title.startswith(f"GET {response.request.path} · {status}")


def test_page_shows_the_method_and_url(client: FlaskClient) -> None:
    page = read_page(_browse(client, "/created?x=1&y=%C3%BC", method="POST").data)
    assert page.heading == "POST http://localhost/created?x=1&y=ü"
    assert page.fields["Status"] == "201 Created"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/notes", "GET, HEAD, OPTIONS"),
        ("GET", "/notes/1", "GET, HEAD, PUT, DELETE, OPTIONS"),
        ("PUT", "/notes/1", "GET, HEAD, PUT, DELETE, OPTIONS"),
        ("POST", "/created", "POST, OPTIONS"),
    ],
)
def test_page_lists_the_methods_of_the_matched_rule(
    client: FlaskClient, method: str, path: str, allowed: str
) -> None:
    assert read_page(_browse(client, path, method=method).data).fields["Allow"] == allowed


def test_a_404_lists_no_methods(client: FlaskClient) -> None:
    response = _browse(client, "/missing")
    assert response.status_code == 404
    assert response.mimetype == HTML
    page = read_page(response.data)
    assert "Allow" not in page.fields
    assert orjson.loads(page.code)["code"] == 404


def test_a_405_lists_the_methods_the_url_allows(client: FlaskClient) -> None:
    response = _browse(client, "/notes/1", method="POST")
    assert response.status_code == 405
    assert response.mimetype == HTML
    page = read_page(response.data)
    assert page.fields["Status"] == "405 Method Not Allowed"
    assert set(page.fields["Allow"].split(", ")) == set(response.headers["Allow"].split(", "))


def test_a_406_body_is_a_page_when_the_client_accepts_html(client: FlaskClient) -> None:
    response = client.get("/csv", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.mimetype == HTML
    page = read_page(response.data)
    assert page.fields["Status"] == "406 Not Acceptable"
    assert orjson.loads(page.code) == {"mimetypes": ["text/csv"]}


def test_a_406_body_stays_in_the_default_type_for_other_clients(client: FlaskClient) -> None:
    response = client.get("/csv", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.get_json() == {"mimetypes": ["text/csv"]}
    response = client.get("/notes", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.get_json() == {"mimetypes": ["application/json", "text/html"]}


def test_an_unknown_format_name_is_a_406_page(app: ResponsiveFlask) -> None:
    app.format_parameter = "format"
    response = _browse(app.test_client(), "/notes?format=yaml")
    assert response.status_code == 406
    assert response.mimetype == HTML
    page = read_page(response.data)
    assert page.fields["Status"] == "406 Not Acceptable"
    assert orjson.loads(page.code)["formats"] == ["csv", "json", "xml"]


def test_a_view_narrowed_by_produces_is_not_browsable(client: FlaskClient) -> None:
    # The browser's */* accepts the view's own type, which it then gets.
    response = _browse(client, "/csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"


def test_a_value_no_formatter_can_write_is_still_a_500_page(client: FlaskClient) -> None:
    response = _browse(client, "/set")
    assert response.status_code == 500
    assert response.mimetype == HTML
    assert read_page(response.data).fields["Status"] == "500 Internal Server Error"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/missing", 404), ("POST", "/notes", 405), ("GET", "/csv", 200)],
)
def test_problem_details_are_pages_for_browsers(method: str, path: str, status: int) -> None:
    app = _make_app()
    ProblemDetails(app)
    client = app.test_client()
    response = _browse(client, path, method=method)
    assert response.status_code == status
    if status == 200:
        return
    assert response.mimetype == HTML
    assert response.headers["Vary"] == "Accept"
    page = read_page(response.data)
    assert page.fields["Status"].startswith(f"{status} ")
    assert orjson.loads(page.code)["status"] == status
    # Every other client gets the problem as it did.
    plain = client.open(path, method=method)
    assert plain.mimetype == "application/problem+json"
    assert plain.get_json(force=True)["status"] == status


def test_problem_without_html_registered_is_unchanged_for_browsers() -> None:
    app = _make_app(html=False)
    ProblemDetails(app)
    response = _browse(app.test_client(), "/missing")
    assert response.mimetype == "application/problem+xml"


def _openapi_blueprint() -> Blueprint:
    openapi = Blueprint("openapi", __name__)
    openapi.add_url_rule("/docs", "docs", lambda: "docs")
    openapi.add_url_rule("/openapi.json", "spec", lambda: "{}")
    return openapi


def test_page_links_to_the_docs_and_the_openapi_document() -> None:
    app = _make_app()
    app.register_blueprint(_openapi_blueprint(), url_prefix="/api")
    page = read_page(_browse(app.test_client(), "/notes").data)
    assert page.nav_links == [
        ("/api/docs", "API documentation"),
        ("/api/openapi.json", "OpenAPI document"),
    ]


def test_page_has_no_docs_links_without_the_docs(client: FlaskClient) -> None:
    assert read_page(_browse(client, "/notes").data).nav_links == []


def test_docs_endpoints_can_be_named() -> None:
    app = _make_app()
    app.response_formatters[HTML] = BrowsableAPIFormatter(
        title="Notes API", docs_endpoint="manual", spec_endpoint="missing"
    )
    app.add_url_rule("/manual", "manual", lambda: "manual")
    response = _browse(app.test_client(), "/notes")
    page = read_page(response.data)
    assert page.nav_links == [("/manual", "API documentation")]
    assert page.title == "GET /notes · 200 OK · Notes API"
    assert "Notes API" in page.text


def test_links_in_the_value_point_where_the_json_says(client: FlaskClient) -> None:
    page = read_page(_browse(client, "/notes").data)
    assert page.code_links == [("/notes/1", '"/notes/1"'), ("/notes?page=2", '"/notes?page=2"')]
    followed = _browse(client, page.code_links[0][0])
    assert orjson.loads(read_page(followed.data).code)["id"] == 1


# Hostile input ----------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</code></pre></body><script>alert(1)</script>",
    '/"><img/src=x/onerror=alert(1)>',
    "https://x.example/\"><script>alert('x')</script>",
    "<!--",
    "&lt;script&gt;",
]

_SAFE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "span", "nav", "a", "dl",
    "dt", "dd", "pre", "code",
}  # fmt: skip
_SAFE_ATTRIBUTES = {"lang", "charset", "http-equiv", "name", "content", "class", "href"}


def assert_only_our_markup(data: bytes) -> Page:
    """No tag, attribute or link that the page does not make itself."""
    text = data.decode()
    for dangerous in ("<script", "<img", "<svg", "<!--", "<iframe"):
        assert dangerous not in text.lower()
    page = read_page(data)
    for tag, attrs in page.tags:
        assert tag in _SAFE_TAGS, tag
        for name, value in attrs:
            assert name in _SAFE_ATTRIBUTES, (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith(("/", "http://", "https://")), value
                assert not value.startswith("//"), value
    return page


@pytest.fixture
def hostile_app() -> ResponsiveFlask:
    app = _make_app()
    app.response_formatters[HTML] = BrowsableAPIFormatter(title=PAYLOADS[0] + PAYLOADS[1])

    @app.get("/echo/<path:name>")
    def echo(name: str) -> t.Any:
        members: dict[str, t.Any] = {p: p for p in PAYLOADS}
        members["nested"] = [{p: [p]} for p in PAYLOADS]
        members["name"] = name
        members["query"] = request.args.to_dict()
        return members, f"200 {PAYLOADS[1]}"

    return app


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_field_can_inject_markup(hostile_app: ResponsiveFlask, payload: str) -> None:
    client = hostile_app.test_client()
    response = client.get(
        "/echo/p" + payload,
        query_string={payload: payload},
        # Werkzeug drops a Host with such characters; the page must not depend on it.
        # (Werkzeug 3.0's own test client cannot send one with a colon.)
        headers={"Accept": CHROMIUM, "Host": "x" + payload.replace(" ", "").replace(":", "")},
    )
    assert response.status_code == 200
    page = assert_only_our_markup(response.data)
    shown = orjson.loads(page.code)
    assert shown["nested"] == [{p: [p]} for p in PAYLOADS]
    assert shown["query"] == {payload: payload}
    assert page.fields["Status"] == f"200 {PAYLOADS[1]}"
    assert PAYLOADS[0] + PAYLOADS[1] in page.title


def test_a_host_with_a_port_that_is_no_number_still_gets_the_page(
    hostile_app: ResponsiveFlask,
) -> None:
    # Straight through the WSGI callable: Werkzeug before 3.1 fails to parse
    # such a Host only when the URL is read, and the page reads it.
    environ = EnvironBuilder("/echo/p", headers=[("Accept", CHROMIUM)]).get_environ()
    environ["HTTP_HOST"] = "example.com:alert(1)"
    response = Response.from_app(hostile_app, environ)
    assert response.status_code == 200
    page = assert_only_our_markup(response.data)
    assert page.heading.startswith("GET ")
    assert "/echo/p" in page.heading


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_method_or_missing_path_can_inject_markup(
    hostile_app: ResponsiveFlask, payload: str
) -> None:
    client = hostile_app.test_client()
    missing = client.get("/" + payload, headers={"Accept": CHROMIUM})
    assert missing.status_code == 404
    assert_only_our_markup(missing.data)
    method = payload.replace(" ", "").upper()
    refused = client.open("/notes", method=method, headers={"Accept": CHROMIUM})
    assert refused.status_code == 405
    page = assert_only_our_markup(refused.data)
    assert page.heading.startswith(method + " ")
