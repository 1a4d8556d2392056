"""The Store's named methods, against a real SQLite file, ":memory:" and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from conversations.model import Principle, Rag, Stage, Status
from storage import NotFound, Rejected, Store
from storage.migrations import MIGRATIONS
from storage.records import BrewCounts, StageCount
from tests.conftest import drop_database, fresh_database
from tests.storage_support import Clock, stage, step, text

ASSETS, WORK = Principle.ASSETS, Principle.WORK
GROUP = -1001234


@pytest.fixture(params=["file", "memory", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    where = {"file": lambda: str(tmp_path / "brewbot.db"), "memory": lambda: ":memory:"}
    cluster = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    target = await fresh_database(cluster) if cluster else where[request.param]()
    async with await Store.open(target, now=Clock()) as opened:
        yield opened
    if cluster:
        await drop_database(cluster, target)


@pytest.fixture
async def clocked(database: str) -> AsyncIterator[tuple[Store, Clock]]:
    clock = Clock()
    async with await Store.open(database, now=clock) as opened:
        yield opened, clock


# ------------------------------------------------------------- groups and brews


async def test_a_group_is_added_once(store: Store) -> None:
    first = await store.ensure_group(GROUP)
    again = await store.ensure_group(GROUP)
    assert first == again
    assert first.chat_id == GROUP and first.settings == {}


async def test_a_person_chat_id_is_never_taken_as_a_group(store: Store) -> None:
    with pytest.raises(Rejected, match="negative"):
        await store.ensure_group(5551234)


async def test_group_settings_are_kept(store: Store) -> None:
    group = await store.set_group_settings(GROUP, {"digest": "monday", "charts": True})
    assert group.settings == {"charts": True, "digest": "monday"}
    assert (await store.ensure_group(GROUP)).settings == group.settings


async def test_a_brew_gets_an_unguessable_deep_link_code(store: Store) -> None:
    brews = [
        await store.create_brew(theme="Reviews", pack_id="p", group_chat_id=GROUP)
        for _ in range(20)
    ]
    codes = {brew.code for brew in brews}
    assert len(codes) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,64}", code) for code in codes)
    first = brews[0]
    assert first.theme == "Reviews" and first.pack_id == "p" and first.is_open
    assert first.group_chat_id == GROUP
    assert await store.brew_by_code(first.code) == first
    assert await store.brew(first.id) == first
    assert await store.brew_by_code("nope") is None
    assert await store.brew(99999) is None


async def test_a_brew_without_a_group_is_allowed(store: Store) -> None:
    brew = await store.create_brew(theme="Imported", pack_id="p", group_chat_id=None)
    assert brew.group_id is None and brew.group_chat_id is None


async def test_open_brews_lists_a_groups_unclosed_brews(store: Store) -> None:
    one = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
    two = await store.create_brew(theme="two", pack_id="p", group_chat_id=GROUP)
    await store.create_brew(theme="elsewhere", pack_id="p", group_chat_id=GROUP - 1)
    closed = await store.close_brew(one.id)
    assert closed.closed_at is not None and not closed.is_open
    assert [b.id for b in await store.open_brews(GROUP)] == [two.id]
    assert (await store.close_brew(one.id)).closed_at == closed.closed_at
    with pytest.raises(NotFound):
        await store.close_brew(4242)


async def test_brew_counts_people_who_took_part_and_finished(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    assert await store.brew_counts(brew.id) == BrewCounts(took_part=0, finished=0)
    for chat, status in [(1, Status.ACTIVE), (2, Status.FINISHED), (3, Status.FINISHED)]:
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(status=status), update_id=None
        )
    counts = await store.brew_counts(brew.id)
    assert (counts.took_part, counts.finished) == (3, 2)


# ------------------------------------------------------------------ participants


async def test_join_gets_or_creates_one_participant_per_chat(store: Store) -> None:
    first = await store.join(777)
    again = await store.join(777)
    assert first == again
    assert re.fullmatch(r"[0-9a-f]{32}", first.id)
    assert (first.easy, first.nudges, first.news, first.stopped) == (False, True, False, False)
    assert await store.participant_by_chat(777) == first
    assert await store.participant(first.id) == first
    assert await store.participant_by_chat(778) is None
    assert (await store.join(778)).id != first.id


async def test_join_refuses_a_group_chat(store: Store) -> None:
    with pytest.raises(Rejected):
        await store.join(GROUP)


async def test_preferences_change_only_what_is_given(store: Store) -> None:
    person = await store.join(10)
    changed = await store.set_preferences(person.id, easy=True, news=True)
    assert (changed.easy, changed.nudges, changed.news, changed.stopped) == (
        True,
        True,
        True,
        False,
    )
    changed = await store.set_preferences(person.id, nudges=False, easy=False)
    assert (changed.easy, changed.nudges, changed.news) == (False, False, True)
    with pytest.raises(NotFound):
        await store.set_preferences("0" * 32, easy=True)


# ------------------------------------------------------------- the main write


async def test_a_step_keeps_progress_answers_and_self_description(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(20)
    outcome = step(
        stage("q1", ASSETS, Stage.GETTING_THERE),
        text("q2", WORK, "I look after my mum"),
        current="q3",
        self_description="carer",
    )
    assert await store.record_step(
        participant_id=person.id, brew_id=brew.id, outcome=outcome, update_id=1
    )
    assert await store.progress(person.id, brew.id) == outcome.progress
    kept_person = await store.participant(person.id)
    assert kept_person is not None and kept_person.self_description == "carer"
    kept = await store.answers(brew.id)
    assert [(a.prompt_id, a.stage, a.rag, a.text) for a in kept] == [
        ("q1", Stage.GETTING_THERE, Rag.AMBER, None),
        ("q2", None, None, "I look after my mum"),
    ]
    assert all(a.participant_id == person.id and not a.imported for a in kept)


async def test_a_redelivered_update_is_stored_once(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(21)
    outcome = step(text("q2", WORK, "once only"))
    results = [
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=outcome, update_id=555
        )
        for _ in range(3)
    ]
    assert results == [True, False, False]
    assert [a.text for a in await store.answers(brew.id)] == ["once only"]


async def test_steps_without_an_update_id_are_all_kept(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(22)
    for _ in range(2):
        assert await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(text("q", WORK, "again")),
            update_id=None,
        )
    assert len(await store.answers(brew.id)) == 2


async def test_mark_handled_is_true_only_the_first_time(store: Store) -> None:
    assert not await store.was_handled(9)
    assert await store.mark_handled(9)
    assert await store.was_handled(9)
    assert not await store.mark_handled(9)
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(23)
    assert not await store.record_step(
        participant_id=person.id, brew_id=brew.id, outcome=step(), update_id=9
    )
    assert await store.progress(person.id, brew.id) is None


async def test_quote_consent_reaches_earlier_answers_in_that_brew_only(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    other = await store.create_brew(theme="u", pack_id="p", group_chat_id=GROUP)
    person = await store.join(24)
    someone = await store.join(25)
    for who, where, words in [
        (person, brew, "first"),
        (person, other, "other brew"),
        (someone, brew, "someone else"),
    ]:
        await store.record_step(
            participant_id=who.id,
            brew_id=where.id,
            outcome=step(text("q", WORK, words)),
            update_id=None,
        )
    await store.record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(text("q2", WORK, "second"), quote_consent=True),
        update_id=None,
    )
    consents = {a.text: a.quote_consent for a in await store.answer_texts(brew.id)}
    assert consents == {"first": True, "second": True, "someone else": False}
    assert [a.quote_consent for a in await store.answer_texts(other.id)] == [False]
    await store.record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(quote_consent=False),
        update_id=None,
    )
    consents = {a.text: a.quote_consent for a in await store.answer_texts(brew.id)}
    assert consents == {"first": False, "second": False, "someone else": False}


async def test_a_worrying_text_answer_is_held_and_left_out(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(26)
    await store.record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(stage("q1", ASSETS, Stage.NOT_YET), text("q2", WORK, "worry"), concern=True),
        update_id=None,
    )
    assert await store.answer_texts(brew.id) == []
    assert [a.text for a in await store.answer_texts(brew.id, include_held=True)] == ["worry"]
    assert [c.count for c in await store.stage_counts(brew.id)] == [1]  # stages are not held
    held = await store.held_answers(GROUP)
    assert [(h.brew_id, h.text) for h in held] == [(brew.id, "worry")]
    assert await store.held_answers(GROUP - 5) == []
    assert await store.release(held[0].answer_id)
    assert not await store.release(held[0].answer_id)
    assert [a.text for a in await store.answer_texts(brew.id)] == ["worry"]
    assert await store.held_answers(GROUP) == []


async def test_a_kept_out_answer_stays_out(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(27)
    await store.record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(text("q2", WORK, "too much"), concern=True),
        update_id=None,
    )
    (held,) = await store.held_answers(GROUP)
    assert await store.keep_out(held.answer_id)
    assert not await store.release(held.answer_id)
    assert await store.held_answers(GROUP) == []
    assert await store.answer_texts(brew.id) == []


async def test_latest_progress_is_the_most_recently_active_brew(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    person = await store.join(30)
    assert await store.latest_progress(person.id) is None
    one = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
    two = await store.create_brew(theme="two", pack_id="p", group_chat_id=GROUP)
    for brew in (one, two, one):
        clock.advance(minutes=1)
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(current="x"), update_id=None
        )
    latest = await store.latest_progress(person.id)
    assert latest is not None
    assert latest[0].id == one.id and latest[1].current == "x"


async def test_the_brew_last_opened_wins_even_at_the_same_instant(store: Store) -> None:
    person = await store.join(31)
    one = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
    two = await store.create_brew(theme="two", pack_id="p", group_chat_id=GROUP)
    for brew in (one, two):
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(current="x"), update_id=None
        )
    for brew in (two, one, two, one):
        await store.mark_opened(person.id, brew.id)
        latest = await store.latest_progress(person.id)
        assert latest is not None and latest[0].id == brew.id


# ------------------------------------------------------------------------- nudges


async def test_a_nudge_is_due_once_per_brew_ever(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    quiet = await store.join(40)
    finished = await store.join(41)
    no_nudges = await store.join(42)
    stopped = await store.join(43)
    await store.set_preferences(no_nudges.id, nudges=False)
    await store.set_preferences(stopped.id, stopped=True)
    for person in (quiet, no_nudges, stopped):
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(), update_id=None
        )
    await store.record_step(
        participant_id=finished.id,
        brew_id=brew.id,
        outcome=step(status=Status.FINISHED),
        update_id=None,
    )
    clock.advance(hours=1)
    assert await store.due_nudges(idle_before=clock.now - timedelta(hours=2)) == []
    clock.advance(days=1)
    idle_before = clock.now - timedelta(hours=2)
    (due,) = await store.due_nudges(idle_before=idle_before)
    assert (due.participant_id, due.chat_id, due.brew_id) == (quiet.id, 40, brew.id)
    await store.mark_nudged(quiet.id, brew.id)
    assert await store.due_nudges(idle_before=idle_before) == []
    clock.advance(minutes=5)  # they come back, then go quiet again
    await store.record_step(
        participant_id=quiet.id, brew_id=brew.id, outcome=step(), update_id=None
    )
    clock.advance(days=1)
    assert await store.due_nudges(idle_before=clock.now - timedelta(hours=2)) == []


async def test_no_nudges_for_a_closed_brew(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    person = await store.join(44)
    await store.record_step(
        participant_id=person.id, brew_id=brew.id, outcome=step(), update_id=None
    )
    await store.close_brew(brew.id)
    clock.advance(days=2)
    assert await store.due_nudges(idle_before=clock.now) == []


# ---------------------------------------------------------------------- summaries


async def test_stage_counts_group_by_principle_and_stage(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    picks = [Stage.NOT_YET, Stage.DOING_WELL, Stage.DOING_WELL]
    for chat, pick in enumerate(picks, start=50):
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(stage("a", ASSETS, pick), stage("w", WORK, Stage.BASICS)),
            update_id=None,
        )
    assert await store.stage_counts(brew.id) == [
        StageCount(ASSETS, Stage.NOT_YET, Rag.RED, 1),
        StageCount(ASSETS, Stage.DOING_WELL, Rag.GREEN, 2),
        StageCount(WORK, Stage.BASICS, Rag.AMBER, 3),
    ]


async def test_weekly_counts_use_iso_weeks(clocked: tuple[Store, Clock]) -> None:
    store, clock = clocked
    mine = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    theirs = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP - 1)
    person = await store.join(60)
    start = clock.now  # Monday of 2026-W47
    for brew, days in [(mine, 0), (mine, 6), (mine, 7), (theirs, 7)]:
        clock.now = start + timedelta(days=days, hours=14)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(stage("a", ASSETS, Stage.BASICS)),
            update_id=None,
        )
    weekly = await store.weekly_stage_counts(since=start)
    assert [(w.week, w.principle, w.stage, w.count) for w in weekly] == [
        ("2026-W47", ASSETS, Stage.BASICS, 2),
        ("2026-W48", ASSETS, Stage.BASICS, 2),
    ]
    mine_only = await store.weekly_stage_counts(since=start, group_chat_id=GROUP)
    assert [(w.week, w.count) for w in mine_only] == [("2026-W47", 2), ("2026-W48", 1)]
    later = await store.weekly_stage_counts(since=start + timedelta(days=7))
    assert [(w.week, w.count) for w in later] == [("2026-W48", 2)]
    second = await store.create_brew(theme="t2", pack_id="p", group_chat_id=GROUP)
    await store.record_step(
        participant_id=person.id,
        brew_id=second.id,
        outcome=step(stage("a", ASSETS, Stage.BASICS)),
        update_id=None,
    )
    by_brew = await store.weekly_brew_stage_counts(since=start, group_chat_id=GROUP)
    assert [(w.week, w.brew_id, w.count) for w in by_brew] == [
        ("2026-W47", mine.id, 2),
        ("2026-W48", mine.id, 1),
        ("2026-W48", second.id, 1),
    ]


async def test_self_descriptions_count_a_brews_people(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    for chat, said in [(70, "carer"), (71, "carer"), (72, "staff"), (73, None)]:
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(self_description=said),
            update_id=None,
        )
    assert await store.self_descriptions(brew.id) == {"carer": 2, "staff": 1}


async def test_described_stages_count_different_people_by_self_description(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    said = [
        (80, "unpaid_carer", [Stage.BASICS]),
        (81, "unpaid_carer", [Stage.BASICS, Stage.BASICS]),  # the same answer twice: one person
        (82, "unpaid_carer", [Stage.DOING_WELL]),
        (83, "works_in_care", [Stage.NOT_YET]),
        (84, None, [Stage.BASICS]),
    ]
    for chat, described, stages in said:
        person = await store.join(chat)
        answers = [stage("assets_stage", ASSETS, s) for s in stages]
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(*answers, self_description=described),
            update_id=None,
        )
    await store.import_answers(
        brew_id=brew.id, sha256="ab" * 32, answers=[stage("work_stage", WORK, Stage.BASICS)]
    )
    other = await store.create_brew(theme="u", pack_id="p", group_chat_id=GROUP)
    elsewhere = await store.join(86)
    await store.record_step(
        participant_id=elsewhere.id,
        brew_id=other.id,
        outcome=step(stage("assets_stage", ASSETS, Stage.NOT_YET), self_description="unpaid_carer"),
        update_id=None,
    )
    found = {(d.principle, d.self_description): d for d in await store.described_stages(brew.id)}
    assert set(found) == {
        (ASSETS, "unpaid_carer"),
        (ASSETS, "works_in_care"),
        (ASSETS, None),
        (WORK, None),
    }
    carers = found[(ASSETS, "unpaid_carer")]
    assert carers.people == 3
    assert dict(carers.stages) == {Stage.BASICS: 2, Stage.DOING_WELL: 1}
    assert (found[(ASSETS, None)].people, dict(found[(ASSETS, None)].stages)) == (
        1,
        {Stage.BASICS: 1},
    )
    assert found[(WORK, None)].people == 1  # an imported answer is one person, undescribed


async def test_answerer_descriptions_key_people_as_answer_texts_does(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)
    chats = (5550001190, 5550001191, 5550001192)
    for chat, described in zip(chats, ["draws_on_care", None, "works_in_care"], strict=True):
        person = await store.join(chat)
        await store.record_step(
            participant_id=person.id,
            brew_id=brew.id,
            outcome=step(
                text("what_matters", Principle.THEME, f"words {chat}"),
                self_description=described,
            ),
            update_id=None,
        )
    typed = {a.text: a.person for a in await store.answer_texts(brew.id)}
    about = await store.answerer_descriptions(brew.id)
    assert about == {
        typed["words 5550001190"]: "draws_on_care",
        typed["words 5550001192"]: "works_in_care",
    }
    assert not any(str(chat) in key for key in about for chat in chats)  # no Telegram id


# ---------------------------------------------------------------- facilitator side


async def test_a_post_is_claimed_once(store: Store) -> None:
    assert await store.claim_post("digest", "2026-W47")
    assert not await store.claim_post("digest", "2026-W47")
    assert await store.claim_post("digest", "2026-W48")
    assert await store.claim_post("summary", "2026-W47")


async def test_a_file_is_imported_once_without_a_participant(store: Store) -> None:
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=None)
    answers = [stage("a", ASSETS, Stage.BASICS), text("t", WORK, "from paper")]
    digest = "ab" * 32
    assert await store.import_answers(brew_id=brew.id, sha256=digest, answers=answers) == 2
    assert await store.import_answers(brew_id=brew.id, sha256=digest, answers=answers) is None
    kept = await store.answers(brew.id)
    assert len(kept) == 2
    assert all(a.imported and a.participant_id is None for a in kept)
    assert [c.count for c in await store.stage_counts(brew.id)] == [1]


async def test_the_file_checks_clean(store: Store) -> None:
    assert await store.check() == []
    assert await store.schema_version() == MIGRATIONS[-1][0]


async def test_a_language_is_kept_once_and_changed_only_by_a_choice(store: Store) -> None:
    first = await store.join(77, language="cy")
    assert first.language == "cy"
    again = await store.join(77, language="en")  # a later start keeps what they had
    assert again.language == "cy"
    chosen = await store.set_preferences(first.id, language="en")
    assert (chosen.language, chosen.easy) == ("en", False)
    unset = await store.join(78)
    assert unset.language is None
    brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=-5, language="cy")
    assert brew.language == "cy"
    assert (await store.brew_by_code(brew.code)) == brew
