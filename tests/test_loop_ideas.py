"""/idea from people, /ideas for facilitators: a theme shows only when enough people gave it,
it counts each person once, holds no one's id, and /forget takes a person's ideas away."""

from __future__ import annotations

import sqlite3

from tests.facilitator_support import MEMBER, in_group, last_in_group, took_part
from tests.running import Running

MANY = range(874001, 874006)  # five: the minimum group
FEW = range(874101, 874104)
SHOWN = "Getting out and about"
HIDDEN = "The respite centre closing on Fridays"


async def _suggest(brewbot: Running, people: range, words: str) -> None:
    for n, person in enumerate(people):
        spelled = words if n % 2 else f"  {words.upper()}!! "  # alike words count as one
        await brewbot.send(person, f"/idea {spelled}")


async def test_a_theme_from_fewer_than_the_minimum_group_is_never_shown(
    brewbot: Running,
) -> None:
    await _suggest(brewbot, MANY, SHOWN)
    await _suggest(brewbot, FEW, HIDDEN)
    assert brewbot.last(MANY[0]) == brewbot.services.text("idea_kept")
    await in_group(brewbot, "/ideas")
    said = last_in_group(brewbot)
    assert "(5 people)" in said and SHOWN.casefold() in said.casefold()
    assert "respite" not in said.casefold()
    assert "1 other suggestion," in said


async def test_one_person_saying_it_again_counts_once(brewbot: Running) -> None:
    await _suggest(brewbot, FEW, SHOWN)
    for _ in range(3):
        await brewbot.send(FEW[0], f"/idea {SHOWN}")
    assert brewbot.last(FEW[0]) == brewbot.services.text("idea_already")
    await in_group(brewbot, "/ideas")
    assert SHOWN.casefold() not in last_in_group(brewbot).casefold()
    assert "There is 1 suggestion," in last_in_group(brewbot)


async def test_an_idea_row_holds_no_id_and_forget_takes_it_away(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    ids = await took_part(brewbot, brew, MANY)
    await _suggest(brewbot, MANY, SHOWN)
    with sqlite3.connect(brewbot.settings.db) as db:
        rows = [" ".join(map(str, r)) for r in db.execute("SELECT * FROM ideas")]
        group_ids = {r[0] for r in db.execute("SELECT group_id FROM ideas")}
    db.close()
    assert len(rows) == 5 and group_ids == {brew.group_id}
    for person, pid in zip(MANY, ids, strict=True):
        assert not any(str(person) in row or pid in row for row in rows)
    await brewbot.send(MANY[0], "/mydata")
    assert any(SHOWN.upper() in text for text in brewbot.texts(MANY[0]))
    await brewbot.send(MANY[0], "/forget")
    await brewbot.tap(MANY[0], brewbot.services.text("forget_yes"))
    await in_group(brewbot, "/ideas")
    assert SHOWN.casefold() not in last_in_group(brewbot).casefold()  # four left: too few
    assert "There is 1 suggestion," in last_in_group(brewbot)


async def test_kind_replies_to_an_empty_or_long_idea_and_facilitators_only(
    brewbot: Running,
) -> None:
    await brewbot.send(MANY[0], "/idea")
    assert brewbot.last(MANY[0]) == brewbot.services.text("idea_how")
    await brewbot.send(MANY[0], "/idea " + "word " * 60)
    assert "200 letters" in brewbot.last(MANY[0])
    await in_group(brewbot, "/ideas")
    assert last_in_group(brewbot) == brewbot.services.text("ideas_none")
    await in_group(brewbot, "/ideas", user=MEMBER)
    assert last_in_group(brewbot) == brewbot.services.text("facilitator_refused")
    with sqlite3.connect(brewbot.settings.db) as db:
        assert db.execute("SELECT COUNT(*) FROM ideas").fetchone() == (0,)
    db.close()
