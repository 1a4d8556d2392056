"""Time given: counted as people answer, long pauses capped; each person sees only their own
(/mytime, with a receipt a time bank can check); facilitators see a brew's total and median,
only when enough people gave time, and never who gave what."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.cli import main
from bot.keyed import Receipt, check_receipt
from storage.records import Brew
from tests.facilitator_support import group_texts, in_group, last_in_group
from tests.running import Running

SLOW = 874201  # takes a three-hour break in the middle
OTHERS = range(874211, 874215)
NEVER = 874299


async def _answer(brewbot: Running, brew: Brew, person: int, *, pause: int | None = None) -> None:
    """One person answers the whole pack, a minute between steps (a long pause at ``pause``)."""
    steps = [("say", f"/start {brew.code}"), ("tap", "I work in care"), ("tap", "Yes")]
    steps += [("say", f"My answer {n}") for n in range(4)]
    for n, (how, words) in enumerate(steps):
        if n:
            brewbot.clock.advance(timedelta(hours=3) if n == pause else timedelta(minutes=1))
        if how == "say":
            await brewbot.send(person, words)
        else:
            await brewbot.tap(person, words)
    await brewbot.tap(person, "No, thanks")


async def test_a_person_sees_their_own_time_with_long_pauses_capped(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await _answer(brewbot, brew, SLOW, pause=3)
    await brewbot.send(SLOW, "/mytime")
    assert brewbot.last(SLOW).startswith("You've given about 10 minutes across 1 brew.")
    await brewbot.send(NEVER, "/mytime")
    assert brewbot.last(NEVER) == brewbot.services.text("mytime_none")
    await brewbot.send(SLOW, "/mydata")
    assert any("about 10 minutes" in text for text in brewbot.texts(SLOW))


async def test_facilitators_see_a_total_and_median_only_for_enough_people_once_closed(
    brewbot: Running,
) -> None:
    store = brewbot.services.store
    few = await brewbot.new_brew("meeting people nearby")
    for person in (874221, 874222, 874223, 874224):
        await _answer(brewbot, few, person)
    await store.close_brew(few.id)
    brew = await brewbot.new_brew("what makes a good review")
    await _answer(brewbot, brew, SLOW, pause=3)
    for person in OTHERS:
        await _answer(brewbot, brew, person)
    await in_group(brewbot, "/timegiven")
    said = last_in_group(brewbot)
    assert '"what makes a good review" (2026-11-23): still open' in said
    assert '"meeting people nearby" (2026-11-23): fewer than 5 people gave time' in said
    await store.close_brew(brew.id)
    await in_group(brewbot, "/timegiven")
    said = last_in_group(brewbot)
    assert "5 people gave 34 minutes in all; the middle person gave 6 minutes" in said
    everything = "\n".join(group_texts(brewbot))
    assert "10 minutes" not in everything  # one person's own time never reaches the group


async def test_a_receipt_holds_minutes_and_month_and_a_time_bank_can_check_it(
    brewbot: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    brew = await brewbot.new_brew()
    await _answer(brewbot, brew, SLOW, pause=3)
    await brewbot.send(SLOW, "/mytime receipt")
    code = brewbot.last(SLOW).splitlines()[1]
    token = brewbot.settings.require_token()
    assert check_receipt(token, code) == Receipt(minutes=10, year=2026, month=11)
    monkeypatch.setenv("BREWBOT_TOKEN", token)
    monkeypatch.chdir(brewbot.settings.db.parent)
    assert main(["receipt", "check", code]) == 0
    assert capsys.readouterr().out.strip() == "This receipt is real: 10 minutes given in 2026-11."
    assert main(["receipt", "check", code.replace("BREW-10-", "BREW-90-")]) == 1
    await brewbot.send(SLOW, "/mytime receipt 2026-10")
    assert brewbot.last(SLOW).startswith("You didn't give time to a brew in 2026-10")


async def test_forget_deletes_a_persons_time(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await _answer(brewbot, brew, SLOW)
    await _answer(brewbot, brew, OTHERS[0])
    await brewbot.send(SLOW, "/forget")
    await brewbot.tap(SLOW, brewbot.services.text("forget_yes"))
    with sqlite3.connect(brewbot.settings.db) as db:
        assert db.execute("SELECT COUNT(*) FROM time_given").fetchone() == (1,)
    db.close()
    await brewbot.send(SLOW, "/mytime")
    assert brewbot.last(SLOW) == brewbot.services.text("mytime_none")
