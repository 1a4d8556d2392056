"""Sending a durable queue in bulk: one sender at a time, a steady stream, each item once.

The news, the theme polls and the live deliveries are each a table of what is still to go,
and each is an :class:`Outbox`: it says only how to read what is queued, how to send one
item and how to mark it. The outbox does the rest, the same for every queue: one sender per
process, one worker per database (the job's lease, bot/runtime/leases.py, asked before each
read), up to ``IN_FLIGHT`` sends under way at once, taken as bulk by the rate limiter (which
waits out a 429 for that chat and tries a 5xx again itself), and each item marked straight
after Telegram answers, by how it went (bot/runtime/retry.py):

- SENT: Telegram took it; marked, and never sent again.
- PERHAPS: Telegram may have it but its answer was lost (a timeout, a connection cut after
  sending); marked as perhaps sent, and never sent again: a repeat is the worse mistake.
- NEVER: the person blocked brewbot (403), or Telegram refused it (400); marked, and not
  tried again.
- LATER: Telegram's own failure outlasted the rate limiter's tries (a 5xx, no connection, a
  429 that still says wait). It stays queued, nothing more is started, what is under way
  finishes and is marked, and the job runs again after a growing wait (1 s, doubling to 30).

The one gap Telegram leaves: if brewbot dies after Telegram took an item but before it was
marked, that one item goes again after the restart. Marking first would lose it instead.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

from telegram import Message
from telegram.error import TelegramError

from bot.runtime.leases import JobLease, look_again_soon, shared_job
from bot.runtime.ratelimit import Priority, sending_as
from bot.runtime.retry import Delivery, Job, again_soon, delivery_after, went_well
from bot.services import App, BrewContext, Services, require_job_queue

log = logging.getLogger(__name__)

SendQueued = Callable[[BrewContext, Services, JobLease], Awaitable[tuple[int, bool]]]
IN_FLIGHT = 32  # bulk sends under way at once: enough to keep the allowance busy, no more
BATCH = 50  # queued items read at once
LOOK_AGAIN = timedelta(minutes=5)  # how often a queue is looked at without being asked
Item = TypeVar("Item")


@dataclass(frozen=True)
class Sent:
    """How one queued item's send went, with the message Telegram gave back for it (the last
    one, if the item took several; None if none surely went)."""

    how: Delivery
    message: Message | None = None

    @property
    def perhaps(self) -> bool:
        """Telegram may have it: mark it as perhaps sent, and never send it again."""
        return self.how is Delivery.PERHAPS


async def sent(call: Awaitable[Message], what: str) -> Sent:
    """Make one bulk send and say how it went (``what`` names it in the log)."""
    try:
        message = await call
    except TelegramError as error:
        return Sent(delivery_after(error, what))
    return Sent(Delivery.SENT, message)


class Outbox(ABC, Generic[Item]):
    """A durable queue, sent as bulk, each item once: a queue says what it is called (its
    job, lease and retries), what it sends (for the log) and how many seconds after start-up
    it first looks, and gives the three things that differ: :meth:`fetch`, :meth:`send` and
    :meth:`mark`. The rest (turns, leases, the stream, pacing, what each outcome means, the
    retries, waking up) is the same for all.
    """

    name: str
    what: str
    first: float

    @abstractmethod
    async def fetch(self, services: Services, after: Item | None) -> Sequence[Item]:
        """Up to ``BATCH`` items still to go, oldest first, queued after ``after`` (None: from
        the start)."""

    @abstractmethod
    async def send(self, context: BrewContext, services: Services, item: Item) -> Sent:
        """Send one item (most often ``return await sent(context.bot.send_message(...))``)."""

    @abstractmethod
    async def mark(self, services: Services, item: Item, went: Sent) -> None:
        """Keep, durably, that an item went, perhaps went or never can (never asked for one
        that is to wait: it stays queued)."""

    async def run(self, context: BrewContext) -> int:
        """Send everything queued, as bulk, in turn with other workers; return how many
        Telegram took."""
        return await send_in_turn(context, self.run, self.name, self.send_queued, self.what)

    def start_sending(self, app: App) -> None:
        """Send what is queued now, in the background."""
        require_job_queue(app).run_once(self.run, when=0, name=f"{self.name}-now")

    def schedule(self, app: App) -> None:
        """Send what was left queued at start-up, then look again now and then."""
        require_job_queue(app).run_repeating(
            self.run, interval=LOOK_AGAIN, first=self.first, name=self.name
        )

    async def send_queued(
        self, context: BrewContext, services: Services, lease: JobLease
    ) -> tuple[int, bool]:
        """Send the queue as one stream until none is left or the job's lease is lost; say
        how many Telegram took and whether it stopped us."""
        return await send_streamed(
            lease,
            lambda after: self.fetch(services, after),
            lambda item: self._send_and_mark(context, services, item),
        )

    async def _send_and_mark(
        self, context: BrewContext, services: Services, item: Item
    ) -> int | None:
        """Send one item and mark how it went; 1 if Telegram took it, None if it is to wait."""
        went = await self.send(context, services, item)
        if went.how is Delivery.LATER:
            return None
        await self.mark(services, item, went)
        return int(went.how is Delivery.SENT)


async def send_streamed(
    lease: JobLease,
    fetch: Callable[[Item | None], Awaitable[Sequence[Item]]],
    send: Callable[[Item], Coroutine[Any, Any, int | None]],
) -> tuple[int, bool]:
    """Send what ``fetch(after)`` finds queued (oldest first, after the item ``after``) as
    one steady stream; say how many went and whether Telegram stopped it.

    Up to ``IN_FLIGHT`` go at once, side by side, so one person's busy chat holds up no one
    else, and more are fetched while half are still under way: the bot's allowance of 30
    a second never waits on the database between batches, as it did when each batch of 50
    had to finish before the next was read. ``send`` gives how many messages went, or None
    for one that must wait (Telegram's bad moment): then nothing more is started, what is
    under way finishes, and the job is run again soon. The lease is asked before each fetch.
    """
    sent, stuck, more = 0, False, True
    after: Item | None = None
    queued: deque[Item] = deque()
    going: set[asyncio.Task[int | None]] = set()
    try:
        while True:
            if more and not stuck and len(queued) < IN_FLIGHT // 2:
                found = await fetch(after) if await lease.still_mine() else []
                queued.extend(found)
                after = found[-1] if found else after
                more = bool(found)
            while queued and not stuck and len(going) < IN_FLIGHT:
                going.add(asyncio.create_task(send(queued.popleft())))
            if not going:
                return sent, stuck
            done, going = await asyncio.wait(going, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                went = task.result()
                stuck = stuck or went is None
                sent += went or 0
    except asyncio.CancelledError:  # brewbot is stopping: the rest stays queued
        for task in going:
            task.cancel()
        raise
    finally:  # after a failure, what is under way still finishes and is marked
        await asyncio.gather(*going, return_exceptions=True)


@dataclass
class _Sending:
    """One sender at a time; a request that arrives meanwhile makes it look again."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wanted: bool = False


async def send_in_turn(
    context: BrewContext, job: Job, name: str, send_queued: SendQueued, what: str
) -> int:
    """Run a bulk sender's ``send_queued`` until nothing is left; return how many went.

    One sender at a time in this process, and one worker at a time on the database (the
    ``name`` job's lease). A request while it sends makes it look again; one that finds
    another worker sending looks again soon, in case that worker finished before this was
    queued or died. ``send_queued`` asks the lease between batches and stops once it is
    lost. If Telegram stops it, it carries on after a growing wait.
    """
    sending: _Sending = context.application.bot_data.setdefault(f"brewbot.{name}", _Sending())
    sending.wanted = True
    if sending.lock.locked():
        return 0
    sent = 0
    services = context.services
    async with sending.lock, shared_job(services, name) as lease:
        if not lease.mine:
            look_again_soon(context, job, name, lease)
            return 0
        while sending.wanted:
            sending.wanted = False
            with sending_as(Priority.BULK):
                done, stuck = await send_queued(context, services, lease)
            sent += done
            if not lease.mine:  # whoever holds it now sends the rest; look again soon
                look_again_soon(context, job, name, lease)
                break
            if stuck:
                wait = again_soon(context.application, job, name)
                log.warning("Sending %s paused after a problem; carrying on in %.0fs", what, wait)
                break
            went_well(context.application, name)
    return sent
