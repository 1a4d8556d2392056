"""A shared job's run keeps its short lease while it lasts, and stops once it has lost it
(bot/jobs/shared.py), on SQLite and on PostgreSQL, with real stores and short leases."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.jobs.shared import JobLease
from storage import Store
from tests.storage_support import Clock

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
