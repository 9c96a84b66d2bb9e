"""The browser path in real headless Chromium: log in, the page calls the API with the cookie.

The page's own script fetches ``/api/notes`` and ``/api/me`` with the session
cookie (``HAWK_ALLOW_COOKIE_AUTH``), so what the tests see on the page came
through the same Hawk-protected API that signed clients use.
"""

from __future__ import annotations

import re
import typing as t

import pytest
import requests

from notes.client import send

if t.TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

    from tests.example.notes_server import NotesDemo

pytestmark = pytest.mark.browser

_FETCH_STATUS = """async ([method, path, headers]) => {
    const response = await fetch(path, {
        method, credentials: "same-origin",
        headers: {Accept: "application/json", "Content-Type": "application/json", ...headers},
        body: method === "GET" ? undefined : JSON.stringify({title: "From a script"}),
    });
    return response.status;
}"""


def _log_in(page: Page, notes_demo: NotesDemo, password: str | None = None) -> None:
    page.goto(f"{notes_demo.url}/")
    # The page needs a session: it sends the browser to the form first.
    page.wait_for_url(re.compile(r"/login\?next=/$"))
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", password or notes_demo.password)
    page.click("button[type=submit]")


def test_logged_in_page_shows_notes_fetched_through_the_api(
    page: Page, notes_demo: NotesDemo
) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    expected = len(send(notes_demo.credentials, "GET", "/api/notes").json())
    _log_in(page, notes_demo)
    page.wait_for_url(f"{notes_demo.url}/")
    status = page.locator("#status")
    status.filter(has_text=re.compile(r"^\d+ notes?$")).wait_for()
    assert status.inner_text() == f"{expected} note{'s' if expected != 1 else ''}"
    assert page.locator("#via").inner_text() == "via session"
    first = page.locator("li.note").first
    assert first.locator("strong").inner_text() == "Welcome"
    assert "by demo, version 1" in first.inner_text()
    # No CSP violation, no failed fetch, no script error.
    assert errors == []


def test_page_adds_a_note_through_the_api_with_its_csrf_token(
    page: Page, notes_demo: NotesDemo
) -> None:
    _log_in(page, notes_demo)
    page.locator("#via").filter(has_text="via session").wait_for()
    page.fill("#new-note input[name=title]", "Typed in Chromium")
    page.fill("#new-note textarea[name=body]", "through fetch")
    page.click("#new-note button[type=submit]")
    page.locator("li.note strong", has_text="Typed in Chromium").wait_for()

    # A Hawk client sees it too, written by the session's user.
    notes = send(notes_demo.credentials, "GET", "/api/notes").json()
    (note,) = [n for n in notes if n["title"] == "Typed in Chromium"]
    assert note["author"] == "demo"
    assert note["body"] == "through fetch"


def test_api_refuses_a_cookie_write_without_the_csrf_token(
    page: Page, notes_demo: NotesDemo
) -> None:
    _log_in(page, notes_demo)
    page.locator("#via").filter(has_text="via session").wait_for()
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token

    without = page.evaluate(_FETCH_STATUS, ["POST", "/api/notes", {}])
    wrong = page.evaluate(_FETCH_STATUS, ["POST", "/api/notes", {"X-CSRF-Token": "x" + token}])
    reads = page.evaluate(_FETCH_STATUS, ["GET", "/api/notes", {}])
    assert (without, wrong, reads) == (403, 403, 200)
    titles = [n["title"] for n in send(notes_demo.credentials, "GET", "/api/notes").json()]
    assert "From a script" not in titles


def test_after_logout_the_api_answers_the_browser_401(page: Page, notes_demo: NotesDemo) -> None:
    _log_in(page, notes_demo)
    page.locator("#via").filter(has_text="via session").wait_for()
    assert page.evaluate(_FETCH_STATUS, ["GET", "/api/notes", {}]) == 200

    page.click("#logout")
    page.wait_for_url(re.compile(r"/login$"))
    assert page.evaluate(_FETCH_STATUS, ["GET", "/api/notes", {}]) == 401
    page.goto(f"{notes_demo.url}/")
    page.wait_for_url(re.compile(r"/login\?next=/$"))


def test_wrong_password_shows_an_error_and_no_session(page: Page, notes_demo: NotesDemo) -> None:
    _log_in(page, notes_demo, password="not-the-password")
    assert page.locator("#login-error").inner_text() == "Wrong user name or password."
    assert page.evaluate(_FETCH_STATUS, ["GET", "/api/notes", {}]) == 401


def test_login_form_posted_without_its_csrf_token_is_refused(notes_demo: NotesDemo) -> None:
    response = requests.post(
        f"{notes_demo.url}/login",
        data={"username": "demo", "password": notes_demo.password},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers or "session=" not in response.headers["Set-Cookie"]
