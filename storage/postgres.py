"""The PostgreSQL backend: one asyncpg connection, chosen by BREWBOT_DB=postgresql://...

Why asyncpg rather than psycopg 3: it speaks PostgreSQL's protocol natively on asyncio
(no libpq, no thread hop), prepares and caches every statement by itself, is the faster of
the two in brewbot's short, many-small-queries load, and its Records read by name and by
position just as sqlite3.Row does, so storage/rows.py serves both backends unchanged.
The store writes ``?`` placeholders; they become ``$1, $2, ...`` here, once per statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Self
from urllib.parse import urlsplit

import asyncpg

from storage.backend import Begin, Dialect, Params, Row
from storage.errors import (
    CannotOpen,
    Corrupt,
    DiskFull,
    Locked,
    Rejected,
    StorageError,
)

# Held while migrating, so workers starting together apply each migration once.
MIGRATION_LOCK = 7_262_737  # any fixed number; brewbot's own
_BEGIN = {
    "write": ("BEGIN",),
    "read": ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",),
    "migrate": ("BEGIN", f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"),
}
# Quoted strings and identifiers are copied as they are; a ? outside them is a placeholder.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """Turn the store's ``?`` placeholders into PostgreSQL's ``$1, $2, ...``."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _TOKENS.sub(number, sql)


def describe(url: str) -> str:
    """Name a server and database for messages, never with its password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{host}{port}{parts.path or '/'}"


def without_password(url: str) -> str:
    """The same URL with any password taken out (for commands shown on screen)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}@" if parts.username else ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}{host}{port}").geturl()


def translate(error: BaseException, where: str) -> StorageError:
    """Turn an asyncpg (or connection) error into the named storage error it means."""
    state = str(getattr(error, "sqlstate", "") or "")
    detail = " ".join(str(error).split()) or type(error).__name__
    if state in ("40001", "40P01", "55P03", "57014"):
        return Locked(f"The database {where} is busy in another program; try again soon.")
    if state == "53100":
        return DiskFull(f"The disk is full, so nothing more can be kept in {where}.")
    if state.startswith("XX"):
        return Corrupt(f"The database {where} is damaged ({detail}).")
    if state.startswith(("23", "22")) or isinstance(error, asyncpg.DataError):
        return Rejected(f"The database {where} refused a value ({detail}).")
    if state.startswith(("08", "28", "3D", "57P")) or isinstance(error, OSError):
        return CannotOpen(f"Cannot open or reach the database {where} ({detail}).")
    return StorageError(f"The database {where} failed ({detail}).")


def _changed(status: str) -> int:
    """Read how many rows a command changed from its status ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresConnection:
    """An asyncpg connection whose errors come out as named StorageErrors."""

    dialect: Dialect = "postgresql"

    def __init__(self, db: asyncpg.Connection, where: str, url: str = "") -> None:
        self.db = db
        self.where = where
        self._url = url  # for VACUUM on a connection of its own
        self._vacuums: set[asyncio.Task[None]] = set()

    @classmethod
    async def connect(cls, url: str, *, busy_timeout: float) -> Self:
        """Connect; waiting for a lock longer than ``busy_timeout`` seconds fails as Locked."""
        where = describe(url)
        settings = {"lock_timeout": str(max(1, int(busy_timeout * 1000))), "jit": "off"}
        try:
            db = await asyncpg.connect(
                url, timeout=max(busy_timeout, 1.0), server_settings=settings
            )
        except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError) as error:
            raise translate(error, where) from error
        except TimeoutError as error:
            raise CannotOpen(f"Cannot reach the database {where}: it did not answer.") from error
        return cls(db, where, url)

    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        """Run a query and return its rows."""
        try:
            return await self.db.fetch(numbered(sql), *params)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            raise translate(error, self.where) from error

    async def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        try:
            return _changed(await self.db.execute(numbered(sql), *params))
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            raise translate(error, self.where) from error

    async def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row, in one round of the protocol."""
        batch = list(rows)
        if not batch:
            return
        try:
            await self.db.executemany(numbered(sql), batch)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            raise translate(error, self.where) from error

    async def begin(self, kind: Begin) -> None:
        """Start a transaction (read committed for writes: each claim is one conditional
        statement; a consistent snapshot for reads; an advisory lock for migrations)."""
        for sql in _BEGIN[kind]:
            await self.run(sql)

    async def commit(self) -> None:
        """Commit the transaction."""
        await self.run("COMMIT")

    async def rollback(self) -> None:
        """End any transaction; PostgreSQL only warns when there is none."""
        if self.db.is_closed():
            return
        try:
            await self.db.execute("ROLLBACK")
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            return  # a broken connection has no transaction left to undo

    async def tables(self) -> set[str]:
        """Name every table in the connection's current schema."""
        found = await self.fetch_all(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {str(row[0]) for row in found}

    async def compact(self, tables: Sequence[str]) -> None:
        """VACUUM the tables in the background, on a connection of its own, so the space of
        deleted rows is freed for reuse soon without holding up this connection (a large
        table takes a while). Their bytes may stay in the server's files until overwritten,
        and in its write-ahead log and backups for as long as the server keeps those."""
        task = asyncio.create_task(self._vacuum(tables), name="brewbot vacuum")
        self._vacuums.add(task)
        task.add_done_callback(self._vacuums.discard)

    async def _vacuum(self, tables: Sequence[str]) -> None:
        """VACUUM on a short-lived connection; autovacuum does it later if this cannot."""
        with contextlib.suppress(
            asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError
        ):
            other = await asyncpg.connect(self._url)
            try:
                await other.execute("VACUUM " + ", ".join(tables))
            finally:
                await other.close()

    async def close(self) -> None:
        """Close the connection, after any VACUUM still running."""
        if self._vacuums:
            await asyncio.wait(set(self._vacuums), timeout=30)
        try:
            await self.db.close(timeout=5)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
            self.db.terminate()
