"""Co-producers check a summary: with a review chat, a closed brew's summary goes there as a
draft with Approve and Needs a change; until it is approved it stays out of every digest and
"we said, we did", and /brews says where it stands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from standin import StandIn
from tests.facilitator_support import group_texts, in_group, last_in_group, tap_in_group, took_part
from tests.running import FACILITATORS, Running

REVIEW = -100424242
CO_PRODUCER = 880777
THEME = "what makes a good review"
WORDS = ("Being asked what matters to me first.", "A call back when promised.")
NEWS = "Reviews now start with what matters to you."


@pytest.fixture
async def reviewed(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot with a co-producers' chat for checking summaries."""
    running = Running(standin, tmp_path / "brewbot.db", review_chat=REVIEW)
    standin.world.group_chat(REVIEW).members.add(CO_PRODUCER)
    await running.start()
    running.clock.now = datetime.now(UTC)  # answers are stamped by this clock: this week
    try:
        yield running
    finally:
        await running.stop()


def _digest(brewbot: Running, before: int) -> str:
    return "\n".join(group_texts(brewbot)[before:]).replace("\u2068", "").replace("\u2069", "")


async def _digest_now(brewbot: Running) -> str:
    before = len(group_texts(brewbot))
    await in_group(brewbot, "/digest")
    return _digest(brewbot, before)


async def _wesaid(brewbot: Running) -> str:
    await in_group(brewbot, f"/wesaid {NEWS}")
    await tap_in_group(brewbot, brewbot.services.text("button_pick_closed", theme=THEME))
    return last_in_group(brewbot)


async def test_only_an_approved_summary_reaches_the_digest_and_the_news(
    reviewed: Running,
) -> None:
    brewbot, services = reviewed, reviewed.services
    brew = await brewbot.new_brew(THEME)
    people = range(875001, 875007)
    await took_part(brewbot, brew, people, words=WORDS)
    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, services.text("button_close_yes"))

    drafts = group_texts(brewbot, REVIEW)
    assert drafts[0].startswith(f'A draft summary of the brew about "{THEME}"')
    assert any("6 people" in text for text in drafts)
    assert "Reply to this message" in drafts[-1]
    assert f"{THEME}: 6 people took part" not in await _digest_now(brewbot)
    assert await _wesaid(brewbot) == services.text("wesaid_not_approved", theme=THEME)
    await in_group(brewbot, "/brews")
    assert f'"{THEME}": waiting for them to check it' in last_in_group(brewbot)

    await tap_in_group(
        brewbot, services.text("button_needs_change"), user=CO_PRODUCER, chat_id=REVIEW
    )
    assert last_in_group(brewbot) == services.text("approval_told_change", theme=THEME)
    assert f"{THEME}: 6 people took part" not in await _digest_now(brewbot)

    sent = len(group_texts(brewbot, REVIEW))
    await in_group(brewbot, "/summary")  # fixed: a new draft goes to the co-producers
    assert len(group_texts(brewbot, REVIEW)) > sent
    await tap_in_group(brewbot, services.text("button_approve"), user=CO_PRODUCER, chat_id=REVIEW)
    assert last_in_group(brewbot) == services.text("approval_told_approved", theme=THEME)
    assert f"{THEME}: 6 people took part" in await _digest_now(brewbot)
    assert "6 people" in await _wesaid(brewbot)
    await in_group(brewbot, "/brews")
    assert f'"{THEME}": approved' in last_in_group(brewbot)
    brewbot.standin.assert_no_problems()


async def test_a_press_from_outside_the_review_chat_decides_nothing(reviewed: Running) -> None:
    brewbot, services = reviewed, reviewed.services
    brew = await brewbot.new_brew(THEME)
    await took_part(brewbot, brew, range(875101, 875106), words=WORDS)
    await in_group(brewbot, "/close")
    await tap_in_group(brewbot, services.text("button_close_yes"))
    draft = brewbot.standin.newest_with_button(REVIEW, services.text("button_approve"))
    assert draft is not None
    shown = brewbot.standin.message(REVIEW, draft) or {}
    data = dict(brewbot.standin.buttons(shown))[services.text("button_approve")]
    # The same signed button, on a message of brewbot's in the facilitators' group.
    world = brewbot.standin.world
    copied = world.new_message(
        world.group_chat(FACILITATORS),
        world.bot_user,
        text="copy",
        reply_markup={"inline_keyboard": [[{"text": "Approve", "callback_data": data}]]},
    )
    brewbot.standin.press_label(CO_PRODUCER, copied["message_id"], "Approve", chat_id=FACILITATORS)
    await brewbot.standin.wait_idle()
    assert await services.store.summary_status(brew.id) == "waiting"


async def test_an_unreachable_review_chat_is_said_kindly_and_tried_again(
    standin: StandIn, tmp_path: Path
) -> None:
    brewbot = Running(standin, tmp_path / "brewbot.db", review_chat=-100999000999)
    await brewbot.start()
    try:
        services = brewbot.services
        brew = await brewbot.new_brew(THEME)
        await took_part(brewbot, brew, range(875201, 875206), words=WORDS)
        await in_group(brewbot, "/close")
        await tap_in_group(brewbot, services.text("button_close_yes"))
        assert last_in_group(brewbot) == services.text("approval_unreachable", theme=THEME)
        assert await services.store.summary_status(brew.id) is None
        standin.world.group_chat(-100999000999)  # someone adds brewbot to the chat
        await in_group(brewbot, "/summary")
        assert await services.store.summary_status(brew.id) == "waiting"
        assert "Reply to this message" in group_texts(brewbot, -100999000999)[-1]
    finally:
        await brewbot.stop()


async def test_brewbot_stays_in_the_review_chat_and_runs_no_commands_there(
    reviewed: Running,
) -> None:
    reviewed.standin.set_admins(REVIEW, [CO_PRODUCER])
    await in_group(reviewed, "/brews", user=CO_PRODUCER, chat_id=REVIEW)
    said = group_texts(reviewed, REVIEW)
    assert said == [reviewed.services.text("loop_chat_elsewhere")]
    assert not [c for c in reviewed.standin.calls if c.method == "leaveChat"]
