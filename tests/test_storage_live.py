"""Live questions, paced days and their deliveries: kept before sending, each once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from conversations.model import Pace, Principle, Status
from storage import Store
from storage.records import AskLive, Brew, DayPart, DeliveryWhat, LiveEnd
from storage.sql import Connection, run
from tests.storage_support import Clock, step, text

GROUP = -100300
# One person for each way of being in a brew.
ACTIVE, PAUSED, FINISHED, STOPPED = 101, 102, 103, 104


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    async with await Store.open(database, now=Clock()) as opened:
        yield opened


async def room(store: Store, pace: Pace) -> Brew:
    """A brew with someone active, someone on a break, someone done and someone stopped."""
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP, pace=pace)
    for chat, status in (
        (ACTIVE, Status.ACTIVE),
        (PAUSED, Status.PAUSED),
        (FINISHED, Status.FINISHED),
        (STOPPED, Status.STOPPED),
    ):
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(status=status), update_id=None
        )
        if chat == STOPPED:
            await store.set_preferences(person.id, stopped=True)
    return brew


async def chats(store: Store, *, days: bool = True) -> list[tuple[int, DeliveryWhat | None]]:
    return [(d.chat_id, d.what) for d in await store.pending_deliveries(50, days=days)]


async def test_a_push_is_kept_numbered_and_queued_for_the_active_and_those_on_a_break(
    store: Store,
) -> None:
    brew = await room(store, Pace.LIVE)
    assert await store.push_question(brew.id, "what_matters", None) == 1
    assert await store.push_question(brew.id, None, "Your own question?") == 2
    asked = await store.live_questions(brew.id)
    assert [(q.number, q.prompt_id, q.text) for q in asked] == [
        (1, "what_matters", None),
        (2, "live_2", "Your own question?"),
    ]
    assert sorted(await chats(store), key=repr) == [
        (ACTIVE, AskLive(1)),
        (ACTIVE, AskLive(2)),
        (PAUSED, AskLive(1)),
        (PAUSED, AskLive(2)),
    ]


async def test_a_delivery_marked_is_never_pending_again(store: Store) -> None:
    brew = await room(store, Pace.LIVE)
    await store.push_question(brew.id, "what_matters", None)
    pending = await store.pending_deliveries(50)
    for delivery in pending:
        await store.mark_delivered(delivery.id, uncertain=delivery.chat_id == PAUSED)
        await store.mark_delivered(delivery.id)  # twice is harmless
    assert await store.pending_deliveries(50) == []


async def test_a_day_is_queued_once_for_the_active_only_and_waits_out_quiet_hours(
    store: Store,
) -> None:
    brew = await room(store, Pace.DAILY)
    assert await store.queue_day(brew.id, date(2026, 11, 24)) == 1
    assert await store.queue_day(brew.id, date(2026, 11, 24)) is None
    assert await chats(store) == [(ACTIVE, DayPart(date(2026, 11, 24)))]
    assert await chats(store, days=False) == []
    assert [b.id for b in await store.paced_brews()] == [brew.id]


async def test_ending_the_live_part_queues_one_word_each_once(store: Store) -> None:
    brew = await room(store, Pace.LIVE)
    ended = await store.end_live(brew.id)
    assert ended.pace is Pace.SELF and ended.live_ended_at is not None and ended.was_live
    again = await store.end_live(brew.id)
    assert again.live_ended_at == ended.live_ended_at
    assert await chats(store) == [(ACTIVE, LiveEnd())]


async def test_answered_counts_people_and_gives_only_unheld_typed_words(store: Store) -> None:
    brew = await room(store, Pace.LIVE)
    for chat, words, held in ((201, "one", False), (202, "two", False), (203, "three", True)):
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(text("live_1", Principle.THEME, words), concern=held),
            update_id=None,
        )
    people, texts = await store.answered(brew.id, "live_1")
    assert people == 3 and sorted(t.text for t in texts) == ["one", "two"]


async def test_when_a_question_reached_each_person_is_kept_with_its_delivery(
    store: Store,
) -> None:
    brew = await room(store, Pace.LIVE)
    await store.push_question(brew.id, None, "What helps?")
    shown = datetime(2026, 11, 23, 11, 0, 7, tzinfo=UTC)
    for delivery in await store.pending_deliveries(50):
        on_screen = shown if delivery.chat_id == ACTIVE else None  # nothing shown on a break
        await store.mark_delivered(delivery.id, shown_at=on_screen)
    await store.push_question(brew.id, "what_matters", None)  # not delivered yet
    active, paused = await store.join(ACTIVE), await store.join(PAUSED)
    progress, screen = await store.live_progress(active.id, brew.id)
    assert progress is not None and progress.status is Status.ACTIVE
    assert screen == {"live_1": shown}
    assert (await store.live_progress(paused.id, brew.id))[1] == {}
    assert await store.live_progress((await store.join(999)).id, brew.id) == (None, {})


async def test_a_live_brew_counts_as_finished_whoever_answered_every_question(
    store: Store,
) -> None:
    brew = await room(store, Pace.LIVE)  # four people, one of them "finished"
    await store.push_question(brew.id, "what_matters", None)
    await store.push_question(brew.id, None, "What gets in the way?")
    said = {
        301: ("what_matters", "live_2"),
        302: ("what_matters", "live_2", "what_matters"),  # twice over one: still one person
        303: ("live_2",),
        304: ("about_you", "live_2"),  # a question nobody pushed does not count
    }
    for chat, prompts in said.items():
        person = await store.join(chat)
        answers = [text(p, Principle.THEME, f"{chat} {p}") for p in prompts]
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(*answers), update_id=None
        )
    counts = await store.brew_counts(brew.id)
    assert (counts.took_part, counts.finished) == (8, 2)
    ended = await store.end_live(brew.id)
    assert ended.was_live and (await store.brew_counts(brew.id)).finished == 2
    plain = await room(store, Pace.SELF)
    assert (await store.brew_counts(plain.id)).finished == 1  # its "finished" person


async def test_the_news_question_is_answered_per_brew(store: Store) -> None:
    first, second = await room(store, Pace.LIVE), await room(store, Pace.SELF)
    person = await store.join(FINISHED)
    assert not await store.news_answered(person.id, first.id)
    await store.keep_news_choice(person.id, first.id, False)
    assert await store.news_answered(person.id, first.id)
    assert not await store.news_answered(person.id, second.id)
    assert (await store.join(FINISHED)).news is False
    await store.keep_news_choice(person.id, second.id, True)
    assert (await store.join(FINISHED)).news is True


async def test_deliveries_kept_as_text_before_read_as_their_kinds(store: Store) -> None:
    brew = await room(store, Pace.LIVE)
    person = await store.join(ACTIVE)

    async def keep(db: Connection) -> None:
        for what in ("ask:7", "day:2026-11-24", "end", "ask:x", "later:3"):
            await run(
                db,
                "INSERT INTO deliveries (brew_id, participant_id, what, queued_at)"
                " VALUES (?, ?, ?, '2026-11-23T10:00:00+00:00')",
                (brew.id, person.id, what),
            )

    await store._write(keep)
    assert await chats(store) == [
        (ACTIVE, AskLive(7)),
        (ACTIVE, DayPart(date(2026, 11, 24))),
        (ACTIVE, LiveEnd()),
        (ACTIVE, None),  # not a number: this brewbot never wrote it
        (ACTIVE, None),  # a kind a newer brewbot knows: marked done without sending
    ]
    assert await chats(store, days=False) == [
        (ACTIVE, AskLive(7)),
        (ACTIVE, LiveEnd()),
        (ACTIVE, None),
        (ACTIVE, None),
    ]
