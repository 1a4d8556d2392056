"""The schema keeps no names and no person's Telegram id outside ``participants``,
and the summary queries run over indexes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conversations.model import Principle, Stage
from storage import Store
from storage.facilitation import HELD_ANSWERS
from storage.followup import PENDING_NEWS
from storage.steps import DUE_NUDGES
from storage.summaries import (
    ANSWER_TEXTS,
    ANSWERER_DESCRIPTIONS,
    DESCRIBED_STAGES,
    SELF_DESCRIPTIONS,
    STAGE_COUNTS,
    WEEK_ROW,
    WEEKLY_STAGE_COUNTS,
    WEEKLY_STAGE_COUNTS_FOR_GROUP,
)
from tests.storage_support import columns, inspect, stage, step, tables, text

PERSONAL = re.compile(
    r"chat_id|chat_key|user_id|telegram|tg_|username|first_name|last_name|name|phone|email",
    re.IGNORECASE,
)
# The allowances: a group's chat id, which Telegram always makes negative (CHECK below), and
# the inbox's chat, which an update holds only until it is handled (tests/test_inbox.py
# checks the inbox is empty afterwards, and that names and phone numbers never reach it), and
# a chat's lease, held only while a worker handles it (and a few seconds after, in case more
# comes) and deleted when it lets the chat go (tests/test_storage_workers.py and
# tests/test_postgres_workers.py check none stays), and a chat Telegram asked brewbot to wait
# for (a 429), held only until the wait is over and deleted then, or when the person forgets
# (tests/test_storage_sending.py).
ALLOWED = {
    ("groups", "chat_id"),
    ("inbox", "chat_key"),
    ("chat_leases", "chat_key"),
    ("chat_holds", "chat_key"),
}


def personal_columns(db: sqlite3.Connection) -> set[tuple[str, str]]:
    """Columns outside ``participants`` whose name could hold a Telegram id or a name."""
    return {
        (table, column)
        for table in tables(db)
        if table != "participants"
        for column in columns(db, table)
        if PERSONAL.search(column)
    }


@pytest.fixture
async def path(tmp_path: Path) -> AsyncIterator[Path]:
    where = tmp_path / "brewbot.db"
    async with await Store.open(where) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=-100)
        for chat in range(1, 30):
            person = await store.join(chat)
            await store.record_step(
                participant_id=person.id,
                brew_id=brew.id,
                outcome=step(
                    stage("a", Principle.ASSETS, Stage.BASICS), text("t", Principle.WORK, "hi")
                ),
                update_id=None,
            )
    yield where


def test_no_table_but_participants_can_hold_a_person(path: Path) -> None:
    with inspect(path) as db:
        assert len(tables(db)) >= 10
        assert personal_columns(db) == ALLOWED


def test_the_check_itself_finds_a_person_column(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "bad.db") as db:
        db.execute("CREATE TABLE answers (id INTEGER, user_id INTEGER, first_name TEXT)")
        db.execute("CREATE TABLE participants (chat_id INTEGER)")
        assert personal_columns(db) == {("answers", "user_id"), ("answers", "first_name")}
    db.close()


def test_the_group_allowance_is_guarded_by_its_check(path: Path) -> None:
    with inspect(path) as db:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'groups'").fetchone()
    assert re.search(r"chat_id INTEGER NOT NULL UNIQUE CHECK \(chat_id < 0\)", sql)
    with sqlite3.connect(path) as db:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute("INSERT INTO groups (chat_id, created_at) VALUES (12345, 'now')")
        db.execute("INSERT INTO groups (chat_id, created_at) VALUES (-12345, 'now')")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute(
                "INSERT INTO participants (id, chat_id, created_at) VALUES (?, -5, 'now')",
                ("a" * 32,),
            )
        db.rollback()
    db.close()


def test_answers_hold_a_random_id_not_a_telegram_id(path: Path) -> None:
    with inspect(path) as db:
        ids = {row[0] for row in db.execute("SELECT DISTINCT participant_id FROM answers")}
        chats = {row[0] for row in db.execute("SELECT chat_id FROM participants")}
    assert ids and all(isinstance(i, str) and re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert not {str(c) for c in chats} & ids


def test_the_file_uses_a_write_ahead_log(path: Path) -> None:
    with inspect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


A_WEEK = ("2026-W01", "2026-01-01", "2026-01-08")
PLANS = {
    "stage_counts": (STAGE_COUNTS, (1,), "answers_stage_counts"),
    "weekly": (
        WEEKLY_STAGE_COUNTS.format(weeks=WEEK_ROW),
        (*A_WEEK, "2026-01-01"),
        "answers_weekly",
    ),
    "weekly_group": (
        WEEKLY_STAGE_COUNTS_FOR_GROUP.format(weeks=WEEK_ROW),
        (*A_WEEK, "2026-01-01", -100),
        "answers_",
    ),
    "answer_texts": (ANSWER_TEXTS, (1, 0), "answers_texts"),
    "self_descriptions": (SELF_DESCRIPTIONS, (1,), "progress_by_brew"),
    "described_stages": (DESCRIBED_STAGES, (1, 1), "answers_stage_counts"),
    "answerer_descriptions": (ANSWERER_DESCRIPTIONS, (1, 0), "answers_texts"),
    "due_nudges": (DUE_NUDGES, ("2026-01-01",), "progress_idle"),
    "held_answers": (HELD_ANSWERS, (-100,), "answers_held"),
    "pending_news": (PENDING_NEWS, (0, 10), "outbox_pending"),
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_summary_queries_use_an_index(path: Path, name: str) -> None:
    sql, params, index = PLANS[name]
    with inspect(path) as db:
        plan = [str(row[3]) for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    joined = " | ".join(plan)
    assert re.search(rf"USING (COVERING )?INDEX {index}", joined), joined
    assert not re.search(r"SCAN (answers|a)\b(?! USING)", joined), joined
