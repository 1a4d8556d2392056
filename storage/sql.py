"""Small helpers for running parameterised SQL on an aiosqlite connection."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from typing import Any

import aiosqlite

from storage.errors import StorageError

Params = Iterable[Any]


async def fetch_one(db: aiosqlite.Connection, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """Run a query and return its first row, if any."""
    found = await fetch_all(db, sql, params)
    return found[0] if found else None


async def fetch_all(db: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Run a query and return all its rows (one trip to aiosqlite's thread, not three)."""
    return list(await db.execute_fetchall(sql, tuple(params)))


async def run(db: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """Run one statement inside a write and return how many rows it changed."""
    async with db.execute(sql, tuple(params)) as cursor:
        return cursor.rowcount


async def insert(db: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """Run one INSERT inside a write and return the new row id."""
    async with db.execute(sql, tuple(params)) as cursor:
        if cursor.lastrowid is None:
            raise StorageError("The database did not say which row it added.")
        return cursor.lastrowid


async def rollback(db: aiosqlite.Connection) -> None:
    """End any transaction, after whatever is still queued on the connection has run.

    Always queued, never skipped on ``in_transaction``: a cancelled caller may have queued a
    BEGIN that has not run yet. "No transaction is active" means there is nothing to undo
    (SQLite may also have rolled back by itself, e.g. on a full disk).
    """
    with contextlib.suppress(sqlite3.OperationalError):
        await db.execute("ROLLBACK")
