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
- A reply (:attr:`Kind.REPLY`) is claimed the same way, but its moment is now (unless bulk
  sent in the last second has filled it): the claim is the "used now" record that makes
  every worker's bulk yield to it. Claiming it, rather than noting it after it went, is
  what lets the other workers' bulk see it before their next turn; it costs the reply one
  short transaction (a few milliseconds), on a connection of its own. A reply that must
  wait (bulk has filled the second, and calls under way decide for how long) leaves a
  mark in its place, renewed with each claim and gone a second after the last, so no
  worker's bulk takes the place it waits for.
- ``hold_chat``: keep a 429's retry_after for the chat (``chat_holds``), so whichever worker
  sends to it next waits too, after a restart as well. A hold is deleted once it is over.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

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
WAITING = "waiting:"  # the token of a reply's mark, while it waits for its place
WAIT_MARK_S = 1.0  # a mark not renewed this long (its worker stopped waiting) is dropped


class Kind(StrEnum):
    """How a call takes its place in the whole bot's second."""

    REPLY = "reply"  # help and replies: at once, and counted (they wait only as Rule.at_once says)
    TIDY = "tidy"  # taking old buttons off: waits for what is left of the second
    BULK = "bulk"  # news, nudges, pushes: waits for what is left; replies wait for its slots


@dataclass
class Sent:
    """One call counted against the allowance: when it was sent, and when Telegram's answer
    came (None while it is under way). Telegram counts it at some moment in between.
    ``bulk``: a bulk call, which a reply may have to wait for (:meth:`Rule.at_once`)."""

    start: float
    end: float | None = None
    token: str = ""
    bulk: bool = False


@dataclass(frozen=True)
class Rule:
    """At most ``count`` calls counted in any ``window`` seconds; the calls that wait for
    their turn (tidying, bulk) each ``spacing`` after the one before (None: spread evenly,
    ``window / count`` apart).

    Telegram counts a call at some moment between its sending and its answer, never known
    exactly: the network, and a busy process, move it by tens of milliseconds. So a call
    that waits may start only ``window`` after the answer to the call ``count`` before it
    (by answer time; one not yet answered holds everything after it). Then no window of
    that length can hold more than ``count``, however late or early each was counted, and
    the only cost is the time an answer takes: 28.5 to 29.7 a second against a local Bot
    API, about 30 / (1 + answer time) against Telegram. Spread evenly, a second full of
    bulk frees a place every thirtieth of a second, so a reply that finds it full waits no
    longer than that (:meth:`at_once`).
    """

    count: int = 30
    window: float = 1.0
    spacing: float | None = None
    stale: float = 60.0  # a call unanswered this long is taken as answered then

    @property
    def gap(self) -> float:
        """Seconds between the starts of two calls that wait for their turn."""
        return self.window / self.count if self.spacing is None else self.spacing

    def earliest(self, log: Sequence[Sent], now: float) -> float | None:
        """When the next call that waits for its turn may start, after those in ``log``
        (replies too: it takes what they left); None while that depends on a call still
        under way."""
        at = now
        if log:
            at = max(at, max(sent.start for sent in log) + self.gap)
        if len(log) >= self.count:
            ends = sorted((INFINITE if s.end is None else s.end for s in log), reverse=True)
            if ends[self.count - 1] == INFINITE:
                return None
            at = max(at, ends[self.count - 1] + self.window)
        return at

    def at_once(self, log: Sequence[Sent], now: float) -> float | None:
        """When a reply may start: now, unless the calls that may count in the second up to
        now are ``count`` already and bulk is among them; then when one of them leaves it,
        or the last bulk one does (None while that depends on a call still under way).

        Telegram holds replies to people writing to the bot to each chat's own pace, not to
        the bot's 30 a second (tdlib/td#1834: "the only place which mentions 30 requests per
        second is the FAQ, which explicitly talks about bulk notifications"), so a second of
        nothing but replies never makes one wait. While bulk is going out, the bot keeps to
        the 30 as a whole, in case Telegram counts replies in it too; and bulk waits for
        what the replies leave (:meth:`earliest`)."""
        counting = [s for s in log if s.end is None or s.end + self.window > now]
        if len(counting) < self.count or not any(s.bulk for s in counting):
            return now
        ends = sorted((INFINITE if s.end is None else s.end for s in counting), reverse=True)
        last_bulk = max(INFINITE if s.end is None else s.end for s in counting if s.bulk)
        at = min(ends[self.count - 1], last_bulk) + self.window
        return None if at == INFINITE else max(at, now)

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
    return [
        Sent(start, end, token, bool(rest and rest[0]))
        for start, end, token, *rest in json.loads(recent)
    ]


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
        kind: Kind = Kind.BULK,
    ) -> Claimed:
        """Claim a moment for each call of this kind to these chats (None: a call about no
        chat), by ``rule``, except those to chats still held by a 429; first note when
        Telegram answered this worker's earlier calls (``answered``: token, time). Replies
        get theirs at once (:meth:`Rule.at_once`), the others after what is already
        claimed (:meth:`Rule.earliest`)."""
        when = rule.at_once if kind is Kind.REPLY else rule.earliest

        async def work(db: Connection) -> Claimed:
            now = await _now(db)
            held = await _held(db, sorted({c for c in chats if c is not None}), now)
            log = rule.trim(await self._log(db, answered, now, kind), now)
            moments: list[tuple[str, float]] = []
            calls = sum(1 for c in chats if c not in held)
            for _ in range(calls):
                at = when(log, now)
                if at is None:
                    break
                token = f"{self.holder}:{next(self._tokens)}"
                log.append(Sent(at, None, token, kind is Kind.BULK))
                moments.append((token, at))
            if kind is Kind.REPLY:  # those still waiting keep their places from bulk
                marks = range(calls - len(moments))
                log.extend(Sent(now, None, f"{WAITING}{self.holder}:{n}") for n in marks)
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
        self,
        db: Connection,
        answered: Sequence[tuple[str, float]],
        now: float,
        kind: Kind | None = None,
    ) -> list[Sent]:
        """Read the allowance's recent calls (its row locked till the end of the write),
        with the answers reported, without the marks of replies no longer waiting (this
        worker's own, when it claims replies again: ``kind``)."""
        lock = " FOR UPDATE" if db.dialect == "postgresql" else ""
        row = await fetch_one(
            db, f"SELECT recent FROM send_slots WHERE allowance = 'overall'{lock}"
        )
        assert row is not None, "migration 17 adds the allowance's row"
        log = _read_log(str(row["recent"]))
        _answer(log, answered)
        own = f"{WAITING}{self.holder}:" if kind is Kind.REPLY else None
        return [
            sent
            for sent in log
            if not sent.token.startswith(WAITING)
            or (now - sent.start < WAIT_MARK_S and not (own and sent.token.startswith(own)))
        ]

    async def _keep_log(self, db: Connection, log: Sequence[Sent]) -> None:
        kept = json.dumps([[s.start, s.end, s.token, int(s.bulk)] for s in log])
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
