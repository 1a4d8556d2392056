"""Several workers on one database: jobs and chats go to one worker at a time, in order,
and pass on when a killed worker's lease runs out. Each worker is its own Store (its own
connection), on SQLite and on PostgreSQL. The workers share one lease clock that the tests
move by hand, so a lease runs out exactly when a test says, however busy the machine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from conversations.model import Principle
from storage import Store
from storage.inbox import Kept
from tests.storage_support import Clock, Peek, step, text

LONG = timedelta(minutes=30)
SHORT = timedelta(seconds=30)
MOMENT = timedelta(microseconds=1)  # the smallest step a stored lease time shows


@pytest.fixture
async def workers(database: str, leases: Clock) -> AsyncIterator[list[Store]]:
    stores = [await Store.open(database, now=Clock(), lease_clock=leases) for _ in range(3)]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


def _kept(update_id: int, chat: int) -> Kept:
    return Kept(update_id, chat, f'{{"update_id": {update_id}}}')


async def test_a_job_goes_to_one_worker_at_a_time(workers: list[Store]) -> None:
    one, two, _ = workers
    assert await one.take_job("digest", lasting=LONG)
    assert not await two.take_job("digest", lasting=LONG)
    assert await one.take_job("digest", lasting=LONG)  # renewing its own
    assert await two.take_job("news", lasting=LONG)  # another job is free
    assert await two.job_holder("digest") == one.holder
    await one.release_job("digest")
    assert await two.take_job("digest", lasting=LONG)


async def test_a_killed_workers_job_passes_on_when_its_lease_runs_out(
    workers: list[Store], leases: Clock
) -> None:
    one, two, _ = workers
    assert await one.take_job("digest", lasting=SHORT)
    assert not await two.take_job("digest", lasting=LONG)
    leases.now += SHORT  # "one" was killed and never came back: its lease's last moment
    assert not await two.take_job("digest", lasting=LONG)
    leases.now += MOMENT
    assert await two.take_job("digest", lasting=LONG)
    assert not await one.take_job("digest", lasting=LONG)


async def test_a_job_renewed_in_time_stays_with_its_worker_until_it_dies(
    workers: list[Store], leases: Clock
) -> None:
    one, two, _ = workers
    assert await one.take_job("news", lasting=SHORT)
    for _ in range(4):  # longer than the lease in all, renewed every third of it
        leases.now += SHORT / 3
        assert await one.renew_job("news", lasting=SHORT)
        assert not await two.take_job("news", lasting=LONG)
    leases.now += SHORT / 2  # "one" stopped renewing: killed
    assert not await two.take_job("news", lasting=LONG), "taken before its lease ran out"
    leases.now += SHORT / 2 + MOMENT
    assert await two.take_job("news", lasting=LONG)
    assert not await one.renew_job("news", lasting=SHORT)  # it hears it has lost the job
    await one.release_job("news")  # and letting go lets go of nothing of two's
    assert await one.job_holder("news") == two.holder


async def test_a_job_lease_that_ran_out_cannot_be_renewed_even_if_nobody_took_it(
    workers: list[Store], leases: Clock
) -> None:
    one, _, _ = workers
    assert not await one.renew_job("news", lasting=LONG)  # never held
    assert await one.take_job("news", lasting=SHORT)
    leases.now += SHORT  # at its last moment it is still this worker's to renew
    assert await one.renew_job("news", lasting=SHORT)
    leases.now += SHORT + MOMENT  # "one" stalled past its lease
    assert not await one.renew_job("news", lasting=LONG)
    assert await one.job_holder("news") is None
    assert await one.take_job("news", lasting=LONG)  # a fresh run may take it again


async def test_workers_claiming_together_take_different_chats(workers: list[Store]) -> None:
    await workers[0].keep_updates([_kept(n, 100 + n % 10) for n in range(1, 31)])
    taken: list[int] = []
    for _ in range(3):  # rows another worker is looking at are skipped, for the next look
        claims = await asyncio.gather(*(w.claim_chats(lasting=LONG, limit=4) for w in workers))
        taken += [chat for claimed in claims for chat in claimed.chats]
        assert all(claimed.waiting == 30 for claimed in claims)
    assert len(taken) == len(set(taken)) == 10
    assert (await workers[0].claim_chats(lasting=LONG, limit=10)).chats == []


async def test_a_held_chat_waits_for_its_worker_then_passes_on(workers: list[Store]) -> None:
    one, two, _ = workers
    await one.keep_updates([_kept(1, 7), _kept(2, 8)])
    assert sorted((await one.claim_chats(lasting=LONG, limit=10)).chats) == [7, 8]
    await two.keep_updates([_kept(3, 7)])  # chat 7 says more, to another worker
    assert (await two.claim_chats(lasting=LONG, limit=10)).chats == []
    assert [k.update_id for k in await one.chat_updates(7)] == [1, 3]
    await one.release_chat(7)
    assert (await two.claim_chats(lasting=LONG, limit=10)).chats == [7]
    assert not await one.holds_chat(7) and await two.holds_chat(7)


async def test_a_killed_workers_chat_passes_on_when_its_lease_runs_out(
    workers: list[Store], leases: Clock
) -> None:
    one, two, _ = workers
    await one.keep_updates([_kept(1, 7)])
    assert (await one.claim_chats(lasting=SHORT, limit=10)).chats == [7]
    assert (await two.claim_chats(lasting=LONG, limit=10)).chats == []
    leases.now += SHORT  # "one" was killed: its lease's last moment
    assert (await two.claim_chats(lasting=LONG, limit=10)).chats == []
    assert await one.holds_chat(7)
    leases.now += MOMENT
    assert (await two.claim_chats(lasting=LONG, limit=10)).chats == [7]
    assert not await one.holds_chat(7)
    assert await one.renew_chats(lasting=LONG) == 0  # it cannot take it back by renewing


async def test_a_let_go_chat_leaves_no_chat_id_behind(database: str, workers: list[Store]) -> None:
    one = workers[0]
    await one.keep_updates([_kept(1, 424242)])
    assert (await one.claim_chats(lasting=LONG, limit=10)).chats == [424242]
    await one.finish_updates([1])
    await one.release_chat(424242)
    async with Peek(database) as db:
        assert await db.rows("SELECT * FROM chat_leases") == []
        assert await db.rows("SELECT * FROM inbox") == []


async def test_a_reminder_is_claimed_by_one_worker_only(workers: list[Store]) -> None:
    brew = await workers[0].create_brew(theme="t", pack_id="p", group_chat_id=None)
    person = await workers[0].join(5)
    await workers[0].record_step(
        participant_id=person.id,
        brew_id=brew.id,
        outcome=step(text("a", Principle.WORK, "hi")),
        update_id=None,
    )
    claims = await asyncio.gather(*(w.mark_nudged(person.id, brew.id) for w in workers))
    assert sorted(claims) == [False, False, True]
    assert await workers[1].mark_nudged(person.id, brew.id, undo=True) is not None
    assert await workers[2].mark_nudged(person.id, brew.id)  # undone: owed again


async def test_workers_handle_each_update_once_and_each_chat_in_order(
    workers: list[Store],
) -> None:
    chats = 12
    await workers[0].keep_updates([_kept(n, 1000 + n % chats) for n in range(1, 121)])
    handled: list[tuple[int, int]] = []
    in_hand: dict[int, str] = {}

    async def work(store: Store) -> None:
        while True:
            claimed = await store.claim_chats(lasting=LONG, limit=3)
            if not claimed.waiting:
                return
            for chat in claimed.chats:
                assert chat not in in_hand, "two workers hold one chat"
                in_hand[chat] = store.holder
                for kept in await store.chat_updates(chat):
                    handled.append((chat, kept.update_id))
                    await store.finish_updates([kept.update_id])
                del in_hand[chat]
                await store.release_chat(chat)
            await asyncio.sleep(0)

    await asyncio.wait_for(asyncio.gather(*(work(w) for w in workers)), timeout=60)
    assert sorted(update for _, update in handled) == list(range(1, 121))
    for chat in range(1000, 1000 + chats):
        mine = [update for c, update in handled if c == chat]
        assert mine == sorted(mine) and mine


async def test_a_lone_worker_starting_up_lets_go_of_what_a_dead_one_held(
    workers: list[Store],
) -> None:
    dead, lone, _ = workers
    assert await dead.take_job("news", lasting=LONG)
    await dead.keep_updates([_kept(1, 100)])
    await dead.claim_chats(lasting=LONG, limit=10)
    assert await dead.holds_chat(100)
    assert not await lone.take_job("news", lasting=LONG)
    await lone.forget_leases()
    assert await lone.take_job("news", lasting=LONG)
    assert not await dead.holds_chat(100)


async def test_help_is_claimed_by_one_worker_and_others_see_when_it_went(
    workers: list[Store],
) -> None:
    one, two, three = workers
    await one.keep_updates([Kept(41, 5, '{"update_id": 41}', urgent=True)])
    assert await two.help_went(41) is False, "claimed as it was kept, still going"
    assert await two.claim_help(41) is False
    await one.mark_help_went(41)
    assert await three.help_went(41) is True
    assert await three.claim_help(41) is False

    assert await one.help_went(42) is None, "never claimed"
    assert sorted(await asyncio.gather(*(w.claim_help(42) for w in workers))) == [
        False,
        False,
        True,
    ]
    await one.release_help(42)  # it could not be sent: given back
    assert await two.help_went(42) is None
    assert await two.claim_help(42) is True
