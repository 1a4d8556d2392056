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
from datetime import timedelta
from types import TracebackType

from bot.runtime.retry import Job, again_soon
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
