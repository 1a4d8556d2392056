"""Follow-up reads and once-only writes: a week's brews, answers and news; news to send;
plans and posts that happen once; a group's recent brews."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from conversations.model import Principle, Stage
from storage import Store
from storage.records import Brew, WeekBrew
from tests.storage_support import START, Clock, stage, step, text

GROUP = -1001234
OTHER_GROUP = -1005678  # another council's facilitators: never in GROUP's digest
WEEK = (START, START + timedelta(days=7))  # START is Monday 09:00 of 2026-W47


@pytest.fixture
async def clocked(database: str) -> AsyncIterator[tuple[Store, Clock]]:
    clock = Clock()
    async with await Store.open(database, now=clock) as opened:
        yield opened, clock


async def _answer(store: Store, brew: Brew, chat: int, *words: str, held: bool = False) -> str:
    person = await store.join(chat)
    answers = [text("what_matters", Principle.THEME, w) for w in words]
    await store.record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(stage("s", Principle.ASSETS, Stage.BASICS), *answers, concern=held),
        update_id=None,
    )
    return person.id


async def test_week_brews_counts_the_people_who_answered_that_week(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    clock.now = START - timedelta(days=3)
    old = await store.create_brew(theme="older", pack_id="p", group_chat_id=GROUP)
    await _answer(store, old, 1, "before the week")
    clock.now = START + timedelta(hours=1)
    new = await store.create_brew(theme="new", pack_id="p", group_chat_id=GROUP)
    quiet = await store.create_brew(theme="quiet", pack_id="p", group_chat_id=GROUP)
    await _answer(store, old, 2, "in the week")
    await _answer(store, new, 2, "a")
    await _answer(store, new, 3, "b", "c")
    await store.import_answers(
        brew_id=new.id, sha256="a" * 64, answers=[text("t", Principle.THEME, "imported")]
    )
    elsewhere = await store.create_brew(theme="elsewhere", pack_id="p", group_chat_id=OTHER_GROUP)
    await _answer(store, elsewhere, 5, "in the week, in another group")
    clock.now = START + timedelta(days=8)
    await _answer(store, quiet, 4, "after the week")
    assert await store.week_brews(*WEEK, group_chat_id=OTHER_GROUP) == [
        WeekBrew(elsewhere.id, "elsewhere", 1)
    ]
    assert await store.week_brews(*WEEK, group_chat_id=GROUP) == [
        WeekBrew(old.id, "older", 1),
        WeekBrew(new.id, "new", 3),
        WeekBrew(quiet.id, "quiet", 0),
    ]


async def test_week_answer_texts_leave_out_held_answers_and_other_weeks(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    clock.now = START - timedelta(minutes=1)
    await _answer(store, brew, 1, "too early")
    clock.now = START
    person = await _answer(store, brew, 2, "kept", "also kept")
    await _answer(store, brew, 3, "worrying", held=True)
    elsewhere = await store.create_brew(theme="e", pack_id="p", group_chat_id=OTHER_GROUP)
    await _answer(store, elsewhere, 5, "another group's")
    clock.now = WEEK[1]
    await _answer(store, brew, 4, "too late")
    found = await store.week_answer_texts(*WEEK, group_chat_id=GROUP)
    assert [(a.brew_id, a.answer.text) for a in found] == [
        (brew.id, "kept"),
        (brew.id, "also kept"),
    ]
    assert {a.answer.person for a in found} == {f"p:{person}"}
    (held,) = await store.held_answers(GROUP)
    assert await store.release(held.answer_id)
    assert [a.answer.text for a in await store.week_answer_texts(*WEEK, group_chat_id=GROUP)] == [
        "kept",
        "also kept",
        "worrying",
    ]


async def test_showing_a_held_answer_in_full_is_counted_while_it_waits(
    clocked: tuple[Store, Clock],
) -> None:
    store, _clock = clocked
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    await _answer(store, brew, 3, "worrying", held=True)
    (held,) = await store.held_answers(GROUP)
    assert held.shown_in_full == 0
    assert await store.note_shown_in_full(held.answer_id)
    assert await store.note_shown_in_full(held.answer_id)
    (counted,) = await store.held_answers(GROUP)
    assert counted.shown_in_full == 2
    assert await store.keep_out(held.answer_id)
    assert not await store.note_shown_in_full(held.answer_id)  # decided: no longer on show


async def test_week_wesaid_lists_the_weeks_updates_with_their_theme(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    brew = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
    clock.now = START + timedelta(days=2)
    await store.record_wesaid(brew.id, "We changed the letter.", "chat:1")
    elsewhere = await store.create_brew(theme="e", pack_id="p", group_chat_id=OTHER_GROUP)
    await store.record_wesaid(elsewhere.id, "Another group's news.", "chat:3")
    clock.now = START + timedelta(days=9)
    await store.record_wesaid(brew.id, "Next week's news.", "chat:2")
    (found,) = await store.week_wesaid(*WEEK, group_chat_id=GROUP)
    assert (found.theme, found.text, found.brew_id) == (
        "reviews",
        "We changed the letter.",
        brew.id,
    )


async def test_record_wesaid_queues_news_once_for_people_who_want_it(store: Store) -> None:
    brew = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
    wants, _declines, stopped = [await _answer(store, brew, chat) for chat in (1, 2, 3)]
    await store.set_preferences(wants, news=True, easy=True)
    await store.set_preferences(stopped, news=True, stopped=True)
    outsider = await store.join(4)  # wants news, but never took part in this brew
    await store.set_preferences(outsider.id, news=True)
    recorded = await store.record_wesaid(brew.id, "We changed the letter.", "-100:7")
    assert recorded is not None and recorded.queued == 1
    assert await store.record_wesaid(brew.id, "We changed the letter.", "-100:7") is None
    (item,) = await store.pending_news(10)
    assert (item.chat_id, item.easy, item.theme, item.text) == (
        1,
        True,
        "reviews",
        "We changed the letter.",
    )
    await store.mark_sent(item.outbox_id)
    assert await store.pending_news(10) == []
    day = (START - timedelta(days=1), START + timedelta(days=1))
    assert len(await store.week_wesaid(*day, group_chat_id=GROUP)) == 1


async def test_pending_news_skips_people_who_stopped_after_it_was_queued(store: Store) -> None:
    brew = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
    ids = [await _answer(store, brew, chat) for chat in (1, 2)]
    for person in ids:
        await store.set_preferences(person, news=True)
    recorded = await store.record_wesaid(brew.id, "News.", "k")
    assert recorded is not None and recorded.queued == 2
    await store.set_preferences(ids[0], stopped=True)
    assert [i.chat_id for i in await store.pending_news(10)] == [2]
    assert len(await store.pending_news(1)) == 1


async def test_a_plan_item_is_added_once_per_key(store: Store) -> None:
    brew = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
    item = await store.add_plan_item_once("-100:5", brew.id, "the housing team", "Ring back", None)
    assert item is not None and item.what == "Ring back" and item.due is None
    assert await store.add_plan_item_once("-100:5", brew.id, "x", "y", "z") is None
    assert await store.add_plan_item_once("-100:6", brew.id, "us", "Meet", "June") is not None
    assert [(p.who, p.due) for p in await store.plan(brew.id)] == [
        ("the housing team", None),
        ("us", "June"),
    ]


async def test_posts_can_be_looked_up_and_the_latest_key_found(store: Store) -> None:
    assert await store.latest_post("digest") is None
    assert not await store.has_post("digest", "2026-W47")
    for week in ("2026-W47", "2027-W01", "2026-W52"):
        assert await store.claim_post("digest", week)
    await store.claim_post("digest-part", "2027-W02/0")
    assert await store.has_post("digest", "2026-W47")
    assert not await store.has_post("digest-part", "2026-W47")
    assert await store.latest_post("digest") == "2027-W01"


@pytest.fixture
async def store(database: str) -> AsyncIterator[Store]:
    async with await Store.open(database, now=Clock()) as opened:
        yield opened
