"""The example's interactive docs in real headless Chromium, with no network but 127.0.0.1.

Swagger UI comes from the assets installed with the package: every request
the page makes is recorded, and none leaves the example's own server.
"""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request

    from tests.example.notes_server import NotesDemo

pytestmark = pytest.mark.browser


def test_docs_load_offline_and_list_the_operations(page: Page, notes_demo: NotesDemo) -> None:
    requested: list[str] = []
    problems: list[str] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        # A Content-Security-Policy violation is reported here, as an error.
        if message.type == "error":
            problems.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.goto(f"{notes_demo.url}/docs")
    page.locator(".opblock").first.wait_for()

    assert page.locator(".info .title").inner_text().startswith("Notes API")
    paths = {
        text.replace("\u200b", "")
        for text in page.locator(".opblock-summary-path").all_inner_texts()
    }
    assert paths == {"/api/", "/api/me", "/api/notes", "/api/notes/{note_id}"}
    methods = page.locator(".opblock-summary-method").all_inner_texts()
    assert sorted(methods) == sorted(["GET", "GET", "GET", "POST", "GET", "PUT", "DELETE"])
    assert requested, "the page made no request"
    assert all(url.startswith(f"{notes_demo.url}/") for url in requested), requested
    assert f"{notes_demo.url}/openapi.json" in requested
    assert not problems, problems


def test_try_it_out_calls_a_public_endpoint(page: Page, notes_demo: NotesDemo) -> None:
    page.goto(f"{notes_demo.url}/docs")
    operation = page.locator("#operations-api-index")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(f"{notes_demo.url}/api/") as called:
        operation.get_by_role("button", name="Execute").click()

    assert called.value.status == 200
    assert called.value.json()["notes"] == "/api/notes"
    # Swagger UI shows the call's status under "Server response".
    live = operation.locator(".live-responses-table tbody .response-col_status").first
    live.wait_for()
    assert live.inner_text().strip() == "200"


def test_a_browser_opening_the_api_gets_the_browsable_page(
    page: Page, notes_demo: NotesDemo
) -> None:
    page.goto(f"{notes_demo.url}/api/")
    assert page.locator("pre").first.inner_text().startswith("{")
    assert "This XML file" not in page.content()

    # The JSON's links are links: the docs, and the notes (a 401 page until logged in).
    page.locator('pre a[href="/api/notes"]').click()
    page.wait_for_url(f"{notes_demo.url}/api/notes")
    assert "401" in page.locator("body").inner_text()
    page.go_back()
    page.get_by_role("link", name="API documentation").click()
    page.wait_for_url(f"{notes_demo.url}/docs")
    page.locator(".opblock").first.wait_for()
