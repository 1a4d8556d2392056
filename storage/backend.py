"""The seam between the store's SQL and a database: one small connection protocol.

The store's SQL is written once, with ``?`` placeholders and portable SQL; a backend
(storage/sqlite.py, storage/postgres.py) runs it on its own driver, turns its driver's
errors into the named ``StorageError``s, and says which dialect it speaks (for the few
migrations whose DDL must differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol

Params = Iterable[Any]
Dialect = Literal["sqlite", "postgresql"]
Begin = Literal["write", "read", "migrate"]


class Row(Protocol):
    """A result row, read by column name or position (sqlite3.Row and asyncpg.Record)."""

    def __getitem__(self, key: Any, /) -> Any: ...


class Connection(Protocol):
    """One open database connection, as the store's helpers and mixins use it."""

    dialect: Dialect
    where: str  # how messages name the database: a path, "in memory", or host/database

    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        """Run a query and return its rows."""
        ...

    async def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        ...

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""
        ...

    async def begin(self, kind: Begin) -> None:
        """Start a transaction: a write (which holds the database's write lock where there is
        one), a consistent read, or a migration (which also keeps other processes out)."""
        ...

    async def commit(self) -> None:
        """Commit the transaction."""
        ...

    async def rollback(self) -> None:
        """End any transaction, undoing it; quiet when there is none."""
        ...

    async def tables(self) -> set[str]:
        """Name every table in the database (the schema brewbot uses)."""
        ...

    async def compact(self, tables: Sequence[str]) -> None:
        """Make deleted rows unreadable in the database's files, as far as the engine can."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...


def is_postgresql(target: object) -> bool:
    """Say whether a database setting names a PostgreSQL server (a postgresql:// URL)."""
    return str(target).startswith(("postgresql://", "postgres://"))


async def connect(target: object, *, busy_timeout: float) -> Connection:
    """Open the database named by a path (SQLite) or a postgresql:// URL."""
    if is_postgresql(target):
        from storage.postgres import PostgresConnection

        return await PostgresConnection.connect(str(target), busy_timeout=busy_timeout)
    from storage.sqlite import SqliteConnection

    return await SqliteConnection.connect(target, busy_timeout=busy_timeout)
