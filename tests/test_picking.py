"""Which brew a follow-up command is about: the summary it replies to, or a tapped button."""

from __future__ import annotations

from telegram import Message

from bot.tg import command_words
from tests.facilitator_support import (
    ADMIN,
    last_in_group,
    news_to,
    post_brew_summary,
    reply_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running


async def test_a_reply_finds_its_own_brew_when_two_share_a_theme(brewbot: Running) -> None:
    older = await brewbot.new_brew("reviews")
    await took_part(brewbot, older, [877101, 877102])
    newer = await brewbot.new_brew("reviews")
    await took_part(brewbot, newer, [877201])
    headline = await post_brew_summary(brewbot, older)
    await reply_in_group(brewbot, "/wesaid We now call back the same day.", headline)
    await brewbot.standin.wait_for(lambda: news_to(brewbot, 877101) and news_to(brewbot, 877102))
    assert not news_to(brewbot, 877201)


async def test_a_message_that_only_reads_like_a_summary_asks_which_brew(brewbot: Running) -> None:
    await brewbot.new_brew("feeling listened to")
    await brewbot.new_brew("another brew")
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.group_message(FACILITATORS, ADMIN, "Any news?")
    await brewbot.standin.wait_idle()
    lookalike = await brewbot.app.bot.send_message(FACILITATORS, "☕ Over a Brew: another brew")
    await reply_in_group(brewbot, "/wesaid We did it.", lookalike.message_id)
    assert last_in_group(brewbot) == brewbot.services.text("pick_brew")


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
