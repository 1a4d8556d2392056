"""The whole bot's sends a second (bot/runtime/allowance.py): help and replies at once, counted;
tidying and bulk in what they leave, never more than 30 counted in any second that holds
bulk, wherever between its sending and its answer Telegram counts each call, from a
standing start too, in priority order, and shared by workers on one database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import pytest

from bot.runtime.allowance import AHEAD, Allowance, ChatHeld
from bot.runtime.ratelimit import KIND, Priority
from storage import Store
from storage.sending import Kind, Rule, Sent
from tests.storage_support import Clock

ANSWER_S = 0.01  # how long the pretend Telegram takes to answer a call


@dataclass(frozen=True)
class Span:
    """A pretend call: when it was asked for, sent and answered, in the loop's time."""

    asked: float
    start: float
    end: float
    bulk: bool = False
    granted: float = 0.0  # the moment the allowance gave (a busy loop resumes the caller later)


def most_in_any_second(spans: Sequence[Span], *, holding_bulk: bool = False) -> int:
    """The most calls one second could have counted, if Telegram counted each at the worst
    moment between its sending and its answer (``holding_bulk``: of the seconds that could
    hold a bulk call, the seconds in which a strict Telegram would refuse bulk)."""

    def within(span: Span, x: float) -> bool:
        return span.start < x + 1.0 and span.end >= x

    return max(
        sum(1 for span in spans if within(span, x))
        for x in {span.end for span in spans}
        if not holding_bulk or any(span.bulk and within(span, x) for span in spans)
    )


