"""Voice notes end to end, through the stand-in: heard on this machine, shown back, kept only
on Keep, exactly as typed words; the recording itself is never kept anywhere."""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from standin import StandIn
from tests.running import Running
from tests.test_voice import VOICE, needs_model, opus

pytestmark = needs_model

CARA = 3001
ANSWER = (VOICE / "answer.oga").read_bytes()  # "I would like the same carer each day, ..."
AGAIN = (VOICE / "again.oga").read_bytes()  # "Being asked what matters to me, not told."
RISKY = (VOICE / "risky.oga").read_bytes()  # "My son hits me when he has been drinking, ..."
HEARD_AGAIN = "Being asked what matters to me, not told."


async def _at_first_text_question(brewbot: Running) -> None:
    brew = await brewbot.new_brew("feeling listened to")
    await brewbot.send(CARA, f"/start {brew.code}")
    await brewbot.tap(CARA, "Skip")
    await brewbot.tap(CARA, "Yes")


async def _say(brewbot: Running, audio: bytes, seconds: int = 5) -> None:
    """Cara sends a voice note and waits until brewbot has listened and answered."""
    brewbot.standin.voice(CARA, duration=seconds, data=audio)
    await brewbot.standin.wait_idle(timeout=60)  # the first note starts the listening worker


def _heard_rows(brewbot: Running) -> list[str]:
    with sqlite3.connect(brewbot.settings.db) as con:
        return [r[0] for r in con.execute("SELECT text FROM heard")]


def _note_under(brewbot: Running, label: str) -> str:
    """The text now shown on the message whose button was pressed (its buttons gone)."""
    message_id = brewbot.message_with_button(CARA, label)
    return str((brewbot.standin.message(CARA, message_id) or {}).get("text", ""))


