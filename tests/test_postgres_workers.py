"""brewbot itself on PostgreSQL: one worker, and two workers sharing one database and one
stand-in, so a chat's updates reach whichever worker asks first, and both run the weekly
digest, reminders and news at the same moment: each goes out once; and three webhook workers
behind one URL, one of them stopped dead part-way."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.facilitators import counts
from bot.facilitators.counts import edit_every
from bot.jobs.broadcast import send_news
from bot.jobs.nudges import send_due_nudges
from bot.jobs.weekly_digest import post_due_digests
from conversations.model import Status
from standin import StandIn
from standin.balancer import Balancer
from tests.facilitator_support import in_group, news_to, shown_now, took_part
from tests.running import FACILITATORS, Running
from tests.storage_support import Clock, Peek
from tests.test_journey import OVER_A_BREW_ANSWERS
from tests.test_live import OWN_QUESTION, SAID, counts_message
from tests.test_live_session import Q1, Q2, live_room, write
from tests.test_nudges import FAY
from tests.test_weekly_digest import MONDAY, W47, at, headings
from tests.webhook_support import PATH, free_port, webhook_running

ANNE = 5101


@pytest.fixture
async def on_postgres(standin: StandIn, postgres_database: str) -> AsyncIterator[Running]:
    running = Running(standin, postgres_database)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def _typed(target: str, chat: int) -> list[str]:
    async with Peek(target) as db:
        found = await db.rows(
            "SELECT a.text FROM answers AS a JOIN participants AS p ON p.id = a.participant_id"
            " WHERE p.chat_id = ? AND a.kind = 'text' ORDER BY a.id",
            (chat,),
        )
    return [str(text) for (text,) in found]


async def _left_over(target: str) -> list[tuple[object, ...]]:
    async with Peek(target) as db:
        return [*await db.rows("SELECT * FROM inbox"), *await db.rows("SELECT * FROM chat_leases")]


async def test_a_whole_journey_on_postgresql(on_postgres: Running) -> None:
    brewbot = on_postgres
    assert brewbot.services.store.dialect == "postgresql"
    brew = await brewbot.new_brew("getting help at home")
    await brewbot.send(ANNE, f"/start {brew.code}")
    await brewbot.tap(ANNE, "I am an unpaid carer")
    await brewbot.tap(ANNE, "Yes")
    for answer in OVER_A_BREW_ANSWERS:
        await brewbot.send(ANNE, answer)
    await brewbot.tap(ANNE, "Yes, please")
    participant = await brewbot.services.store.participant_by_chat(ANNE)
    assert participant is not None and participant.news
    progress = await brewbot.services.store.progress(participant.id, brew.id)
    assert progress is not None and progress.status is Status.FINISHED
    target = str(brewbot.settings.db)
    assert await _typed(target, ANNE) == list(OVER_A_BREW_ANSWERS)
    brewbot.standin.assert_no_problems()
    await brewbot.stop()  # it lets its chats go (a chat is kept a moment in case of more)
    assert await _left_over(target) == []


async def test_two_workers_share_a_crowd_once_each_in_order(
    standin: StandIn, postgres_database: str
) -> None:
    workers = [Running(standin, postgres_database) for _ in range(2)]
    for worker in workers:
        await worker.start()
    standin.busy_elsewhere = lambda: any(w.busy() for w in workers)
    try:
        one = workers[0]
        brew = await one.new_brew("getting help at home")
        people = [6001 + n for n in range(6)]
        for person in people:
            standin.command(person, f"/start {brew.code}")
        await standin.wait_idle(timeout=30)
        for person in people:
            standin.press_label(person, one.message_with_button(person, "Skip"), "Skip")
        await standin.wait_idle(timeout=30)
        for person in people:
            standin.press_label(person, one.message_with_button(person, "No"), "No")
        await standin.wait_idle(timeout=30)
        for answer in OVER_A_BREW_ANSWERS:  # everyone types at once, each in order
            for person in people:
                standin.private_message(person, f"{person}: {answer}")
            await standin.wait_idle(timeout=30)
        for person in people:
            typed = await _typed(postgres_database, person)
            assert typed == [f"{person}: {answer}" for answer in OVER_A_BREW_ANSWERS]
        inboxes = [w.services.inbox for w in workers]
        # Updates reached both; a chat stays with the worker handling it while it is busy.
        assert all(inbox is not None and inbox.kept for inbox in inboxes)
        await asyncio.gather(*(w.stop() for w in workers))
        assert await _left_over(postgres_database) == []
        # Two pollers on one bot are refused now and then (as Telegram does): that is how
        # the updates come to be shared here. Webhook workers share them without it.
        assert [p for p in standin.problems if "409 Conflict" not in p] == []
    finally:
        standin.busy_elsewhere = None
        await asyncio.gather(*(w.stop() for w in workers))


@contextlib.asynccontextmanager
async def _two(standin: StandIn, database: str, **options: Any) -> AsyncIterator[list[Running]]:
    """Two brewbots on one PostgreSQL database and one stand-in, started and then stopped."""
    workers = [Running(standin, database, **options) for _ in range(2)]
    for worker in workers:
        await worker.start()
    standin.busy_elsewhere = lambda: any(w.busy() for w in workers)
    try:
        yield workers
    finally:
        standin.busy_elsewhere = None
        await asyncio.gather(*(w.stop() for w in workers))


@pytest.fixture
async def two_workers(standin: StandIn, postgres_database: str) -> AsyncIterator[list[Running]]:
    """Two brewbots on one PostgreSQL database and one stand-in."""
    async with _two(standin, postgres_database) as workers:
        yield workers


@pytest.fixture
async def two_on_one_clock(
    standin: StandIn, postgres_database: str, leases: Clock
) -> AsyncIterator[list[Running]]:
    """Two brewbots whose leases read the test's clock; their chats are held long, so moving
    it on runs out a job's turn but hands no chat to the other worker."""
    async with _two(
        standin, postgres_database, lease_clock=leases, chat_lease=timedelta(hours=1)
    ) as workers:
        yield workers


