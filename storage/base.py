"""The connection, its settings, and the one path every write goes through."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

import aiosqlite

from storage.errors import CannotOpen, StorageError, translate
from storage.migrations import migrate
from storage.sql import Params, fetch_all, fetch_one, rollback, run
from storage.times import iso, utc_now

T = TypeVar("T")
Work = Callable[[aiosqlite.Connection], Awaitable[T]]

MEMORY = ":memory:"
HANDLED_UPDATES_KEPT = timedelta(days=7)


def _check_path(path: Path) -> None:
    """Refuse a path whose folder is missing or which is not a file, before SQLite tries."""
    folder = path.parent
    if not folder.exists():
        raise CannotOpen(f"Cannot open the database {path}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise CannotOpen(f"Cannot open the database {path}: {folder} is not a folder.")
    if path.exists() and not path.is_file():
        raise CannotOpen(f"Cannot open the database {path}: it is a folder, not a file.")


class StoreBase:
    """One aiosqlite connection, opened at start-up and closed at shutdown."""

    def __init__(
        self, db: aiosqlite.Connection, where: str, now: Callable[[], datetime] | None
    ) -> None:
        self._db: aiosqlite.Connection | None = db
        self._where = where
        self._now = now or utc_now
        self._lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        now: Callable[[], datetime] | None = None,
        busy_timeout: float = 5.0,
    ) -> Self:
        """Open (creating or upgrading) the database at ``path``; ":memory:" for a throwaway."""
        memory = str(path) == MEMORY
        where = "in memory" if memory else str(path)
        if not memory:
            await asyncio.to_thread(_check_path, Path(path))
        try:
            db = await aiosqlite.connect(MEMORY if memory else Path(path), isolation_level=None)
        except sqlite3.Error as error:
            raise translate(error, where) from error
        try:
            db.row_factory = sqlite3.Row
            await _configure(db, busy_timeout)
            await migrate(db, where)
            store = cls(db, where, now)
            await store._prune_handled_updates()
        except BaseException as error:
            await _close_quietly(db)
            if isinstance(error, sqlite3.Error):
                raise translate(error, where) from error
            raise
        return store

    async def close(self) -> None:
        """Close the connection (safe to call twice)."""
        async with self._lock:
            db, self._db = self._db, None
            if db is not None:
                try:
                    await db.execute("PRAGMA optimize")
                    await db.close()
                except sqlite3.Error as error:
                    raise translate(error, self._where) from error

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _stamp(self) -> str:
        """Return now as a stored ISO string."""
        return iso(self._now())

    def _connection(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError(f"The database {self._where} is closed.")
        return self._db

    async def _write(self, work: Work[T]) -> T:
        """Run ``work`` as one transaction: every write in the store goes through here."""
        async with self._lock:
            db = self._connection()
            try:
                try:
                    await db.execute("BEGIN IMMEDIATE")  # inside: a cancelled BEGIN still runs
                    result = await work(db)
                    await db.execute("COMMIT")
                except BaseException:
                    await rollback(db)
                    raise
            except sqlite3.Error as error:
                raise translate(error, self._where) from error
            return result

    async def _read(self, work: Work[T]) -> T:
        """Run read-only ``work`` without interleaving with a write."""
        async with self._lock:
            db = self._connection()
            try:
                return await work(db)
            except sqlite3.Error as error:
                raise translate(error, self._where) from error

    async def _snapshot(self, work: Work[T]) -> T:
        """Run read-only ``work`` in one read transaction, so it sees one consistent state."""
        async with self._lock:
            db = self._connection()
            try:
                try:
                    await db.execute("BEGIN")
                    return await work(db)
                finally:
                    await rollback(db)
            except sqlite3.Error as error:
                raise translate(error, self._where) from error

    async def _checkpoint(self) -> None:
        """Fold the write-ahead log into the file and empty it, so deleted words leave no copy."""
        async with self._lock:
            db = self._connection()
            try:
                await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as error:
                raise translate(error, self._where) from error

    async def _one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Read the first row of a query."""
        return await self._read(lambda db: fetch_one(db, sql, params))

    async def _all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Read every row of a query."""
        return await self._read(lambda db: fetch_all(db, sql, params))

    async def _prune_handled_updates(self) -> int:
        """Forget update ids handled more than a week ago (Telegram stops redelivering by then)."""
        cutoff = iso(self._now() - HANDLED_UPDATES_KEPT)
        return await self._write(
            lambda db: run(db, "DELETE FROM handled_updates WHERE handled_at < ?", (cutoff,))
        )


async def _configure(db: aiosqlite.Connection, busy_timeout: float) -> None:
    """Wait for locks, enforce foreign keys, use WAL, sync fully, and zero what is deleted."""
    await db.execute(f"PRAGMA busy_timeout = {max(0, int(busy_timeout * 1000))}")
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("PRAGMA secure_delete = ON")
    row = await fetch_one(db, "PRAGMA foreign_keys")
    if row is None or int(row[0]) != 1:
        raise StorageError("This SQLite cannot enforce foreign keys, so brewbot cannot use it.")


async def _close_quietly(db: aiosqlite.Connection) -> None:
    """Close a connection that failed to open properly, keeping the first error."""
    with contextlib.suppress(sqlite3.Error):  # the first error is the one worth reporting
        await db.close()
