"""A job that several workers on one database share runs in one of them at a time.

Each run takes the job's lease in the database (storage/leases.py) and lets it go when done;
a worker killed mid-run holds it only until it runs out, and then another carries on from
what the database records as done. On one machine with SQLite the lease is always free, and
costs one small write a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.jobs.again import Job, again_soon, went_well
from bot.ratelimit import Priority, sending_as
from bot.services import BrewContext, Services
from storage.errors import StorageError

log = logging.getLogger(__name__)

# Longer than any one run (a digest, a batch of news, a round of reminders) should take.
LEASE = timedelta(minutes=15)


@contextlib.asynccontextmanager
async def shared_job(services: Services, job: str) -> AsyncIterator[bool]:
    """Take the job's lease for the run; yield whether this worker has it."""
    mine = await services.store.take_job(job, lasting=LEASE)
    try:
        yield mine
    finally:
        if mine:
            try:
                await services.store.release_job(job)
            except StorageError:  # it runs out by itself
                log.warning("Could not let the %s job go; its lease runs out by itself", job)


SendQueued = Callable[[BrewContext, Services], Awaitable[tuple[int, bool]]]


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
    queued. If Telegram stops it, it carries on after a growing wait.
    """
    sending: _Sending = context.application.bot_data.setdefault(f"brewbot.{name}", _Sending())
    sending.wanted = True
    if sending.lock.locked():
        return 0
    sent = 0
    services = context.services
    async with sending.lock, shared_job(services, name) as mine:
        if not mine:
            again_soon(context.application, job, name)
            return 0
        while sending.wanted:
            sending.wanted = False
            with sending_as(Priority.BULK):
                done, stuck = await send_queued(context, services)
            sent += done
            if stuck:
                wait = again_soon(context.application, job, name)
                log.warning("Sending %s paused after a problem; carrying on in %.0fs", what, wait)
                break
            went_well(context.application, name)
    return sent
