"""The browser side: a login form, the page that calls the API, and logout.

The page's script calls ``/api/notes`` with ``fetch``; the session cookie
that Flask-Login set authenticates it, because the app sets
``HAWK_ALLOW_COOKIE_AUTH``. No Hawk key ever reaches the browser.
"""

from __future__ import annotations

import secrets
import typing as t
import urllib.parse

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .csrf import HEADER, check_csrf_token, csrf_token, rotate_csrf_token
from .extensions import note_store

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response

__all__ = ["web"]

#: The HTML pages.
web = Blueprint("web", __name__)

# Checked when the user name is unknown, so that a wrong name costs as long
# as a wrong password and response times do not reveal which names exist.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_urlsafe(16))


@web.before_request
def _csp_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


@web.after_request
def _security_headers(response: Response) -> Response:
    # Only the page's own nonced script and style run; the API is same-origin.
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}';"
        " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@web.context_processor
def _template_values() -> dict[str, object]:
    return {"csp_nonce": g.get("csp_nonce", ""), "csrf_header": HEADER, "csrf_token": csrf_token}


def _safe_next(target: str | None) -> str:
    # Only a path on this site: an absolute URL here would make the login
    # form an open redirect.
    if target:
        parts = urllib.parse.urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("web.index")


@web.get("/")
def index() -> str | Response:
    """The notes page; its script fetches the notes from the API."""
    if not current_user.is_authenticated:
        return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
    return render_template("index.html")


@web.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the login form, or check it and start a session."""
    next_url = request.args.get("next")
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(next_url))
        return render_template("login.html", error=None, username="", next=next_url)

    check_csrf_token()
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    user = note_store().find_user(username)
    password_hash = user.password_hash if user is not None else _UNKNOWN_USER_HASH
    if not check_password_hash(password_hash, password) or user is None:
        error = "Wrong user name or password."
        return render_template("login.html", error=error, username=username, next=next_url)
    login_user(user)
    # A new session gets a new token: one seen before login is worth nothing.
    rotate_csrf_token()
    return redirect(_safe_next(next_url))


@web.post("/logout")
def logout() -> Response:
    """End the session; the API answers the browser with 401 from now on."""
    check_csrf_token()
    logout_user()
    rotate_csrf_token()
    return redirect(url_for("web.login"))
