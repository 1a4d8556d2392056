"""``brewbot db``: status, migrate and backup, on SQLite and on PostgreSQL; copy from one
to the other."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from conversations.model import Principle
from storage import Store
from storage.migrations import MIGRATIONS
from tests.storage_support import Peek, step, text


def _say(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_then_migrate_then_status(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _say(capsys, "db", "--db", database, "status")
    assert code == 0 and "schema version: 0" in out
    assert all(f"  {n}: {d}" in out for n, d, _ in MIGRATIONS)

    code, out, _ = _say(capsys, "db", "--db", database, "migrate")
    assert code == 0
    assert out.strip() == f"Applied migrations {', '.join(str(n) for n, _, _ in MIGRATIONS)}."
    assert _say(capsys, "db", "--db", database, "migrate")[1].startswith("The database is up")

    code, out, _ = _say(capsys, "db", "--db", database, "status")
    assert f"schema version: {MIGRATIONS[-1][0]}" in out and "pending migrations: none" in out
    assert f"  migrations: {len(MIGRATIONS)}" in out and "  answers: 0" in out


async def _busy_store_backed_up(path: Path, copy: Path) -> int:
    """Keep writing from a running store while the backup copies the file; return people kept
    before the backup began."""
    async with await Store.open(path) as store:
        for chat in range(1, 51):
            await store.join(chat)
        writer = asyncio.create_task(_join_more(store))
        code = await asyncio.to_thread(main, ["db", "--db", str(path), "backup", str(copy)])
        await writer
        assert code == 0
    return 50


async def _join_more(store: Store) -> None:
    for chat in range(51, 151):
        await store.join(chat)


def test_a_backup_is_a_consistent_copy_while_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, copy = tmp_path / "brewbot.db", tmp_path / "copy.db"
    before = asyncio.run(_busy_store_backed_up(path, copy))
    assert f"Backed up to {copy}." in capsys.readouterr().out
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        people = db.execute("SELECT COUNT(*) FROM participants").fetchone()[0]
    assert before <= people <= 150
    assert _say(capsys, "db", "--db", str(path), "backup", str(copy))[2].startswith(
        "brewbot: " + str(copy) + " already exists"
    )


def test_a_postgresql_backup_names_pg_dump(
    postgres_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_database.replace("brewbot@", "brewbot:s3cret@", 1)
    _, out, err = _say(capsys, "db", "--db", url, "backup", str(tmp_path / "x.dump"))
    said = out + err
    assert "pg_dump" in said and "--format=custom" in said and "s3cret" not in said


async def _a_council(path: Path) -> tuple[str, int]:
    """A small council's records in an SQLite file: return a person's id and a brew's id."""
    async with await Store.open(path) as store:
        # The group and its codebook refer to each other; the copy must still fit.
        await store.set_group_codebook(-100700, "themes:\n  - name: Letters\n", "ours.yaml")
        brew = await store.create_brew(theme="Reviews", pack_id="p", group_chat_id=-100700)
        person = await store.join(8801)
        await store.set_preferences(person.id, news=True)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(text("t1", Principle.WORK, "Letters were hard to read.")),
            update_id=41,
        )
        await store.record_wesaid(brew.id, "We rewrote the letters.", "copy:1")
        await store.add_plan_item_once("copy:2", brew.id, "Sam", "Send the new letter", None)
        await store.suggest_idea(person.id, suggester="a" * 64, text="a walking group")
        await store.claim_post("digest", "2026-W47")
        return person.id, brew.id


async def test_records_copy_from_sqlite_into_postgresql_whole(
    tmp_path: Path, postgres_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "council.db"
    person, brew = await _a_council(path)
    code = await asyncio.to_thread(main, ["db", "--db", str(path), "copy", postgres_database])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("Copied ") and "  answers: 1" in out
    async with Peek(str(path)) as old, Peek(postgres_database) as new:
        for table in await old.tables():
            if table not in {"migrations", "job_leases", "chat_leases"}:
                query = f'SELECT * FROM "{table}" ORDER BY 1, 2'
                assert await old.rows(query) == await new.rows(query), table
    async with await Store.open(path) as before, await Store.open(postgres_database) as after:
        assert await after.export(person) == await before.export(person)
        assert await after.answer_texts(brew) == await before.answer_texts(brew)
        assert not await after.mark_handled(41)  # redeliveries are still recognised
        newer = await after.create_brew(theme="Next", pack_id="p", group_chat_id=-100700)
        assert newer.id > brew  # PostgreSQL's ids carry on after the copied ones
    code = await asyncio.to_thread(main, ["db", "--db", str(path), "copy", postgres_database])
    assert code == 2 and "already holds" in capsys.readouterr().err
