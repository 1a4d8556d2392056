"""Sending a durable queue in bulk: one sender at a time, a steady stream, each item once.

The news, the theme polls and the live deliveries are each a table of what is still to go.
Their jobs send it through here: one sender per process, one worker per database (the job's
lease, bot/runtime/leases.py), up to ``IN_FLIGHT`` sends under way at once, taken as bulk by
the rate limiter, and, when Telegram has a bad moment, again after a growing wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bot.runtime.leases import JobLease, look_again_soon, shared_job
from bot.runtime.ratelimit import Priority, sending_as
from bot.runtime.retry import Job, again_soon, went_well
from bot.services import App, BrewContext, Services, require_job_queue

log = logging.getLogger(__name__)

SendQueued = Callable[[BrewContext, Services, JobLease], Awaitable[tuple[int, bool]]]
IN_FLIGHT = 32  # bulk sends under way at once: enough to keep the allowance busy, no more
BATCH = 50  # queued items read at once
LOOK_AGAIN = timedelta(minutes=5)  # how often a queue is looked at without being asked
Item = TypeVar("Item")


async def send_streamed(
    lease: JobLease,
    fetch: Callable[[int], Awaitable[Sequence[Item]]],
    send: Callable[[Item], Coroutine[Any, Any, int | None]],
    key: Callable[[Item], int],
) -> tuple[int, bool]:
    """Send what ``fetch(after)`` finds queued (oldest first, after the item keyed ``after``)
    as one steady stream; say how many went and whether Telegram stopped it.

    Up to ``IN_FLIGHT`` go at once, side by side, so one person's busy chat holds up no one
    else, and more are fetched while half are still under way: the bot's allowance of 30
    a second never waits on the database between batches, as it did when each batch of 50
    had to finish before the next was read. ``send`` gives how many messages went, or None
    for one that must wait (Telegram's bad moment): then nothing more is started, what is
    under way finishes, and the job is run again soon. The lease is asked before each fetch.
    """
    sent, after, stuck, more = 0, 0, False, True
    queued: deque[Item] = deque()
    going: set[asyncio.Task[int | None]] = set()
    try:
        while True:
            if more and not stuck and len(queued) < IN_FLIGHT // 2:
                found = await fetch(after) if await lease.still_mine() else []
                queued.extend(found)
                after = key(found[-1]) if found else after
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


@dataclass(frozen=True)
class BulkJob:
    """A durable queue's sending job: its name (the job, its lease, its retries), what it
    sends (for the log), how it sends what is queued, and how many seconds after start-up it
    first looks."""

    name: str
    what: str
    send_queued: SendQueued
    first: float

    async def send(self, context: BrewContext) -> int:
        """Send everything queued, as bulk, in turn with other workers; return how many went."""
        return await send_in_turn(context, self.send, self.name, self.send_queued, self.what)

    def start_sending(self, app: App) -> None:
        """Send what is queued now, in the background."""
        require_job_queue(app).run_once(self.send, when=0, name=f"{self.name}-now")

    def schedule(self, app: App) -> None:
        """Send what was left queued at start-up, then look again now and then."""
        require_job_queue(app).run_repeating(
            self.send, interval=LOOK_AGAIN, first=self.first, name=self.name
        )
