"""Telegram's limits kept in the database, for every worker of one bot: the bot's sends a
second, and how long Telegram asked to wait before sending to a chat again.

Times here are the database's own clock, in seconds since 1970 (never a worker's: workers on
several machines agree on the database's clock, not on each other's). A claim answers in
seconds from now, which a worker turns into its own loop's time.

- ``claim_sends``: the next moments of the bot's one allowance (:class:`Rule`, kept in
  ``send_slots`` as the last moments claimed), a few at a time; a chat Telegram asked to wait
  for gets none. One short transaction: the allowance's row is locked while it moves on,
  so two workers claiming together get different moments.
- ``hold_chat``: keep a 429's retry_after for the chat (``chat_holds``), so whichever worker
  sends to it next waits too, after a restart as well. A hold is deleted once it is over.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from storage.base import StoreBase
from storage.sql import Connection, fetch_all, fetch_one, run

_NOW = {
    "sqlite": "SELECT (julianday('now') - 2440587.5) * 86400.0",
    "postgresql": "SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8",
}
_HOLD = (
    "INSERT INTO chat_holds (chat_key, until_at) VALUES (?, ?) ON CONFLICT (chat_key)"
    " DO UPDATE SET until_at = MAX(chat_holds.until_at, excluded.until_at)"
)


@dataclass(frozen=True)
class Rule:
    """At most ``count`` sends in any ``window`` seconds, and each at least ``spacing`` after
    the one before.

    Telegram allows a bot 30 in any one second. The window is a little longer than a
    second (a margin for a send reaching Telegram later than its moment, on the network or
    in a busy process), which costs a few percent of the rate: 30 in 1.04 s is 28.8 a second.
    The spacing spreads a burst (a room's replies at once) over a quarter of a second rather
    than firing it all in one go, where the last of the burst would reach Telegram late and
    crowd the next second.
    """

    count: int = 30
    window: float = 1.04
    spacing: float = 1 / 120

    def moments(self, recent: Iterable[float], now: float, wanted: int) -> list[float]:
        """The next ``wanted`` moments from ``now``, after the ``recent`` ones (oldest first)."""
        log = list(recent)[-self.count :]
        found: list[float] = []
        for _ in range(wanted):
            at = now
            if log:
                at = max(at, log[-1] + self.spacing)
            if len(log) >= self.count:
                at = max(at, log[-self.count] + self.window)
            log.append(at)
            found.append(at)
        return found


@dataclass(frozen=True)
class Claimed:
    """What a claim got: each moment, in seconds from now, and the chats that must wait
    (with the seconds left)."""

    waits: list[float]
    held: dict[int, float] = field(default_factory=dict)


def _greatest(db: Connection, sql: str) -> str:
    """SQLite's two-argument MAX is PostgreSQL's GREATEST."""
    return sql.replace("MAX(", "GREATEST(") if db.dialect == "postgresql" else sql


async def _now(db: Connection) -> float:
    row = await fetch_one(db, _NOW[db.dialect])
    assert row is not None
    return float(row[0])


async def _held(db: Connection, chats: Sequence[int], now: float) -> dict[int, float]:
    """The chats among these that Telegram asked to wait for, with the seconds left."""
    if not chats:
        return {}
    marks = ", ".join("?" for _ in chats)
    found = await fetch_all(
        db,
        f"SELECT chat_key, until_at FROM chat_holds WHERE chat_key IN ({marks}) AND until_at > ?",
        (*chats, now),
    )
    return {int(row["chat_key"]): float(row["until_at"]) - now for row in found}


class SendStore(StoreBase):
    """The bot's shared allowance of sends, and chats Telegram asked to wait for."""

    async def claim_sends(self, chats: Sequence[int | None], rule: Rule) -> Claimed:
        """Claim a moment for each send to these chats (None: a call about no chat), by
        ``rule``, except those to chats still held by a 429; say when they are."""

        async def work(db: Connection) -> Claimed:
            now = await _now(db)
            held = await _held(db, sorted({c for c in chats if c is not None}), now)
            wanted = sum(1 for c in chats if c not in held)
            if not wanted:
                return Claimed([], held)
            lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
            row = await fetch_one(
                db, f"SELECT recent FROM send_slots WHERE allowance = 'overall'{lock}"
            )
            assert row is not None, "migration 17 adds the allowance's row"
            recent = json.loads(str(row["recent"]))
            moments = rule.moments(recent, now, wanted)
            kept = json.dumps([*recent, *moments][-rule.count :])
            await run(db, "UPDATE send_slots SET recent = ? WHERE allowance = 'overall'", (kept,))
            await run(db, "DELETE FROM chat_holds WHERE until_at <= ?", (now,))
            return Claimed([at - now for at in moments], held)

        return await self._write(work)

    async def hold_chat(self, chat: int, seconds: float) -> None:
        """Keep Telegram's request to send nothing to this chat for ``seconds`` from now."""

        async def work(db: Connection) -> None:
            now = await _now(db)
            await run(db, _greatest(db, _HOLD), (chat, now + seconds))

        await self._write(work)

    async def chat_holds(self) -> dict[int, float]:
        """Every chat Telegram asked to wait for, with the seconds left (for a process that
        starts up: it waits them out); holds that are over are deleted."""

        async def work(db: Connection) -> dict[int, float]:
            now = await _now(db)
            await run(db, "DELETE FROM chat_holds WHERE until_at <= ?", (now,))
            found = await fetch_all(db, "SELECT chat_key, until_at FROM chat_holds")
            return {int(row["chat_key"]): float(row["until_at"]) - now for row in found}

        return await self._write(work)
