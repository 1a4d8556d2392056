"""Which brew a follow-up command is about: the summary it replies to, or a tapped button."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Message

from bot.facilitators.picking import brew_in_headline, command_words
from storage.records import Brew
from tests.facilitator_support import (
    ADMIN,
    last_in_group,
    news_to,
    post_brew_summary,
    reply_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running


def brew(brew_id: int, theme: str) -> Brew:
    when = datetime(2026, 11, 23, tzinfo=UTC)
    return Brew(brew_id, f"code{brew_id:012d}", theme, "over-a-brew", 1, -100, when, None)


def test_a_summary_headline_names_its_brew() -> None:
    brews = [brew(2, "getting help at home"), brew(1, "getting help")]
    full = "☕ Over a Brew: \u2068getting help at home\u2069\nOver a brew\n\n6 people took part"
    assert brew_in_headline(brews, full) == brews[0]
    small = "☕ \u2068getting help\u2069\nThank you for running this brew."
    assert brew_in_headline(brews, small) == brews[1]
    assert brew_in_headline(brews, "☕ Over a Brew: the week of Monday 16 November 2026") is None
    assert brew_in_headline(brews, "Here is getting help at home, quoted") is None
    assert brew_in_headline(brews, "") is None


def test_two_brews_with_one_theme_are_not_guessed_between() -> None:
    brews = [brew(2, "reviews"), brew(1, "reviews")]
    assert brew_in_headline(brews, "☕ Over a Brew: reviews") is None


def test_a_long_theme_is_matched_as_the_summary_shortens_it() -> None:
    long = "what it feels like " * 8
    (only,) = [brew(1, long)]
    shown = "☕ Over a Brew: what it feels like what it feels like what it feels like what it " + (
        "feels like what it feels like…"
    )
    assert brew_in_headline([only], shown) == only


async def test_a_reply_to_a_small_brews_summary_still_finds_the_brew(brewbot: Running) -> None:
    small = await brewbot.new_brew("feeling listened to")
    await took_part(brewbot, small, [877001, 877002])
    await brewbot.new_brew("another brew")
    headline = await post_brew_summary(brewbot, small)
    await reply_in_group(brewbot, "/wesaid We now call back the same day.", headline)
    await brewbot.standin.wait_for(lambda: news_to(brewbot, 877001) and news_to(brewbot, 877002))
    assert "2 people" in last_in_group(brewbot)


async def test_a_reply_to_anything_else_asks_which_brew(brewbot: Running) -> None:
    await brewbot.new_brew("feeling listened to")
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.group_message(FACILITATORS, ADMIN, "Shall we send some news?")
    await brewbot.standin.wait_idle()
    (theirs,) = brewbot.standin.messages_in(FACILITATORS)
    await reply_in_group(brewbot, "/wesaid We did it.", int(theirs["message_id"]))
    assert last_in_group(brewbot) == brewbot.services.text("pick_brew")


async def test_the_words_after_a_command_are_kept_as_typed(brewbot: Running) -> None:
    await brewbot.new_brew("feeling listened to")
    said = brewbot.standin.group_message(FACILITATORS, ADMIN, "Any news?")
    await brewbot.standin.wait_idle()
    first = int(said["message"]["message_id"])
    await reply_in_group(brewbot, "/wesaid@brewbot_test_bot  Two lines:\nsecond", first)
    picker = brewbot.standin.newest_with_button(FACILITATORS, "feeling listened to")
    message = brewbot.standin.message(FACILITATORS, picker or 0) or {}
    replied = message.get("reply_to_message")
    assert isinstance(replied, dict)
    assert command_words(Message.de_json(replied, None)) == "Two lines:\nsecond"
