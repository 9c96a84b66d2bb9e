"""The notes database for ``async def`` code, through aiosqlite.

aiosqlite runs each connection's SQLite calls in a thread of its own and lets
coroutines await them. Each event loop gets one connection, opened on the
loop's first query and kept for the loop's life (a
:class:`flask_api_utils.PerLoop`): on ResponsiveFlask's long-lived loops,
every async request of a worker reuses it, and it is closed when the loop
shuts down at exit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3

import aiosqlite

from flask_api_utils import PerLoop

from .db import (
    BUSY_TIMEOUT_SECONDS,
    DELETE_NOTE,
    INSERT_NOTE,
    SELECT_CLIENT,
    SELECT_NOTE,
    DuplicateTitle,
    is_duplicate_title,
    note_from_row,
    utc_now,
)
from .models import APIClient, Note

__all__ = ["AsyncNoteStore"]


@dataclasses.dataclass(frozen=True)
class _Connection:
    """One loop's connection, and the lock that keeps its transactions apart."""

    sqlite: aiosqlite.Connection
    # A loop serves one request at a time, but tasks it left running may
    # write too: one transaction at a time on a connection.
    writing: asyncio.Lock


class AsyncNoteStore:
    """The notes database (the file :class:`notes.db.NoteStore` creates), awaited.

    :param path: the database file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        #: The SQLite database file.
        self.path = path
        self._connections = PerLoop(self._connect, _close, name="notes database")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}>"

    async def _connect(self) -> _Connection:
        # Autocommit, with explicit transactions, as NoteStore's writes.
        connection = await aiosqlite.connect(
            os.fspath(self.path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
        connection.row_factory = sqlite3.Row
        return _Connection(connection, asyncio.Lock())

    async def _one(self, statement: str, parameters: tuple[object, ...]) -> sqlite3.Row | None:
        connection = await self._connections.get()
        async with connection.sqlite.execute(statement, parameters) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def _write(
        self, statement: str, parameters: tuple[object, ...]
    ) -> tuple[sqlite3.Row | None, int]:
        """Run one statement in its own transaction; return its row and how many it changed."""
        connection = await self._connections.get()
        database = connection.sqlite
        async with connection.writing:
            await database.execute("BEGIN IMMEDIATE")
            try:
                async with database.execute(statement, parameters) as cursor:
                    row: sqlite3.Row | None = await cursor.fetchone()
                    changed = cursor.rowcount
            except BaseException:
                await database.execute("ROLLBACK")
                raise
            await database.execute("COMMIT")
        return row, changed

    async def get_note(self, note_id: int) -> Note | None:
        """Return the note with this id, or ``None``."""
        row = await self._one(SELECT_NOTE, (note_id,))
        return None if row is None else note_from_row(row)

    async def create_note(self, title: str, body: str, author: str) -> Note:
        """Store a new note at version 1.

        :raises DuplicateTitle: another note has this title.
        """
        now = utc_now().isoformat()
        try:
            row, _ = await self._write(INSERT_NOTE, (title, body, author, now, now))
        except sqlite3.IntegrityError as e:
            if is_duplicate_title(e):
                raise DuplicateTitle(title) from None
            raise
        assert row is not None  # INSERT ... RETURNING gives the row it inserted
        return note_from_row(row)

    async def delete_note(self, note_id: int) -> bool:
        """Delete a note; ``False`` when there was no such note."""
        _, changed = await self._write(DELETE_NOTE, (note_id,))
        return changed > 0

    async def get_client(self, client_id: str) -> APIClient | None:
        """Return the API client with this Hawk id, or ``None``."""
        row = await self._one(SELECT_CLIENT, (client_id,))
        return None if row is None else APIClient(row["id"], row["key"], row["algorithm"])


async def _close(connection: _Connection) -> None:
    await connection.sqlite.close()
