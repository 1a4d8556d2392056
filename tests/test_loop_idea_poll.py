"""/ideas poll: the top suggested themes go, as a poll, only to people who took part in the
group's brews lately and asked for news; the votes add up without who; a tap starts a brew
on the winner."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any

from tests.facilitator_support import group_calls, in_group, last_in_group, tap_in_group, took_part
from tests.running import Running

ASKED_NEWS = range(877001, 877006)
NO_NEWS = (877011, 877012)
LONG_AGO = 877021  # took part two months ago, and asked for news
WALKS, LUNCH, HIDDEN = "Walking groups", "Lunch clubs", "A secret quiet theme"


def _polls(brewbot: Running, chat: int) -> list[Any]:
    return [c for c in brewbot.standin.sent_to(chat) if c.method == "sendPoll" and c.ok]


def _options(call: Any) -> list[str]:
    raw = call.params["options"]
    options = json.loads(raw) if isinstance(raw, str) else raw
    return [o["text"] if isinstance(o, dict) else str(o) for o in options]


async def _suggest(brewbot: Running, people: range | tuple[int, ...], words: str) -> None:
    for person in people:
        await brewbot.send(person, f"/idea {words}")


async def test_the_poll_goes_only_to_recent_people_who_asked_for_news(brewbot: Running) -> None:
    old = await brewbot.new_brew("an old theme")
    await took_part(brewbot, old, [LONG_AGO])
    brewbot.clock.advance(timedelta(days=60))
    brew = await brewbot.new_brew()
    await took_part(brewbot, brew, ASKED_NEWS)
    await took_part(brewbot, brew, NO_NEWS, news=False)
    await _suggest(brewbot, ASKED_NEWS, WALKS)
    await _suggest(brewbot, ASKED_NEWS, LUNCH)
    await _suggest(brewbot, NO_NEWS, HIDDEN)

    await in_group(brewbot, "/ideas poll")
    assert "on its way to 5 people" in last_in_group(brewbot)
    await brewbot.standin.wait_for(lambda: all(_polls(brewbot, p) for p in ASKED_NEWS))
    for person in ASKED_NEWS:
        (poll,) = _polls(brewbot, person)
        assert sorted(_options(poll)) == sorted([WALKS, LUNCH])
    assert all(_polls(brewbot, p) == [] for p in (*NO_NEWS, LONG_AGO))
    with sqlite3.connect(brewbot.settings.db) as db:
        assert db.execute("SELECT COUNT(*) FROM idea_poll_queue").fetchone() == (0,)
        ballots = db.execute("SELECT * FROM idea_poll_ballots").fetchall()
    db.close()
    assert len(ballots) == 5 and not any(str(p) in repr(ballots) for p in ASKED_NEWS)

    for n, person in enumerate(ASKED_NEWS):
        (poll,) = _polls(brewbot, person)
        lunch = _options(poll).index(LUNCH)
        chosen = [lunch] if n < 3 else [1 - lunch]
        brewbot.standin.poll_answer(person, poll.result["message_id"], chosen)
    await brewbot.standin.wait_idle()
    await in_group(brewbot, "/ideas results")
    said = last_in_group(brewbot)
    assert f"• {LUNCH}: 3" in said and f"• {WALKS}: 2" in said
    assert said.index(LUNCH) < said.index(WALKS)

    before = len(group_calls(brewbot))
    await tap_in_group(brewbot, brewbot.services.text("button_brew_on", theme=LUNCH))
    photo = group_calls(brewbot)[before:]
    assert photo and photo[-1].method == "sendPhoto"
    assert f'Your brew about "{LUNCH}" is open' in (photo[-1].text or "")
    opened = await brewbot.services.store.open_brews(brew.group_chat_id or 0)
    assert [b.theme for b in opened] == ["an old theme", "getting help at home", LUNCH]


async def test_no_poll_without_two_themes_enough_people_gave(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await took_part(brewbot, brew, ASKED_NEWS)
    await _suggest(brewbot, ASKED_NEWS, WALKS)
    await _suggest(brewbot, ASKED_NEWS[:4], LUNCH)
    await in_group(brewbot, "/ideas poll")
    assert last_in_group(brewbot) == brewbot.services.text("ideas_poll_too_few", min_group=5)
    assert all(_polls(brewbot, p) == [] for p in ASKED_NEWS)
