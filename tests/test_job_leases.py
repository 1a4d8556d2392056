"""A shared job's run keeps its lease while it lasts, and stops once it has lost it
(bot/runtime/leases.py), on SQLite and on PostgreSQL, with real stores; and on PostgreSQL, live
questions go on once the lease of the worker sending them (killed) runs out, each once.

The workers' leases read a clock the tests move by hand (the ``leases`` fixture), so a lease
runs out exactly when a test says, however busy the machine. One test runs on the wall clock,
as brewbot does: a slow live run keeps its lease past its length (marked slow)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.jobs import deliveries
from bot.runtime.leases import JobLease
from bot.services import BrewContext
from standin import StandIn
from standin.faults import Fault
from storage import Store
from storage.times import parse, utc_now
from tests.facilitator_support import LINK, group_calls, in_group
from tests.running import FACILITATORS, Running
from tests.storage_support import Clock, Peek
from tests.test_live import got

LEASE = timedelta(seconds=30)
LONG = timedelta(minutes=30)
PAST = LEASE + timedelta(seconds=1)  # a stall, or a killed worker's silence, past a lease
BEAT = timedelta(seconds=0.3)  # a run renews it every 0.1 s, in real time


@pytest.fixture
async def two(database: str, leases: Clock) -> AsyncIterator[tuple[Store, Store]]:
    """Two workers' stores on one database, their leases on one clock."""
    one, other = [await Store.open(database, now=Clock(), lease_clock=leases) for _ in range(2)]
    try:
        yield one, other
    finally:
        await one.close()
        await other.close()


