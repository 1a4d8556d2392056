"""Telegram on a bad day: a fifth of the bot's calls fail (500, 502, 429, or done but answered
too late), and still nothing is lost, nothing is doubled, and nothing stalls."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.jobs.weekly_digest import DONE, due_weeks, kind, post_due_digests
from standin.records import SEND_METHODS, buttons
from tests.facilitator_support import (
    ADMIN,
    group_calls,
    group_texts,
    in_group,
    news_to,
    post_brew_summary,
    reply_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running
from tests.test_weekly_digest import first_check_at, next_monday_morning

SHARE = 0.2
LATE_S = 1.5  # the stand-in answers this late; brewbot waits 1 s (api_timeout)
PEOPLE = range(7001, 7021)
WORDS = ("Someone who rings back.", "Plain letters.", "The same face each week.", "Time.")
OURS = ("brewbot", "bot", "storage", "conversations", "telegram")


@pytest.fixture
async def shaky(brewbot: Running) -> Running:
    """brewbot with a short wait for Telegram's answers, on a stand-in that fails a fifth."""
    await brewbot.stop()
    brewbot.settings = replace(brewbot.settings, api_timeout=1.0)
    await brewbot.start()
    brewbot.standin.chaos(SHARE, seed=7, late_s=LATE_S)
    return brewbot


