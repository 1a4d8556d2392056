"""Small helpers for running parameterised SQL on a backend connection (storage/backend.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from storage.backend import Connection, Params, Row
from storage.errors import StorageError

__all__ = [
    "Connection",
    "Params",
    "Row",
    "fetch_all",
    "fetch_one",
    "insert",
    "rollback",
    "run",
    "run_many",
    "skip_locked",
]


async def fetch_one(db: Connection, sql: str, params: Params = ()) -> Row | None:
    """Run a query and return its first row, if any."""
    found = await db.fetch_all(sql, params)
    return found[0] if found else None


async def fetch_all(db: Connection, sql: str, params: Params = ()) -> list[Row]:
    """Run a query and return all its rows."""
    return list(await db.fetch_all(sql, params))


async def run(db: Connection, sql: str, params: Params = ()) -> int:
    """Run one statement inside a write and return how many rows it changed."""
    return await db.run(sql, params)


async def run_many(db: Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run one statement inside a write once per parameter row."""
    await db.run_many(sql, rows)


async def insert(db: Connection, sql: str, params: Params = ()) -> int:
    """Run one INSERT inside a write and return the new row's id (``RETURNING id`` is added)."""
    row = await fetch_one(db, f"{sql} RETURNING id", params)
    if row is None:
        raise StorageError("The database did not say which row it added.")
    return int(row[0])


async def rollback(db: Connection) -> None:
    """End any transaction (quiet when there is none)."""
    await db.rollback()


def skip_locked(db: Connection) -> str:
    """``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers claiming together take different
    rows; nothing on SQLite, where a write transaction already has the database to itself."""
    return " FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""
