"""The notes API: JSON or XML, for Hawk clients and logged-in browsers alike.

Every view returns a :class:`~notes.models.Note` (or a list of them) and lets
:class:`~flask_api_utils.ResponsiveFlask` pick the representation. Some views
are ``async def`` to show that both kinds work; they await the database
through aiosqlite, on a connection their event loop keeps open
(:class:`~notes.aiodb.AsyncNoteStore`).

Request bodies are declared, not checked by hand: a view's ``note: NoteIn``
parameter receives the JSON or XML body validated into a
:class:`~notes.models.NoteIn`. Errors are RFC 9457 problem details
(:class:`~flask_api_utils.ProblemDetails`, set up in the app factory):

- 400: the body is not well-formed JSON or XML;
- 401: no valid Hawk signature, bewit or session (from :class:`~flask_api_utils.Hawk`);
- 403: a browser session wrote without its CSRF token;
- 404: no such note;
- 406: the client accepts none of the note's formats (before anything changes);
- 409: the title is taken, or the update was based on an old version;
- 415: the body is neither JSON nor XML (``Accept-Post`` lists both);
- 422: a well-formed body that is not a valid note (``errors`` names each field).

The same declarations describe the API: :class:`~flask_api_utils.OpenAPI`
builds ``/openapi.json`` from them, and ``@doc`` adds only what types cannot
say (the 404s and 409s, and examples).
"""

from __future__ import annotations

import typing as t

from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import Conflict, NotFound

from flask_api_utils import ResponsiveBlueprint, current_hawk_auth, doc

from .csrf import check_csrf_token
from .db import DuplicateTitle, StaleVersion
from .extensions import async_note_store, hawk, note_store
from .models import (
    MAX_BODY_LENGTH,
    MAX_TITLE_LENGTH,
    APIIndex,
    Note,
    NoteIn,
    NoteUpdate,
    WhoAmI,
)

__all__ = ["MAX_BODY_LENGTH", "MAX_TITLE_LENGTH", "api"]

#: The API, under ``/api``.
api = ResponsiveBlueprint("api", __name__, url_prefix="/api")


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


def _not_found(note_id: int) -> NotFound:
    return NotFound(f"There is no note {note_id}.")


_NOTE_EXAMPLE = NoteIn(title="Groceries", body="Eggs, flour, milk.")
_NO_SUCH_NOTE = "There is no note with that id."
_CONFLICT = "The title is taken, or the note changed since the version named."


@api.get("/")
def index() -> APIIndex:
    """Where to go from here: the resources and the docs (public)."""
    return APIIndex(
        notes=url_for(".list_notes"),
        me=url_for(".whoami"),
        openapi=url_for("openapi.spec"),
        docs=url_for("openapi.docs"),
    )


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
@doc(
    request_example=_NOTE_EXAMPLE,
    responses={409: "A note with that title exists."},
)
async def create_note(note_in: NoteIn) -> tuple[Note, t.Literal[201], dict[str, str]]:
    """Add a note; 201 with its ``Location``."""
    _check_csrf_for_session()
    store = async_note_store()
    try:
        note = await store.create_note(note_in.title, note_in.body, _author())
    except DuplicateTitle as e:
        raise Conflict(str(e)) from None
    return note, 201, {"Location": url_for(".get_note", note_id=note.id)}


@api.get("/notes/<int:note_id>")
@hawk.auth_required(bewit=True)
@doc(responses={404: _NO_SUCH_NOTE})
async def get_note(note_id: int) -> Note:
    """Show one note (an async view returning a dataclass)."""
    note = await async_note_store().get_note(note_id)
    if note is None:
        raise _not_found(note_id)
    return note


@api.put("/notes/<int:note_id>")
@hawk.auth_required
@doc(responses={404: _NO_SUCH_NOTE, 409: _CONFLICT})
def update_note(note_id: int, update: NoteUpdate) -> Note:
    """Replace a note's title and body; the body names the ``version`` it read."""
    _check_csrf_for_session()
    try:
        note = note_store().update_note(note_id, update.title, update.body, update.version)
    except (DuplicateTitle, StaleVersion) as e:
        raise Conflict(str(e)) from None
    if note is None:
        raise _not_found(note_id)
    return note


@api.delete("/notes/<int:note_id>")
@hawk.auth_required
@doc(responses={404: _NO_SUCH_NOTE})
async def delete_note(note_id: int) -> tuple[str, t.Literal[204]]:
    """Delete a note; 204 with no body."""
    _check_csrf_for_session()
    if not await async_note_store().delete_note(note_id):
        raise _not_found(note_id)
    return "", 204
