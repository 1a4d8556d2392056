"""Small helpers shared by the storage tests: a settable clock and answer builders."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from conversations.model import Answer, Kind, Outcome, Principle, Progress, Stage, Status
from storage.backend import is_postgresql
from storage.postgres import numbered

START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday, ISO week 2026-W47


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def stage(prompt_id: str, principle: Principle, value: Stage) -> Answer:
    """Build a stage answer."""
    return Answer(prompt_id, principle, Kind.STAGE, option=value.key, stage=value)


def text(prompt_id: str, principle: Principle, words: str) -> Answer:
    """Build a free-text answer."""
    return Answer(prompt_id, principle, Kind.TEXT, text=words)


def step(
    *answers: Answer,
    status: Status = Status.ACTIVE,
    current: str | None = None,
    quote_consent: bool | None = None,
    self_description: str | None = None,
    concern: bool = False,
) -> Outcome:
    """Build an engine outcome that keeps ``answers``."""
    return Outcome(
        progress=Progress(pack_id="over-a-brew", status=status, current=current),
        answers=answers,
        quote_consent=quote_consent,
        self_description=self_description,
        concern=concern,
    )


def inspect(path: Path) -> sqlite3.Connection:
    """Open a database file read-only, to look at what the store left behind."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def tables(db: sqlite3.Connection) -> list[str]:
    """Every table in the file, read from sqlite_master."""
    found = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return sorted(str(row[0]) for row in found)


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The column names of one table."""
    return [str(row[1]) for row in db.execute("SELECT * FROM pragma_table_info(?)", (table,))]


class Peek:
    """A plain look at what a store left behind, on either backend (tests only)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._sqlite: sqlite3.Connection | None = None
        self._pg: asyncpg.Connection | None = None

    async def __aenter__(self) -> Peek:
        if is_postgresql(self.target):
            self._pg = await asyncpg.connect(self.target)
        else:
            self._sqlite = inspect(Path(self.target))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._sqlite is not None:
            self._sqlite.close()

    async def rows(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run a query written with ``?`` placeholders."""
        if self._pg is not None:
            return [tuple(r) for r in await self._pg.fetch(numbered(sql), *params)]
        assert self._sqlite is not None
        return [tuple(r) for r in self._sqlite.execute(sql, params).fetchall()]

    async def tables(self) -> list[str]:
        """Every table brewbot made."""
        if self._pg is not None:
            found = await self.rows(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
            return sorted(str(row[0]) for row in found)
        assert self._sqlite is not None
        return tables(self._sqlite)

    async def columns(self, table: str) -> list[str]:
        """The column names of one table, in order."""
        if self._pg is not None:
            found = await self.rows(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?"
                " ORDER BY ordinal_position",
                (table,),
            )
            return [str(row[0]) for row in found]
        assert self._sqlite is not None
        return columns(self._sqlite, table)
