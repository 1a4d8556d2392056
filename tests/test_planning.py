"""/prioritise puts a brew's ideas to a valid Telegram poll; /plan keeps who, what, by when."""

from __future__ import annotations

import pytest

from bot.facilitators.planning import (
    PlanEntry,
    PlanNotUnderstood,
    PlanTooLong,
    parse_plan,
    poll_options,
)
from bot.tg import fit
from conversations.reporting import tg_len
from conversations.summary import Idea
from standin import Call
from storage.records import Brew
from tests.facilitator_support import (
    ADMIN,
    group_calls,
    in_group,
    last_in_group,
    post_brew_summary,
    reply_in_group,
    tap_in_group,
    took_part,
)
from tests.running import FACILITATORS, Running

IDEAS = (
    "One long idea that goes on and on about how the review could be kinder, slower, "
    "closer to home, and led by the person whose life it is.",
    "A named person to ring.",
    "Letters in plain words.",
    "Being asked what matters first.",
    "A lift to the day centre on Fridays.",
    "Time to talk before forms.",
    "Meeting in the library, not the office.",
    "Pay people for their time when they help.",
    "A buddy for the first visit.",
    "Less waiting on the phone.",
    "Ask carers how they are too.",
    "Share the notes with me after.",
)


def _polls(brewbot: Running) -> list[Call]:
    return [c for c in group_calls(brewbot) if c.method == "sendPoll"]


async def _brew_with_ideas(
    brewbot: Running, ideas: tuple[str, ...] = IDEAS, people: int = 12
) -> tuple[Brew, int]:
    brew = await brewbot.new_brew("what makes a good review")
    chats = list(range(875001, 875001 + people))
    await took_part(brewbot, brew, chats, words=ideas, prompt="better")
    return brew, await post_brew_summary(brewbot, brew)


# ------------------------------------------------------------------ the pieces


def test_poll_options_are_different_short_and_at_most_ten() -> None:
    ideas = [Idea(f"Idea number {n}", 12 - n) for n in range(12)]
    ideas.insert(1, Idea("idea NUMBER 0", 3))
    ideas.insert(2, Idea("Bring the 😀 back " * 10, 2))
    options = poll_options(ideas)
    assert len(options) == 10
    assert options[0] == "Idea number 0" and "idea NUMBER 0" not in options
    assert options[1].endswith("…") and tg_len(options[1]) <= 100
    assert poll_options([Idea("  ", 2), Idea("One", 1)]) == ["One"]


def test_fit_counts_as_telegram_does() -> None:
    text = fit("🙂" * 80, 100)
    assert tg_len(text) <= 100 and text.endswith("…")
    assert fit("short", 100) == "short"


def test_plan_words_are_who_what_and_maybe_when() -> None:
    assert parse_plan(" us | ring back | June ") == PlanEntry("us", "ring back", "June")
    assert parse_plan("us | ring back") == PlanEntry("us", "ring back", None)
    assert parse_plan("us | ring back | ") == PlanEntry("us", "ring back", None)
    for bad in ("just words", "| what | when", "who | | when", "a | b | c | d"):
        with pytest.raises(PlanNotUnderstood):
            parse_plan(bad)
    with pytest.raises(PlanTooLong):
        parse_plan("x" * 81 + " | what")


# ------------------------------------------------------------------ /prioritise


async def test_ideas_become_a_poll_people_can_pick_two_or_three_in(brewbot: Running) -> None:
    _, headline = await _brew_with_ideas(brewbot)
    await reply_in_group(brewbot, "/prioritise", headline)
    (poll,) = _polls(brewbot)
    options = poll.result["poll"]["options"]
    assert 2 <= len(options) <= 10
    assert all(1 <= len(o["text"]) <= 100 for o in options)
    assert len({o["text"].casefold() for o in options}) == len(options)
    question = poll.result["poll"]["question"]
    assert len(question) <= 300 and "what makes a good review" in question
    assert poll.params["allows_multiple_answers"] is True
    assert poll.params.get("is_anonymous", True) is True
    assert "/plan" in last_in_group(brewbot)
    brewbot.standin.assert_no_problems()  # checked against api.json and Telegram's limits


