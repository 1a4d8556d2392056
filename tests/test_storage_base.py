"""The one write path: concurrent and cancelled writes stay whole; old update ids and lapsed
job leases are pruned."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

import pytest

from conversations.model import Principle
from storage import Store
from tests.storage_support import Clock, Peek, step, text


async def test_concurrent_steps_never_interleave(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=None)
        people = [await store.join(chat) for chat in range(1, 41)]

        async def keep(index: int) -> bool:
            person = people[index % len(people)]
            return await store.record_step(
                participant_id=person.id,
                brew_id=brew.id,
                outcome=step(text("t", Principle.WORK, f"words {index % 40}")),
                update_id=index % 40,  # every update arrives twice, at the same time
            )

        results = await asyncio.gather(*(keep(i) for i in range(80)))
        assert sum(results) == 40
        texts = sorted(a.text for a in await store.answer_texts(brew.id))
        assert texts == sorted(f"words {i}" for i in range(40))


@pytest.mark.parametrize("ticks", range(0, 30, 2))
async def test_a_cancelled_step_is_kept_whole_or_not_at_all(database: str, ticks: int) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=None)
        person = await store.join(1)
        task = asyncio.create_task(
            store.record_step(
                participant_id=person.id,
                brew_id=brew.id,
                outcome=step(text("a", Principle.WORK, "one"), text("b", Principle.WORK, "two")),
                update_id=77,
            )
        )
        for _ in range(ticks):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        kept = len(await store.answers(brew.id))
        handled_before = not await store.mark_handled(77)
        assert (kept, handled_before) in {(0, False), (2, True)}
        assert (await store.join(2)).chat_id == 2  # the next write starts cleanly


async def test_handled_updates_older_than_a_week_are_pruned_on_open(database: str) -> None:
    clock = Clock()
    path = database
    async with await Store.open(path, now=clock) as store:
        assert await store.mark_handled(1)
        clock.advance(days=5)
        assert await store.mark_handled(2)
    clock.advance(days=3)  # update 1 is 8 days old, update 2 is 3
    async with await Store.open(path, now=clock) as store:
        assert await store.mark_handled(1)
        assert not await store.mark_handled(2)


async def test_a_long_running_worker_prunes_old_update_ids_and_lapsed_job_leases(
    database: str,
) -> None:
    clock, leases = Clock(), Clock()
    async with await Store.open(database, now=clock, lease_clock=leases) as store:
        assert await store.mark_handled(1)
        assert await store.take_job("live-counts-7", lasting=timedelta(seconds=6))
        assert await store.take_job("digest", lasting=timedelta(days=2))
        clock.advance(days=8)
        leases.advance(days=1, seconds=7)
        await store.prune_bookkeeping()  # the daily housekeeping, no restart
        assert await store.mark_handled(1), "forgotten after a week"
        async with Peek(database) as db:
            jobs = await db.rows("SELECT job FROM job_leases")
        assert [tuple(row) for row in jobs] == [("digest",)], "only the lapsed lease went"


async def test_naive_times_are_refused() -> None:
    async with await Store.open(":memory:") as store:
        with pytest.raises(ValueError, match="timezone-aware"):
            await store.due_nudges(idle_before=datetime(2026, 1, 1))
