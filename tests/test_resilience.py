"""Nothing lost, nothing twice: restarts, crashes, Telegram's 429s and 5xx, redelivery."""

from __future__ import annotations

import sqlite3

from standin.faults import FaultPlan
from tests.running import Running

DEV = 4001


def _sent(brewbot: Running) -> list[str]:
    """Texts of the messages Telegram accepted for DEV (not edits, not refused tries)."""
    calls = brewbot.standin.calls_to("sendMessage")
    return [str(c.text) for c in calls if c.ok and c.chat_id == DEV]


def _texts(brewbot: Running) -> list[str]:
    with sqlite3.connect(brewbot.settings.db) as con:
        return [r[0] for r in con.execute("SELECT text FROM answers WHERE kind = 'text'")]


def _in_inbox(brewbot: Running) -> int:
    with sqlite3.connect(brewbot.settings.db) as con:
        return int(con.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])


async def _at_first_text_question(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting out and about")
    await brewbot.send(DEV, f"/start {brew.code}")
    await brewbot.tap(DEV, "Skip")
    await brewbot.tap(DEV, "Yes")


async def test_a_429_during_a_journey_is_waited_out(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    before = len(_sent(brewbot))
    brewbot.standin.fail_next("sendMessage", status=429, retry_after=1)
    await brewbot.send(DEV, "A bus that comes when it says.")
    assert _texts(brewbot) == ["A bus that comes when it says."]
    replies = _sent(brewbot)[before:]
    assert len(replies) == 1 and "moment" in replies[-1]
    brewbot.standin.assert_no_problems()


async def test_telegram_5xx_is_retried_and_nothing_is_sent_twice(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    brewbot.standin.fail_next("sendMessage", status=502, times=2)
    await brewbot.send(DEV, "Someone to go with me.")
    assert _texts(brewbot) == ["Someone to go with me."]
    delivered = [t for t in _sent(brewbot) if "moment" in t]
    assert len(delivered) == 1


async def test_a_crash_mid_update_loses_nothing_and_keeps_it_once(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    # Telegram goes wrong just as brewbot replies, and brewbot is killed while retrying.
    brewbot.standin.fail_next("sendMessage", status=500, times=1000)
    brewbot.standin.private_message(DEV, "My daughter drives me.")
    await brewbot.standin.wait_for(lambda: _texts(brewbot) == ["My daughter drives me."])
    assert _in_inbox(brewbot) == 1, "a fetched update waits in the inbox until it is handled"
    await brewbot.kill()
    brewbot.standin.faults = FaultPlan()
    await brewbot.start()
    await brewbot.standin.wait_idle()
    assert not brewbot.standin.updates.pending and _in_inbox(brewbot) == 0
    assert _texts(brewbot) == ["My daughter drives me."]
    assert "moment" in brewbot.last(DEV)  # the lost reply: the next question is shown again
    await brewbot.send(DEV, "When the lift broke and nobody came.")
    assert _texts(brewbot) == ["My daughter drives me.", "When the lift broke and nobody came."]


async def test_updates_sent_while_brewbot_is_down_are_all_handled(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    await brewbot.stop()
    brewbot.standin.private_message(DEV, "Dropped kerbs.")
    brewbot.standin.private_message(DEV, "Meeting friends at the library.")
    await brewbot.start()
    await brewbot.standin.wait_idle()
    assert _texts(brewbot) == ["Dropped kerbs.", "Meeting friends at the library."]


async def test_sending_to_a_person_is_paced(brewbot: Running) -> None:
    await brewbot.stop()
    brewbot.settings = brewbot.settings.__class__(
        **{**brewbot.settings.__dict__, "person_rate": 1.0}
    )
    await brewbot.start()
    await _at_first_text_question(brewbot)
    for answer in ("One.", "Two.", "Three."):
        await brewbot.send(DEV, answer)
    # About one a second, with a burst of three, edits counted: never 5 in any 1.5 seconds.
    assert brewbot.standin.max_rate(DEV, 1.5) <= 4
    assert len(brewbot.standin.send_times(DEV)) >= 10


async def test_a_409_from_another_poller_is_waited_out(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    before = len(_sent(brewbot))
    brewbot.standin.fail_next("getUpdates", status=409, times=2)
    await brewbot.send(DEV, "Lifts that work.")
    await brewbot.standin.wait_for(lambda: len(_refused_polls(brewbot)) == 2)
    await brewbot.standin.wait_for(lambda: _texts(brewbot) == ["Lifts that work."])
    await brewbot.send(DEV, "Benches at the bus stop.")  # polling goes on after the 409s
    assert _texts(brewbot) == ["Lifts that work.", "Benches at the bus stop."]
    assert len(_sent(brewbot)) - before == 2  # a reply to each answer, none twice
    brewbot.standin.assert_no_problems()


def _refused_polls(brewbot: Running) -> list[str]:
    return [str(c) for c in brewbot.standin.calls_to("getUpdates") if c.status == 409]


async def test_a_connection_cut_after_sending_is_not_sent_again(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    brewbot.standin.drop_next("sendMessage", after_effect=True)
    await brewbot.send(DEV, "A ramp at the library.")
    assert _texts(brewbot) == ["A ramp at the library."]
    shown = [  # what the phone shows, including the message whose reply was cut off
        m["text"]
        for (chat, _), m in sorted(brewbot.standin.world.messages.items())
        if chat == DEV and m["from"]["is_bot"] and "text" in m
    ]
    asked = next(i for i, text in enumerate(shown) if "What matters most to you" in text)
    after = shown[asked + 1 :]
    assert len(after) == len(set(after)), after  # nothing arrived twice
    assert "safe" in after[-1]  # and the person hears, kindly, that something went wrong
