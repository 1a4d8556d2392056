"""A live brew end to end: 30 people, three /asks, the counts message, a late answer."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

from bot.jobs import deliveries
from bot.journey import advance
from conversations.model import AnswerText, Principle
from standin.records import SEND_METHODS
from storage import Store
from tests.facilitator_support import LINK, group_calls, in_group, shown_now
from tests.running import FACILITATORS, Running
from tests.storage_support import step
from tests.storage_support import text as typed

PEOPLE = list(range(7001, 7031))
OWN_QUESTION = "What would make the first visit feel less strange?"
SAID = (
    "Waiting lists are far too long, months of waiting",
    "The same carer each week, someone who knows me",
    "A phone number where someone actually answers the phone",
)
ANSWERED = re.compile(r"Answered so far: (\d+)")


def counts_edits(brewbot: Running, message_id: int) -> list[str]:
    """Every text the counts message has shown, first to last."""
    calls = brewbot.standin.sent_to(FACILITATORS)
    return [
        str(c.params.get("text"))
        for c in calls
        if c.method == "editMessageText" and int(c.params.get("message_id", 0)) == message_id
    ]


def counts_message(brewbot: Running, number: int) -> int:
    """The id of the counts message posted for question ``number``."""
    for call in group_calls(brewbot):
        if call.text and call.text.startswith(f"Question {number}:"):
            return int(call.result["message_id"])
    raise AssertionError(f"no counts message for question {number}")


def answered_in_db(brewbot: Running, prompt_id: str) -> dict[int, str]:
    with sqlite3.connect(brewbot.settings.db) as con:
        rows = con.execute(
            "SELECT p.chat_id, a.text FROM answers AS a JOIN participants AS p"
            " ON p.id = a.participant_id WHERE a.prompt_id = ?",
            (prompt_id,),
        )
        return {int(chat): str(text) for chat, text in rows}


def got(brewbot: Running, user: int, words: str) -> int:
    return sum(words in text for text in brewbot.texts(user))


async def all_got(brewbot: Running, words: str, people: list[int] = PEOPLE) -> None:
    """Wait until each of ``people`` has had these words once (a push goes in the background)."""
    await brewbot.standin.wait_for(
        lambda: all(got(brewbot, user, words) for user in people), timeout=15
    )
    await brewbot.standin.wait_idle()
    assert [got(brewbot, user, words) for user in people] == [1] * len(people)


async def test_a_live_brew_with_thirty_people_and_three_questions(brewbot: Running) -> None:
    await in_group(brewbot, "/live getting help at home")
    invite = group_calls(brewbot)[-1].text or ""
    assert "This brew is live" in invite
    match = LINK.search(invite)
    assert match is not None
    for user in PEOPLE:
        brewbot.standin.command(user, f"/start {match.group(2)}")
    await brewbot.standin.wait_idle()
    for user in PEOPLE:  # a welcome, then nothing until the facilitator asks
        assert "comes when the group gets to it" in brewbot.last(user)
        assert got(brewbot, user, "Which of these fits you best") == 0

    # 1: the pack's first question, a button one.
    await in_group(brewbot, "/ask")
    await all_got(brewbot, "Which of these fits you best")
    first = counts_message(brewbot, 1)
    for user in PEOPLE[:20]:
        brewbot.standin.press_label(
            user, brewbot.message_with_button(user, "I am an unpaid carer"), "I am an unpaid carer"
        )
    await brewbot.standin.wait_idle()
    await brewbot.standin.wait_for(
        lambda: "Answered so far: 20" in shown_now(brewbot, first)["text"], timeout=10
    )

    # 2: the facilitator's own question; four answer, then the rest but one.
    await in_group(brewbot, f"/ask {OWN_QUESTION}")
    await all_got(brewbot, OWN_QUESTION)
    second = counts_message(brewbot, 2)
    for i, user in enumerate(PEOPLE[:4]):
        brewbot.standin.private_message(user, SAID[i % 3])
    await brewbot.standin.wait_idle()
    await brewbot.standin.wait_for(
        lambda: "Answered so far: 4" in shown_now(brewbot, second)["text"], timeout=10
    )
    assert "Themes" not in shown_now(brewbot, second)["text"]  # four is below the five
    for i, user in enumerate(PEOPLE[4:-1], start=4):
        brewbot.standin.private_message(user, f"{SAID[i % 3]} ({i})")
    await brewbot.standin.wait_idle()

    # 3: the next pack question; the last person was still typing the one before.
    await in_group(brewbot, "/ask")
    await all_got(brewbot, "May we quote your words")
    late = PEOPLE[-1]
    await brewbot.send(late, "Someone who explains what happens next")
    assert "kept that for the question before" in brewbot.last(late)
    own = answered_in_db(brewbot, "live_2")
    assert own[late] == "Someone who explains what happens next" and len(own) == 30
    assert late not in answered_in_db(brewbot, "quote_ok")

    await brewbot.standin.wait_for(
        lambda: "Answered so far: 30" in shown_now(brewbot, second)["text"], timeout=10
    )
    final = shown_now(brewbot, second)["text"]
    assert "Themes so far:" in final
    for text in counts_edits(brewbot, second):  # never a theme from fewer than five
        found = ANSWERED.search(text)
        assert found is not None
        assert int(found.group(1)) >= 5 or "Themes" not in text
    group_sends = [c for c in group_calls(brewbot) if c.method in SEND_METHODS]
    assert sum(1 for c in group_sends if (c.text or "").startswith("Question ")) == 3
    assert all(len(counts_edits(brewbot, m)) <= 12 for m in (first, second))  # coalesced


async def test_end_of_the_live_part_lets_people_answer_what_they_missed(brewbot: Running) -> None:
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(7101, f"/start {match.group(2)}")
    await in_group(brewbot, "/ask What is one small thing that helps?")
    await all_got(brewbot, "one small thing", [7101])
    await brewbot.send(7101, "A cup of tea with someone")
    await in_group(brewbot, "/ask What gets in the way?")
    await all_got(brewbot, "What gets in the way?", [7101])
    await in_group(brewbot, "/endlive")
    assert "is over" in group_calls(brewbot)[-1].text  # type: ignore[operator]
    await brewbot.standin.wait_for(lambda: "The live part is over" in brewbot.last(7101), 10)
    await brewbot.tap(7101, "Carry on")
    assert brewbot.last(7101).endswith("What gets in the way?")  # never a question not asked


async def test_ask_with_no_live_brew_says_how_to_start_one(brewbot: Running) -> None:
    await in_group(brewbot, "/ask")
    assert "no live brew" in group_calls(brewbot)[-1].text  # type: ignore[operator]
    await in_group(brewbot, "/live")
    assert "after /live" in group_calls(brewbot)[-1].text  # type: ignore[operator]
    assert await brewbot.services.store.open_brews(FACILITATORS) == []


async def test_a_paused_person_hears_nothing_and_sees_the_open_question_when_back(
    brewbot: Running,
) -> None:
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(7201, f"/start {match.group(2)}")
    await brewbot.send(7201, "/pause")
    await in_group(brewbot, "/ask")
    await brewbot.standin.wait_idle()
    assert got(brewbot, 7201, "Which of these fits you best") == 0
    await brewbot.send(7201, "/resume")
    assert "Which of these fits you best" in brewbot.last(7201)


async def test_a_push_and_an_answer_at_the_same_moment_both_keep(brewbot: Running) -> None:
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(7401, f"/start {match.group(2)}")
    await in_group(brewbot, "/ask What helps on a hard day?")
    await all_got(brewbot, "What helps on a hard day?", [7401])
    store = brewbot.services.store
    brew = (await store.open_brews(FACILITATORS))[0]
    person = await store.participant_by_chat(7401)
    assert person is not None
    await store.push_question(brew.id, None, "What gets in the way?")
    (delivery,) = await store.pending_deliveries(10)
    words = AnswerText("A friend who calls", at=brewbot.clock.now.timestamp())

    async def both(context: Any) -> None:  # the push and the answer, interleaved
        await asyncio.gather(
            deliveries.send_one(context, brewbot.services, delivery),
            advance(None, context, person, brew, words),
        )

    await brewbot.run_job(both)
    progress = await store.progress(person.id, brew.id)
    assert progress is not None
    assert "live_1" in progress.done and progress.current == "live_2"
    assert answered_in_db(brewbot, "live_1") == {7401: "A friend who calls"}


async def test_a_push_kept_before_a_crash_reaches_everyone_once_after_the_restart(
    brewbot: Running,
) -> None:
    room = PEOPLE[:8]
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    for user in room:
        brewbot.standin.command(user, f"/start {match.group(2)}")
    await brewbot.standin.wait_idle()
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    await brewbot.services.store.push_question(brew.id, None, "What gets in the way?")
    await brewbot.kill()  # kept, and nothing sent yet
    await brewbot.start()
    await all_got(brewbot, "What gets in the way?", room)
    await brewbot.run_job(deliveries.send_deliveries)
    await brewbot.restart()
    await brewbot.run_job(deliveries.send_deliveries)
    assert [got(brewbot, user, "What gets in the way?") for user in room] == [1] * len(room)


async def test_a_push_that_may_have_arrived_is_not_sent_again(brewbot: Running) -> None:
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(7501, f"/start {match.group(2)}")
    brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
    await brewbot.services.store.push_question(brew.id, None, "What gets in the way?")
    brewbot.standin.drop_next("sendMessage", after_effect=True)  # arrived, then cut off
    await brewbot.run_job(deliveries.send_deliveries)
    await brewbot.run_job(deliveries.send_deliveries)
    assert got(brewbot, 7501, "What gets in the way?") == 1
    with sqlite3.connect(brewbot.settings.db) as con:
        marked = con.execute("SELECT what, uncertain FROM deliveries").fetchall()
    assert marked == [("ask:1", 1)]  # kept as perhaps sent: never sent twice


async def test_the_counts_message_catches_up_after_a_restart(brewbot: Running) -> None:
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    await brewbot.send(7601, f"/start {match.group(2)}")
    await in_group(brewbot, "/ask What gets in the way?")
    message = counts_message(brewbot, 1)
    await brewbot.stop()
    async with await Store.open(brewbot.settings.db) as store:  # kept while brewbot was down
        person = await store.participant_by_chat(7601)
        brew = (await store.open_brews(FACILITATORS))[0]
        assert person is not None
        answer = typed("live_1", Principle.THEME, "Forms, and more forms")
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(answer), update_id=None
        )
    await brewbot.start()
    await brewbot.standin.wait_for(
        lambda: "Answered so far: 1" in shown_now(brewbot, message)["text"], timeout=15
    )
