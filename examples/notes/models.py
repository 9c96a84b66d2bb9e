"""The records of the notes API, as the views return them.

Views return these dataclasses as they are; :class:`~flask_api_utils.ResponsiveFlask`
serialises them into JSON or XML, whichever the client's ``Accept`` prefers.
:class:`NoteIn` and :class:`NoteUpdate` are what a client sends: a view that
declares one receives the request body validated into it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing as t

from pydantic import BeforeValidator, Field, StringConstraints

__all__ = [
    "MAX_BODY_LENGTH",
    "MAX_TITLE_LENGTH",
    "APIClient",
    "APIIndex",
    "Note",
    "NoteIn",
    "NoteUpdate",
    "User",
    "WhoAmI",
]

#: The longest title accepted, in characters.
MAX_TITLE_LENGTH = 100
#: The longest body accepted, in characters.
MAX_BODY_LENGTH = 10_000

#: A title: surrounding whitespace dropped, then 1 to 100 characters.
Title = t.Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_LENGTH)
]
#: A note's text: surrounding whitespace dropped, at most 10,000 characters.
Text = t.Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_BODY_LENGTH)]


def _not_a_bool(value: object) -> object:
    # JSON's true would pass as 1: Python counts bool as an int.
    if isinstance(value, bool):
        msg = "the version must be the integer version of the note you read"
        raise ValueError(msg)
    return value


#: The version a client read: a whole number from 1.
Version = t.Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1)]


@dataclasses.dataclass(frozen=True, slots=True)
class NoteIn:
    """A new note, as a client sends it."""

    #: The title, unique among notes ignoring case.
    title: Title
    #: Free text.
    body: Text = ""


@dataclasses.dataclass(frozen=True, slots=True)
class NoteUpdate:
    """A note's replacement, naming the version it was based on."""

    #: The new title.
    title: Title
    #: The version the client read; 409 if the note changed since.
    version: Version
    #: The new text.
    body: Text = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Note:
    """A note, as stored and as served."""

    #: The row id; the note's URL is ``/api/notes/<id>``.
    id: int
    #: Unique among notes, ignoring case; 1 to 100 characters.
    title: str
    #: Free text, at most 10,000 characters.
    body: str
    #: The Hawk client id or the user name that created the note.
    author: str
    #: Starts at 1 and grows with every update; an update names the version it
    #: read, so that two writers cannot overwrite each other unnoticed.
    version: int
    #: When the note was created, in UTC.
    created_at: dt.datetime
    #: When the note was last changed, in UTC.
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class APIIndex:
    """Where the API's resources and its description are: the public entry point."""

    #: The notes collection (Hawk, a bewit or a session).
    notes: str
    #: Who the caller is (Hawk or a session).
    me: str
    #: The OpenAPI 3.1 document.
    openapi: str
    #: The interactive docs.
    docs: str


@dataclasses.dataclass(frozen=True, slots=True)
class WhoAmI:
    """Who the API thinks the caller is, and how it found out."""

    #: The Hawk client id, or the session user's id.
    client_id: str
    #: ``"header"``, ``"bewit"`` or ``"session"``.
    via: str


@dataclasses.dataclass(frozen=True, slots=True)
class APIClient:
    """A Hawk API client: its id and the key it shares with the server."""

    #: The Hawk ``id`` the client sends.
    id: str
    #: The shared secret. Kept out of ``repr`` so it never reaches a log.
    key: str = dataclasses.field(repr=False)
    #: The MAC algorithm the client signs with.
    algorithm: str = "sha256"


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    """A person who logs in through the form; Flask-Login keeps them in the session.

    It has the four members Flask-Login asks of a user class (what its
    ``UserMixin`` would add).
    """

    #: The row id, which Flask-Login stores in the session.
    id: int
    #: The login name.
    name: str
    #: Werkzeug's salted hash of the password, never the password itself.
    password_hash: str = dataclasses.field(repr=False)

    @property
    def is_authenticated(self) -> bool:
        """Always true: a ``User`` exists only for someone who logged in."""
        return True

    @property
    def is_active(self) -> bool:
        """Always true: the example has no disabled accounts."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Always false; Flask-Login has its own class for anonymous users."""
        return False

    def get_id(self) -> str:
        """The id Flask-Login stores in the session and gives to the user loader."""
        return str(self.id)
