"""The whole bot's sends a second (bot/allowance.py): never more than 30 in any one second,
from a standing start too, in priority order, and shared by workers on one database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence

import pytest

from bot.allowance import Allowance
from bot.ratelimit import Priority
from storage import Store
from storage.sending import Rule
from tests.storage_support import Clock


def most_in_a_second(times: Sequence[float]) -> int:
    """The most of these moments inside any window of one second."""
    ordered, best, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _granted(allowance: Allowance, priority: int, chat: int | None = None) -> float:
    """Take the bot's turn and say when it came (the loop's time)."""
    assert await allowance.take(priority, chat) == 0.0
    return asyncio.get_running_loop().time()


async def test_a_push_from_a_standing_start_sends_no_more_than_30_in_its_first_second() -> None:
    allowance = Allowance()
    times = await asyncio.gather(*(_granted(allowance, Priority.BULK) for _ in range(45)))
    assert most_in_a_second(times) <= 30  # the old burst of 10 on top let about 40 through
    ordered = sorted(times)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= allowance.rule.spacing * 0.99  # a burst is spread, never piled up
    # Each send comes at least 1.04 s after the one 30 before it: a second's margin.
    assert all(b - a >= 1.04 * 0.999 for a, b in zip(ordered, ordered[30:], strict=False))


async def test_a_reply_goes_ahead_of_bulk_already_waiting() -> None:
    allowance = Allowance()
    order: list[str] = []

    async def send(name: str, priority: int) -> None:
        await allowance.take(priority)
        order.append(name)

    bulk = [asyncio.create_task(send(f"bulk {n}", Priority.BULK)) for n in range(10)]
    await asyncio.sleep(0)  # the bulk sends queue first
    await send("reply", Priority.REPLY)
    await asyncio.gather(*bulk)
    assert order.index("reply") <= 2  # the one sent at once, the one already granted


def test_the_rule_spreads_a_burst_and_holds_30_to_any_window() -> None:
    rule = Rule(count=30, window=1.04, spacing=0.01)
    moments = rule.moments([], 100.0, 61)
    assert moments[:3] == pytest.approx([100.0, 100.01, 100.02])
    assert moments[30] == pytest.approx(101.04)  # the 31st waits for the 1st to be 1.04 s old
    assert moments[60] == pytest.approx(102.08)
    after_a_quiet_spell = rule.moments(moments, 200.0, 2)
    assert after_a_quiet_spell == pytest.approx([200.0, 200.01])


@pytest.fixture
async def three_workers(database: str) -> AsyncIterator[list[Store]]:
    stores = [await Store.open(database, now=Clock()) for _ in range(3)]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


async def test_three_workers_sharing_a_database_send_30_a_second_between_them(
    three_workers: list[Store],
) -> None:
    allowances = [Allowance() for _ in three_workers]
    for allowance, store in zip(allowances, three_workers, strict=True):
        allowance.share(store)
    times = await asyncio.gather(
        *(_granted(allowances[n % 3], Priority.BULK, 9000 + n) for n in range(60))
    )
    assert most_in_a_second(times) <= 30
    # Claimed together, not split three ways: the 60 took about one second, not six.
    assert max(times) - min(times) < 3.0


async def test_a_chat_another_worker_was_told_to_wait_for_gets_its_wait_back(
    three_workers: list[Store],
) -> None:
    one, two, _ = three_workers
    await one.hold_chat(42, 3.0)  # Telegram answered worker one with a 429 for chat 42
    allowance = Allowance()
    allowance.share(two)
    assert 2.5 < await allowance.take(Priority.REPLY, 42) <= 3.0
    assert await allowance.take(Priority.REPLY, 43) == 0.0
    assert await allowance.take(Priority.REPLY) == 0.0  # a call about no chat
