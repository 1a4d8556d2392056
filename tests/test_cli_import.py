"""``brewbot import`` as a real process on a real database file."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.store import Store

pytestmark = pytest.mark.subprocess


def _brew(db: Path) -> str:
    async def create() -> str:
        async with await Store.open(db) as store:
            brew = await store.create_brew(
                theme="day centres", pack_id="over-a-brew", group_chat_id=None
            )
            return brew.code

    return asyncio.run(create())


def _import(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM answers WHERE imported = 1").fetchone()[0])


def test_import_once_and_only_once(tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    code = _brew(db)
    paper = tmp_path / "paper.csv"
    paper.write_text("answer,may_quote\nThe lunch club\n,\nMy own routine,yes\n", encoding="utf-8")
    first = _import(db, code, str(paper), "--prompt", "better")
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.strip()
        == 'Added 2 answers to the brew about "day centres". Empty rows left out: 1.'
    )
    again = _import(db, code, str(paper))
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert _count(db) == 2
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT prompt_id, text, quote_consent, participant_id FROM answers"
        ).fetchall()
    assert rows == [("better", "The lunch club", 0, None), ("better", "My own routine", 1, None)]
    # Their meanings are read now, with a progress bar, so a summary only has to cluster.
    assert "Reading meanings" in first.stderr and "2/2" in first.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM answer_vectors").fetchone()[0] == 2


def test_bad_files_get_one_line_and_nothing_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    code = _brew(db)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("answer\nfine\nCaf\u00e9\n".encode("cp1252"))
    for args in ((code, str(bad)), ("nope", str(bad)), (code, str(tmp_path / "absent.csv"))):
        result = _import(db, *args)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert _count(db) == 0
