"""The weekly digest is posted on its day, once a week, across restarts, crashes and downtime."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.jobs.weekly_digest import (
    CATCH_UP,
    DONE,
    due_weeks,
    kind,
    post_due_digests,
    to_post,
    week_bounds,
)
from bot.settings import Settings
from standin.faults import FaultPlan
from tests.facilitator_support import group_calls, group_texts, took_part
from tests.running import FACILITATORS, Running

DIGEST_CHAT = -100555

LONDON = ZoneInfo("Europe/London")
# Monday 23 November 2026 in London (GMT): the digest is due at 09:00 and covers 2026-W47.
MONDAY = datetime(2026, 11, 23, tzinfo=LONDON)
W47 = "☕ Over a Brew: the week of Monday 16 November 2026"


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute).astimezone(UTC)


def headings(brewbot: Running) -> list[str]:
    """The first line of each digest posted in the group."""
    return [t.split("\n")[0] for t in group_texts(brewbot) if "Over a Brew: the week of" in t]


def next_monday_morning(now: datetime) -> datetime:
    """10:00 London on the Monday after ``now``: its digest covers the week ``now`` is in.

    (The store stamps answers with the real time, so a test about what a digest holds
    digests the real current week.)
    """
    local = now.astimezone(LONDON)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, time(10), tzinfo=LONDON).astimezone(UTC)


# ------------------------------------------------------------------ when it is due


def test_a_monday_digest_covers_last_week_and_a_friday_one_its_own() -> None:
    monday = Settings(digest_day=0, digest_time=time(9, 0))
    assert due_weeks(at(MONDAY, 8, 59), monday)[-1] == "2026-W46"
    assert due_weeks(at(MONDAY, 9, 0), monday)[-1] == "2026-W47"
    friday = Settings(digest_day=4, digest_time=time(16, 30))
    assert due_weeks(at(MONDAY + timedelta(days=4), 16, 29), friday)[-1] == "2026-W47"
    assert due_weeks(at(MONDAY + timedelta(days=4), 16, 30), friday)[-1] == "2026-W48"


def test_due_weeks_look_back_a_few_weeks_oldest_first() -> None:
    due = due_weeks(at(MONDAY, 10), Settings())
    assert due == ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert len(due) == CATCH_UP


def test_the_digest_time_is_local_time_across_the_clock_change() -> None:
    # Monday 1 June 2026 is in British Summer Time: 09:00 in London is 08:00 UTC.
    assert due_weeks(datetime(2026, 6, 1, 7, 59, tzinfo=UTC), Settings())[-1] == "2026-W21"
    assert due_weeks(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), Settings())[-1] == "2026-W22"


def test_only_weeks_after_the_last_posted_are_posted() -> None:
    due = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert to_post(due, "2026-W45") == ["2026-W46", "2026-W47"]
    assert to_post(due, "2026-W47") == []
    assert to_post(due, "") == due
    assert to_post([], "2026-W45") == []


def test_a_week_runs_from_local_monday_midnight() -> None:
    start, end = week_bounds("2026-W47", LONDON)
    assert start == datetime(2026, 11, 16, tzinfo=LONDON)
    assert end - start == timedelta(days=7)
    summer_start, _ = week_bounds("2026-W23", LONDON)
    assert summer_start.astimezone(UTC) == datetime(2026, 5, 31, 23, 0, tzinfo=UTC)


def test_each_groups_digest_goes_to_its_own_chat_or_the_group_itself() -> None:
    assert Settings(facilitator_chats=(-5, -6)).digest_chat_for(-6) == -6
    assert Settings(facilitator_chats=(-5,), digest_chat=-9).digest_chat_for(-5) == -9
    two = Settings(facilitator_chats=(-5, -6), digest_chats=((-6, -8),))
    assert (two.digest_chat_for(-5), two.digest_chat_for(-6)) == (-5, -8)
    assert two.digest_chat_ids == (-8,)


# ------------------------------------------------------------------ once a week, end to end


@pytest.fixture(autouse=True)
def group_exists(brewbot: Running) -> None:
    """brewbot was added to the facilitators' group, so Telegram lets it post there."""
    brewbot.standin.world.group_chat(FACILITATORS)


async def first_check_at(brewbot: Running, moment: datetime) -> None:
    """brewbot's very first digest check happens at ``moment``."""
    brewbot.clock.now = moment
    await brewbot.run_job(post_due_digests)


async def test_a_new_brewbot_owes_no_digest_from_before_it_first_ran(brewbot: Running) -> None:
    await first_check_at(brewbot, at(MONDAY, 9, 5))
    brewbot.clock.advance(timedelta(days=6, hours=23))
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot) == []
    brewbot.clock.advance(timedelta(hours=1))
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot) == ["☕ Over a Brew: the week of Monday 23 November 2026"]


async def test_the_digest_is_posted_once_on_its_day_even_across_a_restart(
    brewbot: Running,
) -> None:
    await first_check_at(brewbot, at(MONDAY, 8, 30))
    assert headings(brewbot) == []
    brewbot.clock.now = at(MONDAY, 9, 5)
    await brewbot.run_job(post_due_digests)
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot) == [W47]
    await brewbot.restart()
    await brewbot.run_job(post_due_digests)
    brewbot.clock.advance(timedelta(days=3))
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot) == [W47]
    brewbot.standin.assert_no_problems()


