"""A job that several workers on one database share runs in one of them at a time.

Each run takes the job's lease in the database (storage/leases.py) and lets it go when done;
a worker killed mid-run holds it only until it runs out, and then another carries on from
what the database records as done. On one machine with SQLite the lease is always free, and
costs one small write a run.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from bot.services import Services
from storage.errors import StorageError

log = logging.getLogger(__name__)

# Longer than any one run (a digest, a batch of news, a round of reminders) should take.
LEASE = timedelta(minutes=15)


@contextlib.asynccontextmanager
async def shared_job(found: Services, job: str) -> AsyncIterator[bool]:
    """Take the job's lease for the run; yield whether this worker has it."""
    mine = await found.store.take_job(job, lasting=LEASE)
    try:
        yield mine
    finally:
        if mine:
            try:
                await found.store.release_job(job)
            except StorageError:  # it runs out by itself
                log.warning("Could not let the %s job go; its lease runs out by itself", job)
