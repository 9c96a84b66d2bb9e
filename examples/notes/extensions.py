"""The extension objects, created once and bound to each app by ``create_app``.

Views are declared at import time with ``@hawk.auth_required``, so the
:class:`~flask_api_utils.Hawk` object must exist before any app does; like
Flask-SQLAlchemy's ``db``, it is bound to an app later by ``init_app``.
"""

from __future__ import annotations

import typing as t

from flask import current_app
from flask_login import LoginManager

from flask_api_utils import Hawk

from .aiodb import AsyncNoteStore
from .db import NoteStore

if t.TYPE_CHECKING:
    from flask_api_utils.typing import NonceStore

__all__ = ["ASYNC_NOTES", "NONCE_STORE", "async_note_store", "hawk", "login_manager", "note_store"]

#: The key in ``app.extensions`` of the database for ``async def`` code.
ASYNC_NOTES = "notes.async"

#: The key in ``app.extensions`` of the nonce store that ``create_app`` chose.
NONCE_STORE = "notes.nonce_store"


class _AppNonceStore:
    """The nonce store Hawk calls: the current app's memory or Redis store.

    ``hawk`` is created here, at import time, before any app has read its
    ``REDIS_URL``; so it gets this, which forwards to the store of the app
    that handles the request.
    """

    def remember(self, key: str, ttl: float, /) -> bool:
        """Remember ``key`` in the current app's store; ``True`` if it is new."""
        store: NonceStore = current_app.extensions[NONCE_STORE]
        return store.remember(key, ttl)


#: Authenticates API requests: Hawk headers, bewits, or the login session.
hawk = Hawk(nonce_store=_AppNonceStore())

#: Keeps the logged-in user in the session cookie.
login_manager = LoginManager()


def note_store() -> NoteStore:
    """Return the current app's database.

    :raises RuntimeError: the app was not made by :func:`notes.create_app`.
    """
    try:
        store = current_app.extensions["notes"]
    except KeyError:
        msg = "The 'notes' extension is not set up; make the app with 'notes.create_app()'."
        raise RuntimeError(msg) from None
    if not isinstance(store, NoteStore):
        msg = f"app.extensions['notes'] is a {type(store).__name__!r}, not a 'NoteStore'."
        raise TypeError(msg)
    return store


def async_note_store() -> AsyncNoteStore:
    """Return the current app's database for ``async def`` code.

    :raises RuntimeError: the app was not made by :func:`notes.create_app`.
    """
    store = current_app.extensions.get(ASYNC_NOTES)
    if not isinstance(store, AsyncNoteStore):
        msg = "The 'notes' extension is not set up; make the app with 'notes.create_app()'."
        raise RuntimeError(msg)
    return store
