"""An answer suggesting someone is at risk: kind help now, and held back from summaries."""

from __future__ import annotations

import sqlite3

from tests.running import FACILITATORS, Running

EVE = 5001
WORRYING = "My son shouts at me and hits me when the carers have gone."


async def test_help_is_offered_and_the_answer_is_held(brewbot: Running) -> None:
    brew = await brewbot.new_brew("feeling safe at home")
    await brewbot.send(EVE, f"/start {brew.code}")
    await brewbot.tap(EVE, "Skip")
    await brewbot.tap(EVE, "Yes")
    await brewbot.send(EVE, WORRYING)
    help_text = next(t for t in brewbot.texts(EVE) if "999" in t)
    assert "116 123" in help_text and "emergency" in help_text
    with sqlite3.connect(brewbot.settings.db) as con:
        held = con.execute("SELECT held FROM answers WHERE text = ?", (WORRYING,)).fetchone()
    assert held == (1,)
    store = brewbot.services.store
    assert [h.text for h in await store.held_answers(FACILITATORS)] == [WORRYING]
    assert WORRYING not in [a.text for a in await store.answer_texts(brew.id)]
    # The conversation carries on gently; nothing names who wrote it.
    assert "moment" in brewbot.last(EVE) or "better" in brewbot.last(EVE)


async def test_help_is_offered_even_outside_a_brew(brewbot: Running) -> None:
    await brewbot.send(EVE, "I want to end my life")
    assert any("116 123" in t for t in brewbot.texts(EVE))
    assert any("haven't kept" in t for t in brewbot.texts(EVE))
    assert await brewbot.services.store.participant_by_chat(EVE) is None


async def test_help_contacts_come_from_settings(brewbot: Running) -> None:
    from dataclasses import replace

    from bot.settings import HelpContact

    await brewbot.stop()
    brewbot.settings = replace(
        brewbot.settings, help_contacts=(HelpContact("Our duty team", "call 01234 567890"),)
    )
    await brewbot.start()
    await brewbot.send(EVE, "Nobody feeds me some days and I am scared.")
    assert any("01234 567890" in t for t in brewbot.texts(EVE))