async def test_the_weekly_digest_goes_once_across_two_workers(
    standin: StandIn, two_workers: list[Running]
) -> None:
    standin.world.group_chat(FACILITATORS)
    one, two = two_workers
    for worker in two_workers:
        worker.clock.now = at(MONDAY, 8, 30)
    await one.run_job(post_due_digests)  # the first check: nothing owed from before
    for worker in two_workers:
        worker.clock.now = at(MONDAY, 9, 5)
    await asyncio.gather(one.run_job(post_due_digests), two.run_job(post_due_digests))
    await asyncio.gather(one.run_job(post_due_digests), two.run_job(post_due_digests))
    assert headings(one) == [W47]


async def test_a_reminder_goes_once_across_two_workers(two_workers: list[Running]) -> None:
    one, two = two_workers
    brew = await one.new_brew("choosing my own support")
    await one.send(FAY, f"/start {brew.code}")
    await one.tap(FAY, "Skip")
    for worker in two_workers:
        worker.clock.advance(timedelta(days=2, hours=1))
    await asyncio.gather(one.run_job(send_due_nudges), two.run_job(send_due_nudges))
    assert [t for t in one.texts(FAY) if "only reminder" in t] != []
    assert len([t for t in one.texts(FAY) if "only reminder" in t]) == 1


async def test_news_goes_once_to_each_person_across_two_workers(
    two_workers: list[Running],
) -> None:
    one, two = two_workers
    people = list(range(874700, 874712))
    brew = await one.new_brew("getting help at home")
    await took_part(one, brew, people, stage=None)
    await one.services.store.record_wesaid(brew.id, "We fixed it.", "test:two-workers")
    await asyncio.gather(one.run_job(send_news), two.run_job(send_news))
    await one.standin.wait_for(lambda: all(news_to(one, chat) for chat in people), timeout=20)
    await asyncio.gather(one.run_job(send_news), two.run_job(send_news))
    assert all(len(news_to(one, chat)) == 1 for chat in people)