def _ours_went_wrong(caplog: pytest.LogCaptureFixture) -> list[str]:
    """brewbot's own ERROR lines and tracebacks (the stand-in's server logs are not ours)."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.name.split(".")[0] in OURS and (r.levelno >= logging.ERROR or r.exc_info)
    ]


async def _newest_question(brewbot: Running, chat: int, seen: int) -> dict[str, object] | None:
    """Wait for a new message with buttons after the first ``seen`` sends, for a while."""

    def found() -> dict[str, object] | None:
        calls = [c for c in brewbot.standin.sent_to(chat) if c.method in SEND_METHODS]
        fresh = [c for c in calls[seen:] if buttons(c) and isinstance(c.result, dict)]
        return fresh[-1].result if fresh else None

    try:
        return await brewbot.standin.wait_for(found, timeout=8)
    except AssertionError:
        return None


async def _walk(brewbot: Running, chat: int, code: str, rng: random.Random) -> list[str]:
    """Answer a whole pack as a person would; ask again (/resume) only if nothing came."""
    typed: list[str] = []
    brewbot.standin.command(chat, f"/start {code}")
    for _ in range(30):
        seen = len([c for c in brewbot.standin.sent_to(chat) if c.method in SEND_METHODS])
        question = await _newest_question(brewbot, chat, max(0, seen - 1))
        if question is None:
            brewbot.standin.command(chat, "/resume")  # the reply never came: ask for it
            continue
        labels = [label for label, _ in buttons(question)]
        if "Yes, please" in labels:
            return typed
        await asyncio.sleep(rng.uniform(0.05, 0.3))
        ways_out = ("Skip", "Pause", "Stop", "Carry on", "Cymraeg", "English")  # and languages
        answers = [x for x in labels if x not in ways_out]
        before = len([c for c in brewbot.standin.sent_to(chat) if c.method in SEND_METHODS])
        if answers:
            brewbot.standin.press_label(chat, int(question["message_id"]), rng.choice(answers))
        else:
            words = f"{rng.choice(WORDS)} ({chat}/{len(typed)})"
            brewbot.standin.private_message(chat, words)
            typed.append(words)
        await brewbot.standin.wait_for(
            lambda before=before: (
                len([c for c in brewbot.standin.sent_to(chat) if c.method in SEND_METHODS]) > before
            ),
            timeout=15,
        )
    raise AssertionError(f"{chat} never reached the end")


async def test_a_brew_of_twenty_loses_nothing_and_doubles_nothing(
    shaky: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    brew = await shaky.new_brew("getting out and about")
    rng = random.Random(3)
    typed = await asyncio.gather(
        *(_walk(shaky, chat, brew.code, random.Random(rng.random())) for chat in PEOPLE)
    )
    await shaky.standin.wait_idle(timeout=30)
    for chat, said in zip(PEOPLE, typed, strict=True):
        assert shaky.typed_answers(chat) == said, f"{chat}: every typed answer kept once, in order"
    chaos = shaky.standin.faults.chaos
    assert chaos is not None and all(chaos.struck[k] for k in ("500", "502", "429", "late"))
    assert _ours_went_wrong(caplog) == []


async def test_news_reaches_everyone_once_though_telegram_keeps_failing(
    shaky: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    people = list(range(7101, 7151))
    brew = await shaky.new_brew("getting help at home")
    await took_part(shaky, brew, people, stage=None)
    shaky.standin.faults.chaos = None  # the summary goes up first, calmly
    headline = await post_brew_summary(shaky, brew)
    shaky.standin.chaos(SHARE, seed=11, late_s=LATE_S)
    await reply_in_group(shaky, "/wesaid We fixed the letters.", headline, wait=False)
    await shaky.standin.wait_for(lambda: all(news_to(shaky, p) for p in people), timeout=120)
    await shaky.standin.wait_idle(timeout=30)
    assert all(len(news_to(shaky, p)) == 1 for p in people), "each person once"
    assert _ours_went_wrong(caplog) == []


async def test_summary_and_digest_answer_the_facilitator_and_post_once(
    shaky: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    shaky.standin.faults.chaos = None
    shaky.standin.set_admins(FACILITATORS, [ADMIN])
    brew = await shaky.new_brew("getting help at home")
    await took_part(shaky, brew, list(range(7201, 7211)), words=WORDS)
    shaky.standin.chaos(0.5, seed=5, late_s=LATE_S)  # harder still: half the calls fail
    for _ in range(4):  # a facilitator asks, and asks again when told something went wrong
        before = len(group_texts(shaky))
        await in_group(shaky, f"/summary {brew.code}")
        said = group_texts(shaky)[before:]
        if any("Over a Brew" in t for t in said) and not any("Telegram had" in t for t in said):
            break
    assert any("Over a Brew" in t for t in group_texts(shaky))
    for _ in range(4):  # and the digest of the week so far, the same way
        before = len(group_texts(shaky))
        await in_group(shaky, "/digest")
        said = group_texts(shaky)[before:]
        if any("the week of" in t for t in said) and not any("Telegram had" in t for t in said):
            break
    assert any("the week of" in t for t in group_texts(shaky))

    shaky.standin.faults.chaos = None
    monday = next_monday_morning(datetime.now(UTC))
    await first_check_at(shaky, monday - timedelta(hours=2))
    shaky.clock.now = monday
    shaky.standin.chaos(SHARE, seed=9, late_s=LATE_S)
    before = len(group_calls(shaky))
    await shaky.run_job(post_due_digests)
    week = due_weeks(monday, shaky.settings)[-1]
    store = shaky.services.store
    await _until(lambda: store.has_post(kind(DONE, FACILITATORS), week), seconds=90)
    await shaky.standin.wait_idle(timeout=30)
    parts = Counter(
        (c.method, c.text) for c in group_calls(shaky)[before:] if c.method in SEND_METHODS
    )
    assert parts and max(parts.values()) == 1, "each part of the digest is posted once"
    assert _ours_went_wrong(caplog) == []


async def _until(check: Callable[[], Awaitable[bool]], *, seconds: float) -> None:
    """Wait until an awaited check says yes (brewbot retries in the background meanwhile)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        assert loop.time() < deadline, "not done in time"
        await asyncio.sleep(0.2)


async def test_a_lost_welcome_still_leaves_the_person_in_the_brew(
    brewbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    brew = await brewbot.new_brew("getting out and about")
    brewbot.standin.fail_next("sendMessage", status=500, times=4)  # past brewbot's retries
    await brewbot.send(7301, f"/start {brew.code}")
    assert not any("welcome" in t for t in brewbot.texts(7301))  # the welcome never came
    await brewbot.send(7301, "Hello? Is anyone there?")
    assert "fits you best" in brewbot.last(7301)  # in the brew: asked the question again
    await brewbot.tap(7301, "Skip")
    await brewbot.tap(7301, "Yes")
    await brewbot.send(7301, "A bus that comes when it says.")
    assert brewbot.typed_answers(7301)[-1] == "A bus that comes when it says."
    assert _ours_went_wrong(caplog) == []
