"""SQLite storage for notes, users and API clients, on the stdlib :mod:`sqlite3`.

Every call opens its own short-lived connection, so a :class:`NoteStore` may
be shared by threads and by gunicorn workers (each opens the same file;
SQLite's locking and WAL journal keep them consistent). The ``async def``
views and the key loader use :class:`notes.aiodb.AsyncNoteStore`, the same
database through aiosqlite, with the statements defined here.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import datetime as dt
import sqlite3
import typing as t

from werkzeug.security import generate_password_hash

from .models import APIClient, Note, User

if t.TYPE_CHECKING:
    import os

__all__ = ["DuplicateTitle", "NoteStore", "StaleVersion"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL UNIQUE COLLATE NOCASE,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    algorithm TEXT NOT NULL DEFAULT 'sha256'
);
"""

# How long a connection waits for another writer (another thread or gunicorn
# worker) to release the database before it gives up.
BUSY_TIMEOUT_SECONDS = 10.0

# The statements both stores run.
SELECT_NOTE = "SELECT * FROM notes WHERE id = ?"
INSERT_NOTE = (
    "INSERT INTO notes (title, body, author, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?) RETURNING *"
)
DELETE_NOTE = "DELETE FROM notes WHERE id = ?"
SELECT_CLIENT = "SELECT * FROM clients WHERE id = ?"


class DuplicateTitle(Exception):
    """Another note already has this title (titles are unique, ignoring case)."""

    def __init__(self, title: str) -> None:
        super().__init__(f"A note titled {title!r} already exists.")
        #: The title that is taken.
        self.title = title


class StaleVersion(Exception):
    """An update named a version of the note that is no longer current."""

    def __init__(self, note_id: int, expected: int, current: int) -> None:
        super().__init__(
            f"Note {note_id} is at version {current}, not {expected}; read it again and retry."
        )
        #: The version the update was based on.
        self.expected = expected
        #: The version the note is at now.
        self.current = current


def utc_now() -> dt.datetime:
    """The current time, to the second, in UTC: what the notes table stores."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def note_from_row(row: sqlite3.Row) -> Note:
    """Build a :class:`Note` from a row of the notes table."""
    return Note(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        author=row["author"],
        version=row["version"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


def is_duplicate_title(error: sqlite3.IntegrityError) -> bool:
    """Whether ``error`` is the unique title constraint's."""
    return "notes.title" in str(error)


class NoteStore:
    """The notes database: one SQLite file.

    :param path: the database file; it is created with its tables by
        :meth:`create_schema`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        #: The SQLite database file.
        self.path = path

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}>"

    @contextlib.contextmanager
    def _read(self) -> cabc.Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    @contextlib.contextmanager
    def _write(self) -> cabc.Iterator[sqlite3.Connection]:
        # Autocommit mode plus an explicit BEGIN IMMEDIATE: the write lock is
        # taken up front, so a read-then-write (the version check) is atomic.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def create_schema(self) -> None:
        """Create the tables that do not exist yet; safe to call on every start."""
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            # WAL lets readers in other workers go on while one writes.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
        finally:
            conn.close()

    def list_notes(self) -> list[Note]:
        """Return every note, oldest first."""
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM notes ORDER BY id").fetchall()
        return [note_from_row(row) for row in rows]

    def get_note(self, note_id: int) -> Note | None:
        """Return the note with this id, or ``None``."""
        with self._read() as conn:
            row = conn.execute(SELECT_NOTE, (note_id,)).fetchone()
        return None if row is None else note_from_row(row)

    def create_note(self, title: str, body: str, author: str) -> Note:
        """Store a new note at version 1.

        :raises DuplicateTitle: another note has this title.
        """
        now = utc_now().isoformat()
        try:
            with self._write() as conn:
                row = conn.execute(INSERT_NOTE, (title, body, author, now, now)).fetchone()
        except sqlite3.IntegrityError as e:
            if is_duplicate_title(e):
                raise DuplicateTitle(title) from None
            raise
        return note_from_row(row)

    def update_note(self, note_id: int, title: str, body: str, version: int) -> Note | None:
        """Replace a note's title and body, if it is still at ``version``.

        :return: the updated note, or ``None`` when there is no such note.
        :raises StaleVersion: the note has changed since ``version``.
        :raises DuplicateTitle: another note has the new title.
        """
        try:
            with self._write() as conn:
                row = conn.execute("SELECT version FROM notes WHERE id = ?", (note_id,)).fetchone()
                if row is None:
                    return None
                if row["version"] != version:
                    raise StaleVersion(note_id, version, row["version"])
                updated = conn.execute(
                    "UPDATE notes SET title = ?, body = ?, version = version + 1, updated_at = ?"
                    " WHERE id = ? RETURNING *",
                    (title, body, utc_now().isoformat(), note_id),
                ).fetchone()
        except sqlite3.IntegrityError as e:
            if is_duplicate_title(e):
                raise DuplicateTitle(title) from None
            raise
        return note_from_row(updated)

    def delete_note(self, note_id: int) -> bool:
        """Delete a note; ``False`` when there was no such note."""
        with self._write() as conn:
            cursor = conn.execute(DELETE_NOTE, (note_id,))
            return cursor.rowcount > 0

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id (as Flask-Login stores it), or ``None``."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else User(row["id"], row["name"], row["password_hash"])

    def find_user(self, name: str) -> User | None:
        """Return the user with this login name, or ``None``."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else User(row["id"], row["name"], row["password_hash"])

    def set_password(self, name: str, password: str) -> User:
        """Create the user ``name``, or give the existing one a new password."""
        password_hash = generate_password_hash(password)
        with self._write() as conn:
            row = conn.execute(
                "INSERT INTO users (name, password_hash) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash"
                " RETURNING *",
                (name, password_hash),
            ).fetchone()
        return User(row["id"], row["name"], row["password_hash"])

    def get_client(self, client_id: str) -> APIClient | None:
        """Return the API client with this Hawk id, or ``None``."""
        with self._read() as conn:
            row = conn.execute(SELECT_CLIENT, (client_id,)).fetchone()
        return None if row is None else APIClient(row["id"], row["key"], row["algorithm"])

    def save_client(self, client: APIClient) -> None:
        """Store an API client, replacing the key of one with the same id."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO clients (id, key, algorithm) VALUES (?, ?, ?)"
                " ON CONFLICT (id)"
                " DO UPDATE SET key = excluded.key, algorithm = excluded.algorithm",
                (client.id, client.key, client.algorithm),
            )
