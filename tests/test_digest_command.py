"""/digest posts the digest now, in the group that asked: this week so far, or last week."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.jobs.weekly_digest import DONE, kind
from conversations.digest import week_key as key_of
from conversations.digest import week_start
from conversations.model import Stage
from conversations.shown import enough_people
from tests.english import week_words
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


async def test_digest_shares_nothing_from_a_brew_too_small_for_a_summary(
    brewbot: Running,
) -> None:
    brewbot.clock.now = datetime.now(UTC)  # the store stamps answers with the real time
    store, min_group = brewbot.services.store, brewbot.settings.min_group
    big = await brewbot.new_brew("what makes a good review")
    await took_part(brewbot, big, range(874001, 874006), words=WORDS)
    small = await brewbot.new_brew("things to do at the weekend")
    lunch = "A weekend lunch club where we cook together and nobody is rushed."
    await took_part(brewbot, small, (874101, 874102), words=(lunch,), stage=Stage.NOT_YET)
    # The helper /summary and /export ask: the big brew may be shared, the small one not.
    assert enough_people((await store.brew_counts(big.id)).people, min_group=min_group)
    assert not enough_people((await store.brew_counts(small.id)).people, min_group=min_group)
    before = len(group_calls(brewbot))
    await in_group(brewbot, "/digest")
    posted = group_calls(brewbot)[before:]
    text = "\n".join(c.text or "" for c in posted).replace("\u2068", "").replace("\u2069", "")
    assert "lunch club" not in text.casefold()
    assert "things to do at the weekend: fewer than 5 so far" in text
    counted = sum(int(n) for n in re.findall(r"(\d+) answers?\b", text))
    assert counted == len(range(874001, 874006)), "only the big brew's answers are counted"
    assert "about ‘getting there’" in text  # the big brew's stages alone
    assert "haven't got this yet" not in text


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
    done = kind(DONE, FACILITATORS)
    assert not await brewbot.services.store.has_post(done, key_of(brewbot.clock.now))
    assert FACILITATORS in brewbot.standin.world.chats
