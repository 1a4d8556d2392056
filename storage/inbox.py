"""The inbox: every fetched update is kept before Telegram is told it arrived.

Polling confirms updates to Telegram as soon as they are in this table, so a
crash can lose nothing that was fetched. An update leaves the inbox in the same
transaction that records it as handled, so it is handled once. Payloads are
scrubbed by the caller of names, usernames and phone numbers before they come here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.base import StoreBase
from storage.sql import Connection, run, run_many
from storage.steps import mark_all_handled_in


@dataclass(frozen=True)
class Kept:
    """One update waiting in the inbox: its id, the chat it belongs to, and its JSON."""

    update_id: int
    chat_key: int
    payload: str


class InboxStore(StoreBase):
    """Keep fetched updates until they are handled."""

    async def keep_updates(self, updates: Sequence[Kept]) -> list[Kept]:
        """Keep a fetched batch in one transaction; return those new to brewbot, in order.

        An update already waiting, or already handled (Telegram sent it again), is not
        kept twice.
        """
        now = self._stamp()

        async def work(db: Connection) -> list[Kept]:
            fresh: list[Kept] = []
            for kept in updates:
                added = await run(
                    db,
                    "INSERT INTO inbox (update_id, chat_key, payload, received_at)"
                    " SELECT ?, ?, ?, ? WHERE NOT EXISTS"
                    " (SELECT 1 FROM handled_updates WHERE update_id = ?)"
                    " ON CONFLICT (update_id) DO NOTHING",
                    (kept.update_id, kept.chat_key, kept.payload, now, kept.update_id),
                )
                if added:
                    fresh.append(kept)
            return fresh

        return await self._write(work)

    async def waiting_updates(self) -> list[Kept]:
        """Return every update kept but not yet handled, oldest first (after a restart)."""
        found = await self._all("SELECT update_id, chat_key, payload FROM inbox ORDER BY update_id")
        return [Kept(int(r["update_id"]), int(r["chat_key"]), str(r["payload"])) for r in found]

    async def finish_updates(self, update_ids: Sequence[int]) -> None:
        """Take handled updates out of the inbox and record them as handled, in one transaction.

        The inbox finishes updates in groups: under a crowd, one commit serves many.
        """
        now = self._stamp()

        async def work(db: Connection) -> None:
            await mark_all_handled_in(db, update_ids, now)
            await run_many(
                db,
                "DELETE FROM inbox WHERE update_id = ?",
                [(update_id,) for update_id in update_ids],
            )

        await self._write(work)
