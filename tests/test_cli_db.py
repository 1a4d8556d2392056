"""``brewbot db``: status, migrate and backup, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage import Store
from storage.migrations import MIGRATIONS


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
