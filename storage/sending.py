"""Telegram's limits kept in the database, for every worker of one bot: the bot's sends a
second, and how long Telegram asked to wait before sending to a chat again.

Times here are the database's own clock, in seconds since 1970 (never a worker's: workers on
several machines agree on the database's clock, not on each other's). A claim answers in
seconds from now, which a worker turns into its own loop's time.

- ``claim_sends``: the next moments of the bot's one allowance (:class:`Rule`, kept in
  ``send_slots`` as the calls lately sent, with when each was answered), a few at a time; a
  chat Telegram asked to wait for gets none. ``report_sends`` notes the answers. One short
  transaction each: the allowance's row is locked while it moves on, so two workers
  claiming together get different moments.
- ``hold_chat``: keep a 429's retry_after for the chat (``chat_holds``), so whichever worker
  sends to it next waits too, after a restart as well. A hold is deleted once it is over.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
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


INFINITE = float("inf")


@dataclass
class Sent:
    """One call counted against the allowance: when it was sent, and when Telegram's answer
    came (None while it is under way). Telegram counts it at some moment in between."""

    start: float
    end: float | None = None
    token: str = ""


@dataclass(frozen=True)
class Rule:
    """At most ``count`` calls counted in any ``window`` seconds, each at least ``spacing``
    after the one before.

    Telegram counts a call at some moment between its sending and its answer, never known
    exactly: the network, and a busy process, move it by tens of milliseconds. So a call
    may start only ``window`` after the answer to the call ``count`` before it (by answer
    time; one not yet answered holds everything after it). Then no window of that length
    can hold more than ``count``, however late or early each was counted, and the only
    cost is the time an answer takes: 28.5 to 29.7 a second against a local Bot API,
    about 30 / (1 + answer time) against Telegram. The spacing spreads a burst (a room's
    replies at once) over a sixth of a second rather than firing it all in one go.
    """

    count: int = 30
    window: float = 1.0
    spacing: float = 1 / 120
    stale: float = 60.0  # a call unanswered this long is taken as answered then

    def earliest(self, log: Sequence[Sent], now: float) -> float | None:
        """When the next call may start, after those in ``log``; None while that depends on
        a call still under way."""
        at = now
        if log:
            at = max(at, max(sent.start for sent in log) + self.spacing)
        if len(log) >= self.count:
            ends = sorted((INFINITE if s.end is None else s.end for s in log), reverse=True)
            if ends[self.count - 1] == INFINITE:
                return None
            at = max(at, ends[self.count - 1] + self.window)
        return at

    def trim(self, log: Sequence[Sent], now: float) -> list[Sent]:
        """What is worth keeping: every call under way, and the ``count`` answered last."""
        for sent in log:
            if sent.end is None and now - sent.start > self.stale:
                sent.end = sent.start + self.stale  # its worker died mid-call
        going = [sent for sent in log if sent.end is None]
        answered = sorted((s for s in log if s.end is not None), key=lambda s: s.end or 0.0)
        return sorted([*going, *answered[-self.count :]], key=lambda sent: sent.start)


@dataclass(frozen=True)
class Claimed:
    """What a claim got: the database's time then, each call's moment (its token and start,
    in the database's time; fewer than asked while calls under way hold the rest), and the
    chats that must wait (with the seconds left)."""

    now: float
    moments: list[tuple[str, float]]
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


def _read_log(recent: str) -> list[Sent]:
    return [Sent(start, end, token) for start, end, token in json.loads(recent)]


def _answer(log: Sequence[Sent], answered: Sequence[tuple[str, float]]) -> None:
    """Set the answer times reported for calls in the log (by their tokens)."""
    by_token = {sent.token: sent for sent in log}
    for token, end in answered:
        if (sent := by_token.get(token)) is not None:
            sent.end = end


class SendStore(StoreBase):
    """The bot's shared allowance of sends, and chats Telegram asked to wait for."""

    _tokens = itertools.count()

    async def claim_sends(
        self,
        chats: Sequence[int | None],
        rule: Rule,
        answered: Sequence[tuple[str, float]] = (),
    ) -> Claimed:
        """Claim a moment for each call to these chats (None: a call about no chat), by
        ``rule``, except those to chats still held by a 429; first note when Telegram
        answered this worker's earlier calls (``answered``: token, time)."""

        async def work(db: Connection) -> Claimed:
            now = await _now(db)
            held = await _held(db, sorted({c for c in chats if c is not None}), now)
            log = rule.trim(await self._log(db, answered, now), now)
            moments: list[tuple[str, float]] = []
            for _ in range(sum(1 for c in chats if c not in held)):
                at = rule.earliest(log, now)
                if at is None:
                    break
                token = f"{self.holder}:{next(self._tokens)}"
                log.append(Sent(at, None, token))
                moments.append((token, at))
            await self._keep_log(db, log)
            await run(db, "DELETE FROM chat_holds WHERE until_at <= ?", (now,))
            return Claimed(now, moments, held)

        return await self._write(work)

    async def report_sends(self, answered: Sequence[tuple[str, float]], rule: Rule) -> None:
        """Note when Telegram answered this worker's calls (token, time), so that the other
        workers' calls may go as soon as the rule allows."""

        async def work(db: Connection) -> None:
            now = await _now(db)
            await self._keep_log(db, rule.trim(await self._log(db, answered, now), now))

        await self._write(work)

    async def _log(
        self, db: Connection, answered: Sequence[tuple[str, float]], now: float
    ) -> list[Sent]:
        """Read the allowance's recent calls (its row locked till the end of the write),
        with the answers reported."""
        lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
        row = await fetch_one(
            db, f"SELECT recent FROM send_slots WHERE allowance = 'overall'{lock}"
        )
        assert row is not None, "migration 17 adds the allowance's row"
        log = _read_log(str(row["recent"]))
        _answer(log, answered)
        return log

    async def _keep_log(self, db: Connection, log: Sequence[Sent]) -> None:
        kept = json.dumps([[s.start, s.end, s.token] for s in log])
        await run(db, "UPDATE send_slots SET recent = ? WHERE allowance = 'overall'", (kept,))

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