async def test_three_webhook_workers_on_postgresql_share_a_crowd_through_a_kill(
    standin: StandIn, postgres_database: str
) -> None:
    """Three webhook workers behind one URL on one PostgreSQL database; a crowd answers, and
    one worker is killed part-way: every answer kept once, each person's in order."""
    ports = [free_port() for _ in range(3)]
    async with Balancer([f"http://127.0.0.1:{p}" for p in ports]) as balancer:
        url = balancer.base_url + PATH
        workers = [webhook_running(standin, postgres_database, url=url, port=p) for p in ports]
        for worker in workers:
            await worker.start()
        alive = list(workers)
        standin.busy_elsewhere = lambda: any(w.busy() for w in alive)
        try:
            await standin.wait_for(lambda: len(standin.calls_to("setWebhook")) == 3)
            first = workers[0]
            brew = await first.new_brew("getting help at home")
            people = [7001 + n for n in range(8)]
            for person in people:
                standin.command(person, f"/start {brew.code}")
            await standin.wait_idle(timeout=30)
            for label in ("Skip", "No"):
                for person in people:
                    standin.press_label(person, first.message_with_button(person, label), label)
                await standin.wait_idle(timeout=30)
            for n, answer in enumerate(OVER_A_BREW_ANSWERS):
                for person in people:
                    standin.private_message(person, f"{person}: {answer}")
                if n == 1:  # the third worker dies with the crowd mid-answer
                    alive.remove(workers[2])
                    await workers[2].kill()
                await standin.wait_idle(timeout=60)
            for person in people:
                typed = await _typed(postgres_database, person)
                assert typed == [f"{person}: {answer}" for answer in OVER_A_BREW_ANSWERS]
            assert len(set(balancer.sent)) == 3  # every worker took updates
            # A chat stays with one worker while it is busy, so its pacing and its buttons
            # (kept in that process) stay right: no 429, no stale edit.
            standin.assert_no_problems()
            for worker in alive:
                await worker.stop()
            assert await _left_over(postgres_database) == []
        finally:
            standin.busy_elsewhere = None
            for worker in alive:
                await worker.stop()


