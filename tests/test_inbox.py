"""A whole room at once: the inbox keeps every update first, chats run side by side in order,
nothing is lost or doubled by a kill, help jumps the queue, and each input costs few calls."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from bot.jobs.broadcast import send_news
from bot.runtime.inbox import chat_key, scrub
from standin.records import EDIT_METHODS, SEND_METHODS
from storage.inbox import Kept
from tests.facilitator_support import ADMIN, news_to, took_part
from tests.running import FACILITATORS, Running

ANNE, BEN, CARA = 5101, 5102, 5103
WORRYING = "Some days I don't want to live any more."


async def _paced(brewbot: Running) -> None:
    """Pace each person's chat slowly enough that replies queue up (5 a second: the suite's
    stand-in allows 30, so this is the same rule as Telegram's one a second, 5 times faster)."""
    await brewbot.stop()
    brewbot.settings = replace(brewbot.settings, person_rate=5.0)
    await brewbot.start()


async def _at_first_text_question(brewbot: Running, *people: int) -> None:
    brew = await brewbot.new_brew("getting out and about")
    for person in people:
        await brewbot.send(person, f"/start {brew.code}")
        await brewbot.tap(person, "Skip")
        await brewbot.tap(person, "Yes")


async def test_one_slow_chat_holds_up_no_other_and_each_keeps_its_order(
    brewbot: Running,
) -> None:
    await _paced(brewbot)
    await _at_first_text_question(brewbot, ANNE, BEN)
    await brewbot.standin.wait_idle()
    anne_said = [f"Anne's answer number {n}." for n in range(1, 5)]
    for words in anne_said:  # Anne types fast: her replies must wait their turn
        brewbot.standin.private_message(ANNE, words)
    before = len(brewbot.texts(ANNE))
    await brewbot.standin.wait_for(lambda: len(brewbot.texts(ANNE)) > before)
    brewbot.standin.private_message(BEN, "Ben's only answer.")  # while Anne's are under way
    await brewbot.standin.wait_idle(timeout=20)

    sends = [c for c in brewbot.standin.calls if c.ok and c.method in SEND_METHODS]
    bens_reply = next(i for i, c in enumerate(sends) if c.chat_id == BEN and "moment" in c.text)
    annes_last = max(i for i, c in enumerate(sends) if c.chat_id == ANNE)
    assert bens_reply < annes_last, "Ben waited behind Anne's paced replies"
    assert brewbot.typed_answers(ANNE) == anne_said
    assert brewbot.typed_answers(BEN) == ["Ben's only answer."]
    brewbot.standin.assert_no_problems()  # no 429: pacing kept within Telegram's limits


async def test_a_kill_after_the_inbox_write_loses_nothing_and_doubles_nothing(
    brewbot: Running,
) -> None:
    await _at_first_text_question(brewbot, ANNE)
    await brewbot.stop()
    # brewbot fetched this update and kept it in its inbox, then was killed before handling
    # it or confirming it to Telegram: so Telegram sends it again too.
    update = brewbot.standin.private_message(ANNE, "Dropped kerbs on my street.")
    with sqlite3.connect(brewbot.settings.db) as con:
        con.execute(
            "INSERT INTO inbox (update_id, chat_key, payload, received_at) VALUES (?, ?, ?, ?)",
            (update["update_id"], ANNE, json.dumps(update), "2026-11-23T11:00:00+00:00"),
        )
    await brewbot.start()
    await brewbot.standin.wait_idle()
    assert brewbot.typed_answers(ANNE) == ["Dropped kerbs on my street."]
    replies = [t for t in brewbot.texts(ANNE) if "moment" in t]
    assert len(replies) == 1, "the answer was handled twice"
    with sqlite3.connect(brewbot.settings.db) as con:
        assert con.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 0
    await brewbot.send(ANNE, "When the lift broke.")
    assert brewbot.typed_answers(ANNE) == ["Dropped kerbs on my street.", "When the lift broke."]


async def test_the_inbox_keeps_no_names_usernames_or_phone_numbers(brewbot: Running) -> None:
    update = brewbot.standin.private_message(ANNE, "Hello there.")
    update["message"]["from"]["username"] = "anne_smith"
    update["message"]["from"]["last_name"] = "Smith"
    update["message"]["contact"] = {"phone_number": "+447700900123", "first_name": "Anne"}
    kept = json.dumps(scrub(update))
    assert "Smith" not in kept and "anne_smith" not in kept and "447700900123" not in kept
    assert "Anne" not in kept
    assert "Hello there." in kept  # the words themselves wait, until handled, then go
    await brewbot.standin.wait_idle()
    with sqlite3.connect(brewbot.settings.db) as con:
        assert con.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 0


async def test_a_redelivered_update_is_kept_once(brewbot: Running) -> None:
    store = brewbot.services.store
    first = [Kept(1, ANNE, "{}"), Kept(2, BEN, "{}")]
    assert await store.keep_updates(first) == first
    assert await store.keep_updates([Kept(2, BEN, "{}"), Kept(3, BEN, "{}")]) == [
        Kept(3, BEN, "{}")
    ]
    await store.finish_updates([1])
    assert await store.keep_updates([Kept(1, ANNE, "{}")]) == []  # handled: not again
    assert [k.update_id for k in await store.waiting_updates()] == [2, 3]
    await store.finish_updates([2, 3])  # finished together, in one commit
    assert await store.waiting_updates() == []
    assert await store.keep_updates([Kept(3, BEN, "{}")]) == []


