"""A person can see everything kept about them and have it wiped; old words fade."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conversations.model import Answer, Kind, Principle, Stage, Status
from storage import NotFound, Store
from storage.backend import is_postgresql
from storage.records import Participant
from tests.storage_support import Clock, Peek, stage, step, text

GROUP = -100200
SECRETS = ("zebra-wish-4471", "my neighbour kestrel-0093", "worried-about-ouzel-7")
OTHER_WORDS = "another person's words, heron-5150"
HEARD = "words heard in a voice note, plover-3310"  # waiting for Keep: never the sound
CHAT = 987654321


@dataclass
class World:
    store: Store
    clock: Clock
    target: str
    person: Participant
    other: Participant
    brews: tuple[int, int]


@pytest.fixture
async def world(database: str) -> AsyncIterator[World]:
    """Two people in two brews, with every kind of record about the first."""
    clock = Clock()
    async with await Store.open(database, now=clock) as store:
        one = await store.create_brew(theme="Reviews", pack_id="p", group_chat_id=GROUP)
        two = await store.create_brew(theme="Skills", pack_id="p", group_chat_id=GROUP)
        person = await store.join(CHAT)
        other = await store.join(CHAT + 1)
        await store.set_preferences(person.id, news=True, easy=True, language="cy")
        await store.set_preferences(other.id, news=True)
        await store.record_step(
            participant_id=person.id,
            brew_id=one.id,
            outcome=step(
                stage("a", Principle.ASSETS, Stage.GETTING_THERE),
                text("t1", Principle.WORK, SECRETS[0]),
                text("t2", Principle.NETWORKS, SECRETS[1]),
                quote_consent=True,
                self_description="carer",
            ),
            update_id=1,
        )
        await store.record_step(
            participant_id=person.id,
            brew_id=two.id,
            outcome=step(text("t3", Principle.THEME, SECRETS[2]), concern=True),
            update_id=2,
        )
        await store.record_step(
            participant_id=other.id,
            brew_id=one.id,
            outcome=step(text("t1", Principle.WORK, OTHER_WORDS), status=Status.FINISHED),
            update_id=3,
        )
        await store.record_wesaid(one.id, "We changed the review letter.", "-100:1")
        await store.start_idea_poll(GROUP, ["Buses", "Respite"], since=clock.now)  # both queued
        await store.push_question(two.id, "t9", None)  # a live question on its way to them
        await store.save_heard(person.id, two.id, "t4", HEARD, helped=False)
        person = await store.participant(person.id) or person
        yield World(store, clock, database, person, other, (one.id, two.id))


async def _rows_mentioning(
    target: str, needles: tuple[object, ...]
) -> list[tuple[str, str, object]]:
    """Every (table, column, value) in the database equal to or containing one of ``needles``."""
    found = []
    async with Peek(target) as db:
        for table in await db.tables():
            names = await db.columns(table)
            for row in await db.rows(f'SELECT * FROM "{table}"'):
                for column, value in zip(names, row, strict=True):
                    for needle in needles:
                        same = value == needle
                        inside = isinstance(value, str) and str(needle) in value
                        if same or inside:
                            found.append((table, column, value))
    return found


def _file_bytes(target: str) -> bytes:
    """An SQLite database's bytes, write-ahead log included. (On PostgreSQL, forgetting
    VACUUMs the tables; the server's files and WAL are the operator's: docs/privacy.md.)"""
    if is_postgresql(target):
        return b""
    path = Path(target)
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists() and p.stat().st_size
    )


async def test_forget_leaves_no_trace_in_any_table_or_in_the_file(world: World) -> None:
    needles: tuple[object, ...] = (world.person.id, CHAT, *SECRETS, HEARD)
    assert (
        len(await _rows_mentioning(world.target, needles)) >= 8
    )  # the search does find them first

    await world.store.forget(world.person.id)

    assert await _rows_mentioning(world.target, needles) == []
    raw = _file_bytes(world.target)
    for needle in (world.person.id, *SECRETS, HEARD):
        assert needle.encode() not in raw, needle
    assert await world.store.participant_by_chat(CHAT) is None
    # Everyone else's records stay.
    assert [a.text for a in await world.store.answer_texts(world.brews[0])] == [OTHER_WORDS]
    assert (await world.store.brew_counts(world.brews[0])).took_part == 1
    assert [item.chat_id for item in await world.store.pending_news(10)] == [CHAT + 1]
    assert await world.store.check() == []


async def test_forget_twice_is_harmless(world: World) -> None:
    await world.store.forget(world.person.id)
    await world.store.forget(world.person.id)
    with pytest.raises(NotFound):
        await world.store.export(world.person.id)


def _entries(exported: dict[str, object], section: str) -> list[dict[str, object]]:
    entries = exported[section]
    assert isinstance(entries, list) and all(isinstance(e, dict) for e in entries)
    return entries


# Where each table that points at a person shows up in the export.
EXPORT_SECTIONS = {
    "answers": "answers",
    "progress": "brews",
    "outbox": "news",
    "time_given": "time_given",
    "idea_poll_queue": "theme_polls_to_send",
    "deliveries": "questions_sent",
    "heard": "voice_note_words_waiting",
}


async def test_export_holds_everything_kept_about_one_person(world: World) -> None:
    exported = await world.store.export(world.person.id)
    assert json.loads(json.dumps(exported)) == exported

    async with Peek(world.target) as db:
        linked = {t for t in await db.tables() if "participant_id" in await db.columns(t)}
        assert linked == set(EXPORT_SECTIONS), "a new table points at people: add it to export"
        for table, section in EXPORT_SECTIONS.items():
            [(count,)] = await db.rows(
                f'SELECT COUNT(*) FROM "{table}" WHERE participant_id = ?', (world.person.id,)
            )
            entries = exported[section]
            assert isinstance(entries, list) and len(entries) == count > 0, table
        answers = await db.rows(
            "SELECT id, prompt_id, principle, kind, option, text, quote_consent, held"
            " FROM answers WHERE participant_id = ?",
            (world.person.id,),
        )

    by_id = {entry["answer_id"]: entry for entry in _entries(exported, "answers")}
    for answer_id, prompt_id, principle, kind, option, words, consent, held in answers:
        entry = by_id[answer_id]
        assert (entry["prompt_id"], entry["principle"], entry["kind"]) == (
            prompt_id,
            principle,
            kind,
        )
        assert (entry["option"], entry["text"]) == (option, words)
        assert (entry["may_quote"], entry["held_for_care"]) == (bool(consent), bool(held))
    assert {entry["text"] for entry in by_id.values()} >= set(SECRETS)
    assert OTHER_WORDS not in json.dumps(exported)

    assert exported["participant_id"] == world.person.id
    assert exported["how_we_reach_you"] == {"telegram_chat_id": CHAT}
    assert exported["self_description"] == "carer"
    assert exported["preferences"] == {
        "easy_read": True,
        "nudges": True,
        "news": True,
        "stopped": False,
        "language": "cy",
    }
    themes = {entry["theme"] for entry in _entries(exported, "brews")}
    assert themes == {"Reviews", "Skills"}


async def test_export_of_someone_unknown_is_named(world: World) -> None:
    with pytest.raises(NotFound):
        await world.store.export("0" * 32)


async def test_retention_clears_old_words_and_keeps_the_counts(world: World) -> None:
    store, clock = world.store, world.clock
    one = world.brews[0]
    choice = Answer("who", Principle.THEME, Kind.CHOICE, text="a carer", option="carer")
    await store.record_step(
        participant_id=world.other.id, brew_id=one, outcome=step(choice), update_id=None
    )
    clock.advance(days=300)
    await store.record_step(
        participant_id=world.other.id,
        brew_id=one,
        outcome=step(text("t9", Principle.WORK, "recent words")),
        update_id=None,
    )
    counts_before = await store.stage_counts(one)
    clock.advance(days=100)  # the first answers are now 400 days old, the last 100

    # three typed secrets, the other's words, and voice-note words nobody chose to keep
    assert await store.apply_retention(365) == 5
    assert await store.apply_retention(365) == 0

    assert [a.text for a in await store.answer_texts(one, include_held=True)] == ["recent words"]
    assert await store.stage_counts(one) == counts_before
    kept = await store.answers(one)
    assert [a.text for a in kept if a.kind is Kind.CHOICE] == ["a carer"]
    assert len(kept) == 6  # rows stay: only their words go
    raw = _file_bytes(world.target)
    for needle in (*SECRETS, OTHER_WORDS):
        assert needle.encode() not in raw, needle


async def test_retention_keeps_everything_younger(world: World) -> None:
    world.clock.advance(hours=23)  # voice-note words wait a day; answers, ``days``
    assert await world.store.apply_retention(365) == 0
    world.clock.advance(days=363)
    assert await world.store.apply_retention(365) == 1  # the voice-note words waiting, only
    assert await world.store.apply_retention(366 * 10) == 0
    assert len(await world.store.answer_texts(world.brews[0])) == 3


async def test_forget_on_postgresql_vacuums_the_tables_that_held_the_person(
    postgres_database: str,
) -> None:
    async with await Store.open(postgres_database) as store:
        person = await store.join(CHAT)
        await store.forget(person.id)  # returns at once; the VACUUM runs on its own connection
    async with Peek(postgres_database) as db:
        found = await db.rows(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"
        )
    assert {"answers", "progress", "outbox", "participants"} <= {str(r[0]) for r in found}
