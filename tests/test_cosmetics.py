"""The work first, then the cosmetics: when Telegram fails or stalls the edit that takes old
buttons off, a "typing…" indicator, or a brew picker's edit, the choice is kept and the
command does its work the first time; the failure is logged once, as a warning.

Failing: Telegram's own 502, more often than brewbot tries again. Stalling: Telegram does
the work but answers after brewbot stopped waiting (a timeout: it may have arrived).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from standin import StandIn
from standin.faults import Fault, error_for
from storage.records import Brew
from tests.facilitator_support import group_texts, in_group, news_to, tap_in_group, took_part
from tests.running import Running
from tests.test_journey import OVER_A_BREW_ANSWERS

ANNE = 881001
WANT_NEWS = (881101, 881102, 881103, 881104, 881105, 881106)
WORDS = ("Being asked first.", "A call back the same day.", "The same face each week.")
TIMEOUT = 1.5  # seconds brewbot waits for Telegram here, so a stall need not take long
WAYS = ("fails", "stalls")


@pytest.fixture
async def brewbot(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    running = Running(standin, tmp_path / "brewbot.db", api_timeout=TIMEOUT)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def spoil(standin: StandIn, method: str, way: str) -> None:
    """Make Telegram fail (past every retry) or stall the next calls of ``method``."""
    if way == "fails":
        standin.faults.add(Fault(method.lower(), 20, error=error_for(502, 1, None)))
    else:
        standin.faults.add(Fault(method.lower(), 20, late_s=TIMEOUT + 1.0))


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def warned(brewbot: Running, caplog: pytest.LogCaptureFixture, count: int = 1) -> list[str]:
    """Wait for the cosmetic's failure to be logged (it gives up after brewbot's retries,
    in the background), then a moment more for any second warning; return them all."""
    await brewbot.standin.wait_for(lambda: len(warnings(caplog)) >= count, 15)
    await asyncio.sleep(0.5)
    return warnings(caplog)


async def _brew_with_people(brewbot: Running) -> Brew:
    brew = await brewbot.new_brew("getting help at home")
    await took_part(brewbot, brew, WANT_NEWS, words=WORDS)
    return brew


@pytest.mark.parametrize("way", WAYS)
async def test_yes_to_news_is_kept_when_taking_its_buttons_off_goes_wrong(
    brewbot: Running, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    brew = await brewbot.new_brew("getting help at home")
    await brewbot.send(ANNE, f"/start {brew.code}")
    await brewbot.tap(ANNE, "I am an unpaid carer")
    await brewbot.tap(ANNE, "Yes")
    for answer in OVER_A_BREW_ANSWERS:
        await brewbot.send(ANNE, answer)
    spoil(brewbot.standin, "editMessageReplyMarkup", way)
    caplog.set_level(logging.WARNING)
    await brewbot.tap(ANNE, "Yes, please")
    await brewbot.standin.wait_idle(timeout=20)
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and participant.news
    assert brewbot.services.text("news_on") in brewbot.standin.texts(ANNE)
    (warning,) = await warned(brewbot, caplog)
    assert "take old buttons off" in warning


@pytest.mark.parametrize("way", WAYS)
async def test_wesaid_for_a_tapped_brew_goes_out_when_the_pickers_edit_goes_wrong(
    brewbot: Running, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    await _brew_with_people(brewbot)
    await brewbot.new_brew("meeting people nearby")  # two brews: /wesaid asks which
    await in_group(brewbot, "/wesaid We now ring back the same day.")
    spoil(brewbot.standin, "editMessageText", way)
    caplog.set_level(logging.WARNING)
    await tap_in_group(brewbot, "getting help at home")
    await brewbot.standin.wait_for(lambda: all(news_to(brewbot, c) for c in WANT_NEWS), 20)
    assert "6 people" in group_texts(brewbot)[-1]
    (warning,) = await warned(brewbot, caplog)
    assert "brew picker" in warning


@pytest.mark.parametrize("way", WAYS)
async def test_summary_is_posted_the_first_time_when_typing_goes_wrong(
    brewbot: Running, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    await _brew_with_people(brewbot)
    spoil(brewbot.standin, "sendChatAction", way)
    caplog.set_level(logging.WARNING)
    before = len(group_texts(brewbot))
    await in_group(brewbot, "/summary")
    await brewbot.standin.wait_idle(timeout=20)
    posted = "\n".join(group_texts(brewbot)[before:])
    assert "getting help at home" in posted and "6 people" in posted
    (warning,) = await warned(brewbot, caplog)
    assert "show typing" in warning


@pytest.mark.parametrize("way", WAYS)
async def test_close_closes_and_posts_the_summary_when_its_edit_and_typing_go_wrong(
    brewbot: Running, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    brew = await _brew_with_people(brewbot)
    await in_group(brewbot, "/close")
    spoil(brewbot.standin, "editMessageText", way)
    spoil(brewbot.standin, "sendChatAction", way)
    caplog.set_level(logging.WARNING)
    before = len(group_texts(brewbot))
    await tap_in_group(brewbot, "Yes, close it")
    await brewbot.standin.wait_idle(timeout=20)
    closed = await brewbot.services.store.brew(brew.id)
    assert closed is not None and not closed.is_open
    posted = "\n".join(group_texts(brewbot)[before:])
    assert "is closed" in posted and "6 people" in posted
    assert sorted(w.split(" (")[0] for w in await warned(brewbot, caplog, 2)) == [
        "Could not settle a brew picker",
        "Could not show typing",
    ]


@pytest.mark.parametrize("way", WAYS)
async def test_digest_is_posted_the_first_time_when_typing_goes_wrong(
    brewbot: Running, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    await _brew_with_people(brewbot)
    spoil(brewbot.standin, "sendChatAction", way)
    caplog.set_level(logging.WARNING)
    before = len(group_texts(brewbot))
    await in_group(brewbot, "/digest")
    await brewbot.standin.wait_idle(timeout=20)
    assert any("Over a Brew:" in text for text in group_texts(brewbot)[before:])
    (warning,) = await warned(brewbot, caplog)
    assert "show typing" in warning
