"""The whole bot's sends a second (bot/runtime/allowance.py): never more than 30 counted in any one
second, wherever between its sending and its answer Telegram counts each call, from a
standing start too, in priority order, and shared by workers on one database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence

import pytest

from bot.runtime.allowance import Allowance, ChatHeld
from bot.runtime.ratelimit import Priority
from storage import Store
from storage.sending import Rule, Sent
from tests.storage_support import Clock

ANSWER_S = 0.01  # how long the pretend Telegram takes to answer a call

Span = tuple[float, float]  # a call's sending and its answer, in the loop's time


def most_in_any_second(spans: Sequence[Span]) -> int:
    """The most calls one second could have counted, if Telegram counted each at the worst
    moment between its sending and its answer."""
    return max(
        sum(1 for start, end in spans if start < x + 1.0 and end >= x)
        for x in {e for _, e in spans}
    )


async def _call(allowance: Allowance, priority: int, chat: int | None = None) -> Span:
    """Take the bot's turn, make a pretend call, hand the turn back; say when it went."""
    turn = await allowance.take(priority, chat)
    start = asyncio.get_running_loop().time()
    await asyncio.sleep(ANSWER_S)
    allowance.done(turn)
    return start, asyncio.get_running_loop().time()


async def test_a_push_from_a_standing_start_has_no_more_than_30_in_any_second() -> None:
    allowance = Allowance()
    spans = await asyncio.gather(*(_call(allowance, Priority.BULK) for _ in range(70)))
    assert most_in_any_second(spans) <= 30  # the old burst of 10 on top let about 40 through
    starts = sorted(start for start, _ in spans)
    assert min(b - a for a, b in itertools.pairwise(starts)) >= Rule().spacing * 0.99
    # Not much slower than the rule allows: 70 in a little over two seconds.
    assert starts[-1] - starts[0] < 2 * (1.0 + ANSWER_S) + 1.0


async def test_a_reply_goes_ahead_of_bulk_already_waiting() -> None:
    allowance = Allowance()
    order: list[str] = []

    async def send(name: str, priority: int) -> None:
        await _call(allowance, priority)
        order.append(name)

    bulk = [asyncio.create_task(send(f"bulk {n}", Priority.BULK)) for n in range(10)]
    await asyncio.sleep(0)  # the bulk sends queue first
    await send("reply", Priority.REPLY)
    await asyncio.gather(*bulk)
    assert order.index("reply") <= 2  # the one sent at once, the one already granted


def test_the_rule_spreads_a_burst_and_waits_for_the_answer_30_calls_back() -> None:
    rule = Rule(count=3, window=1.0, spacing=0.01)
    log = [Sent(100.0), Sent(100.01), Sent(100.02)]
    assert rule.earliest(log, 100.3) is None  # three under way: their answers decide
    log[1].end, log[2].end = 100.5, 100.05
    # A second after the third-latest answer (the first call is still under way).
    assert rule.earliest(log, 100.6) == pytest.approx(101.05)
    assert rule.earliest(log[:2], 100.6) == pytest.approx(100.6)  # only two: no wait
    assert rule.earliest([Sent(100.6)], 100.6) == pytest.approx(100.61)  # spread out
    stale = Rule(count=3, stale=5.0).trim([Sent(90.0), Sent(99.0)], 100.0)
    assert [s.end for s in stale] == [95.0, None]  # a dead worker's call holds nothing long


@pytest.fixture
async def three_workers(database: str) -> AsyncIterator[list[Store]]:
    stores = [await Store.open(database, now=Clock()) for _ in range(3)]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


async def test_three_workers_sharing_a_database_keep_30_a_second_between_them(
    three_workers: list[Store],
) -> None:
    allowances = [Allowance() for _ in three_workers]
    for allowance, store in zip(allowances, three_workers, strict=True):
        allowance.share(store)
    spans = await asyncio.gather(
        *(_call(allowances[n % 3], Priority.BULK, 9000 + n) for n in range(70))
    )
    assert most_in_any_second(spans) <= 30
    # Taken together, not split three ways: the 70 took about two seconds, not seven.
    starts = sorted(start for start, _ in spans)
    assert starts[-1] - starts[0] < 4.0
    for allowance in allowances:
        await allowance.close()


async def test_a_chat_another_worker_was_told_to_wait_for_gets_its_wait_back(
    three_workers: list[Store],
) -> None:
    one, two, _ = three_workers
    await one.hold_chat(42, 3.0)  # Telegram answered worker one with a 429 for chat 42
    allowance = Allowance()
    allowance.share(two)
    with pytest.raises(ChatHeld) as held:
        await allowance.take(Priority.REPLY, 42)
    assert 2.5 < held.value.seconds <= 3.0
    allowance.done(await allowance.take(Priority.REPLY, 43))
    allowance.done(await allowance.take(Priority.REPLY))  # a call about no chat
    await allowance.close()
