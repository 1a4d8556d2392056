"""The SQLite backend: one aiosqlite connection to a file (or memory), brewbot's default."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any, Self

import aiosqlite

from storage.backend import Begin, Dialect, Params, Row
from storage.errors import CannotOpen, StorageError, translate

MEMORY = ":memory:"
_BEGIN = {"write": "BEGIN IMMEDIATE", "read": "BEGIN", "migrate": "BEGIN IMMEDIATE"}


def _check_path(path: Path) -> None:
    """Refuse a path whose folder is missing or which is not a file, before SQLite tries."""
    folder = path.parent
    if not folder.exists():
        raise CannotOpen(f"Cannot open the database {path}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise CannotOpen(f"Cannot open the database {path}: {folder} is not a folder.")
    if path.exists() and not path.is_file():
        raise CannotOpen(f"Cannot open the database {path}: it is a folder, not a file.")


class SqliteConnection:
    """An aiosqlite connection whose errors come out as named StorageErrors."""

    dialect: Dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection, where: str, path: Path | None) -> None:
        self.db = db
        self.where = where
        self.path = path  # None in memory

    @classmethod
    async def connect(cls, target: object, *, busy_timeout: float) -> Self:
        """Open (creating) the file, in WAL mode with foreign keys on; ":memory:" for none."""
        memory = str(target) == MEMORY
        path = None if memory else Path(str(target))
        where = "in memory" if path is None else str(path)
        if path is not None:
            await asyncio.to_thread(_check_path, path)
        try:
            db = await aiosqlite.connect(MEMORY if path is None else path, isolation_level=None)
        except sqlite3.Error as error:
            raise translate(error, where) from error
        connection = cls(db, where, path)
        try:
            db.row_factory = sqlite3.Row
            async with connection._errors():
                await _configure(db, busy_timeout)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # the first error is the one to report
                await db.close()
            raise
        return connection

    @contextlib.asynccontextmanager
    async def _errors(self) -> AsyncIterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise translate(error, self.where) from error

    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        """Run a query and return all its rows (one trip to aiosqlite's thread, not three)."""
        async with self._errors():
            return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed.

        One trip to aiosqlite's thread: the cursor is not closed with a second one (a
        statement that returns no rows leaves nothing open), as for BEGIN and COMMIT.
        """
        async with self._errors():
            cursor = await self.db.execute(sql, tuple(params))
            return cursor.rowcount

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""
        async with self._errors():
            await self.db.executemany(sql, rows)

    async def begin(self, kind: Begin) -> None:
        """Start a transaction; a write takes SQLite's write lock at once (BEGIN IMMEDIATE)."""
        async with self._errors():
            await self.db.execute(_BEGIN[kind])

    async def commit(self) -> None:
        """Commit the transaction."""
        async with self._errors():
            await self.db.execute("COMMIT")

    async def rollback(self) -> None:
        """End any transaction, after whatever is still queued on the connection has run.

        Always queued, never skipped on ``in_transaction``: a cancelled caller may have queued
        a BEGIN that has not run yet. "No transaction is active" means there is nothing to
        undo (SQLite may also have rolled back by itself, e.g. on a full disk).
        """
        with contextlib.suppress(sqlite3.OperationalError):
            await self.db.execute("ROLLBACK")

    async def tables(self) -> set[str]:
        """Name every table in the file."""
        found = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {str(row[0]) for row in found}

    async def compact(self, tables: Sequence[str]) -> None:
        """Fold the write-ahead log into the file and empty it, so deleted words leave no copy
        (secure_delete already zeroes them in the file itself)."""
        async with self._errors():
            await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Let SQLite tidy its statistics, then close."""
        async with self._errors():
            await self.db.execute("PRAGMA optimize")
            await self.db.close()

    async def backup(self, target: Path) -> None:
        """Copy the whole database, consistently, to a new file while it stays in use."""
        async with self._errors(), aiosqlite.connect(target) as copy:
            await self.db.backup(copy)


async def _configure(db: aiosqlite.Connection, busy_timeout: float) -> None:
    """Wait for locks, enforce foreign keys, use WAL, sync fully, and zero what is deleted."""
    await db.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout * 1000))}")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("PRAGMA secure_delete = ON")
    found = list(await db.execute_fetchall("PRAGMA foreign_keys"))
    if not found or int(found[0][0]) != 1:
        raise StorageError("This SQLite cannot enforce foreign keys, so brewbot cannot use it.")
