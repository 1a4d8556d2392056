"""Numbered migrations: from empty, again, from an old file, and refusing a newer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage import CannotOpen, Store, TooNew
from storage.migrations import MIGRATIONS, migrate, statements
from tests.storage_support import inspect, tables

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
    assert all(description and sql.strip() for _, description, sql in MIGRATIONS)


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
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, "again") == []
    assert _schema(path) == schema
    assert _recorded(path) == recorded


async def test_a_file_with_only_the_first_migration_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, "old", MIGRATIONS[:1]) == [1]
        now = "2026-11-16T09:00:00.000000+00:00"
        await db.execute("INSERT INTO groups (chat_id, created_at) VALUES (-100, ?)", (now,))
        await db.execute(
            "INSERT INTO brews (code, theme, pack_id, group_id, opened_at)"
            " VALUES ('oldcode', 'Reviews', 'p', 1, ?)",
            (now,),
        )
        await db.execute(
            "INSERT INTO participants (id, chat_id, created_at) VALUES (?, 42, ?)",
            ("f" * 32, now),
        )
        await db.execute(
            "INSERT INTO answers (participant_id, brew_id, prompt_id, principle, kind, text,"
            " held, created_at) VALUES (?, 1, 'q', 'work', 'text', 'a worry', 1, ?)",
            ("f" * 32, now),
        )
    assert [n for n, _, _ in _recorded(path)] == [1]

    async with await Store.open(path) as store:
        assert await store.schema_version() == NUMBERS[-1]
        brew = await store.brew_by_code("oldcode")
        assert brew is not None and brew.theme == "Reviews"
        assert (await store.participant_by_chat(42)) is not None
        held = await store.held_answers(-100)  # the old held answer now waits for review
        assert [h.text for h in held] == ["a worry"]
        assert await store.claim_post("digest", "2026-W47")  # a table from a later migration
    assert [n for n, _, _ in _recorded(path)] == NUMBERS


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
    tmp_path: Path,
) -> None:
    broken = [
        *MIGRATIONS[:1],
        (2, "half done", "CREATE TABLE half (a INTEGER);\nINSERT INTO missing VALUES (1);"),
    ]
    async with aiosqlite.connect(tmp_path / "broken.db", isolation_level=None) as db:
        with pytest.raises(sqlite3.OperationalError, match="missing"):
            await migrate(db, "broken", broken)
        async with db.execute("SELECT number FROM migrations") as cursor:
            assert [row[0] async for row in cursor] == [1]
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'half'") as cursor:
            assert await cursor.fetchone() is None


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