async def _call(
    allowance: Allowance, priority: int, chat: int | None = None, *, after: float = 0.0
) -> Span:
    """After ``after`` seconds, take the bot's turn, make a pretend call, hand the turn
    back; say when it went."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(after)
    asked = loop.time()
    turn = await allowance.take(priority, chat, KIND[priority])
    start = loop.time()
    await asyncio.sleep(ANSWER_S)
    allowance.done(turn)
    return Span(asked, start, loop.time(), priority == Priority.BULK, turn.start)


@pytest.mark.slow  # 70 bulk calls at 30 a second: over two seconds of real time
async def test_a_push_from_a_standing_start_has_no_more_than_30_in_any_second() -> None:
    allowance = Allowance()
    spans = await asyncio.gather(*(_call(allowance, Priority.BULK) for _ in range(70)))
    assert most_in_any_second(spans) <= 30  # the old burst of 10 on top let about 40 through
    starts = sorted(span.start for span in spans)
    # Spread evenly, so a second full of bulk frees a place for a reply every thirtieth.
    granted = sorted(span.granted for span in spans)
    assert min(b - a for a, b in itertools.pairwise(granted)) >= Rule().gap * 0.99
    # Not much slower than the rule allows: 70 in a little over two seconds.
    assert starts[-1] - starts[0] < 2 * (1.0 + ANSWER_S) + 1.0


async def test_a_reply_never_queues_behind_bulk_or_tidying_already_waiting() -> None:
    allowance = Allowance()
    waiting = [
        asyncio.create_task(_call(allowance, priority))
        for priority in [Priority.BULK] * 10 + [Priority.TIDY] * 5
    ]
    await asyncio.sleep(0)  # they queue first
    reply = await _call(allowance, Priority.REPLY)
    assert reply.start - reply.asked < 0.005
    others = await asyncio.gather(*waiting)
    assert sum(1 for span in others if span.start < reply.start) <= 1  # the one sent at once
    # Tidying went before bulk still waiting.
    tidy, bulk = others[10:], others[1:10]
    assert max(s.start for s in tidy) < min(s.start for s in bulk)


async def test_a_crowd_is_not_held_to_30_replies_a_second() -> None:
    allowance = Allowance()
    spans = await asyncio.gather(*(_call(allowance, Priority.REPLY) for _ in range(100)))
    # All 100 at once (before: 30, then 30 a second after each answer), and counted: bulk
    # and tidying after them wait until the second has room.
    assert max(span.start - span.asked for span in spans) < 0.1
    after = await _call(allowance, Priority.TIDY)
    assert after.start - max(span.end for span in spans) >= 0.95


@pytest.mark.slow  # news to 300 at 30 a second: ten seconds
async def test_a_room_answered_while_news_goes_out_is_answered_within_a_second() -> None:
    """60 people answer at once while news to 300 is going out: their replies are not
    spread over two seconds (before: 30 a second, bulk or not), and the news yields to
    them, so no second that holds news holds more than 30 calls in all: a stand-in (or
    Telegram) counting every send in the second would refuse none of the news."""
    allowance = Allowance()
    news = [asyncio.create_task(_call(allowance, Priority.BULK, 7000 + n)) for n in range(300)]
    room = await asyncio.gather(
        *(_call(allowance, Priority.REPLY, 8000 + n, after=2.0) for n in range(60))
    )
    spans = [*room, *await asyncio.gather(*news)]
    assert max(span.start - span.asked for span in room) < 1.5
    assert most_in_any_second(spans, holding_bulk=True) <= 30
    # Yielding: no news went while a reply waited for its place.
    assert not [n for n in spans[60:] for r in room if r.asked + 0.005 < n.start < r.start]
    # And the news still had the rest of the allowance: 300 in a little over ten seconds,
    # two more for the 60 replies.
    news_starts = sorted(span.start for span in spans[60:])
    assert news_starts[-1] - news_starts[0] < 13.0


def test_the_rule_spreads_bulk_and_waits_for_the_answer_30_calls_back() -> None:
    rule = Rule(count=3, window=1.0, spacing=0.01)
    log = [Sent(100.0), Sent(100.01), Sent(100.02)]
    assert rule.earliest(log, 100.3) is None  # three under way: their answers decide
    log[1].end, log[2].end = 100.5, 100.05
    # A second after the third-latest answer (the first call is still under way).
    assert rule.earliest(log, 100.6) == pytest.approx(101.05)
    assert rule.earliest(log[:2], 100.6) == pytest.approx(100.6)  # only two: no wait
    assert rule.earliest([Sent(100.6)], 100.6) == pytest.approx(100.61)  # spread out
    assert Rule(count=30).gap == pytest.approx(1 / 30)  # evenly, unless told otherwise
    stale = Rule(count=3, stale=5.0).trim([Sent(90.0), Sent(99.0)], 100.0)
    assert [s.end for s in stale] == [95.0, None]  # a dead worker's call holds nothing long


def test_the_rule_lets_a_reply_go_at_once_unless_bulk_has_filled_the_second() -> None:
    rule = Rule(count=3, window=1.0)
    replies = [Sent(100.0, 100.1), Sent(100.1, 100.2), Sent(100.2, None)]
    assert rule.at_once(replies, 100.5) == 100.5  # full, of replies alone: at once
    assert rule.at_once([replies[0], Sent(100.2, 100.3, bulk=True)], 100.5) == 100.5  # room
    full = [*replies[:2], Sent(100.2, 100.3, bulk=True), Sent(100.3, None)]
    # Four in the second, one of them bulk: when the third-latest answer, or the bulk,
    # leaves it (the call under way holds its place meanwhile).
    assert rule.at_once(full, 100.5) == pytest.approx(101.2)
    assert rule.at_once(full, 101.25) == 101.25  # gone: at once
    assert rule.at_once([Sent(100.0, bulk=True)] * 3, 100.5) is None  # answers decide


@pytest.fixture
async def three_workers(database: str) -> AsyncIterator[list[Store]]:
    stores = [await Store.open(database, now=Clock()) for _ in range(3)]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


@pytest.mark.slow  # three workers' bulk in real seconds
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
    starts = sorted(span.start for span in spans)
    assert starts[-1] - starts[0] < 4.0
    for allowance in allowances:
        await allowance.close()


@pytest.mark.slow  # replies and news in real seconds, on both backends
async def test_replies_on_two_workers_are_counted_by_the_third_whose_news_yields(
    three_workers: list[Store],
) -> None:
    """A reply taken at once is claimed in the database ("used now"), so another worker's
    news leaves its place: no second holding news holds more than 30, and a room's 45
    replies are all sent within about a second."""
    allowances = [Allowance() for _ in three_workers]
    for allowance, store in zip(allowances, three_workers, strict=True):
        allowance.share(store)
    news = [asyncio.create_task(_call(allowances[0], Priority.BULK, 7000 + n)) for n in range(90)]
    room = await asyncio.gather(
        *(_call(allowances[1 + n % 2], Priority.REPLY, 8000 + n, after=1.0) for n in range(45))
    )
    spans = [*room, *await asyncio.gather(*news)]
    assert max(span.start - span.asked for span in room) < 1.5
    assert most_in_any_second(spans, holding_bulk=True) <= 30
    # Only the turns worker zero had already claimed went while a reply waited.
    went = {n for n in spans[45:] for r in room if r.asked + 0.005 < n.start < r.start}
    assert len(went) <= AHEAD
    for allowance in allowances:
        await allowance.close()


async def test_a_chat_another_worker_was_told_to_wait_for_gets_its_wait_back(
    three_workers: list[Store],
) -> None:
    one, two, _ = three_workers
    await one.hold_chat(42, 3.0)  # Telegram answered worker one with a 429 for chat 42
    allowance = Allowance()
    allowance.share(two)
    for kind in (Kind.REPLY, Kind.BULK):
        with pytest.raises(ChatHeld) as held:
            await allowance.take(Priority.REPLY, 42, kind)
        assert 2.5 < held.value.seconds <= 3.0
        allowance.done(await allowance.take(Priority.REPLY, 43, kind))
        allowance.done(await allowance.take(Priority.REPLY, None, kind))  # about no chat
    await allowance.close()
