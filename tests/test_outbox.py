"""One durable outbox for every bulk queue (bot/jobs/bulk.py): a fourth queue is a few lines,
and gets the rest as the news, the theme polls and the live deliveries do: each item once,
paced, marked by how it went, and carried on soon after Telegram's bad moment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.jobs.bulk import BATCH, Outbox, Sent, sent
from bot.runtime.retry import Delivery, delivery_after
from bot.services import BrewContext, Services
from standin.faults import FaultPlan
from tests.running import Running

PEOPLE = [875001, 875002, 875003, 875004, 875005]


@dataclass(frozen=True)
class Postcard:
    id: int
    chat_id: int
    text: str


class Postcards(Outbox[Postcard]):
    """A fourth queue: postcards kept in a list, each marked by how it went."""

    name, what, first = "postcards", "postcards", 600

    def __init__(self, cards: Sequence[Postcard]) -> None:
        self.cards, self.marks = list(cards), dict[int, Delivery]()

    async def fetch(self, services: Services, after: Postcard | None) -> Sequence[Postcard]:
        start = after.id if after else 0
        return [c for c in self.cards if c.id > start and c.id not in self.marks][:BATCH]

    async def send(self, context: BrewContext, services: Services, item: Postcard) -> Sent:
        return await sent(context.bot.send_message(item.chat_id, item.text), "A postcard")

    async def mark(self, services: Services, item: Postcard, went: Sent) -> None:
        self.marks[item.id] = went.how


def _postcards(brewbot: Running, count: int = len(PEOPLE)) -> Postcards:
    for chat in PEOPLE:
        brewbot.standin.world.private_chat(chat)  # they have talked to brewbot
    return Postcards(
        [Postcard(n, PEOPLE[n % len(PEOPLE)], f"Postcard {n}") for n in range(1, count + 1)]
    )


def _got(brewbot: Running, chat: int) -> list[str]:
    return [t for t in brewbot.texts(chat) if t.startswith("Postcard")]


def _sent_ok(brewbot: Running) -> int:
    return sum(1 for c in brewbot.standin.calls_to("sendMessage") if c.ok)


async def test_a_fourth_queue_sends_each_item_once_and_marks_it(brewbot: Running) -> None:
    brewbot.standin.world.blocked.add(PEOPLE[1])
    postcards = _postcards(brewbot, 2 * BATCH + 3)  # more than one read, and than IN_FLIGHT
    await brewbot.run_job(postcards.run)
    marks = [postcards.marks.get(card.id) for card in postcards.cards]
    blocked = [card.chat_id == PEOPLE[1] for card in postcards.cards]
    assert marks == [Delivery.NEVER if b else Delivery.SENT for b in blocked]
    assert _got(brewbot, PEOPLE[0]) == [f"Postcard {n}" for n in range(5, 2 * BATCH + 4, 5)]
    tried = _sent_ok(brewbot)
    await brewbot.run_job(postcards.run)  # everything is marked: nothing goes again
    assert _sent_ok(brewbot) == tried
    blocked_tries = [c for c in brewbot.standin.calls_to("sendMessage") if c.chat_id == PEOPLE[1]]
    assert [c.status for c in blocked_tries] == [403] * sum(blocked)
    assert brewbot.standin.busiest_second() <= 30  # taken as bulk: within the allowance


async def test_telegram_failing_leaves_the_rest_queued_and_it_carries_on_soon(
    brewbot: Running,
) -> None:
    postcards = _postcards(brewbot)
    brewbot.standin.fail_next("sendMessage", status=500, times=100_000)
    await brewbot.run_job(postcards.run)
    assert postcards.marks == {}, "a send Telegram failed stays queued"
    brewbot.standin.faults = FaultPlan()
    # Not run again by hand: the outbox asked to be run again after a second or so.
    await brewbot.standin.wait_for(lambda: len(postcards.marks) == len(PEOPLE), timeout=10)
    await brewbot.standin.wait_idle()
    assert set(postcards.marks.values()) == {Delivery.SENT}
    assert [len(_got(brewbot, chat)) for chat in PEOPLE] == [1] * len(PEOPLE)


async def test_a_send_whose_answer_was_lost_is_marked_perhaps_and_not_repeated(
    brewbot: Running,
) -> None:
    postcards = _postcards(brewbot, 1)
    brewbot.standin.drop_next("sendMessage", after_effect=True)  # done, then the line cut
    await brewbot.run_job(postcards.run)
    assert postcards.marks == {1: Delivery.PERHAPS}
    await brewbot.run_job(postcards.run)
    assert _got(brewbot, PEOPLE[1]) == ["Postcard 1"]


def test_how_a_failed_send_went() -> None:
    cut = NetworkError("Server disconnected")
    cut.__cause__ = httpx.RemoteProtocolError("Server disconnected")
    timed_out = TimedOut()
    timed_out.__cause__ = httpx.ReadTimeout("too slow")
    refused = NetworkError("All connection attempts failed")
    refused.__cause__ = httpx.ConnectError("refused")
    outcomes = {
        "blocked": delivery_after(Forbidden("Forbidden: bot was blocked by the user"), "A"),
        "refused by Telegram": delivery_after(BadRequest("Bad Request: chat not found"), "A"),
        "cut after sending": delivery_after(cut, "A"),
        "timed out": delivery_after(timed_out, "A"),
        "never connected": delivery_after(refused, "A"),
        "a 5xx": delivery_after(NetworkError("Internal Server Error"), "A"),
        "a 429 that still says wait": delivery_after(RetryAfter(5), "A"),
    }
    assert outcomes == {
        "blocked": Delivery.NEVER,
        "refused by Telegram": Delivery.NEVER,
        "cut after sending": Delivery.PERHAPS,
        "timed out": Delivery.PERHAPS,
        "never connected": Delivery.LATER,
        "a 5xx": Delivery.LATER,
        "a 429 that still says wait": Delivery.LATER,
    }
    assert Sent(Delivery.PERHAPS).perhaps and not Sent(Delivery.SENT).perhaps
