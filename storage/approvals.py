"""Co-producers' check of each brew's summary: waiting, approved, or needing a change."""

from __future__ import annotations

from collections.abc import Iterable

from storage.base import StoreBase
from storage.sql import Connection, fetch_all, fetch_one, run

WAITING, APPROVED, CHANGE = "waiting", "approved", "change"


class ApprovalStore(StoreBase):
    """Where each brew's summary stands with the co-producers."""

    async def summary_status(self, brew_id: int) -> str | None:
        """Return 'waiting', 'approved' or 'change'; None if the summary was never sent."""
        row = await self._one("SELECT status FROM summary_approvals WHERE brew_id = ?", (brew_id,))
        return None if row is None else str(row["status"])

    async def summary_statuses(self, brew_ids: Iterable[int]) -> dict[int, str]:
        """Return the status of each of these brews' summaries that was sent."""
        wanted = sorted(set(brew_ids))

        async def work(db: Connection) -> dict[int, str]:
            found: dict[int, str] = {}
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                for row in await fetch_all(
                    db,
                    f"SELECT brew_id, status FROM summary_approvals WHERE brew_id IN ({marks})",
                    batch,
                ):
                    found[int(row["brew_id"])] = str(row["status"])
            return found

        return await self._read(work)

    async def approved_brews(self, brew_ids: Iterable[int]) -> set[int]:
        """Return those of these brews whose summary the co-producers approved."""
        statuses = await self.summary_statuses(brew_ids)
        return {brew for brew, status in statuses.items() if status == APPROVED}

    async def summary_sent(self, brew_id: int) -> None:
        """Record that a brew's draft summary went to the co-producers (again, after a change)."""
        now = self._stamp()
        await self._write(
            lambda db: run(
                db,
                "INSERT INTO summary_approvals (brew_id, status, sent_at) VALUES (?, ?, ?)"
                " ON CONFLICT (brew_id) DO UPDATE SET status = excluded.status,"
                " sent_at = excluded.sent_at, decided_at = NULL",
                (brew_id, WAITING, now),
            )
        )

    async def decide_summary(self, brew_id: int, *, approved: bool) -> bool:
        """Keep the co-producers' decision on a summary they were sent; False if it was never
        sent or already stood so (a second tap)."""
        status, now = (APPROVED if approved else CHANGE), self._stamp()

        async def work(db: Connection) -> bool:
            row = await fetch_one(
                db, "SELECT status FROM summary_approvals WHERE brew_id = ?", (brew_id,)
            )
            if row is None or str(row["status"]) == status:
                return False
            await run(
                db,
                "UPDATE summary_approvals SET status = ?, decided_at = ? WHERE brew_id = ?",
                (status, now, brew_id),
            )
            return True

        return await self._write(work)
