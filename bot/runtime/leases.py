"""A job that several workers on one database share runs in one of them at a time.

Each run takes the job's lease in the database (storage/leases.py), renews it every third of
its length while it runs, and lets it go when done. A worker killed mid-run (SIGKILL, out of
memory, its machine gone) stops renewing, so it holds the job only until its short lease
runs out (``BREWBOT_JOB_LEASE_SECONDS``, a minute); then another worker, which looks again
soon while the job is held, carries on from what the database records as done. A live worker
keeps a long run (a big digest) however long it takes. A run whose lease was lost (its worker
stalled past the lease, and the job may be in another's hands) stops at its next check
(``JobLease.still_mine``, between batches) rather than send alongside the new holder. On
one machine with SQLite the lease is always free, and costs a small write a run and one
every third of its length.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from typing import Any, TypeVar

from bot.runtime.ratelimit import Priority, sending_as
from bot.runtime.retry import Job, again_soon, went_well
from bot.services import BrewContext, Services
from bot.settings import JOB_LEASE_SECONDS
from storage.errors import StorageError
from storage.leases import LeaseStore

log = logging.getLogger(__name__)


# How long a killed worker holds a job (the setting's default); a run renews it as it goes.
LEASE = timedelta(seconds=JOB_LEASE_SECONDS)


class JobLease:
    """One run's hold on a shared job: taken on entering, renewed every third of ``lasting``
    while the run lasts, let go on leaving. ``mine`` says whether the run has it."""

    def __init__(self, store: LeaseStore, job: str, lasting: timedelta = LEASE) -> None:
        self.store, self.job, self.lasting = store, job, lasting
        self.mine = False
        # When the last renewal that held was asked for, by the store's lease clock (the wall
        # clock, unless a test moves it): the lease's end in the database is written by that
        # clock too, and the wall clock moves on while a machine is paused, as the monotonic
        # clock may not.
        self._renewed = 0.0
        self._keeping: asyncio.Task[None] | None = None

    @property
    def every(self) -> float:
        """Seconds between renewals: a third of the lease, so one missed turn loses nothing."""
        return self.lasting.total_seconds() / 3

    async def still_mine(self) -> bool:
        """Say whether the run may go on; ask the database if the renewals have fallen behind
        (the worker was stalled), and say no once the lease may have run out."""
        if self.mine and self._now() - self._renewed > 2 * self.every:
            await self._renew()
        if self.mine and self._now() - self._renewed >= self.lasting.total_seconds():
            self._lose("could not be renewed in time")
        return self.mine

    def _now(self) -> float:
        return self.store.lease_clock().timestamp()

    async def __aenter__(self) -> JobLease:
        asked = self._now()
        self.mine = await self.store.take_job(self.job, lasting=self.lasting)
        if self.mine:
            self._renewed = asked
            self._keeping = asyncio.create_task(self._keep(), name=f"lease-{self.job}")
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._keeping is None:
            return
        self._keeping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._keeping
        try:
            await self.store.release_job(self.job)  # only if this worker still holds it
        except StorageError:  # it runs out by itself
            log.warning("Could not let the %s job go; its lease runs out by itself", self.job)

    async def _keep(self) -> None:
        """Renew the lease every third of its length until the run ends or loses it."""
        while self.mine:
            await asyncio.sleep(self.every)
            await self._renew()

    async def _renew(self) -> None:
        asked = self._now()
        try:
            kept = await self.store.renew_job(self.job, lasting=self.lasting)
        except StorageError:  # the next turn tries again; still_mine stops the run in time
            log.warning("Could not renew the %s job's lease; trying again", self.job)
            return
        if kept:
            self._renewed = asked
        else:
            self._lose("ran out or went to another worker")

    def _lose(self, why: str) -> None:
        if self.mine:
            log.warning("The %s job's lease %s; this run stops at its next check", self.job, why)
        self.mine = False


def shared_job(services: Services, job: str) -> JobLease:
    """The job's lease for one run, as long as the settings say: ``async with`` it, and go
    on only while it is ``mine``."""
    return JobLease(services.store, job, services.settings.job_lease)


def look_again_soon(context: BrewContext, job: Job, name: str, lease: JobLease) -> float:
    """Run ``job`` again soon because another worker holds it (or took it over): often
    enough that a dead holder's job is carried on about one lease length after it died."""
    return again_soon(context.application, job, name, at_most=lease.every)


SendQueued = Callable[[BrewContext, Services, JobLease], Awaitable[tuple[int, bool]]]
IN_FLIGHT = 32  # bulk sends under way at once: enough to keep the allowance busy, no more
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
