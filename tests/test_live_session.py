"""A live Over a Brew in small, as a room would run it: twelve people, three /asks, some who
skip, some who answer the question before a few seconds after the next one arrives, some who
write after /endlive. Telegram's date on each message is set, as a phone would send it, so
"20 seconds later" takes no 20 seconds.

Every answer is filed under the question the person meant, the group's counts equal the
answers kept, /endlive's notices reach those who missed a question and thank the others,
and the summary says who took part and who answered every question.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from tests.facilitator_support import LINK, group_calls, group_texts, in_group, shown_now
from tests.running import Running
from tests.test_live import all_got, counts_message

ROOM = [7701 + n for n in range(12)]
Q1 = "What matters most to you about getting help at home?"
Q2 = "What gets in the way?"
Q3 = "What is one thing that would make it better?"
LONG = (
    "The carer who came on Tuesdays knew my name, asked how my garden was doing, and never"
    " rushed me even when she was running late."
)  # 126 characters: nobody types that in 12 s, but it may have been spoken or pasted
ENDED = "The live part is over"
CLOSE = "That is all. Thank you for sharing!"


def arrived(brewbot: Running, person: int, words: str) -> int:
    """When the message asking these words reached this person (Telegram's date for it)."""
    world = brewbot.standin.world
    bot = world.bot_user["id"]
    found = [
        m
        for (chat, _), m in world.messages.items()
        if chat == person and m["from"]["id"] == bot and words in m.get("text", "")
    ]
    assert found, f"{person} never got {words!r}"
    return int(found[-1]["date"])


def write(brewbot: Running, person: int, text: str, after: tuple[str, int] | None = None) -> None:
    """A person sends words: now, or ``after`` = (question, seconds) after it reached them."""
    date = None if after is None else arrived(brewbot, person, after[0]) + after[1]
    brewbot.standin.private_message(person, text, date=date)


def filed(brewbot: Running) -> dict[str, dict[int, str]]:
    """Every answer kept, by question, as {person: words}."""
    by_prompt: dict[str, dict[int, str]] = defaultdict(dict)
    with sqlite3.connect(brewbot.settings.db) as con:
        for prompt, chat, text in con.execute(
            "SELECT a.prompt_id, p.chat_id, a.text FROM answers AS a"
            " JOIN participants AS p ON p.id = a.participant_id ORDER BY a.id"
        ):
            by_prompt[str(prompt)][int(chat)] = str(text)
    return dict(by_prompt)


def got(brewbot: Running, person: int, words: str) -> bool:
    return any(words in text for text in brewbot.texts(person))


async def tap_starting(brewbot: Running, person: int, start: str) -> None:
    """A person taps the newest button whose words start with ``start``."""
    world = brewbot.standin.world
    mine = sorted(
        (m for (chat, _), m in world.messages.items() if chat == person),
        key=lambda m: -int(m["message_id"]),
    )
    for message in mine:
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"].startswith(start):
                    brewbot.standin.press(person, message["message_id"], button["callback_data"])
                    await brewbot.standin.wait_idle()
                    return
    raise AssertionError(f"no button starting {start!r} for {person}")


async def live_room(brewbot: Running, room: list[int], question: str) -> None:
    """Open a live brew, let the room join, ask the question and wait until all have it."""
    standin = brewbot.standin
    await in_group(brewbot, "/live getting help at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    for person in room:
        standin.command(person, f"/start {match.group(2)}")
    await standin.wait_idle(timeout=30)
    await in_group(brewbot, f"/ask {question}")
    await standin.wait_for(lambda: all(question in brewbot.last(p) for p in room), timeout=15)


async def test_a_live_session_in_small_files_every_answer_where_it_was_meant(
    brewbot: Running,
) -> None:
    standin = brewbot.standin
    # Question 1: eight answer, one skips, three say nothing yet.
    await live_room(brewbot, ROOM, Q1)
    for n, person in enumerate(ROOM[:8]):
        write(brewbot, person, f"Being asked, not told ({n})")
    standin.press_label(ROOM[8], brewbot.message_with_button(ROOM[8], "Skip"), "Skip")
    await standin.wait_idle()

    # Question 2 arrives. Who writes what, and when, after it reached their phone:
    await in_group(brewbot, f"/ask {Q2}")
    await all_got(brewbot, Q2, ROOM)
    write(brewbot, ROOM[11], "A neighbour who pops in", after=(Q2, 2))  # typing Q1 as it came
    write(brewbot, ROOM[10], "Waiting for a call back", after=(Q2, 8))  # skipped Q1, answers Q2
    write(brewbot, ROOM[9], LONG, after=(Q2, 12))  # too long to be typed since Q2 came: asked
    for n, person in enumerate(ROOM[:6]):
        write(brewbot, person, f"Forms, and more forms ({n})", after=(Q2, 12 + 3 * n))
    standin.press_label(ROOM[6], brewbot.message_with_button(ROOM[6], "Skip"), "Skip")
    write(brewbot, ROOM[8], "Nobody rings back", after=(Q2, 20))  # skipped Q1: Q2's, surely
    await standin.wait_idle()
    assert "kept that for the question before" in brewbot.last(ROOM[11])
    assert "kept that for the question before" not in brewbot.last(ROOM[10])
    assert brewbot.last(ROOM[9]).startswith("Which question are these words for?")

    # The choice survives a restart: the words are in the message the question replied to.
    await brewbot.restart()
    await tap_starting(brewbot, ROOM[9], "For: What matters most")
    assert "kept that for the question before" in brewbot.last(ROOM[9])

    # Question 3; one more answers Q2 a second after Q3 reached them.
    await in_group(brewbot, f"/ask {Q3}")
    await all_got(brewbot, Q3, ROOM)
    write(brewbot, ROOM[7], "Not knowing who to ask", after=(Q3, 1))
    for person, after in ((ROOM[0], 15), (ROOM[1], 22), (ROOM[10], 25)):
        write(brewbot, person, f"The same face each week ({person})", after=(Q3, after))
    await standin.wait_idle()

    # /endlive: thanks for those with nothing left, the notice for everyone who missed one.
    await in_group(brewbot, "/endlive")
    await standin.wait_for(
        lambda: all(got(brewbot, p, ENDED) or got(brewbot, p, CLOSE) for p in ROOM), timeout=15
    )
    await standin.wait_idle()
    assert [p for p in ROOM if got(brewbot, p, CLOSE)] == ROOM[:2]
    assert [p for p in ROOM if got(brewbot, p, ENDED)] == ROOM[2:]

    # After the end: nothing is a late answer, and words go only where the person says.
    write(brewbot, ROOM[11], "Thank you, I enjoyed that")
    await standin.wait_idle()
    assert brewbot.last(ROOM[11]).startswith("Which question are these words for?")
    await tap_starting(brewbot, ROOM[11], "Leave them out")
    write(brewbot, ROOM[3], "More time with the same carer")
    await standin.wait_idle()
    await tap_starting(brewbot, ROOM[3], f"For: {Q3[:20]}")
    assert got(brewbot, ROOM[3], CLOSE)  # that was the last one they had left
    await brewbot.tap(ROOM[10], "Carry on")
    assert brewbot.last(ROOM[10]).endswith(Q1)  # the one they missed, never one not asked
    write(brewbot, ROOM[10], "Someone to talk to")
    await standin.wait_idle()
    assert got(brewbot, ROOM[10], CLOSE)

    # Each answer under the question it was meant for, and no question nobody was asked.
    answers = filed(brewbot)
    assert set(answers) == {"live_1", "live_2", "live_3"}
    assert answers["live_1"][ROOM[11]] == "A neighbour who pops in"
    assert answers["live_1"][ROOM[9]] == LONG
    assert answers["live_2"][ROOM[10]] == "Waiting for a call back"
    assert answers["live_2"][ROOM[7]] == "Not knowing who to ask"
    assert answers["live_3"][ROOM[3]] == "More time with the same carer"
    assert sorted(answers["live_1"]) == sorted([*ROOM[:8], ROOM[9], ROOM[10], ROOM[11]])
    assert sorted(answers["live_2"]) == sorted([*ROOM[:6], ROOM[7], ROOM[8], ROOM[10]])
    assert sorted(answers["live_3"]) == sorted([ROOM[0], ROOM[1], ROOM[3], ROOM[10]])

    # The group's count for each question is the number of people whose answer is kept.
    for number, prompt in ((1, "live_1"), (2, "live_2"), (3, "live_3")):
        message = counts_message(brewbot, number)
        want = f"Answered so far: {len(answers[prompt])}"
        await standin.wait_for(lambda m=message, w=want: w in shown_now(brewbot, m)["text"], 10)

    # The summary counts who took part and who answered every question.
    await in_group(brewbot, "/summary")
    summary = "\n".join(group_texts(brewbot)[-4:])
    assert "12 people took part and 4 answered every question." in summary
    assert "got to the end" not in summary


async def test_a_choice_whose_words_telegram_no_longer_shows_keeps_nothing_and_says_so(
    brewbot: Running,
) -> None:
    person = ROOM[0]
    await live_room(brewbot, [person], Q1)
    await in_group(brewbot, f"/ask {Q2}")
    await all_got(brewbot, Q2, [person])
    write(brewbot, person, LONG, after=(Q2, 10))
    await brewbot.standin.wait_idle()
    asked = brewbot.message_with_button(person, "Leave them out")
    message = brewbot.standin.world.message(person, asked)
    assert message is not None and message["reply_to_message"]["text"] == LONG
    del message["reply_to_message"]  # deleted by them, or too old for Telegram to show
    await tap_starting(brewbot, person, "For: What matters most")
    assert "can't see those words any more" in brewbot.last(person)
    assert filed(brewbot) == {}