async def test_a_voice_note_becomes_a_confirmed_answer(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    question = brewbot.last(CARA)
    await _say(brewbot, AGAIN)
    shown = brewbot.last(CARA)
    assert shown.startswith("I heard:") and HEARD_AGAIN in shown
    assert "Keep this as your answer?" in shown
    assert brewbot.typed_answers(CARA) == []  # nothing is an answer before Keep
    assert _heard_rows(brewbot) == [HEARD_AGAIN]

    kept_on = brewbot.message_with_button(CARA, "Keep it")
    await brewbot.tap(CARA, "Keep it")
    assert brewbot.typed_answers(CARA) == [HEARD_AGAIN]  # exactly as if typed
    assert _heard_rows(brewbot) == []
    assert brewbot.last(CARA) != question and "[Skip]" not in brewbot.last(CARA)
    after = brewbot.standin.message(CARA, kept_on) or {}
    assert "Kept as your answer" in after["text"] and not after.get("reply_markup")
    brewbot.standin.assert_no_problems()


async def test_try_again_and_type_instead(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    await _say(brewbot, ANSWER)
    await brewbot.tap(CARA, "Try again")
    assert "Send another voice note" in brewbot.standin.texts(CARA)[-1]  # the note, as an edit
    assert _heard_rows(brewbot) == [] and brewbot.typed_answers(CARA) == []

    await _say(brewbot, AGAIN)
    await brewbot.tap(CARA, "Type instead")
    assert "Type your answer" in brewbot.standin.texts(CARA)[-1]
    assert _heard_rows(brewbot) == []
    await brewbot.send(CARA, "Being asked, and being heard.")
    assert brewbot.typed_answers(CARA) == ["Being asked, and being heard."]

    # An older note's buttons never keep a newer note's words.
    await _say(brewbot, ANSWER)
    older = brewbot.message_with_button(CARA, "Keep it")
    await _say(brewbot, AGAIN)
    brewbot.standin.press_label(CARA, older, "Keep it")
    await brewbot.standin.wait_idle()
    assert "aren't waiting any more" in str((brewbot.standin.message(CARA, older) or {})["text"])
    assert brewbot.typed_answers(CARA) == ["Being asked, and being heard."]
    await brewbot.tap(CARA, "Keep it")
    assert brewbot.typed_answers(CARA) == ["Being asked, and being heard.", HEARD_AGAIN]
    brewbot.standin.assert_no_problems()


async def test_words_for_a_question_already_answered_are_not_kept(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    await _say(brewbot, AGAIN)
    await brewbot.send(CARA, "I typed it instead.")  # moves on to the next question
    await brewbot.tap(CARA, "Keep it")
    assert "moved on" in brewbot.standin.texts(CARA)[-1]
    assert brewbot.typed_answers(CARA) == ["I typed it instead."]
    assert _heard_rows(brewbot) == []


async def test_a_voice_note_on_a_button_question_is_kept_as_typed_words_are(
    brewbot: Running,
) -> None:
    brew = await brewbot.new_brew("feeling listened to")
    await brewbot.send(CARA, f"/start {brew.code}")  # "Which of these fits you best?"
    await _say(brewbot, AGAIN)
    await brewbot.tap(CARA, "Keep it")
    assert brewbot.typed_answers(CARA) == [HEARD_AGAIN]  # kept beside the question
    assert "[I work in care]" not in brewbot.last(CARA)
    assert brewbot.message_with_button(CARA, "I work in care")  # the buttons are offered again


class _AllLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, self.format(record)))


@pytest.fixture
def all_logs() -> Iterator[_AllLogs]:
    """Every log line at every level, from every logger, while the test runs."""
    handler, root = _AllLogs(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


async def test_the_recording_is_in_no_file_database_cell_or_log(
    standin: StandIn, tmp_path: Path, all_logs: _AllLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wherever brewbot or its listening worker might write (temporary files, caches under
    # home, the database beside them) is inside tmp_path, to be searched afterwards.
    for name in ("TMPDIR", "HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)
    brewbot = Running(standin, tmp_path / "brewbot.db")
    await brewbot.start()
    try:
        await _at_first_text_question(brewbot)
        await _say(brewbot, ANSWER)
        await brewbot.tap(CARA, "Keep it")
        await _say(brewbot, AGAIN)  # and one left waiting, not yet kept
        await brewbot.send(CARA, "/mydata")
    finally:
        await brewbot.stop()

    # Pieces of the sound as it was sent (an Opus page from the middle, and its header).
    pieces = [ANSWER[len(ANSWER) // 2 : len(ANSWER) // 2 + 48], AGAIN[2000:2048], b"OpusHead"]
    files = _files(tmp_path)
    assert tmp_path / "brewbot.db" in files  # the search looks there too
    for path, raw in files.items():
        assert not any(piece in raw for piece in pieces), f"the recording is in {path}"
    with sqlite3.connect(tmp_path / "brewbot.db") as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    data = cell if isinstance(cell, bytes) else str(cell).encode()
                    assert b"OggS" not in data and not any(p in data for p in pieces), table
    # Not even libraries' DEBUG lines hold the sound; at brewbot's level (INFO), nor the words.
    everything = "\n".join(line for _, line in all_logs.lines)
    assert "OggS" not in everything and "OpusHead" not in everything
    logged = "\n".join(line for level, line in all_logs.lines if level >= logging.INFO)
    assert logged
    for words in ("same carer", "same care", "who is coming", "what matters to me"):
        assert words not in logged


async def test_forget_removes_the_words_kept_and_waiting(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    await _say(brewbot, AGAIN)
    await brewbot.tap(CARA, "Keep it")
    await _say(brewbot, ANSWER)  # waiting for Keep
    await brewbot.send(CARA, "/mydata")
    shown = "\n".join(brewbot.texts(CARA)[-3:])
    assert "Words from a voice note, waiting for you to keep them" in shown
    assert HEARD_AGAIN in shown
    assert "delete the recording straight away" in shown

    await brewbot.send(CARA, "/forget")
    await brewbot.tap(CARA, "Yes, delete it all")
    assert brewbot.typed_answers(CARA) == []
    assert _heard_rows(brewbot) == []
    raw = b"".join(
        p.read_bytes() for p in Path(brewbot.settings.db).parent.glob("brewbot.db*") if p.is_file()
    )
    for words in (b"what matters to me", b"who is coming"):
        assert words not in raw


async def test_a_voice_note_saying_something_risky_gets_help_first(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    sent_before = len(brewbot.texts(CARA))
    await _say(brewbot, RISKY)
    help_text, shown = brewbot.texts(CARA)[sent_before:]
    assert "If you or someone else needs help now" in help_text
    assert "I haven't kept your message" in help_text  # true: not kept until they say so
    assert shown.startswith("I heard:") and "scared of him" in shown
    assert "stays private until a facilitator has looked at it" in shown

    await brewbot.tap(CARA, "Keep it")
    after = brewbot.texts(CARA)[sent_before + 2 :]
    assert not any("needs help now" in t for t in after)  # help once, not again on Keep
    with sqlite3.connect(brewbot.settings.db) as con:
        [(text, held)] = con.execute("SELECT text, held FROM answers WHERE kind = 'text'")
    assert "hits me" in text and held == 1  # held for a facilitator, as typed words would be


async def test_a_corrupt_silent_or_too_long_note_gets_a_kind_reply(
    brewbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_first_text_question(brewbot)
    await _say(brewbot, b"OggS\x00\x02" + bytes(200))
    assert "couldn't play that voice note" in brewbot.last(CARA)
    await _say(brewbot, ANSWER[: len(ANSWER) // 4])  # cut short on the way
    assert "couldn't play that voice note" in brewbot.last(CARA)
    await _say(brewbot, opus(3.0))
    assert "couldn't make out any words" in brewbot.last(CARA)
    getfile_before = len(brewbot.standin.calls_to("getFile"))
    await _say(brewbot, ANSWER, seconds=121)
    assert "longer than I can listen to" in brewbot.last(CARA)
    assert "up to 2 minutes" in brewbot.last(CARA)
    assert len(brewbot.standin.calls_to("getFile")) == getfile_before  # not even fetched
    await _say(brewbot, opus(130.0), seconds=10)  # the phone says 10 s; the sound says more
    assert "longer than I can listen to" in brewbot.last(CARA)
    assert brewbot.typed_answers(CARA) == [] and _heard_rows(brewbot) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    brewbot.standin.assert_no_problems()


@pytest.fixture
async def voice_off(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    running = Running(standin, tmp_path / "brewbot.db", voice=False)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_with_voice_off_the_bot_says_so_honestly(voice_off: Running) -> None:
    await _at_first_text_question(voice_off)
    assert not any("voice note" in t for t in voice_off.texts(CARA))  # the welcome says nothing
    await _say(voice_off, ANSWER)
    assert "I can't turn voice notes into words here, so I haven't kept it" in voice_off.last(CARA)
    assert voice_off.standin.calls_to("getFile") == []
    assert voice_off.typed_answers(CARA) == []


async def test_the_welcome_says_voice_notes_are_heard_here_and_deleted(brewbot: Running) -> None:
    await _at_first_text_question(brewbot)
    welcome = brewbot.texts(CARA)[0]
    assert "voice note" in welcome and "delete the recording straight away" in welcome


async def test_a_risky_voice_note_that_cannot_be_an_answer_still_gets_help(
    brewbot: Running,
) -> None:
    await _at_first_text_question(brewbot)
    await brewbot.send(CARA, "/stop")
    sent_before = len(brewbot.texts(CARA))
    await _say(brewbot, RISKY)
    help_text, said = brewbot.texts(CARA)[sent_before:]
    assert "If you or someone else needs help now" in help_text
    assert "You asked me to stop, so I haven't kept it" in said
    await _say(brewbot, AGAIN)  # words with no risk in them: only the reply
    assert brewbot.texts(CARA)[sent_before + 2 :] == [said]
    assert brewbot.typed_answers(CARA) == [] and _heard_rows(brewbot) == []
