"""A brew paced a part a day, run across simulated days on brewbot's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.jobs.deliveries import send_deliveries
from bot.jobs.nudges import send_due_nudges
from bot.jobs.pacing import queue_due_parts
from conversations.model import Pace
from conversations.pacing import parts
from tests.facilitator_support import LINK, group_calls, in_group
from tests.running import Running

AHEAD, BEHIND, STOPS, RESTS = 7301, 7302, 7303, 7304
STAGE_QUESTION = {  # the words that open each principle's part
    1: "seen for their skills",
    2: "unpaid work, like caring",
    3: "give help as well as get it",
    4: "stay close to friends",
}


def day(n: int, hour: int, minute: int = 0) -> datetime:
    """Day ``n`` after the brew opened (Monday 23 November 2026), in London (UTC in winter)."""
    return datetime(2026, 11, 23 + n, hour, minute, tzinfo=UTC)


def parts_had(brewbot: Running, user: int) -> list[int]:
    """Which principles' opening questions this person has been sent, in order."""
    texts = brewbot.texts(user)
    return [n for text in texts for n, words in STAGE_QUESTION.items() if words in text]


async def answer_part(brewbot: Running, user: int) -> None:
    """Answer each question of the part on this person's screen, until they wait."""
    pack = brewbot.services.packs["four-principles"]
    for _ in range(8):
        last = brewbot.last(user)
        if "That is all for today" in last:
            return
        prompt = next(p for p in pack.prompts if p.text.format(theme="x") in last)
        if prompt.kind.value == "text":
            await brewbot.send(user, "Neighbours pop in, and that matters to me.")
        elif prompt.kind.value == "stage":
            await brewbot.tap(user, brewbot.services.text("stage_getting_there"))
        elif prompt.kind.value == "consent":
            await brewbot.tap(user, "Yes")
        else:
            await brewbot.tap(user, "Something else")
    raise AssertionError("the part never ended")


async def run_at(brewbot: Running, when: datetime) -> None:
    brewbot.clock.now = when
    await brewbot.run_job(queue_due_parts)
    await brewbot.standin.wait_idle()


async def test_a_daily_brew_sends_one_part_a_day_never_quiet_never_after_stop(
    brewbot: Running,
) -> None:
    await in_group(brewbot, "/newbrew pack=four-principles pace=daily at=10:00 a good day")
    invite = group_calls(brewbot)[-1].text or ""
    assert "one part a day at 10:00" in invite
    code = LINK.search(invite).group(2)  # type: ignore[union-attr]
    for user in (AHEAD, BEHIND, STOPS, RESTS):
        await brewbot.send(user, f"/start {code}")
    await answer_part(brewbot, AHEAD)
    assert parts_had(brewbot, AHEAD) == [1]
    await answer_part(brewbot, STOPS)
    await answer_part(brewbot, RESTS)
    await brewbot.send(STOPS, "/stop")
    await brewbot.send(RESTS, "/pause")

    await run_at(brewbot, day(0, 12))  # the day it opened: joining gave the first part
    await run_at(brewbot, day(1, 8, 30))  # quiet hours
    await run_at(brewbot, day(1, 9, 30))  # before its hour
    assert parts_had(brewbot, AHEAD) == [1]
    await run_at(brewbot, day(1, 10, 5))
    assert parts_had(brewbot, AHEAD) == [1, 2]
    await run_at(brewbot, day(1, 15))  # once a day
    await brewbot.restart()  # a restart in the middle of the day changes nothing
    await run_at(brewbot, day(1, 16))
    assert parts_had(brewbot, AHEAD) == [1, 2]
    assert len(brewbot.texts(BEHIND)) == 1  # behind (only the welcome): nothing piled on
    assert parts_had(brewbot, STOPS) == [1] and parts_had(brewbot, RESTS) == [1]

    await answer_part(brewbot, AHEAD)
    await run_at(brewbot, day(2, 22))  # quiet hours again
    assert parts_had(brewbot, AHEAD) == [1, 2]
    await run_at(brewbot, day(3, 10, 1))
    assert parts_had(brewbot, AHEAD) == [1, 2, 3]
    for when in (day(3, 11), day(5, 11), day(7, 11)):  # behind: the one reminder, no more
        brewbot.clock.now = when
        await brewbot.run_job(send_due_nudges)
        await run_at(brewbot, when)
    assert sum("only reminder" in t for t in brewbot.texts(BEHIND)) == 1
    assert sum("only reminder" in t for t in brewbot.texts(STOPS)) == 0


async def test_someone_ahead_keeps_going_and_the_next_day_brings_the_part_after(
    brewbot: Running,
) -> None:
    brew = await brewbot.services.store.create_brew(
        theme="a good day", pack_id="four-principles", group_chat_id=-1001234567890
    )
    await brewbot.services.store.switch_pace(brew.id, Pace.DAILY, "10:00")
    await brewbot.send(AHEAD, f"/start {brew.code}")
    await answer_part(brewbot, AHEAD)
    await brewbot.tap(AHEAD, "Keep going")
    assert parts_had(brewbot, AHEAD) == [1, 2]
    await answer_part(brewbot, AHEAD)
    await run_at(brewbot, day(1, 10, 30))
    assert parts_had(brewbot, AHEAD) == [1, 2, 3]


async def test_a_part_queued_before_a_crash_goes_once_after_the_restart(brewbot: Running) -> None:
    brew = await brewbot.services.store.create_brew(
        theme="a good day", pack_id="four-principles", group_chat_id=-1001234567890
    )
    await brewbot.services.store.switch_pace(brew.id, Pace.DAILY, "10:00")
    await brewbot.send(AHEAD, f"/start {brew.code}")
    await answer_part(brewbot, AHEAD)
    brewbot.clock.now = day(1, 10, 30)
    assert await brewbot.services.store.queue_day(brew.id, date(2026, 11, 24)) == 1
    await brewbot.kill()  # before anything was sent
    await brewbot.start()
    await brewbot.standin.wait_for(lambda: parts_had(brewbot, AHEAD) == [1, 2], timeout=15)
    await brewbot.run_job(send_deliveries)
    await run_at(brewbot, day(1, 11))
    assert parts_had(brewbot, AHEAD) == [1, 2]
    assert len(parts(brewbot.services.packs["four-principles"])) == 4