async def test_a_run_longer_than_its_lease_keeps_it_by_renewing(
    two: tuple[Store, Store], leases: Clock
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        assert lease.mine
        for _ in range(8):  # twice the lease, with a check every quarter of it
            leases.now += LEASE / 4
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
    two: tuple[Store, Store], leases: Clock
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        leases.now += PAST  # the worker froze: nothing renewed it; another worker takes over
        assert await other.take_job("news", lasting=LONG)
        assert not await lease.still_mine()
        assert not lease.mine
    assert await one.job_holder("news") == other.holder  # its end lets go of nothing of other's


async def test_a_run_that_stalled_but_was_not_taken_over_still_stops(
    two: tuple[Store, Store], leases: Clock
) -> None:
    one, other = two
    async with JobLease(one, "news", LEASE) as lease:
        leases.now += PAST  # whoever looked meanwhile could have taken it
        assert not await lease.still_mine()
    assert await other.take_job("news", lasting=LONG)


async def _renewed(db: Peek, until: datetime) -> bool:
    """Say whether the news job's lease lasts until ``until`` (renewed at the clock's now)."""
    ((end,),) = await db.rows("SELECT expires_at FROM job_leases WHERE job = 'news'")
    return parse(str(end)) >= until


async def test_the_heartbeat_renews_a_run_that_never_checks(
    database: str, two: tuple[Store, Store], leases: Clock
) -> None:
    one, other = two
    async with JobLease(one, "news", BEAT) as lease, Peek(database) as db:
        for _ in range(3):  # a lease and a half by the clock, and the run never checks
            leases.now += BEAT / 2
            await _until(lambda: _renewed(db, leases.now + BEAT), within=10)  # by the heartbeat
        assert not await other.take_job("news", lasting=LONG)
        assert lease.mine and await lease.still_mine()


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
async def _worker(
    standin: StandIn,
    database: str,
    lease: timedelta,
    lease_clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[Running]:
    """brewbot with a short job lease, as one of several workers on the database."""
    running = Running(standin, database, job_lease=lease, lease_clock=lease_clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


# The survivor's own job lease: it looks at a held job again every third of it (0.2 s).
LOOKS = timedelta(seconds=0.6)


async def test_a_dead_workers_live_question_goes_on_once_its_lease_runs_out_each_once(
    standin: StandIn, postgres_database: str, leases: Clock
) -> None:
    async with (
        _worker(standin, postgres_database, LOOKS, leases) as survivor,
        await Store.open(postgres_database, lease_clock=leases) as dead,
    ):
        brew = await _live_room(survivor)
        await survivor.services.store.push_question(brew, None, QUESTION)
        # A worker took the live question's run, sent it to three people and was killed:
        # its lease stays in the database, never renewed and never let go.
        assert await dead.take_job("deliveries", lasting=LEASE)
        sent = (await dead.pending_deliveries(50))[:3]
        for delivery in sent:
            await dead.mark_delivered(delivery.id)
        done = {delivery.chat_id for delivery in sent}
        rest = [user for user in ROOM if user not in done]
        deliveries.start_sending(survivor.app)  # the facilitator's /ask reached the survivor
        await asyncio.sleep(5 * LOOKS.total_seconds() / 3)  # it looks about five times
        assert not any(got(survivor, user, QUESTION) for user in ROOM), "sent while held"
        leases.now += PAST  # the dead worker's lease runs out
        loop = asyncio.get_running_loop()
        started = loop.time()
        await survivor.standin.wait_for(
            lambda: all(got(survivor, user, QUESTION) for user in rest), timeout=10
        )
        took = loop.time() - started
        assert took < 5, took  # at its next look, not the next 5-minute round
        await survivor.run_job(deliveries.send_deliveries)
        assert [got(survivor, user, QUESTION) for user in rest] == [1] * len(rest)
        assert [got(survivor, user, QUESTION) for user in done] == [0, 0, 0]  # sent before
        assert await dead.job_holder("deliveries") is None  # the survivor let it go when done


# The one test on the wall clock, as brewbot runs: the heartbeat (every 0.4 s) keeps the lease.
REAL_LEASE = timedelta(seconds=1.2)


@pytest.fixture
async def survivor(standin: StandIn, postgres_database: str) -> AsyncIterator[Running]:
    async with _worker(standin, postgres_database, REAL_LEASE) as running:
        yield running


@pytest.mark.slow  # waits through two leases of real time
async def test_a_slow_live_run_keeps_its_lease_past_its_length(
    survivor: Running, postgres_database: str
) -> None:
    brew = await _live_room(survivor)
    await survivor.services.store.push_question(brew, None, QUESTION)
    late = REAL_LEASE.total_seconds() * 2  # Telegram is this slow to answer one send
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


@pytest.fixture
async def on_leases(standin: StandIn, tmp_path: Path, leases: Clock) -> AsyncIterator[Running]:
    """brewbot on SQLite, its leases on the test's clock."""
    async with _worker(standin, str(tmp_path / "brewbot.db"), LEASE, leases) as running:
        yield running


async def test_live_questions_stop_at_the_next_batch_once_the_lease_is_lost(
    on_leases: Running, leases: Clock
) -> None:
    brewbot = on_leases
    brew = await _live_room(brewbot)
    await brewbot.services.store.push_question(brew, None, QUESTION)
    services = brewbot.services
    went: list[tuple[int, bool]] = []

    async def stalled_then_sending(context: BrewContext) -> None:
        async with (
            await Store.open(str(brewbot.settings.db), lease_clock=leases) as other,
            JobLease(services.store, "deliveries", LEASE) as lease,
        ):
            leases.now += PAST  # the worker froze past its lease; another took over
            assert await other.take_job("deliveries", lasting=LONG)
            went.append(await deliveries.DELIVERIES.send_queued(context, services, lease))
            await other.release_job("deliveries")

    await brewbot.run_job(stalled_then_sending)
    assert went == [(0, False)]
    assert not any(got(brewbot, user, QUESTION) for user in ROOM)
    await brewbot.run_job(deliveries.send_deliveries)  # whoever holds it next sends them
    assert [got(brewbot, user, QUESTION) for user in ROOM] == [1] * len(ROOM)
