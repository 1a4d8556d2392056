"""Anything else a person sends gets a kind, short reply and changes nothing."""

from __future__ import annotations

import sqlite3

from tests.running import Running

CARA = 3001


def _answer_count(brewbot: Running) -> int:
    with sqlite3.connect(brewbot.settings.db) as con:
        return int(con.execute("SELECT count(*) FROM answers WHERE kind = 'text'").fetchone()[0])


async def _at_first_text_question(brewbot: Running) -> None:
    brew = await brewbot.new_brew("feeling listened to")
    await brewbot.send(CARA, f"/start {brew.code}")
    await brewbot.tap(CARA, "Skip")
    await brewbot.tap(CARA, "Yes")


async def test_sticker_photo_voice_and_files_are_not_kept(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    brewbot.standin.sticker(CARA)
    await brewbot.standin.wait_idle()
    assert "typed words" in brewbot.last(CARA)
    brewbot.standin.photo(CARA)
    await brewbot.standin.wait_idle()
    assert "photo" in brewbot.last(CARA)
    brewbot.standin.voice(CARA)
    await brewbot.standin.wait_idle()
    assert "voice note" in brewbot.last(CARA)
    brewbot.standin.document(CARA, CARA, "notes.txt", b"my notes", "here you go")
    await brewbot.standin.wait_idle()
    assert "file" in brewbot.last(CARA)
    assert _answer_count(brewbot) == 0
    brewbot.standin.assert_no_problems()


async def test_an_edited_message_is_explained_and_the_first_version_kept(
    brewbot: Running,
) -> None:
    await _at_first_text_question(brewbot)
    brewbot.standin.private_message(CARA, "Being asked, not told.")
    await brewbot.standin.wait_idle()
    mine = [m for (chat, _), m in brewbot.standin.world.messages.items() if chat == CARA]
    written = max(int(m["message_id"]) for m in mine if m["from"]["id"] == CARA)
    brewbot.standin.edited_message(CARA, written, "Something else entirely")
    await brewbot.standin.wait_idle()
    assert "first" in brewbot.last(CARA)
    with sqlite3.connect(brewbot.settings.db) as con:
        texts = [r[0] for r in con.execute("SELECT text FROM answers WHERE kind = 'text'")]
    assert texts == ["Being asked, not told."]


async def test_unknown_command_points_to_help(brewbot: Running) -> None:
    await brewbot.send(CARA, "/launch_rockets")
    assert "/help" in brewbot.last(CARA)


async def test_text_when_a_button_is_expected(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(CARA, f"/start {brew.code}")
    await brewbot.send(CARA, "7")  # a try at a button that isn't there: asked again
    assert "tap" in brewbot.last(CARA).lower()  # said in the same message as the question
    assert "fits you best" in brewbot.last(CARA)
    assert _answer_count(brewbot) == 0
    await brewbot.send(CARA, "banana")  # words are kept, and the buttons offered again
    assert "kept your words" in brewbot.last(CARA)  # with the question, in one message
    assert "fits you best" in brewbot.last(CARA)
    assert _answer_count(brewbot) == 1
    await brewbot.send(CARA, "I work in care")  # the words of an option count as choosing it
    participant = await brewbot.services.store.participant_by_chat(CARA)
    assert participant is not None and participant.self_description == "works_in_care"


async def test_html_and_a_4096_character_answer_are_kept_as_written(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    html = "<b>bold</b> & <script>alert(1)</script>"
    await brewbot.send(CARA, html)
    long_answer = ("Word " * 820)[:4096]
    await brewbot.send(CARA, long_answer)
    with sqlite3.connect(brewbot.settings.db) as con:
        texts = [r[0] for r in con.execute("SELECT text FROM answers WHERE kind = 'text'")]
    assert texts == [html, long_answer.strip()]
    brewbot.standin.assert_no_problems()


async def test_a_stale_button_never_answers_the_wrong_question(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(CARA, f"/start {brew.code}")
    first = brewbot.message_with_button(CARA, "Something else")
    data = dict(brewbot.standin.buttons(brewbot.standin.message(CARA, first) or {}))
    await brewbot.tap(CARA, "Something else")
    # The old keyboard is gone; a client that still shows it sends its data anyway.
    brewbot.standin.press(CARA, first, str(data["I work in care"]), strict=False)
    await brewbot.standin.wait_idle()
    participant = await brewbot.services.store.participant_by_chat(CARA)
    assert participant is not None and participant.self_description == "other"
    with sqlite3.connect(brewbot.settings.db) as con:
        rows = con.execute("SELECT prompt_id, option FROM answers").fetchall()
    assert rows == [("about_you", "other")]


async def test_forged_button_data_is_refused_kindly(brewbot: Running) -> None:
    brew = await brewbot.new_brew()
    await brewbot.send(CARA, f"/start {brew.code}")
    question = brewbot.message_with_button(CARA, "Skip")
    for forged in ("c:1:about_you:other.AAAAAAAA", "a:1:about_you.AAAAAAAA", "nonsense", "x" * 64):
        brewbot.standin.press(CARA, question, forged, strict=False)
        await brewbot.standin.wait_idle()
    answered = brewbot.standin.calls_to("answerCallbackQuery")
    assert answered and all(c.ok for c in answered)
    assert _answer_count(brewbot) == 0
    brewbot.standin.assert_no_problems()


async def test_group_messages_from_strangers_are_not_kept(brewbot: Running) -> None:
    brewbot.standin.group_message(-100999, CARA, "hello everyone")
    await brewbot.standin.wait_idle()
    assert await brewbot.services.store.participant_by_chat(CARA) is None
