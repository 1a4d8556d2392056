"""The connection, its settings, and the one path every write goes through."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from storage.backend import Connection, connect
from storage.errors import StorageError
from storage.migrations import migrate
from storage.sql import Params, Row, fetch_all, fetch_one, rollback, run
from storage.sqlite import MEMORY
from storage.times import iso, utc_now

T = TypeVar("T")
Work = Callable[[Connection], Awaitable[T]]

__all__ = ["MEMORY", "StoreBase", "Work"]
HANDLED_UPDATES_KEPT = timedelta(days=7)
LAPSED_LEASES_KEPT = timedelta(days=1)  # a job lease that ran out this long ago is deleted
# Tables whose rows hold a person's words or links to them: compacted after forgetting.
PERSONAL_TABLES = ("outbox", "answers", "progress", "participants", "heard")


class StoreBase:
    """One database connection (SQLite or PostgreSQL), opened at start-up and closed at
    shutdown; every query goes through it one at a time."""

    def __init__(
        self,
        db: Connection,
        where: str,
        now: Callable[[], datetime] | None,
        lease_clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._db: Connection | None = db
        self._where = where
        self._now = now or utc_now
        # Leases are about live processes, so they follow the wall clock, not ``now`` (the
        # records' clock, which tests set to a given day). Tests move this one by hand too,
        # rather than wait for a lease to run out.
        self.lease_clock = lease_clock or utc_now
        self._lock = asyncio.Lock()
        # Who this process is, in leases shared with other workers on the same database.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        now: Callable[[], datetime] | None = None,
        lease_clock: Callable[[], datetime] | None = None,
        busy_timeout: float = 5.0,
    ) -> Self:
        """Open (creating or upgrading) the database: a file path, ":memory:" for a throwaway,
        or a postgresql:// URL. ``now`` dates the records, ``lease_clock`` the leases shared
        with other workers (both the wall clock unless given)."""
        db = await connect(path, busy_timeout=busy_timeout)
        try:
            await migrate(db, db.where)
            store = cls(db, db.where, now, lease_clock)
            await store.prune_bookkeeping()
        except BaseException:
            await _close_quietly(db)
            raise
        return store

    @property
    def dialect(self) -> str:
        """Which backend keeps the records: "sqlite" or "postgresql"."""
        return self._connection().dialect

    async def close(self) -> None:
        """Close the connection (safe to call twice)."""
        async with self._lock:
            db, self._db = self._db, None
            if db is not None:
                await db.close()

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

    def _connection(self) -> Connection:
        if self._db is None:
            raise StorageError(f"The database {self._where} is closed.")
        return self._db

    async def _write(self, work: Work[T]) -> T:
        """Run ``work`` as one transaction: every write in the store goes through here."""
        async with self._lock:
            db = self._connection()
            try:
                await db.begin("write")  # inside: a cancelled BEGIN still runs
                result = await work(db)
                await db.commit()
            except BaseException:
                await rollback(db)
                raise
            return result

    async def _read(self, work: Work[T]) -> T:
        """Run read-only ``work`` without interleaving with a write."""
        async with self._lock:
            return await work(self._connection())

    async def _snapshot(self, work: Work[T]) -> T:
        """Run read-only ``work`` in one read transaction, so it sees one consistent state."""
        async with self._lock:
            db = self._connection()
            try:
                await db.begin("read")
                return await work(db)
            finally:
                await rollback(db)

    async def _checkpoint(self) -> None:
        """Make deleted words unreadable in the database's files, as far as the engine can."""
        async with self._lock:
            await self._connection().compact(PERSONAL_TABLES)

    async def _one(self, sql: str, params: Params = ()) -> Row | None:
        """Read the first row of a query."""
        return await self._read(lambda db: fetch_one(db, sql, params))

    async def _all(self, sql: str, params: Params = ()) -> list[Row]:
        """Read every row of a query."""
        return await self._read(lambda db: fetch_all(db, sql, params))

    async def prune_bookkeeping(self) -> int:
        """Forget update ids handled (or helped) more than a week ago (Telegram stops
        redelivering by then), and job leases that ran out a day ago or more (a live brew's
        counts turn, say, whose brew has ended); at start and once a day. Return the update
        ids forgotten."""
        cutoff = iso(self._now() - HANDLED_UPDATES_KEPT)
        lapsed = iso(self.lease_clock() - LAPSED_LEASES_KEPT)

        async def work(db: Connection) -> int:
            await run(db, "DELETE FROM help_sent WHERE sent_at < ?", (cutoff,))
            await run(db, "DELETE FROM job_leases WHERE expires_at < ?", (lapsed,))
            return await run(db, "DELETE FROM handled_updates WHERE handled_at < ?", (cutoff,))

        return await self._write(work)


async def _close_quietly(db: Connection) -> None:
    """Close a connection that failed to open properly, keeping the first error."""
    try:
        await db.close()
    except StorageError:  # the first error is the one worth reporting
        return
