"""The loop's records: ideas counted once per keyed person and wiped with them; time given
added step by step with long pauses capped; old ideas fade with old words."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from conversations.model import Principle
from storage import Store
from storage.backend import is_postgresql
from tests.storage_support import Clock, step, text

GROUP = -100300
IDEA = "a kestrel-4417 walking group"


async def test_ideas_count_each_person_once_and_go_with_them(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        people = [await store.join(chat) for chat in (11, 12)]
        await store.record_step(
            participant_id=people[0].id, brew_id=brew.id, outcome=step(), update_id=None
        )
        assert await store.suggest_idea(people[0].id, suggester="a" * 64, text=IDEA)
        assert not await store.suggest_idea(people[0].id, suggester="a" * 64, text=IDEA.upper())
        assert await store.suggest_idea(people[1].id, suggester="b" * 64, text=f"{IDEA}!")
        (counted,) = await store.idea_counts(GROUP)
        assert (counted.text, counted.people) == (IDEA, 2)
        exported = await store.export(people[0].id, suggester="a" * 64)
        assert [i["text"] for i in exported["ideas"]] == [IDEA]  # type: ignore[index]
        await store.forget(people[0].id, suggester="a" * 64)
        (counted,) = await store.idea_counts(GROUP)
        assert counted.people == 1
        await store.forget(people[1].id, suggester="b" * 64)
        assert await store.idea_counts(GROUP) == []
    if not is_postgresql(database):  # SQLite's file itself (PostgreSQL's: docs/privacy.md)
        assert b"kestrel-4417" not in await asyncio.to_thread(Path(database).read_bytes)


async def test_time_adds_up_between_steps_with_long_pauses_capped(database: str) -> None:
    clock = Clock()
    async with await Store.open(database, now=clock) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        person = await store.join(21)
        for gap in (0, 90, 30, 3 * 3600):  # the first step starts the clock
            clock.advance(seconds=gap)
            await store.record_step(
                participant_id=person.id,
                brew_id=brew.id,
                outcome=step(text("t", Principle.THEME, "words")),
                update_id=None,
            )
        (mine,) = await store.my_time(person.id)
        assert mine.seconds == 90 + 30 + 300
        assert await store.brew_seconds(brew.id) == [420]


async def test_old_ideas_fade_with_old_words(database: str) -> None:
    clock = Clock()
    async with await Store.open(database, now=clock) as store:
        person = await store.join(31)
        await store.suggest_idea(person.id, suggester="c" * 64, text=IDEA)
        clock.advance(days=400)
        assert await store.apply_retention(days=365) == 1
        assert await store.idea_counts(GROUP) == []


async def test_an_idea_poll_and_a_summary_approval_keep_on_either_backend(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        person = await store.join(71)
        await store.set_preferences(person.id, news=True)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(text("a", Principle.WORK, "hi")),
            update_id=None,
        )
        since = brew.opened_at - timedelta(days=1)
        poll_id, queued = await store.start_idea_poll(GROUP, ["One", "Two"], since=since)
        assert queued == 1
        [copy] = await store.pending_idea_polls(10)
        assert (copy.poll_id, copy.chat_id) == (poll_id, 71)
        await store.idea_poll_sent(poll_id, person.id, "ballot-1")
        assert await store.record_ballot("ballot-1", [0, 1])
        tally = await store.latest_idea_poll(GROUP)
        assert tally is not None
        assert (tally.options, tally.votes, tally.sent, tally.waiting) == (
            ("One", "Two"),
            (0, 1),
            1,
            0,
        )
        await store.summary_sent(brew.id)
        assert await store.decide_summary(brew.id, approved=True)
        assert await store.approved_brews([brew.id]) == {brew.id}


async def test_idea_poll_copies_are_read_in_order_after_the_last_one_read(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
        for chat in (81, 82, 83):
            person = await store.join(chat)
            await store.set_preferences(person.id, news=True)
            await store.record_step(
                participant_id=person.id, brew_id=brew.id, outcome=step(), update_id=None
            )
        since = brew.opened_at - timedelta(days=1)
        first, _ = await store.start_idea_poll(GROUP, ["One", "Two"], since=since)
        second, _ = await store.start_idea_poll(GROUP, ["Three", "Four"], since=since)
        everything = await store.pending_idea_polls(10)
        assert [c.poll_id for c in everything] == [first] * 3 + [second] * 3
        read = await store.pending_idea_polls(4)
        rest = await store.pending_idea_polls(10, after=(read[-1].poll_id, read[-1].participant_id))
        assert read + rest == everything
