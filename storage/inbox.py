"""The inbox: every fetched update is kept before Telegram is told it arrived.

Polling confirms updates to Telegram as soon as they are in this table, so a
crash can lose nothing that was fetched. An update leaves the inbox in the same
transaction that records it as handled, so it is handled once. Payloads are
scrubbed by the caller of names, usernames and phone numbers before they come here.

Several workers on one database share the inbox by chat: a worker claims a chat (a lease
in ``chat_leases``, taken by one conditional upsert), handles its waiting updates oldest
first, and lets it go; so one chat is in one worker's hands at a time, in order, and a
killed worker's chats pass to another once its lease runs out. On PostgreSQL the claim
locks the rows it looks at with FOR UPDATE SKIP LOCKED, so workers claiming together take
different chats instead of queueing behind each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from storage.base import StoreBase
from storage.sql import Connection, fetch_all, fetch_one, run, run_many, skip_locked
from storage.steps import mark_all_handled_in
from storage.times import iso

# Chats with updates waiting and no live lease, oldest update first (a chat may repeat).
CLAIMABLE = (
    "SELECT i.chat_key FROM inbox AS i WHERE NOT EXISTS (SELECT 1 FROM chat_leases AS l"
    " WHERE l.chat_key = i.chat_key AND l.expires_at >= ?) ORDER BY i.update_id LIMIT ?"
)
TAKE_CHAT = (
    "INSERT INTO chat_leases (chat_key, holder, expires_at) VALUES (?, ?, ?)"
    " ON CONFLICT (chat_key) DO UPDATE SET holder = excluded.holder,"
    " expires_at = excluded.expires_at WHERE chat_leases.expires_at < ?"
    " RETURNING chat_key"
)


@dataclass(frozen=True)
class Claimed:
    """The chats a worker has just claimed, and how many updates wait in the whole inbox."""

    chats: list[int]
    waiting: int


@dataclass(frozen=True)
class Kept:
    """One update waiting in the inbox: its id, the chat it belongs to, and its JSON;
    ``urgent``: its words suggest someone may be at risk, so help for it goes ahead of the
    queue (claimed as it is kept: see ``StepStore.claim_help``)."""

    update_id: int
    chat_key: int
    payload: str
    urgent: bool = False


class InboxStore(StoreBase):
    """Keep fetched updates until they are handled."""

    async def keep_updates(self, updates: Sequence[Kept]) -> list[Kept]:
        """Keep a fetched batch in one transaction; return those new to brewbot, in order.

        An update already waiting, or already handled (Telegram sent it again), is not
        kept twice. Sending help for a new urgent one is claimed in the same transaction,
        for the worker that keeps it (it sends help at once; the handler, later, does not).
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
                if added and kept.urgent:
                    await run(
                        db,
                        "INSERT INTO help_sent (update_id, sent_at) VALUES (?, ?)"
                        " ON CONFLICT (update_id) DO NOTHING",
                        (kept.update_id, now),
                    )
            return fresh

        return await self._write(work)

    async def waiting_updates(self) -> list[Kept]:
        """Return every update kept but not yet handled, oldest first (after a restart)."""
        found = await self._all("SELECT update_id, chat_key, payload FROM inbox ORDER BY update_id")
        return [Kept(int(r["update_id"]), int(r["chat_key"]), str(r["payload"])) for r in found]

    async def count_waiting(self) -> int:
        """Return how many kept updates wait to be handled (for a health check)."""
        found = await self._one("SELECT COUNT(*) AS waiting FROM inbox")
        return int(found["waiting"]) if found is not None else 0

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

    async def claim_chats(self, *, lasting: timedelta, limit: int) -> Claimed:
        """Claim up to ``limit`` chats with waiting updates that no worker holds (or whose
        worker's lease ran out), for ``lasting``; the caller handles each, then releases it."""
        now = self.lease_clock()
        stamp, until = iso(now), iso(now + lasting)

        async def work(db: Connection) -> Claimed:
            count = await fetch_one(db, "SELECT COUNT(*) FROM inbox")
            waiting = int(count[0]) if count is not None else 0
            if not waiting or limit <= 0:
                return Claimed([], waiting)
            found = await fetch_all(db, CLAIMABLE + skip_locked(db), (stamp, limit * 4))
            chats: list[int] = []
            for key in dict.fromkeys(int(row[0]) for row in found):
                if len(chats) == limit:
                    break
                if await fetch_one(db, TAKE_CHAT, (key, self.holder, until, stamp)) is not None:
                    chats.append(key)
            return Claimed(chats, waiting)

        return await self._write(work)

    async def chat_updates(self, chat_key: int) -> list[Kept]:
        """Return one chat's waiting updates, oldest first."""
        found = await self._all(
            "SELECT update_id, chat_key, payload FROM inbox WHERE chat_key = ? ORDER BY update_id",
            (chat_key,),
        )
        return [Kept(int(r["update_id"]), int(r["chat_key"]), str(r["payload"])) for r in found]

    async def chats_waiting(self, chat_keys: Sequence[int]) -> set[int]:
        """Say which of these chats have updates waiting."""
        found: set[int] = set()
        for start in range(0, len(chat_keys), 500):
            batch = list(chat_keys[start : start + 500])
            marks = ", ".join("?" for _ in batch)
            rows = await self._all(
                f"SELECT DISTINCT chat_key FROM inbox WHERE chat_key IN ({marks})", batch
            )
            found.update(int(row[0]) for row in rows)
        return found

    async def renew_chats(self, *, lasting: timedelta) -> int:
        """Extend every chat lease this worker holds; return how many it still holds."""
        until = iso(self.lease_clock() + lasting)
        return await self._write(
            lambda db: run(
                db, "UPDATE chat_leases SET expires_at = ? WHERE holder = ?", (until, self.holder)
            )
        )

    async def holds_chat(self, chat_key: int) -> bool:
        """Say whether this worker still holds a chat's lease (it may have run out and passed
        to another worker)."""
        row = await self._one(
            "SELECT 1 FROM chat_leases WHERE chat_key = ? AND holder = ? AND expires_at >= ?",
            (chat_key, self.holder, iso(self.lease_clock())),
        )
        return row is not None

    async def release_chat(self, chat_key: int) -> None:
        """Let a chat go (its lease row is deleted, so no chat id stays behind)."""
        await self._write(
            lambda db: run(
                db,
                "DELETE FROM chat_leases WHERE chat_key = ? AND holder = ?",
                (chat_key, self.holder),
            )
        )
