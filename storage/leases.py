"""Jobs shared by several workers on one database: each runs in one worker at a time.

A lease is taken with one conditional upsert, atomic on SQLite and on PostgreSQL alike: it
goes to the caller when nobody holds it, when the holder's time has run out (a killed
worker), or when the caller already holds it. A run keeps it with ``renew_job``, which only
extends a lease the caller still holds and has not let run out: a worker that stalled past
its time learns it has lost the job, even if nobody has taken it yet.
"""

from __future__ import annotations

from datetime import timedelta

from storage.base import StoreBase
from storage.sql import Connection, fetch_one, run
from storage.times import iso

TAKE_JOB = (
    "INSERT INTO job_leases (job, holder, expires_at) VALUES (?, ?, ?)"
    " ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
    " WHERE job_leases.holder = excluded.holder OR job_leases.expires_at < ?"
    " RETURNING holder"
)
RENEW_JOB = (
    "UPDATE job_leases SET expires_at = ? WHERE job = ? AND holder = ? AND expires_at >= ?"
    " RETURNING holder"
)


class LeaseStore(StoreBase):
    """Leases on jobs (the weekly digest, news, nudges) shared by workers."""

    async def take_job(self, job: str, *, lasting: timedelta) -> bool:
        """Take (or renew) the lease on a job for ``lasting``; False if another worker has it."""
        now = self.lease_clock()
        params = (job, self.holder, iso(now + lasting), iso(now))
        row = await self._write(lambda db: fetch_one(db, TAKE_JOB, params))
        return row is not None

    async def renew_job(self, job: str, *, lasting: timedelta) -> bool:
        """Hold a job this worker holds for ``lasting`` more; False if its lease ran out or
        another worker has it now (then this worker's run must stop)."""
        now = self.lease_clock()
        params = (iso(now + lasting), job, self.holder, iso(now))
        row = await self._write(lambda db: fetch_one(db, RENEW_JOB, params))
        return row is not None

    async def release_job(self, job: str) -> None:
        """Let a job go at once, if this worker holds it."""
        await self._write(
            lambda db: run(
                db, "DELETE FROM job_leases WHERE job = ? AND holder = ?", (job, self.holder)
            )
        )

    async def forget_leases(self) -> None:
        """Let go of every job's and chat's lease, whoever held it (for a worker that knows it
        is the only one, starting up: what is held was held by a process now gone)."""

        async def work(db: Connection) -> None:
            await run(db, "DELETE FROM job_leases")
            await run(db, "DELETE FROM chat_leases")

        await self._write(work)

    async def job_holder(self, job: str) -> str | None:
        """Say which worker holds a job's lease now, if any."""
        row = await self._one(
            "SELECT holder FROM job_leases WHERE job = ? AND expires_at >= ?",
            (job, iso(self.lease_clock())),
        )
        return None if row is None else str(row["holder"])
