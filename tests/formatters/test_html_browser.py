"""The browsable API in real headless Chromium: a rendered page, whose links lead through the API.

A live server runs a ResponsiveFlask app with the page registered; Chromium
opens its endpoints as a person would, with its own ``Accept`` header.
"""

from __future__ import annotations

import typing as t

import pytest
from flask import Blueprint

from flask_api_utils import BrowsableAPIFormatter, ProblemDetails, ResponsiveFlask, XMLFormatter

if t.TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

    from tests.fixtures.live_server import LiveServer, LiveServerFactory

pytestmark = pytest.mark.browser

NOTES = {
    1: {"id": 1, "title": "First", "self": "/notes/1"},
    2: {"id": 2, "title": "Second <b>not bold</b>", "self": "/notes/2"},
}


def _app() -> ResponsiveFlask:
    app = ResponsiveFlask(__name__)
    # XML too: the page must win over it, as Chromium prefers text/html.
    app.response_formatters["application/xml"] = XMLFormatter()
    app.response_formatters["text/html"] = BrowsableAPIFormatter(title="Notes")
    ProblemDetails(app)

    @app.get("/notes")
    def notes() -> dict[str, t.Any]:
        return {"notes": list(NOTES.values()), "docs": "/docs"}

    @app.get("/notes/<int:note_id>")
    def note(note_id: int) -> dict[str, t.Any]:
        return NOTES[note_id]

    app.config["pixel_requests"] = 0

    @app.get("/pixel")
    def pixel() -> dict[str, t.Any]:
        app.config["pixel_requests"] += 1
        return {}

    openapi = Blueprint("openapi", __name__)
    openapi.add_url_rule("/docs", "docs", lambda: "<!DOCTYPE html><title>Docs</title><p>Docs")
    app.register_blueprint(openapi)
    return app


@pytest.fixture
def app() -> ResponsiveFlask:
    return _app()


@pytest.fixture
def server(app: ResponsiveFlask, live_server_factory: LiveServerFactory) -> LiveServer:
    return live_server_factory(app)


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """The page's console errors, where a CSP violation would show; must end empty."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    return errors


def test_chromium_gets_a_rendered_page_not_raw_xml(
    page: Page, server: LiveServer, console_errors: list[str]
) -> None:
    response = page.goto(f"{server.url}/notes")
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "text/html" in response.request.all_headers()["accept"]
    assert "does not appear to have any style information" not in page.content()
    assert page.title() == "GET /notes · 200 OK · Notes"
    assert page.locator("h1").inner_text() == f"GET {server.url}/notes"
    assert page.locator("dd").first.inner_text() == "200 OK"
    # The markup in a value is text on the page, not bold.
    assert "Second <b>not bold</b>" in page.locator("pre").inner_text()
    assert page.locator("pre b").count() == 0
    # The stylesheet applied: the page's own policy allowed it by its hash.
    border = page.locator("pre").evaluate("e => getComputedStyle(e).borderTopStyle")
    assert border == "solid"
    assert console_errors == []


def test_clicking_a_link_in_the_json_opens_that_resource(
    page: Page, server: LiveServer, console_errors: list[str]
) -> None:
    page.goto(f"{server.url}/notes")
    page.locator('pre a[href="/notes/2"]').click()
    page.wait_for_url(f"{server.url}/notes/2")
    assert page.title() == "GET /notes/2 · 200 OK · Notes"
    assert '"title": "Second <b>not bold</b>"' in page.locator("pre").inner_text()
    page.go_back()
    page.wait_for_url(f"{server.url}/notes")
    assert console_errors == []


def test_the_docs_link_opens_the_docs(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/notes/1")
    page.get_by_role("link", name="API documentation").click()
    page.wait_for_url(f"{server.url}/docs")
    assert page.title() == "Docs"


def test_an_error_is_a_page_too(page: Page, server: LiveServer, console_errors: list[str]) -> None:
    response = page.goto(f"{server.url}/nothing-here")
    assert response is not None
    assert response.status == 404
    assert page.locator("dd").first.inner_text() == "404 Not Found"
    assert '"status": 404' in page.locator("pre").inner_text()
    # Chromium reports the 404 itself; nothing else went wrong.
    assert [e for e in console_errors if "404" not in e] == []


def test_the_pages_policy_refuses_anything_injected(
    page: Page, server: LiveServer, app: ResponsiveFlask
) -> None:
    page.goto(f"{server.url}/notes")
    # As if markup had slipped into the page: the policy still loads nothing.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text) as refused:
        page.evaluate(_INJECT_IMAGE, f"{server.url}/pixel")
    assert "default-src 'none'" in refused.value.text
    # The server never saw the request, while it does answer one made outside the page.
    assert app.config["pixel_requests"] == 0
    assert page.request.get(f"{server.url}/pixel").ok
    assert app.config["pixel_requests"] == 1


_INJECT_IMAGE = """url => {
    const image = document.createElement("img");
    image.src = url;
    document.body.append(image);
}"""
