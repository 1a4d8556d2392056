"""Two councils, two facilitators' groups: each sees only its own brews in its digest,
and each group's weekly digest goes to its own chat, once a week, neither holding the
other back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.jobs.weekly_digest import post_due_digests
from conversations.model import Stage
from standin import StandIn
from storage.records import Brew
from tests.facilitator_support import ADMIN, group_texts, in_group, took_part
from tests.running import FACILITATORS, Running
from tests.test_weekly_digest import next_monday_morning

OTHER_COUNCIL = -1009876543210

OURS = (
    "Being asked what matters to me before anything else.",
    "Someone ringing back when they said they would.",
)
THEIRS = ("The bus pass made all the difference to my week.",)


@pytest.fixture
async def two_councils(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot working for two councils, each with its own facilitators' group."""
    running = Running(
        standin, tmp_path / "brewbot.db", facilitator_chats=(FACILITATORS, OTHER_COUNCIL)
    )
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def _a_brew_in_each_group(brewbot: Running) -> tuple[Brew, Brew]:
    """Six people answer a brew in the first group, five in the other, with news in each."""
    store = brewbot.services.store
    ours = await brewbot.new_brew("what makes a good review")
    await took_part(brewbot, ours, range(873001, 873007), words=OURS)
    await store.record_wesaid(ours.id, "Reviews felt rushed | Reviews now start slower", "t:1")
    theirs = await store.create_brew(
        theme="getting out and about", pack_id="over-a-brew", group_chat_id=OTHER_COUNCIL
    )
    await took_part(brewbot, theirs, range(873101, 873106), words=THEIRS, stage=Stage.DOING_WELL)
    await store.record_wesaid(theirs.id, "Buses were hard | We wrote to the bus company", "t:2")
    return ours, theirs


def _digest_text(brewbot: Running, chat_id: int) -> str:
    text = "\n".join(group_texts(brewbot, chat_id))
    return text.replace("\u2068", "").replace("\u2069", "")  # isolates around people's words


def _only_ours(text: str) -> None:
    assert "what makes a good review: 6 people took part" in text
    assert "We said: Reviews felt rushed" in text
    assert "getting out and about" not in text
    assert "Buses were hard" not in text and "bus company" not in text
    assert THEIRS[0] not in text


def _only_theirs(text: str) -> None:
    assert "getting out and about: 5 people took part" in text
    assert "We said: Buses were hard" in text
    assert "doing really well" in text  # their own trend, not pooled with ours
    assert "what makes a good review" not in text
    assert "Reviews" not in text
    assert not any(words in text for words in OURS)


async def test_digest_in_a_group_shows_only_that_groups_brews(two_councils: Running) -> None:
    brewbot = two_councils
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    await _a_brew_in_each_group(brewbot)
    brewbot.standin.set_admins(OTHER_COUNCIL, [ADMIN])
    await in_group(brewbot, "/digest", chat_id=OTHER_COUNCIL)
    _only_theirs(_digest_text(brewbot, OTHER_COUNCIL))
    await in_group(brewbot, "/digest")
    _only_ours(_digest_text(brewbot, FACILITATORS))
    brewbot.standin.assert_no_problems()


async def test_each_group_gets_its_own_weekly_digest_and_neither_holds_the_other_back(
    two_councils: Running,
) -> None:
    brewbot = two_councils
    brewbot.clock.now = datetime.now(UTC)  # answers are stamped by this clock: this week
    await _a_brew_in_each_group(brewbot)
    brewbot.standin.world.group_chat(FACILITATORS)  # brewbot is in the first group only, yet
    monday = next_monday_morning(datetime.now(UTC))
    brewbot.clock.now = monday - timedelta(hours=2)
    await brewbot.run_job(post_due_digests)  # the very first check: nothing owed yet
    brewbot.clock.now = monday
    await brewbot.run_job(post_due_digests)
    ours = _digest_text(brewbot, FACILITATORS)
    _only_ours(ours)
    assert group_texts(brewbot, OTHER_COUNCIL) == []

    brewbot.standin.world.group_chat(OTHER_COUNCIL)  # someone adds brewbot to the other group
    await brewbot.run_job(post_due_digests)
    _only_theirs(_digest_text(brewbot, OTHER_COUNCIL))
    assert _digest_text(brewbot, FACILITATORS) == ours, "the first group's week is not repeated"

    await brewbot.restart()
    await brewbot.run_job(post_due_digests)
    assert _digest_text(brewbot, FACILITATORS) == ours
    assert sum(t.startswith("☕ Over a Brew") for t in group_texts(brewbot, OTHER_COUNCIL)) == 1
