"""At most one gentle reminder, after a delay, never in quiet hours, never after pause or stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs.nudges import send_due_nudges
from tests.running import Running

FAY = 6001


async def _part_way(brewbot: Running) -> None:
    brew = await brewbot.new_brew("choosing my own support")
    await brewbot.send(FAY, f"/start {brew.code}")
    await brewbot.tap(FAY, "Skip")


def _nudges(brewbot: Running) -> list[str]:
    return [t for t in brewbot.texts(FAY) if "only reminder" in t]


async def test_one_reminder_after_two_days_and_never_again(brewbot: Running) -> None:
    await _part_way(brewbot)
    brewbot.clock.advance(timedelta(days=1))
    await brewbot.run_job(send_due_nudges)
    assert _nudges(brewbot) == []
    brewbot.clock.advance(timedelta(days=1, hours=1))
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1
    brewbot.clock.advance(timedelta(days=5))
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1
    await brewbot.tap(FAY, "Carry on")
    assert "share your words" in brewbot.last(FAY) or "quote" in brewbot.last(FAY)


async def test_no_reminder_in_quiet_hours_but_one_in_the_morning(brewbot: Running) -> None:
    brewbot.clock.now = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 20:00 in London
    await _part_way(brewbot)
    brewbot.clock.now = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    await brewbot.run_job(send_due_nudges)
    assert _nudges(brewbot) == []
    brewbot.clock.now = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1


async def test_no_reminder_after_pause_or_stop(brewbot: Running) -> None:
    await _part_way(brewbot)
    await brewbot.send(FAY, "/pause")
    brewbot.clock.advance(timedelta(days=3))
    await brewbot.run_job(send_due_nudges)
    assert _nudges(brewbot) == []
    await brewbot.send(FAY, "/resume")
    await brewbot.send(FAY, "/stop")
    brewbot.clock.advance(timedelta(days=3))
    await brewbot.run_job(send_due_nudges)
    assert _nudges(brewbot) == []


async def test_reminders_are_rebuilt_from_the_database_after_a_restart(brewbot: Running) -> None:
    await _part_way(brewbot)
    await brewbot.restart()
    brewbot.clock.advance(timedelta(days=2, minutes=1))
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1


async def test_carrying_on_and_going_quiet_again_brings_no_second_reminder(
    brewbot: Running,
) -> None:
    await _part_way(brewbot)
    brewbot.clock.advance(timedelta(days=2, minutes=1))
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1
    brewbot.clock.advance(timedelta(hours=1))
    await brewbot.tap(FAY, "Carry on")
    await brewbot.tap(FAY, "Yes")  # answers once more, then goes quiet again
    brewbot.clock.advance(timedelta(days=3))
    await brewbot.run_job(send_due_nudges)
    brewbot.clock.advance(timedelta(days=3))
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1  # the reminder said it was the only one


async def test_a_reminder_telegram_refused_goes_once_within_seconds(brewbot: Running) -> None:
    await _part_way(brewbot)
    brewbot.clock.advance(timedelta(days=2, hours=1))
    brewbot.standin.fail_next("sendMessage", status=502, times=4)  # past brewbot's own retries
    await brewbot.run_job(send_due_nudges)
    assert _nudges(brewbot) == []
    await brewbot.standin.wait_for(lambda: _nudges(brewbot), timeout=15)  # not the next check
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1


async def test_a_reminder_that_may_have_gone_is_not_sent_again(brewbot: Running) -> None:
    await _part_way(brewbot)
    brewbot.clock.advance(timedelta(days=2, hours=1))
    brewbot.standin.drop_next("sendMessage", after_effect=True)  # delivered, then cut off
    await brewbot.run_job(send_due_nudges)
    await brewbot.run_job(send_due_nudges)
    assert len(_nudges(brewbot)) == 1