async def test_prioritise_asks_which_brew_when_it_is_not_a_reply(brewbot: Running) -> None:
    await _brew_with_ideas(brewbot)
    await in_group(brewbot, "/prioritise")
    assert last_in_group(brewbot) == brewbot.services.text("pick_brew")
    await tap_in_group(brewbot, "what makes a good review")
    assert len(_polls(brewbot)) == 1


async def test_a_small_brew_keeps_its_ideas_private(brewbot: Running) -> None:
    _, headline = await _brew_with_ideas(brewbot, people=3)
    await reply_in_group(brewbot, "/prioritise", headline)
    assert _polls(brewbot) == []
    expected = brewbot.services.text(
        "export_too_few", theme="what makes a good review", min_group=5
    )
    assert last_in_group(brewbot) == expected


async def test_one_idea_is_not_enough_for_a_vote(brewbot: Running) -> None:
    brew = await brewbot.new_brew("what makes a good review")
    await took_part(brewbot, brew, [875101], words=("A named person to ring.",), prompt="better")
    await took_part(brewbot, brew, list(range(875102, 875106)))
    headline = await post_brew_summary(brewbot, brew)
    await reply_in_group(brewbot, "/prioritise", headline)
    assert _polls(brewbot) == []
    assert "enough ideas" in last_in_group(brewbot)


# ------------------------------------------------------------------ /plan


async def test_plan_keeps_who_what_and_when_and_shows_them(brewbot: Running) -> None:
    _, headline = await _brew_with_ideas(brewbot, people=5)
    await reply_in_group(
        brewbot, "/plan the housing team | ring people back | end of June", headline
    )
    added = last_in_group(brewbot)
    assert "Who: the housing team" in added and "What: ring people back" in added
    assert "By when: end of June" in added
    await reply_in_group(brewbot, "/plan our co-producers | test the new letter", headline)
    assert "By when: not set yet" in last_in_group(brewbot)
    await brewbot.restart()
    await reply_in_group(brewbot, "/plan", headline)
    shown = last_in_group(brewbot)
    assert shown.startswith('The plan for "what makes a good review":')
    assert "1. ring people back\nWho: the housing team. By when: end of June." in shown
    assert "2. test the new letter\nWho: our co-producers. By when: not set yet." in shown


async def test_plan_by_button_is_kept_once_however_often_it_is_tapped(brewbot: Running) -> None:
    brew, _ = await _brew_with_ideas(brewbot, people=5)
    await in_group(brewbot, "/plan the day centre | open on Fridays | March")
    assert last_in_group(brewbot) == brewbot.services.text("pick_brew")
    picker = brewbot.standin.newest_with_button(FACILITATORS, "what makes a good review")
    assert picker is not None
    message = brewbot.standin.message(FACILITATORS, picker) or {}
    (data,) = [d for _, d in brewbot.standin.buttons(message)]
    await tap_in_group(brewbot, "what makes a good review")
    assert "Who: the day centre" in last_in_group(brewbot)
    brewbot.standin.press(ADMIN, picker, str(data), chat_id=FACILITATORS, strict=False)
    await brewbot.standin.wait_idle()
    assert last_in_group(brewbot) == brewbot.services.text("plan_again")
    assert len(await brewbot.services.store.plan(brew.id)) == 1
    await in_group(brewbot, "/plan")
    await tap_in_group(brewbot, "what makes a good review")
    assert "1. open on Fridays" in last_in_group(brewbot)


async def test_plan_explains_its_shape_and_keeps_parts_short(brewbot: Running) -> None:
    await brewbot.new_brew()
    await in_group(brewbot, "/plan just some words")
    assert last_in_group(brewbot) == brewbot.services.text("plan_usage")
    await in_group(brewbot, "/plan | nobody | today")
    assert last_in_group(brewbot) == brewbot.services.text("plan_usage")
    await in_group(brewbot, "/plan us | " + "do this " * 50 + "| soon")
    assert last_in_group(brewbot) == brewbot.services.text("plan_too_long", short=80, long=300)


async def test_an_empty_plan_says_how_to_start_one(brewbot: Running) -> None:
    _, headline = await _brew_with_ideas(brewbot, people=5)
    await reply_in_group(brewbot, "/plan", headline)
    assert last_in_group(brewbot).startswith('There is no plan for "what makes a good review" yet.')
