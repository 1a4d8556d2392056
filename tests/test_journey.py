"""A participant's whole journey on Telegram, end to end through the stand-in."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from conversations.model import Status
from standin import StandIn
from tests.running import Running

ANNE = 1001
BEN = 1002

OVER_A_BREW_ANSWERS = (
    "Knowing who is coming and when.",
    "The day my carer stayed to chat about my garden.",
    "Fewer different faces each week.",
    "I like to do things for myself when I can.",
)


def _answers(db: str) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        return con.execute("SELECT * FROM answers ORDER BY id").fetchall()


async def test_start_without_a_code_explains_how_to_join(brewbot: Running) -> None:
    await brewbot.send(ANNE, "/start")
    assert "link" in brewbot.last(ANNE)
    brewbot.standin.assert_no_problems()


async def test_unknown_and_closed_codes_get_a_kind_explanation(brewbot: Running) -> None:
    await brewbot.send(ANNE, "/start NoSuchCode123")
    assert "can't find that brew" in brewbot.last(ANNE)
    brew = await brewbot.new_brew()
    await brewbot.services.store.close_brew(brew.id)
    await brewbot.send(ANNE, f"/start {brew.code}")
    assert "has closed" in brewbot.last(ANNE)
    assert await brewbot.services.store.participant_by_chat(ANNE) is None


async def test_a_whole_over_a_brew_journey(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    await brewbot.send(ANNE, f"/start {brew.code}")
    assert any("don't keep your name" in t for t in brewbot.texts(ANNE))
    assert any("getting help at home" in t for t in brewbot.texts(ANNE))
    await brewbot.tap(ANNE, "I am an unpaid carer")
    await brewbot.tap(ANNE, "Yes")
    for answer in OVER_A_BREW_ANSWERS:
        await brewbot.send(ANNE, answer)
    assert any("That is all" in t for t in brewbot.texts(ANNE))
    await brewbot.tap(ANNE, "Yes, please")
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None
    assert participant.news and participant.self_description == "unpaid_carer"
    progress = await brewbot.services.store.progress(participant.id, brew.id)
    assert progress is not None and progress.status is Status.FINISHED
    rows = _answers(str(brewbot.settings.db))
    texts = [r["text"] for r in rows if r["kind"] == "text"]
    assert texts == list(OVER_A_BREW_ANSWERS)
    assert all(r["quote_consent"] == 1 for r in rows)
    assert all(r["participant_id"] == participant.id for r in rows)
    brewbot.standin.assert_no_problems()


async def test_a_whole_four_principles_journey_with_skips(brewbot: Running) -> None:
    brew = await brewbot.new_brew("the four principles", pack="four-principles")
    await brewbot.send(BEN, f"/start {brew.code}")
    await brewbot.tap(BEN, "Skip")  # about you
    await brewbot.tap(BEN, "No")  # no quotes
    for stage in ("Getting there", "Got the basics", "Haven't got this yet", "Doing really well"):
        label = next(
            text
            for text, _ in _buttons_on_last_question(brewbot, BEN)
            if stage.lower() in text.lower()
        )
        await brewbot.tap(BEN, label)
        await brewbot.send(BEN, f"Because of what I see, {stage.lower()}.")
        await brewbot.tap(BEN, "Skip")
    rows = _answers(str(brewbot.settings.db))
    stages = [r["stage"] for r in rows if r["kind"] == "stage"]
    assert stages == [3, 2, 1, 4]
    assert [r["rag"] for r in rows if r["kind"] == "stage"] == ["amber", "amber", "red", "green"]
    assert all(r["quote_consent"] == 0 for r in rows)
    assert any("Thank you" in t for t in brewbot.texts(BEN)[-3:])
    brewbot.standin.assert_no_problems()


def _buttons_on_last_question(brewbot: Running, user: int) -> list[tuple[str, str | None]]:
    for call in reversed(brewbot.standin.sent_to(user)):
        found = brewbot.standin.buttons(call)
        if found:
            return found
    return []


async def test_pressed_buttons_are_taken_away_and_show_the_choice(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(ANNE, f"/start {brew.code}")
    question = brewbot.message_with_button(ANNE, "I work in care")
    await brewbot.tap(ANNE, "I work in care")
    message = brewbot.standin.message(ANNE, question)
    assert message is not None
    assert "reply_markup" not in message or not message["reply_markup"]["inline_keyboard"]
    assert message["text"].endswith("✓ I work in care")


async def test_restart_mid_journey_continues_where_they_left_off(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(ANNE, f"/start {brew.code}")
    await brewbot.tap(ANNE, "Skip")
    await brewbot.tap(ANNE, "Yes")
    await brewbot.send(ANNE, "Being asked what I think.")
    await brewbot.restart()
    await brewbot.send(ANNE, "The morning the nurse listened.")
    await brewbot.send(ANNE, "/resume")
    assert "one thing that would make this better" in brewbot.last(ANNE)
    texts = [r["text"] for r in _answers(str(brewbot.settings.db)) if r["kind"] == "text"]
    assert texts == ["Being asked what I think.", "The morning the nurse listened."]


async def test_a_closed_brew_takes_no_more_answers_but_still_points_to_help(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(ANNE, f"/start {brew.code}")
    await brewbot.tap(ANNE, "Skip")
    await brewbot.tap(ANNE, "Yes")
    await brewbot.services.store.close_brew(brew.id)
    await brewbot.send(ANNE, "One more thought about my carer.")
    assert "has closed" in brewbot.last(ANNE)
    await brewbot.send(ANNE, "He hits me when nobody is here")
    assert any("116 123" in t for t in brewbot.texts(ANNE)[-2:])
    texts = [r["text"] for r in _answers(str(brewbot.settings.db)) if r["kind"] == "text"]
    assert texts == []
    await brewbot.send(ANNE, "/pause")  # ways out still work
    assert "has closed" not in brewbot.last(ANNE)


def _kept(db: str, brew_id: int) -> list[tuple[str, str]]:
    rows = _answers(db)
    return [(r["prompt_id"], r["text"]) for r in rows if r["brew_id"] == brew_id]


async def test_typed_words_go_to_the_brew_last_opened(brewbot: Running) -> None:
    first = await brewbot.new_brew("getting help at home")
    second = await brewbot.new_brew("choosing my own support")
    await brewbot.send(ANNE, f"/start {first.code}")
    await brewbot.tap(ANNE, "Skip")
    await brewbot.tap(ANNE, "Yes")
    brewbot.clock.advance(timedelta(minutes=5))
    await brewbot.send(ANNE, f"/start {second.code}")
    brewbot.clock.advance(timedelta(minutes=5))
    await brewbot.send(ANNE, f"/start {first.code}")
    assert "What matters most to you about getting help at home?" in brewbot.last(ANNE)
    await brewbot.send(ANNE, "Knowing who is coming.")
    assert ("what_matters", "Knowing who is coming.") in _kept(str(brewbot.settings.db), first.id)
    assert "getting help at home" in brewbot.last(ANNE)  # A's next question, not B's
    brewbot.standin.assert_no_problems()


async def test_words_typed_on_a_button_question_are_kept_not_dropped(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    await brewbot.send(ANNE, f"/start {brew.code}")
    await brewbot.send(ANNE, "I look after my dad most days")
    assert _kept(str(brewbot.settings.db), brew.id) == [
        ("about_you", "I look after my dad most days")
    ]
    assert "Which of these fits you best?" in brewbot.last(ANNE)  # still theirs to tap or skip
    await brewbot.tap(ANNE, "I am an unpaid carer")
    assert "quote" in brewbot.last(ANNE)


async def test_people_are_told_truly_who_sees_what_and_for_how_long(
    standin: StandIn, tmp_path: Path
) -> None:
    brewbot = await Running(standin, tmp_path / "brewbot.db", retention_days=30).start()
    try:
        brew = await brewbot.new_brew("getting help at home")
        await brewbot.send(ANNE, f"/start {brew.code}")
        (welcome,) = [t for t in brewbot.texts(ANNE) if "don't keep your name" in t]
        await brewbot.send(ANNE, "/mydata")
        (mydata,) = [t for t in brewbot.texts(ANNE) if "everything I keep" in t]
        for told in (welcome, mydata):
            assert "only see a summary" not in told
            assert "summary" in told and "yes" in told  # words shown only if they said yes
            assert "30 days" in told  # the real setting, filled in
    finally:
        await brewbot.stop()


async def test_the_four_principles_end_with_a_recap_of_my_own_stages(brewbot: Running) -> None:
    brew = await brewbot.new_brew("the four principles", pack="four-principles")
    await brewbot.send(BEN, f"/start {brew.code}")
    await brewbot.tap(BEN, "Skip")  # about you
    await brewbot.tap(BEN, "No")  # no quotes
    await brewbot.tap(BEN, "🟠 Getting there (amber)")  # people as assets
    await brewbot.tap(BEN, "Skip")
    await brewbot.tap(BEN, "Skip")
    await brewbot.tap(BEN, "Skip")  # valuing work: no stage
    await brewbot.tap(BEN, "Skip")
    await brewbot.tap(BEN, "Skip")
    await brewbot.send(BEN, "green")  # give and get, typed
    for _ in range(5):
        await brewbot.tap(BEN, "Skip")
    (recap,) = [t for t in brewbot.texts(BEN) if "for each big idea" in t]
    assert "Seeing what people are good at: 🟠 Getting there (amber)" in recap
    assert "Unpaid work is real work: you skipped this one" in recap
    assert "Giving help as well as getting it: 🟢 Doing really well (green)" in recap
    assert "Staying close to friends and family: you skipped this one" in recap
    assert recap.index("for each big idea") < recap.index("That is everything")  # one message
    brewbot.standin.assert_no_problems()
