"""The region digest compares the principles across councils in the region's chat; a council
with too few answers to a principle is folded into "other councils", never named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.jobs.weekly_digest import post_due_digests
from conversations.model import Stage
from standin import StandIn
from tests.facilitator_support import group_texts, in_group, last_in_group, took_part
from tests.running import FACILITATORS, Running
from tests.test_weekly_digest import next_monday_morning

REGION = -100515151
EAST, SOUTH, WEST = -1002000000001, -1002000000002, -1002000000003
TITLES = {
    FACILITATORS: "Northshire facilitators",
    EAST: "Eastshire facilitators",
    SOUTH: "Southshire facilitators",
    WEST: "Westshire facilitators",
}


@pytest.fixture
async def region(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot for four councils and a region chat."""
    for chat, title in TITLES.items():
        standin.world.group_chat(chat, title=title)
    standin.world.group_chat(REGION, title="East of England")
    running = Running(
        standin, tmp_path / "brewbot.db", facilitator_chats=tuple(TITLES), region_chat=REGION
    )
    await running.start()
    running.clock.now = datetime.now(UTC)  # answers are stamped by this clock: this week
    try:
        yield running
    finally:
        await running.stop()


async def _brews(brewbot: Running) -> None:
    """North and East: six and five people rate assets; South and West: five people each,
    but only three of them rate it."""
    store = brewbot.services.store
    chats = iter(range(876001, 876100))
    for group, stage, rated in (
        (FACILITATORS, Stage.GETTING_THERE, 6),
        (EAST, Stage.NOT_YET, 5),
        (SOUTH, Stage.BASICS, 3),
        (WEST, Stage.BASICS, 3),
    ):
        brew = await store.create_brew(theme="t", pack_id="four-principles", group_chat_id=group)
        await took_part(brewbot, brew, [next(chats) for _ in range(rated)], stage=stage)
        unrated = [next(chats) for _ in range(max(0, 5 - rated))]
        await took_part(brewbot, brew, unrated, stage=None, words=["Time to talk."])


def _region_text(brewbot: Running) -> str:
    return "\n".join(group_texts(brewbot, REGION))


async def test_small_councils_are_folded_into_other_councils(region: Running) -> None:
    brewbot = region
    await _brews(brewbot)
    await in_group(brewbot, "/region")
    assert last_in_group(brewbot) == brewbot.services.text("region_sent")
    text = _region_text(brewbot)
    assert "• Northshire facilitators: 6 answers, on the whole ‘getting there’" in text
    assert "• Eastshire facilitators: 5 answers, on the whole ‘haven't got this yet’" in text
    assert "• Other councils together: 6 answers, on the whole ‘got the basics’" in text
    assert "Southshire" not in text and "Westshire" not in text


async def test_the_region_digest_goes_once_a_week_beside_the_councils(region: Running) -> None:
    brewbot = region
    await _brews(brewbot)
    monday = next_monday_morning(datetime.now(UTC))
    brewbot.clock.now = monday - timedelta(hours=2)
    await brewbot.run_job(post_due_digests)  # the very first check notes what is due
    brewbot.clock.now = monday
    await brewbot.run_job(post_due_digests)
    await brewbot.run_job(post_due_digests)
    heads = [t for t in group_texts(brewbot, REGION) if t.startswith("☕ Over a Brew across")]
    assert len(heads) == 1
    assert "Northshire facilitators: 6 answers" in _region_text(brewbot)
