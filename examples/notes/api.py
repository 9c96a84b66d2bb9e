"""The notes API: JSON or XML, for Hawk clients and logged-in browsers alike.

Every view returns a :class:`~notes.models.Note` (or a list of them) and lets
:class:`~flask_api_utils.ResponsiveFlask` pick the representation. Some views
are ``async def`` to show that both kinds work; they await the database
through aiosqlite, on a connection their event loop keeps open
(:class:`~notes.aiodb.AsyncNoteStore`).

Errors are raised as Werkzeug HTTP exceptions and rendered by the app's
``default_errorhandler`` as ``{"error": {"code", "name", "message"}}``:

- 400: the body is not well-formed JSON;
- 401: no valid Hawk signature, bewit or session (from :class:`~flask_api_utils.Hawk`);
- 403: a browser session wrote without its CSRF token;
- 404: no such note;
- 409: the title is taken, or the update was based on an old version;
- 415: the body is not ``application/json``;
- 422: well-formed JSON that is not a valid note.
"""

from __future__ import annotations

import typing as t

from flask import request, url_for
from flask_login import current_user
from werkzeug.exceptions import Conflict, NotFound, UnprocessableEntity

from flask_api_utils import ResponsiveBlueprint, current_hawk_auth

from .csrf import check_csrf_token
from .db import DuplicateTitle, StaleVersion
from .extensions import async_note_store, hawk, note_store
from .models import Note, WhoAmI

__all__ = ["MAX_BODY_LENGTH", "MAX_TITLE_LENGTH", "api"]

#: The API, under ``/api``.
api = ResponsiveBlueprint("api", __name__, url_prefix="/api")

#: The longest title accepted, in characters.
MAX_TITLE_LENGTH = 100
#: The longest body accepted, in characters.
MAX_BODY_LENGTH = 10_000


def _author() -> str:
    auth = current_hawk_auth()
    if auth.via == "session":
        return str(current_user.name)
    return auth.client_id


def _check_csrf_for_session() -> None:
    # A cookie is sent by the browser whoever made the page, so a write that
    # a cookie authenticates must also prove it came from our page. A Hawk
    # signature already proves who sent it.
    if current_hawk_auth().via == "session":
        check_csrf_token()


def _json_object(allowed: frozenset[str]) -> dict[str, t.Any]:
    # get_json raises 415 for another Content-Type and 400 for malformed JSON.
    data = request.get_json()
    if not isinstance(data, dict):
        msg = f"The body must be a JSON object, not {type(data).__name__}."
        raise UnprocessableEntity(msg)
    unknown = sorted(set(data) - allowed)
    if unknown:
        msg = f"Unknown field {unknown[0]!r}; a note has {', '.join(sorted(allowed))}."
        raise UnprocessableEntity(msg)
    return data


def _text_field(data: dict[str, t.Any], name: str, *, max_length: int, required: bool) -> str:
    value = data.get(name, None if required else "")
    if not isinstance(value, str):
        kind = "missing" if value is None else f"a {type(value).__name__}"
        msg = f"{name!r} must be a string, not {kind}."
        raise UnprocessableEntity(msg)
    value = value.strip()
    if required and not value:
        msg = f"{name!r} must not be empty."
        raise UnprocessableEntity(msg)
    if len(value) > max_length:
        msg = f"{name!r} is {len(value)} characters long; the limit is {max_length}."
        raise UnprocessableEntity(msg)
    return value


def _note_fields(data: dict[str, t.Any]) -> tuple[str, str]:
    title = _text_field(data, "title", max_length=MAX_TITLE_LENGTH, required=True)
    body = _text_field(data, "body", max_length=MAX_BODY_LENGTH, required=False)
    return title, body


def _not_found(note_id: int) -> NotFound:
    return NotFound(f"There is no note {note_id}.")


@api.get("/me")
@hawk.auth_required
def whoami() -> WhoAmI:
    """Say who the caller is and how it authenticated."""
    auth = current_hawk_auth()
    return WhoAmI(client_id=auth.client_id, via=auth.via)


@api.get("/notes")
@hawk.auth_required(bewit=True)
def list_notes() -> list[Note]:
    """List every note, oldest first (a sync view returning a list of dataclasses)."""
    return note_store().list_notes()


@api.post("/notes")
@hawk.auth_required
async def create_note() -> tuple[Note, int, dict[str, str]]:
    """Add a note; 201 with its ``Location``."""
    _check_csrf_for_session()
    title, body = _note_fields(_json_object(frozenset({"title", "body"})))
    store = async_note_store()
    try:
        note = await store.create_note(title, body, _author())
    except DuplicateTitle as e:
        raise Conflict(str(e)) from None
    return note, 201, {"Location": url_for(".get_note", note_id=note.id)}


@api.get("/notes/<int:note_id>")
@hawk.auth_required(bewit=True)
async def get_note(note_id: int) -> Note:
    """Show one note (an async view returning a dataclass)."""
    note = await async_note_store().get_note(note_id)
    if note is None:
        raise _not_found(note_id)
    return note


@api.put("/notes/<int:note_id>")
@hawk.auth_required
def update_note(note_id: int) -> Note:
    """Replace a note's title and body; the body names the ``version`` it read."""
    _check_csrf_for_session()
    data = _json_object(frozenset({"title", "body", "version"}))
    title, body = _note_fields(data)
    version = data.get("version")
    # bool is an int subclass, but true is no version number.
    if not isinstance(version, int) or isinstance(version, bool):
        msg = "'version' must be the integer version of the note you read."
        raise UnprocessableEntity(msg)
    try:
        note = note_store().update_note(note_id, title, body, version)
    except (DuplicateTitle, StaleVersion) as e:
        raise Conflict(str(e)) from None
    if note is None:
        raise _not_found(note_id)
    return note


@api.delete("/notes/<int:note_id>")
@hawk.auth_required
async def delete_note(note_id: int) -> tuple[str, int]:
    """Delete a note; 204 with no body."""
    _check_csrf_for_session()
    if not await async_note_store().delete_note(note_id):
        raise _not_found(note_id)
    return "", 204
