"""CSRF protection for the browser: a per-session token, compared in constant time.

A form carries the token in a hidden ``csrf_token`` field; the page's script
sends it in an ``X-CSRF-Token`` header. Another site can make the browser send
the session cookie, but it cannot read the page, so it cannot learn the token.
Hawk-signed requests need no token: no cookie authenticates them.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from werkzeug.exceptions import Forbidden

__all__ = ["HEADER", "check_csrf_token", "csrf_token", "rotate_csrf_token"]

#: The header a script sends the token in.
HEADER = "X-CSRF-Token"
_FIELD = "csrf_token"
_SESSION_KEY = "csrf_token"


def csrf_token() -> str:
    """Return this session's token, creating it on first use (templates call this)."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def rotate_csrf_token() -> None:
    """Forget the token, so that the next page gets a new one (on log in and out)."""
    session.pop(_SESSION_KEY, None)


def check_csrf_token() -> None:
    """Reject the request unless it carries this session's token.

    :raises werkzeug.exceptions.Forbidden: the token is missing or wrong.
    """
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(HEADER) or request.form.get(_FIELD)
    if (
        not isinstance(expected, str)
        or not sent
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise Forbidden("The CSRF token is missing or wrong; reload the page and try again.")