async def test_two_workers_take_turns_to_edit_the_live_counts(
    standin: StandIn, two_on_one_clock: list[Running], leases: Clock
) -> None:
    # The group's 20 a minute is the group's: two workers with answers to show share one
    # turn to edit the counts message (a job lease lasting one wait), so together they edit
    # no more often than one would; and the last edit still shows every answer.
    one, two = two_on_one_clock
    room = [7601 + n for n in range(12)]
    await live_room(one, room, OWN_QUESTION)
    message = counts_message(one, 1)
    (brew,) = await one.services.store.live_brews()
    turn = timedelta(seconds=edit_every(one.services))
    # Each worker's look at the counts a moment after it started has been and gone.
    await standin.wait_for(lambda: not any(_startup_look(w) for w in two_on_one_clock))
    await standin.wait_idle()

    newcomers: list[int] = []  # people who answered outside the room, one per piece of news

    def edits() -> int:  # every edit Telegram is asked for counts, even one changing nothing
        return sum(
            1
            for c in standin.calls
            if c.method == "editMessageText" and int(c.params.get("message_id", 0)) == message
        )

    async def has_news(worker: Running, edited: int, *, held_by_the_other: bool) -> None:
        """Give ``worker`` new answers to show; wait until the counts were edited
        ``edited`` times in all, or (its turn held by the other) see it wait its turn."""
        words = ["Someone who knows me."]  # one more answer: the count moves
        newcomers.append(7701 + len(newcomers))
        await took_part(worker, brew, newcomers[-1:], words=words, prompt="live_1", stage=None)
        counts.answered(worker.app, brew.id, {"live_1"})
        if held_by_the_other:  # it looks again every turn: about five times, in vain
            await asyncio.sleep(5 * turn.total_seconds())
        await standin.wait_for(lambda: edits() >= edited)
        assert edits() == edited, f"{edits() - edited} edits too many"

    leases.now += 2 * turn  # whatever turn was taken before has run out
    before = edits()
    await has_news(one, before + 1, held_by_the_other=False)  # the turn is free: one shows it
    await has_news(two, before + 1, held_by_the_other=True)  # two waits for one's turn
    leases.now += 2 * turn  # one's turn runs out: two shows its answers at once
    await standin.wait_for(lambda: edits() == before + 2)
    await has_news(one, before + 2, held_by_the_other=True)  # one waits for two's turn
    leases.now += 2 * turn
    await standin.wait_for(lambda: edits() == before + 3)

    for n, person in enumerate(room):  # each answer reaches one worker or the other
        standin.private_message(person, f"{SAID[n % 3]} ({n})")
    await standin.wait_idle(timeout=30)
    everyone = f"Answered so far: {len(room) + len(newcomers)}"
    for _ in range(50):  # turn after turn, until the last edit shows every answer
        if everyone in shown_now(one, message)["text"]:
            break
        leases.now += 2 * turn
        await asyncio.sleep(turn.total_seconds())
    assert everyone in shown_now(one, message)["text"]


def _startup_look(worker: Running) -> bool:
    """Say whether the worker's look at the live counts after start-up is still to come."""
    queue = worker.app.job_queue
    assert queue is not None
    return bool(queue.get_jobs_by_name("live counts"))


async def test_two_workers_file_a_live_rooms_answers_and_count_what_is_kept(
    standin: StandIn, two_workers: list[Running]
) -> None:
    # Each worker handles part of the room; when the second question reached a person is
    # kept by whichever worker sent it, and read by whichever handles their words. The count
    # each question's message ends on is the number of people whose answer is kept for it.
    one = two_workers[0]
    room = [7801 + n for n in range(12)]
    await live_room(one, room, Q1)
    for n, person in enumerate(room[:7]):
        write(one, person, f"{SAID[n % 3]} ({n})")
    await standin.wait_idle(timeout=30)
    await in_group(one, f"/ask {Q2}")
    await standin.wait_for(lambda: all(Q2 in one.last(p) for p in room), timeout=15)
    for n, person in enumerate(room[7:10]):  # still typing Q1's answer as Q2 came
        write(one, person, f"Late for the first ({n})", after=(Q2, 1 + n))
    for n, person in enumerate(room[:6]):  # Q2's, 10 to 25 s after it came
        write(one, person, f"Forms, forms ({n})", after=(Q2, 10 + 3 * n))
    write(one, room[11], "Nobody rings back", after=(Q2, 9))  # said nothing to Q1
    await standin.wait_idle(timeout=30)

    async with Peek(str(one.settings.db)) as db:
        kept = await db.rows(
            "SELECT a.prompt_id, p.chat_id FROM answers AS a"
            " JOIN participants AS p ON p.id = a.participant_id"
        )
    by_prompt = {prompt: {int(str(c)) for p, c in kept if p == prompt} for prompt, _ in kept}
    assert by_prompt == {"live_1": set(room[:10]), "live_2": {*room[:6], room[11]}}
    for number, prompt in ((1, "live_1"), (2, "live_2")):
        message = counts_message(one, number)
        want = f"Answered so far: {len(by_prompt[prompt])}"
        await standin.wait_for(lambda m=message, w=want: w in shown_now(one, m)["text"], 15)
    inboxes = [w.services.inbox for w in two_workers]
    assert all(inbox is not None and inbox.handled for inbox in inboxes)  # both had a share
