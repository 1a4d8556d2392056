"""Every participant command, end to end through the stand-in."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from bot.jobs.nudges import apply_retention
from conversations.model import Status
from tests.running import Running

ANNE = 2001


async def _joined(brewbot: Running, user: int = ANNE) -> int:
    brew = await brewbot.new_brew("staying connected")
    await brewbot.send(user, f"/start {brew.code}")
    return brew.id


async def _status(brewbot: Running, brew_id: int, user: int = ANNE) -> Status:
    participant = await brewbot.services.store.participant_by_chat(user)
    assert participant is not None
    progress = await brewbot.services.store.progress(participant.id, brew_id)
    assert progress is not None
    return progress.status


async def test_help_lists_every_way_out(brewbot: Running) -> None:
    await brewbot.send(ANNE, "/help")
    for command in ("/pause", "/resume", "/stop", "/easy", "/mydata", "/forget"):
        assert command in brewbot.last(ANNE)


async def test_pause_then_resume_carries_on(brewbot: Running) -> None:
    brew_id = await _joined(brewbot)
    await brewbot.send(ANNE, "/pause")
    assert await _status(brewbot, brew_id) is Status.PAUSED
    assert "break" in brewbot.last(ANNE)
    await brewbot.send(ANNE, "/resume")
    assert await _status(brewbot, brew_id) is Status.ACTIVE
    assert "fits you best" in brewbot.last(ANNE)


async def test_pause_button_then_carry_on_button(brewbot: Running) -> None:
    brew_id = await _joined(brewbot)
    await brewbot.tap(ANNE, "Pause")
    assert await _status(brewbot, brew_id) is Status.PAUSED
    await brewbot.tap(ANNE, "Carry on")
    assert await _status(brewbot, brew_id) is Status.ACTIVE


async def test_stop_silences_everything_until_they_come_back(brewbot: Running) -> None:
    brew_id = await _joined(brewbot)
    await brewbot.send(ANNE, "/stop")
    assert await _status(brewbot, brew_id) is Status.STOPPED
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and participant.stopped
    assert "/resume" in brewbot.last(ANNE)
    await brewbot.send(ANNE, "/resume")
    assert await _status(brewbot, brew_id) is Status.ACTIVE
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and not participant.stopped


async def test_text_while_stopped_is_not_kept(brewbot: Running) -> None:
    await _joined(brewbot)
    await brewbot.send(ANNE, "/stop")
    await brewbot.send(ANNE, "something private")
    with sqlite3.connect(brewbot.settings.db) as con:
        assert con.execute("SELECT count(*) FROM answers").fetchone()[0] == 0
    assert "haven't kept it" in brewbot.last(ANNE)


async def test_easy_switches_wording_and_shows_the_question_again(brewbot: Running) -> None:
    await _joined(brewbot)
    await brewbot.send(ANNE, "/easy")
    assert "Which one is most like you?" in brewbot.last(ANNE)
    await brewbot.send(ANNE, "/easy")
    assert "fits you best" in brewbot.last(ANNE)


async def test_someone_reading_easy_words_is_told_in_easy_words_when_there_is_nothing_to_do(
    brewbot: Running,
) -> None:
    await _joined(brewbot)
    await brewbot.send(ANNE, "/easy")
    await brewbot.send(ANNE, "/pause")
    await brewbot.send(ANNE, "/pause")
    assert brewbot.last(ANNE) == "There is nothing to pause. Send /stop if you want no messages."
    brewbot.standin.contact(ANNE)
    await brewbot.standin.wait_idle()
    assert brewbot.last(ANNE) == brewbot.services.text("contact", easy=True)


async def test_mydata_shows_everything_kept_readably_and_as_a_file(brewbot: Running) -> None:
    await _joined(brewbot)
    await brewbot.tap(ANNE, "I draw on care and support")
    await brewbot.tap(ANNE, "No")
    await brewbot.send(ANNE, "Seeing my friends at the lunch club.")
    await brewbot.send(ANNE, "/mydata")
    shown = "\n".join(brewbot.texts(ANNE)[-3:])
    assert "Seeing my friends at the lunch club." in shown
    assert "I draw on care and support" in shown
    document = brewbot.standin.calls_to("sendDocument")[-1]
    data = json.loads(next(iter(document.files.values())).data)
    assert any(a["text"] == "Seeing my friends at the lunch club." for a in data["answers"])
    brewbot.standin.assert_no_problems()


async def test_mydata_says_when_old_words_were_deleted_and_how_long_they_are_kept(
    brewbot: Running,
) -> None:
    await _joined(brewbot)
    await brewbot.tap(ANNE, "Skip")
    await brewbot.tap(ANNE, "Yes")
    await brewbot.send(ANNE, "My neighbour checks on me.")
    brewbot.clock.advance(timedelta(days=brewbot.settings.retention_days + 1))
    await brewbot.run_job(apply_retention)
    await brewbot.send(ANNE, "/mydata")
    shown = "\n".join(brewbot.texts(ANNE)[-3:])
    assert "My neighbour checks on me." not in shown
    cleared = brewbot.services.text("mydata_cleared", days=brewbot.settings.retention_days)
    assert cleared in shown
    assert "Reminders: on" not in shown and "reminders on" in shown  # the settings line


async def test_forget_asks_first_and_then_deletes_everything(brewbot: Running) -> None:
    await _joined(brewbot)
    await brewbot.tap(ANNE, "Skip")
    await brewbot.tap(ANNE, "Yes")
    await brewbot.send(ANNE, "My neighbour checks on me.")
    await brewbot.send(ANNE, "/forget")
    await brewbot.tap(ANNE, "No, keep it")
    assert await brewbot.services.store.participant_by_chat(ANNE) is not None
    await brewbot.send(ANNE, "/forget")
    await brewbot.tap(ANNE, "Yes, delete it all")
    assert "deleted" in brewbot.last(ANNE)
    assert await brewbot.services.store.participant_by_chat(ANNE) is None
    with sqlite3.connect(brewbot.settings.db) as con:
        for table in ("answers", "progress", "participants"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


async def test_commands_without_a_brew_are_answered_kindly(brewbot: Running) -> None:
    for command in ("/pause", "/resume", "/stop", "/mydata", "/forget"):
        await brewbot.send(ANNE, command)
        assert brewbot.last(ANNE)
    assert await brewbot.services.store.participant_by_chat(ANNE) is None


async def test_menus_are_set_for_private_chats(brewbot: Running) -> None:
    calls = brewbot.standin.calls_to("setMyCommands")
    private = [c for c in calls if c.params.get("scope", {}).get("type") == "all_private_chats"]
    menus = {
        c.params.get("language_code", ""): {
            m["command"]: m["description"] for m in c.params["commands"]
        }
        for c in private
    }
    assert set(menus) == {"", "cy"}  # English for everyone, Welsh for a Welsh Telegram app
    assert {"help", "stop", "forget", "language"} <= set(menus[""]) == set(menus["cy"])
    catalogue = brewbot.services.catalogue
    assert menus[""]["stop"] == catalogue.messages("en").text("menu_stop")  # from the files
    assert menus["cy"]["stop"] == catalogue.messages("cy").text("menu_stop")


async def test_a_double_tap_on_a_confirm_button_is_answered_kindly(brewbot: Running) -> None:
    await _joined(brewbot)
    await brewbot.send(ANNE, "/forget")
    asked = brewbot.message_with_button(ANNE, "No, keep it")
    brewbot.standin.press_label(ANNE, asked, "No, keep it")
    brewbot.standin.press_label(ANNE, asked, "No, keep it")  # before the first is handled
    await brewbot.standin.wait_idle()
    said = brewbot.texts(ANNE)[-2:]
    assert said == [brewbot.services.text("forget_kept")] * 2  # no "something went wrong"


async def test_stop_then_text_says_why_it_was_not_kept_and_how_to_come_back(
    brewbot: Running,
) -> None:
    await _joined(brewbot)
    await brewbot.send(ANNE, "/stop")
    assert brewbot.last(ANNE) == brewbot.services.text("stopped")
    await brewbot.send(ANNE, "hello?")
    assert brewbot.last(ANNE) == brewbot.services.text("stopped_not_kept")
