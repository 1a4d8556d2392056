"""A shared job's run keeps its short lease while it lasts, and stops once it has lost it
(bot/jobs/shared.py), on SQLite and on PostgreSQL, with real stores and short leases; and on
PostgreSQL, live questions go on about a lease after the worker sending them died, each once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from bot.jobs import deliveries
from bot.jobs.shared import JobLease
from bot.services import BrewContext
from bot.standin import StandIn
from bot.standin.faults import Fault
from storage import Store
from tests.facilitator_support import LINK, group_calls, in_group
from tests.running import FACILITATORS, Running
from tests.storage_support import Clock
from tests.test_live import got

LEASE = timedelta(seconds=0.6)
LONG = timedelta(seconds=30)


def _stall(seconds: float) -> None:
    """Block the whole event loop, as a worker does when its machine freezes or pauses:
    on purpose, so that its heartbeat cannot renew the lease either."""
    time.sleep(seconds)


@pytest.fixture
async def two(database: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two workers' stores on one database."""
    one, other = [await Store.open(database, now=Clock()) for _ in range(2)]
    try:
        yield one, other
    finally:
        await one.close()
        await other.close()


async def test_a_run_longer_than_its_lease_keeps_it_by_renewing(
    two: tuple[Store, Store],
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        assert lease.mine
        for _ in range(8):  # 1.2 s: twice the lease
            await asyncio.sleep(LEASE.total_seconds() / 4)
            assert not await other.take_job("news", lasting=LONG), "another worker got in"
            assert await lease.still_mine()
    assert await other.take_job("news", lasting=LONG)  # let go at once when the run ends


async def test_a_run_finds_the_job_held_by_another_worker(two: tuple[Store, Store]) -> None:
    one, other = two
    assert await other.take_job("news", lasting=LONG)
    async with JobLease(one, "news", LEASE) as lease:
        assert not lease.mine and not await lease.still_mine()
    assert await one.job_holder("news") == other.holder  # not let go: it was never this one's


async def test_a_run_that_stalled_past_its_lease_stops_at_its_next_check(
    two: tuple[Store, Store],
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        _stall(LEASE.total_seconds() + 0.2)  # nothing renews it; another worker takes over
        assert await other.take_job("news", lasting=LONG)
        assert not await lease.still_mine()
        assert not lease.mine
    assert await one.job_holder("news") == other.holder  # its end lets go of nothing of other's


async def test_a_run_that_stalled_but_was_not_taken_over_still_stops(
    two: tuple[Store, Store],
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        _stall(LEASE.total_seconds() + 0.2)  # whoever looked meanwhile could have taken it
        assert not await lease.still_mine()
    assert await other.take_job("news", lasting=LONG)


async def test_the_heartbeat_renews_a_run_that_never_checks(two: tuple[Store, Store]) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        await asyncio.sleep(LEASE.total_seconds() * 1.5)  # one long step, no check between
        assert not await other.take_job("news", lasting=LONG)
        assert lease.mine


QUESTION = "What gets in the way?"
ROOM = list(range(7601, 7609))


async def _live_room(brewbot: Running) -> int:
    """Open a live brew and bring the room in; return the brew's id."""
    await in_group(brewbot, "/live what matters at home")
    match = LINK.search(group_calls(brewbot)[-1].text or "")
    assert match is not None
    for user in ROOM:
        brewbot.standin.command(user, f"/start {match.group(2)}")
    await brewbot.standin.wait_idle()
    return (await brewbot.services.store.open_brews(FACILITATORS))[0].id


async def _until(check: Callable[[], Awaitable[bool]], *, within: float) -> None:
    """Ask ``check`` every 20 ms, as a second worker's job would, until it says yes."""
    for _ in range(int(within / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not so within {within}s")


async def _holds(store: Store, holder: str) -> bool:
    return await store.job_holder("deliveries") == holder


@contextlib.asynccontextmanager
async def _worker(standin: StandIn, database: str, lease: timedelta) -> AsyncIterator[Running]:
    """brewbot on PostgreSQL with a short job lease, as one of several workers."""
    running = Running(standin, database, job_lease=lease)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def survivor(standin: StandIn, postgres_database: str) -> AsyncIterator[Running]:
    async with _worker(standin, postgres_database, LEASE) as running:
        yield running


# A dead holder's lease, long enough that "not sent while held" means something. The survivor
# takes over when it runs out, within a third of a lease (how often a held job is looked at
# again): a lease and a third in all, rather than the next 5-minute round.
DEAD_LEASE = timedelta(seconds=3.2)


async def test_a_dead_workers_live_question_goes_on_about_a_lease_later_each_once(
    standin: StandIn, postgres_database: str
) -> None:
    async with (
        _worker(standin, postgres_database, DEAD_LEASE) as survivor,
        await Store.open(postgres_database) as dead,
    ):
        brew = await _live_room(survivor)
        await survivor.services.store.push_question(brew, None, QUESTION)
        # A worker took the live question's run, sent it to three people and was killed:
        # its lease stays in the database, never renewed and never let go.
        started = asyncio.get_running_loop().time()
        assert await dead.take_job("deliveries", lasting=DEAD_LEASE)
        sent = (await dead.pending_deliveries(50))[:3]
        for delivery in sent:
            await dead.mark_delivered(delivery.id)
        done = {delivery.chat_id for delivery in sent}
        rest = [user for user in ROOM if user not in done]
        deliveries.start_sending(survivor.app)  # the facilitator's /ask reached the survivor
        await asyncio.sleep(DEAD_LEASE.total_seconds() / 2)
        assert not any(got(survivor, user, QUESTION) for user in ROOM), "sent while held"
        await survivor.standin.wait_for(
            lambda: all(got(survivor, user, QUESTION) for user in rest), timeout=10
        )
        took = asyncio.get_running_loop().time() - started
        assert took < DEAD_LEASE.total_seconds() * 4 / 3 + 1, took  # a lease and a third
        await survivor.run_job(deliveries.send_deliveries)
        assert [got(survivor, user, QUESTION) for user in rest] == [1] * len(rest)
        assert [got(survivor, user, QUESTION) for user in done] == [0, 0, 0]  # sent before
        assert await dead.job_holder("deliveries") is None  # the survivor let it go when done


async def test_a_slow_live_run_keeps_its_lease_past_its_length(
    survivor: Running, postgres_database: str
) -> None:
    brew = await _live_room(survivor)
    await survivor.services.store.push_question(brew, None, QUESTION)
    late = LEASE.total_seconds() * 2  # Telegram is this slow to answer one send
    survivor.standin.faults.add(Fault("sendmessage", 1, late_s=late))
    loop = asyncio.get_running_loop()
    async with await Store.open(postgres_database) as other:
        started = loop.time()
        deliveries.start_sending(survivor.app)
        holder = survivor.services.store.holder
        await _until(lambda: _holds(other, holder), within=5)  # the run has begun
        await _until(lambda: other.take_job("deliveries", lasting=LONG), within=10)
        assert loop.time() - started >= late, "another worker got in while the run went on"
        await other.release_job("deliveries")
    await survivor.run_job(deliveries.send_deliveries)
    assert [got(survivor, user, QUESTION) for user in ROOM] == [1] * len(ROOM)


async def test_live_questions_stop_at_the_next_batch_once_the_lease_is_lost(
    brewbot: Running,
) -> None:
    brew = await _live_room(brewbot)
    await brewbot.services.store.push_question(brew, None, QUESTION)
    services = brewbot.services
    went: list[tuple[int, bool]] = []

    async def stalled_then_sending(context: BrewContext) -> None:
        async with (
            await Store.open(str(brewbot.settings.db)) as other,
            JobLease(services.store, "deliveries", LEASE) as lease,
        ):
            _stall(LEASE.total_seconds() + 0.2)  # the worker froze; another took over
            assert await other.take_job("deliveries", lasting=LONG)
            went.append(await deliveries._send_queued(context, services, lease))
            await other.release_job("deliveries")

    await brewbot.run_job(stalled_then_sending)
    assert went == [(0, False)]
    assert not any(got(brewbot, user, QUESTION) for user in ROOM)
    await brewbot.run_job(deliveries.send_deliveries)  # whoever holds it next sends them
    assert [got(brewbot, user, QUESTION) for user in ROOM] == [1] * len(ROOM)
