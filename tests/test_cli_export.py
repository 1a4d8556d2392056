"""``brewbot export`` as a real process: two files, themes named, nobody identifiable."""

from __future__ import annotations

import asyncio
import csv
import subprocess
import sys
from pathlib import Path

import pytest

from conversations.model import Answer, Kind, Principle
from storage.store import Store

pytestmark = pytest.mark.subprocess

WORDS = [
    "waiting weeks for a call back",
    "so much waiting for the assessment",
    "the waiting list is too long",
    "waiting and waiting with no news",
    "months of waiting for a review",
    "a carer who knows my name",
]


def _brew(db: Path, texts: list[str]) -> str:
    async def create() -> str:
        async with await Store.open(db) as store:
            brew = await store.create_brew(
                theme="waiting", pack_id="over-a-brew", group_chat_id=None
            )
            answers = [Answer("better", Principle.THEME, Kind.TEXT, text=t) for t in texts]
            await store.import_answers(brew_id=brew.id, sha256="f" * 64, answers=answers)
            return brew.code

    return asyncio.run(create())


def _export(db: Path, out: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", code, "--out", str(out), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_writes_the_answers_with_themes_and_the_report(tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    code = _brew(db, WORDS)
    result = _export(db, tmp_path / "out", code)
    assert result.returncode == 0, result.stderr
    table, report = (Path(line) for line in result.stdout.split())
    rows = list(csv.DictReader(table.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == len(WORDS)
    waiting = {"waiting", "wait", "waits", "delay", "delays"}  # a name a reader knows
    assert sum(bool(waiting & set(r["theme"].casefold().split())) for r in rows) >= 5
    assert all(r["text"] == "" for r in rows)  # nobody agreed to be quoted
    assert "participant" not in ",".join(rows[0]) and "chat" not in ",".join(rows[0])
    assert "waiting" in report.read_text(encoding="utf-8").lower()


def test_too_few_people_gets_one_line_and_no_files(tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    code = _brew(db, WORDS[:2])
    result = _export(db, tmp_path / "out", code)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "at least 5" in result.stderr
    assert not (tmp_path / "out").exists()