async def test_two_checks_at_once_still_post_one_digest(brewbot: Running) -> None:
    await first_check_at(brewbot, at(MONDAY, 8, 30))
    brewbot.clock.now = at(MONDAY, 9, 5)
    await asyncio.gather(brewbot.run_job(post_due_digests), brewbot.run_job(post_due_digests))
    assert headings(brewbot) == [W47]


async def test_weeks_missed_while_brewbot_was_down_are_posted_when_it_is_back(
    brewbot: Running,
) -> None:
    await first_check_at(brewbot, at(MONDAY, 8, 30))
    brewbot.clock.now = at(MONDAY, 9, 5)
    await brewbot.run_job(post_due_digests)
    await brewbot.stop()
    brewbot.clock.advance(timedelta(days=7))  # down through the next Monday morning
    await brewbot.start()
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot)[1:] == ["☕ Over a Brew: the week of Monday 23 November 2026"]
    await brewbot.stop()
    brewbot.clock.advance(timedelta(days=14))  # down for two Mondays this time
    await brewbot.start()
    job = brewbot.app.job_queue.get_jobs_by_name("digest") if brewbot.app.job_queue else ()
    assert len(job) == 1, "the check runs by itself after start-up"
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot)[2:] == [
        "☕ Over a Brew: the week of Monday 30 November 2026",
        "☕ Over a Brew: the week of Monday 7 December 2026",
    ]
    await brewbot.run_job(post_due_digests)
    assert len(headings(brewbot)) == 4


async def _week_with_a_chart(brewbot: Running) -> None:
    """Give the current real week enough answers for a trend chart; digest it next Monday."""
    brew = await brewbot.new_brew("feeling listened to")
    await took_part(brewbot, brew, range(871001, 871006))
    monday = next_monday_morning(datetime.now(UTC))
    await first_check_at(brewbot, monday - timedelta(hours=2))
    brewbot.clock.now = monday


def _parts(brewbot: Running) -> tuple[list[str], int]:
    calls = group_calls(brewbot)
    texts = [c.text or "" for c in calls if c.method == "sendMessage"]
    return texts, sum(c.method == "sendPhoto" for c in calls)


async def test_a_digest_cut_short_carries_on_without_repeating_what_was_sent(
    brewbot: Running,
) -> None:
    await _week_with_a_chart(brewbot)
    brewbot.standin.fail_next("sendPhoto", status=403, description="Forbidden: not allowed")
    await brewbot.run_job(post_due_digests)
    texts, photos = _parts(brewbot)
    assert len(texts) >= 1 and photos == 0
    await brewbot.run_job(post_due_digests)
    assert _parts(brewbot) == (texts, 1)
    await brewbot.run_job(post_due_digests)
    assert _parts(brewbot) == (texts, 1)


async def test_a_crash_in_the_middle_of_a_digest_loses_nothing_and_repeats_nothing(
    brewbot: Running,
) -> None:
    await _week_with_a_chart(brewbot)
    brewbot.standin.fail_next("sendPhoto", status=500, times=1000)
    queue = brewbot.app.job_queue
    assert queue is not None
    queue.run_once(post_due_digests, when=0)
    await brewbot.standin.wait_for(lambda: brewbot.standin.calls_to("sendPhoto"))
    texts, photos = _parts(brewbot)
    assert photos == 0 and texts
    await brewbot.kill()
    brewbot.standin.faults = FaultPlan()
    await brewbot.start()
    await brewbot.run_job(post_due_digests)
    assert _parts(brewbot) == (texts, 1)
    assert [t for t in texts if t.startswith("☕")] == texts[:1]


async def test_the_digest_waits_for_a_digest_chat_brewbot_cannot_reach_yet(
    brewbot: Running,
) -> None:
    await brewbot.stop()
    brewbot.settings = replace(brewbot.settings, digest_chat=DIGEST_CHAT)
    await brewbot.start()
    await first_check_at(brewbot, at(MONDAY, 8, 30))
    brewbot.clock.now = at(MONDAY, 9, 5)
    await brewbot.run_job(post_due_digests)  # Telegram: chat not found
    assert not await brewbot.services.store.has_post(kind(DONE, FACILITATORS), "2026-W47")
    brewbot.standin.world.group_chat(DIGEST_CHAT)  # someone adds brewbot to the chat
    await brewbot.run_job(post_due_digests)
    assert [t.split("\n")[0] for t in group_texts(brewbot, DIGEST_CHAT)] == [W47]
    assert headings(brewbot) == []


async def test_after_the_upgrade_each_group_carries_on_from_the_pooled_digest(
    brewbot: Running,
) -> None:
    await brewbot.services.store.claim_post("digest", "2026-W47")  # the pooled digest's last
    brewbot.clock.now = at(MONDAY + timedelta(days=7), 9, 5)  # W48 is due, and was not posted
    await brewbot.run_job(post_due_digests)
    await brewbot.run_job(post_due_digests)
    assert headings(brewbot) == ["☕ Over a Brew: the week of Monday 23 November 2026"]
