"""Numbered migrations: from empty, again, from an old file, and refusing a newer one."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import CannotOpen, StorageError, Store, TooNew
from storage.backend import connect
from storage.migrations import MIGRATIONS, Dialects, migrate, statements, text
from storage.sql import fetch_all, run
from tests.storage_support import Peek, inspect, tables

NUMBERS = [number for number, _, _ in MIGRATIONS]


def _schema(path: Path) -> list[tuple[str, str]]:
    with inspect(path) as db:
        found = db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    return [(str(name), str(sql)) for name, sql in found]


def _recorded(path: Path) -> list[tuple[int, str, str]]:
    with inspect(path) as db:
        found = db.execute("SELECT number, description, applied_at FROM migrations").fetchall()
    return [(int(n), str(d), str(a)) for n, d, a in found]


def test_migrations_are_numbered_one_to_n() -> None:
    assert list(range(1, len(MIGRATIONS) + 1)) == NUMBERS
    assert len(MIGRATIONS) >= 2
    for _, description, sql in MIGRATIONS:
        assert description and text(sql, "sqlite").strip() and text(sql, "postgresql").strip()
        if isinstance(sql, Dialects):  # two texts only where they must differ
            assert sql.sqlite != sql.postgresql


async def test_an_empty_file_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    async with await Store.open(path) as store:
        assert await store.schema_version() == NUMBERS[-1]
    recorded = _recorded(path)
    assert [(n, d) for n, d, _ in recorded] == [(n, d) for n, d, _ in MIGRATIONS]
    with inspect(path) as db:
        assert {"groups", "brews", "participants", "answers", "outbox"} <= set(tables(db))
        assert db.execute("PRAGMA user_version").fetchone()[0] == NUMBERS[-1]


async def test_opening_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    async with await Store.open(path) as store:
        await store.join(1)
    schema, recorded = _schema(path), _recorded(path)
    async with await Store.open(path) as store:
        assert await store.participant_by_chat(1) is not None
    db = await connect(path, busy_timeout=5)
    try:
        assert await migrate(db, "again") == []
    finally:
        await db.close()
    assert _schema(path) == schema
    assert _recorded(path) == recorded


async def _numbers(target: str) -> list[int]:
    async with Peek(target) as db:
        return [int(str(n)) for (n,) in await db.rows("SELECT number FROM migrations ORDER BY 1")]


async def test_a_database_with_only_the_first_migration_is_upgraded(database: str) -> None:
    db = await connect(database, busy_timeout=5)
    try:
        assert await migrate(db, "old", MIGRATIONS[:1]) == [1]
        now = "2026-11-16T09:00:00.000000+00:00"
        await run(db, "INSERT INTO groups (chat_id, created_at) VALUES (-100, ?)", (now,))
        await run(
            db,
            "INSERT INTO brews (code, theme, pack_id, group_id, opened_at)"
            " VALUES ('oldcode', 'Reviews', 'p', 1, ?)",
            (now,),
        )
        await run(
            db,
            "INSERT INTO participants (id, chat_id, created_at) VALUES (?, 42, ?)",
            ("f" * 32, now),
        )
        await run(
            db,
            "INSERT INTO answers (participant_id, brew_id, prompt_id, principle, kind, text,"
            " held, created_at) VALUES (?, 1, 'q', 'work', 'text', 'a worry', 1, ?)",
            ("f" * 32, now),
        )
    finally:
        await db.close()
    assert await _numbers(database) == [1]

    async with await Store.open(database) as store:
        assert await store.schema_version() == NUMBERS[-1]
        brew = await store.brew_by_code("oldcode")
        assert brew is not None and brew.theme == "Reviews"
        assert (await store.participant_by_chat(42)) is not None
        held = await store.held_answers(-100)  # the old held answer now waits for review
        assert [h.text for h in held] == ["a worry"]
        assert await store.claim_post("digest", "2026-W47")  # a table from a later migration
    assert await _numbers(database) == NUMBERS


async def test_a_file_from_a_newer_brewbot_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO migrations (number, description, applied_at) VALUES (?, ?, ?)",
            (NUMBERS[-1] + 1, "from the future", "2030-01-01T00:00:00.000000+00:00"),
        )
    db.close()
    before = _recorded(path)
    with pytest.raises(TooNew) as caught:
        await Store.open(path)
    message = str(caught.value)
    assert "\n" not in message and "newer brewbot" in message and str(path) in message
    assert _recorded(path) == before


async def test_a_failing_migration_leaves_neither_its_changes_nor_its_record(
    database: str,
) -> None:
    broken = [
        *MIGRATIONS[:1],
        (2, "half done", "CREATE TABLE half (a INTEGER);\nINSERT INTO missing VALUES (1);"),
    ]
    db = await connect(database, busy_timeout=5)
    try:
        with pytest.raises(StorageError, match="missing"):
            await migrate(db, "broken", broken)
        assert [int(row[0]) for row in await fetch_all(db, "SELECT number FROM migrations")] == [1]
        assert "half" not in await db.tables()
    finally:
        await db.close()


async def test_both_backends_get_the_same_tables_and_columns(
    tmp_path: Path, postgres_database: str
) -> None:
    """Every migration runs on PostgreSQL too, to the same schema: a migration written for
    SQLite alone fails here (give it a PostgreSQL text: see storage/migrations.py)."""
    sqlite_path = str(tmp_path / "same.db")
    for target in (sqlite_path, postgres_database):
        async with await Store.open(target):
            pass
    schemas = []
    for target in (sqlite_path, postgres_database):
        async with Peek(target) as db:
            schemas.append({t: await db.columns(t) for t in await db.tables()})
    assert schemas[0] == schemas[1]


async def test_workers_starting_together_migrate_once(postgres_database: str) -> None:
    stores = await asyncio.gather(*(Store.open(postgres_database) for _ in range(4)))
    for store in stores:
        assert await store.schema_version() == NUMBERS[-1]
        await store.close()
    assert await _numbers(postgres_database) == NUMBERS


async def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    db.close()
    with pytest.raises(CannotOpen, match="another program"):
        await Store.open(path)


def test_statements_split_only_between_complete_statements() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT 'one; two');\nINSERT INTO a VALUES ('3;4');\n"
    assert statements(script) == [
        "CREATE TABLE a (x TEXT DEFAULT 'one; two');",
        "INSERT INTO a VALUES ('3;4');",
    ]
    with pytest.raises(ValueError, match="incomplete"):
        statements("CREATE TABLE b (x")