async def test_help_comes_before_anything_else_waiting_for_that_person(
    brewbot: Running,
) -> None:
    await _paced(brewbot)
    await _at_first_text_question(brewbot, CARA)
    await brewbot.standin.wait_idle()
    store = brewbot.services.store
    for n in range(5):  # five pieces of news wait for Cara, paced
        brew = await brewbot.new_brew(f"brew number {n}")
        await took_part(brewbot, brew, [CARA], stage=None)
        await store.record_wesaid(brew.id, f"News {n}.", f"test:{n}")
    brewbot.app.job_queue.run_once(send_news, when=0)
    await brewbot.standin.wait_for(lambda: len(news_to(brewbot, CARA)) >= 1)
    brewbot.standin.private_message(CARA, WORRYING)
    await brewbot.standin.wait_idle(timeout=20)

    texts = brewbot.texts(CARA)
    helped = next(i for i, t in enumerate(texts) if "sounds hard" in t)
    last_news = max(i for i, t in enumerate(texts) if t.startswith(("News from", "News about")))
    assert helped < last_news, "help waited behind queued news"
    assert len(news_to(brewbot, CARA)) == 5


async def test_a_whole_pack_costs_one_send_and_at_most_two_calls_an_input(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew("getting help at home")
    inputs = 0

    async def act(coro: object) -> None:
        nonlocal inputs
        await coro  # type: ignore[misc]
        inputs += 1

    await act(brewbot.send(ANNE, f"/start {brew.code}"))
    await act(brewbot.tap(ANNE, "I am an unpaid carer"))
    await act(brewbot.tap(ANNE, "Yes"))
    for words in ("Knowing who comes.", "A carer who stayed.", "Fewer faces.", "My own way."):
        await act(brewbot.send(ANNE, words))
    await act(brewbot.tap(ANNE, "Yes, please"))
    await brewbot.standin.wait_idle()

    to_anne = brewbot.standin.sent_to(ANNE)
    sends = [c for c in to_anne if c.method in SEND_METHODS]
    edits = [c for c in to_anne if c.method in EDIT_METHODS]
    assert len(sends) <= inputs, [c.text for c in sends]
    assert len(sends) + len(edits) <= 2 * inputs
    brewbot.standin.assert_no_problems()


def test_chat_key_is_the_chat_or_else_the_person() -> None:
    from telegram import Update

    update = Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "9",
                "from": {"id": 77, "is_bot": False, "first_name": ""},
                "chat_instance": "1",
                "data": "x",
            },
        },
        None,
    )
    assert chat_key(update) == 77


async def test_help_overtakes_the_replies_still_waiting_for_that_person(
    brewbot: Running,
) -> None:
    await _paced(brewbot)
    await _at_first_text_question(brewbot, CARA)
    await brewbot.standin.wait_idle()
    seen = len(brewbot.texts(CARA))
    for n in (1, 2):  # quick answers: their replies wait their turn
        brewbot.standin.private_message(CARA, f"Quick answer {n}.")
    brewbot.standin.private_message(CARA, WORRYING)
    await brewbot.standin.wait_idle(timeout=20)

    after = brewbot.texts(CARA)[seen:]
    assert "sounds hard" in after[0], f"help is the very next thing Cara gets: {after}"
    assert sum("sounds hard" in t for t in after) == 1, "and it is sent once"
    assert brewbot.typed_answers(CARA) == ["Quick answer 1.", "Quick answer 2.", WORRYING]


async def test_a_long_export_holds_up_no_one_talking_to_brewbot(brewbot: Running) -> None:
    brew = await brewbot.new_brew("getting help at home")
    words = ("Someone who rings back", "Plain letters", "The same face", "Time to talk")
    with sqlite3.connect(brewbot.settings.db) as con:  # 20,000 answers from paper forms
        con.executemany(
            "INSERT INTO answers (participant_id, brew_id, prompt_id, principle, kind, text,"
            " quote_consent, imported, created_at) VALUES (NULL, ?, 'what_matters', 'theme',"
            " 'text', ?, 1, 1, '2026-11-23T11:00:00+00:00')",
            [(brew.id, f"{words[n % 4]} number {n}.") for n in range(20_000)],
        )
    await _at_first_text_question(brewbot, ANNE)
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.command(ADMIN, "/export", chat_id=FACILITATORS)
    await brewbot.standin.wait_idle()
    brewbot.standin.tap(ADMIN, "getting help at home", chat_id=FACILITATORS)
    await brewbot.standin.wait_for(lambda: brewbot.standin.calls_to("sendChatAction"))
    brewbot.standin.private_message(ANNE, "Answered while the export is being made.")
    await brewbot.standin.wait_idle(timeout=120)

    sends = [c for c in brewbot.standin.calls if c.ok and c.method in SEND_METHODS]
    annes_reply = next(i for i, c in enumerate(sends) if c.chat_id == ANNE and "moment" in c.text)
    export = next(i for i, c in enumerate(sends) if c.method == "sendDocument")
    assert annes_reply < export, "Anne's reply waited for the facilitator's export"
