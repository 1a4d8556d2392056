"""/digest posts the digest now, in the group that asked: this week so far, or last week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations.digest import week_key as key_of
from conversations.digest import week_start, week_words
from tests.facilitator_support import group_calls, group_texts, in_group, last_in_group, took_part
from tests.running import FACILITATORS, Running

WORDS = (
    "Being asked what matters to me before anything else.",
    "Someone ringing back when they said they would.",
    "Not having to tell my story again and again.",
)


async def test_digest_shows_this_weeks_brews_trends_and_news(brewbot: Running) -> None:
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    brew = await brewbot.new_brew("what makes a good review")
    await took_part(brewbot, brew, range(872001, 872007), words=WORDS)
    await brewbot.services.store.record_wesaid(
        brew.id, "Reviews felt rushed | Reviews now start with what matters to you", "t:1"
    )
    before = len(group_calls(brewbot))
    await in_group(brewbot, "/digest")
    posted = group_calls(brewbot)[before:]
    text = "\n".join(c.text or "" for c in posted if c.method == "sendMessage")
    text = text.replace("\u2068", "").replace("\u2069", "")  # isolates around people's words
    week = key_of(brewbot.clock.now.astimezone(brewbot.settings.timezone))
    assert f"Over a Brew: {week_words(week)}" in text
    assert "what makes a good review: 6 people took part" in text
    assert "We said: Reviews felt rushed" in text
    assert "We did: Reviews now start with what matters to you" in text
    assert "How things are moving" in text
    charts = [c for c in posted if c.method == "sendPhoto"]
    assert len(charts) == 1 and "people as assets" in (charts[0].text or "")
    brewbot.standin.assert_no_problems()


async def test_digest_last_looks_back_at_last_week(brewbot: Running) -> None:
    await in_group(brewbot, "/digest last")
    today = brewbot.clock.now.astimezone(brewbot.settings.timezone)
    last = key_of(today - timedelta(weeks=1))
    assert week_start(last) < today.date() - timedelta(days=today.weekday())
    texts = group_texts(brewbot)
    assert texts[-1].startswith(f"☕ Over a Brew: {week_words(last)}")
    assert "No brews this week." in texts[-1]


async def test_digest_explains_what_it_takes(brewbot: Running) -> None:
    await in_group(brewbot, "/digest next year")
    assert last_in_group(brewbot) == brewbot.services.text("digest_usage")
    assert not [c for c in group_calls(brewbot) if "the week of" in (c.text or "")]


async def test_digest_now_leaves_the_weekly_post_to_its_day(brewbot: Running) -> None:
    await in_group(brewbot, "/digest")
    assert not await brewbot.services.store.has_post("digest", key_of(brewbot.clock.now))
    assert FACILITATORS in brewbot.standin.world.chats
