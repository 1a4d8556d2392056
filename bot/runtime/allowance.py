"""The whole bot's sends and edits a second: replies at once, bulk in what they leave.

Telegram counts a bot's messages (edits too) in any one-second window, per token, whichever
chats they go to, and its own developer says the 30 a second is for bulk notifications
(tdlib/td#1834); replies to people writing to the bot are held to each chat's pace (about
one a second, 20 a minute in a group), which :class:`~bot.runtime.ratelimit.Pace` keeps. So:

- Help and replies never queue for the whole bot's turn: each takes its moment at once and
  is counted in the second (:meth:`~storage.sending.Rule.at_once`). A crowd of 300 answering
  together is answered together. Only when bulk sent in the last second has already filled
  it with 30 does a reply wait, for the next place to come free: bulk is spread evenly, so
  that is a thirtieth of a second, and no bulk goes while a reply waits. That keeps a push
  or news within 30 a second counting the replies beside it, whether or not Telegram counts
  them, as long as replies are fewer than 30 a second.
- Tidying and bulk wait for what is left, in :class:`~bot.runtime.ratelimit.Priority` order (tidying
  first), by one :class:`~storage.sending.Rule`: such a call starts only a second after the
  answer to the call 30 before it (replies included), and a thirtieth of a second after the
  last. Telegram counts a call somewhere between its sending and its answer, so a second
  holding bulk never holds more than 30, however the network or a busy process moves each
  one; a push runs at 30 / (1 + the time an answer takes), less the replies beside it.

The limit belongs to the token, so workers on one database share it: each claims its next
few turns from the database (``SendStore.claim_sends``: one row holding the calls lately
sent and when each was answered, moved on in a short transaction), just before it needs
them, and reports its answers with its next claim (or within ``REPORT_AFTER``). Replies are
claimed too, apart from the queue for bulk, in one short transaction for all those that
came meanwhile, whose moment is now: that claim is the "used now" record the other workers'
bulk yields to. Noting a reply only after it went would save it a few milliseconds but let
another worker's bulk take the same place in the meantime. Claiming, rather than splitting
the 30 among the live workers, lets one worker's push use the whole allowance while the
others are quiet, and nothing has to know how many workers there are. A turn used late (a
stalled worker) is still safe: only answers count towards the next. A chat another worker
was told to wait for (a 429) gets no turn: :class:`ChatHeld` says how long. One process on
SQLite keeps the allowance in memory and decides each turn as it comes, so a stalled loop
never sends a burst to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Sequence
from typing import Protocol

from storage.errors import StorageError
from storage.sending import Claimed, Kind, Rule, Sent

log = logging.getLogger(__name__)

PER_SECOND = 30  # Telegram's allowance for a bot, in any one second
AHEAD = 4  # turns a worker claims at once for bulk, at most: others wait at most that many more
REPLIES_AT_ONCE = 30  # replies claimed in one transaction, at most
REPORT_AFTER = 0.2  # seconds a worker keeps its answers before telling the others
LOOK_AGAIN = 0.05  # seconds before asking again when calls under way hold every turn
ALONE_AFTER_FAILURE = 5.0  # seconds a worker paces alone when the database did not answer


class ChatHeld(Exception):
    """Telegram asked (another worker) to wait before sending to this chat again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"held for {seconds:.1f} s")
        self.seconds = seconds


class SharedSlots(Protocol):
    """Where workers take the bot's turns together (storage/sending.py)."""

    async def claim_sends(
        self,
        chats: Sequence[int | None],
        rule: Rule,
        answered: Sequence[tuple[str, float]] = (),
        kind: Kind = Kind.BULK,
    ) -> Claimed: ...

    async def report_sends(self, answered: Sequence[tuple[str, float]], rule: Rule) -> None: ...


Waiter = tuple[int, int, int | None, Kind, "asyncio.Future[Sent]"]


class Allowance:
    """Turns to send by ``rule``: replies at once, the rest highest priority first; shared
    with other workers once told to. Each turn taken must be handed back with :meth:`done`
    once answered."""

    def __init__(self, rule: Rule | None = None) -> None:
        self.rule = rule or Rule(count=PER_SECOND)
        self._log: list[Sent] = []  # this worker's calls, in its loop's time (alone)
        self._changed = asyncio.Event()  # a call was answered, or a call came to wait
        self._shared: SharedSlots | None = None
        self._offset = 0.0  # the database's time less this loop's (shared)
        self._reports: list[tuple[str, float]] = []  # answers not yet told to the others
        self._reporting: asyncio.Task[None] | None = None
        self._waiting: list[Waiter] = []
        self._order = itertools.count()
        self._granting: asyncio.Task[None] | None = None
        self._in_hand: list[Waiter] = []  # taken from the queue, their turns being claimed
        self._replies: list[Waiter] = []  # shared: replies for the next claim of their own
        self._replies_in_hand: list[Waiter] = []  # being claimed, or given a moment to come
        self._answering: asyncio.Task[None] | None = None
        self._alone_until = 0.0  # the loop's time until which the database is not asked

    @property
    def waiting(self) -> int:
        """How many calls wait for the whole bot's turn."""
        queues = (self._waiting, self._in_hand, self._replies, self._replies_in_hand)
        return len({future for queue in queues for *_, future in queue if not future.done()})

    def share(self, slots: SharedSlots | None) -> None:
        """Take turns from ``slots`` with the other workers from now on (None: alone)."""
        self._shared = slots

    async def take(self, priority: int, chat: int | None = None, kind: Kind = Kind.BULK) -> Sent:
        """Wait for the bot's turn to send a call of this kind to ``chat`` (a reply: at once,
        as a rule), and return it (hand it back with :meth:`done`); raise :class:`ChatHeld`
        if another worker was told to wait for that chat."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        future: asyncio.Future[Sent] = loop.create_future()
        waiter = (int(priority), next(self._order), chat, kind, future)
        if self._alone(now):
            sent = self._now_alone(kind, now)
            if sent is not None:
                return sent
        elif kind is Kind.REPLY:  # shared: claimed apart, never behind bulk's turns
            self._replies.append(waiter)
            if self._answering is None or self._answering.done():
                self._answering = asyncio.create_task(self._answer(), name="brewbot replies")
            return await future
        heapq.heappush(self._waiting, waiter)
        self._changed.set()  # it may go before the one the granting waits for
        if self._granting is None or self._granting.done():
            self._granting = asyncio.create_task(self._grant(), name="brewbot allowance")
        return await future

    def done(self, sent: Sent) -> None:
        """Hand back a turn once its call was answered (or failed)."""
        now = asyncio.get_running_loop().time()
        sent.end = now
        if sent.token:  # a shared turn: tell the other workers soon
            self._tell(sent.token, now)
        self._changed.set()

    async def close(self) -> None:
        """Stop granting (at shutdown); whoever still waits is cancelled."""
        for task in (self._granting, self._reporting, self._answering):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._granting = self._reporting = self._answering = None
        for *_, future in [*self._waiting, *self._replies]:
            future.cancel()
        self._waiting.clear()
        self._replies.clear()

    def _tell(self, token: str, answered: float) -> None:
        """Tell the other workers soon that a shared turn's call was answered (or unused)."""
        self._reports.append((token, answered + self._offset))
        if self._reporting is None or self._reporting.done():
            self._reporting = asyncio.create_task(self._report(), name="brewbot answers")

    async def _grant(self) -> None:
        """Give out turns while anyone waits."""
        loop = asyncio.get_running_loop()
        while self._drop_gone():
            if self._shared is None or self._alone(loop.time()):
                await self._grant_alone()
            else:
                await self._grant_shared(self._shared)

    def _alone(self, now: float) -> bool:
        """Say whether this worker paces on its own just now."""
        return self._shared is None or now < self._alone_until

    def _drop_gone(self) -> bool:
        """Forget waiters whose callers gave up; say whether anyone still waits."""
        while self._waiting and self._waiting[0][4].done():
            heapq.heappop(self._waiting)
        return bool(self._waiting)

    def _when(self, kind: Kind, now: float) -> float | None:
        """When a call of this kind may start, alone (None: when a call is answered)."""
        self._log = self.rule.trim(self._log, now)
        if kind is Kind.REPLY:
            return self.rule.at_once(self._log, now)
        return self.rule.earliest(self._log, now)

    def _now_alone(self, kind: Kind, now: float) -> Sent | None:
        """The turn to go now, alone, if nothing waits before it and the rule allows."""
        if kind is not Kind.REPLY and self._drop_gone():
            return None  # behind those already waiting
        at = self._when(kind, now)
        return self._started(now, kind) if at is not None and at <= now else None

    def _started(self, now: float, kind: Kind) -> Sent:
        sent = Sent(now, bulk=kind is Kind.BULK)
        self._log.append(sent)
        return sent

    async def _until_changed(self, seconds: float | None) -> None:
        """Wait until a call is answered or comes to wait, or ``seconds`` (None: however
        long)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)

    async def _grant_alone(self) -> None:
        """Give the next turn to the first waiter, decided now (never to catch up)."""
        self._changed.clear()
        now = asyncio.get_running_loop().time()
        kind = self._waiting[0][3]
        at = self._when(kind, now)
        if at is None or at > now:
            await self._until_changed(None if at is None else at - now)
            return  # look again: someone more urgent may have come meanwhile
        *_, future = heapq.heappop(self._waiting)
        future.set_result(self._started(now, kind))

    async def _grant_shared(self, slots: SharedSlots) -> None:
        """Claim the next few turns for the first few waiters (of one kind), and give each
        its own."""
        batch: list[Waiter] = []
        self._in_hand = batch
        kind = self._waiting[0][3]
        while self._drop_gone() and len(batch) < AHEAD and self._waiting[0][3] is kind:
            batch.append(heapq.heappop(self._waiting))
        try:
            await self._claim_for(slots, batch, kind)
        finally:
            self._in_hand = []

    async def _claimed(
        self, slots: SharedSlots, batch: list[Waiter], kind: Kind
    ) -> tuple[list[Waiter], list[tuple[str, float]], float] | None:
        """Claim turns for these waiters: those not held, their moments (in the database's
        time) and the database's time less this loop's; None if the database did not
        answer (they wait in this worker's own queue, which paces alone for a while)."""
        loop = asyncio.get_running_loop()
        reports, self._reports = self._reports, []
        asked = loop.time()
        try:
            claimed = await slots.claim_sends([w[2] for w in batch], self.rule, reports, kind)
        except StorageError as error:
            self._give_up_sharing(error, reports)
            for waiter in batch:
                heapq.heappush(self._waiting, waiter)
            if self._granting is None or self._granting.done():
                self._granting = asyncio.create_task(self._grant(), name="brewbot allowance")
            return None
        # The database's clock, in this loop's time, leaning the safe way each time: a turn
        # starts no sooner than its moment, and an answer is reported no earlier than it came.
        start_offset, self._offset = claimed.now - loop.time(), claimed.now - asked
        waiting = []
        for waiter in batch:
            if waiter[2] in claimed.held:
                if not waiter[4].done():
                    waiter[4].set_exception(ChatHeld(claimed.held[waiter[2]]))
            else:
                waiting.append(waiter)
        return waiting, claimed.moments, start_offset

    async def _claim_for(self, slots: SharedSlots, batch: list[Waiter], kind: Kind) -> None:
        """Claim turns for these waiters, and give each its own when it comes."""
        loop = asyncio.get_running_loop()
        claimed = await self._claimed(slots, batch, kind)
        if claimed is None:
            return
        waiting, moments, start_offset = claimed
        for waiter in waiting[len(moments) :]:  # calls under way hold these back
            heapq.heappush(self._waiting, waiter)
        if not moments:
            self._changed.clear()
            await self._until_changed(LOOK_AGAIN)
        for waiter, (token, start) in zip(waiting, moments, strict=False):
            delay = start - start_offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._give(waiter, token)

    async def _answer(self) -> None:
        """Claim the replies that came meanwhile together, and give each its turn: at once,
        as a rule (shared)."""
        loop = asyncio.get_running_loop()
        while self._replies and self._shared is not None:
            self._replies.sort()  # help first
            batch = [w for w in self._replies[:REPLIES_AT_ONCE] if not w[4].done()]
            del self._replies[:REPLIES_AT_ONCE]
            self._replies_in_hand = [w for w in self._replies_in_hand if not w[4].done()]
            if not batch:
                continue
            self._replies_in_hand.extend(batch)
            claimed = await self._claimed(self._shared, batch, Kind.REPLY)
            if claimed is None:
                continue
            waiting, moments, start_offset = claimed
            for waiter, (token, start) in zip(waiting, moments, strict=False):
                delay = start - start_offset - loop.time()
                if delay > 0:  # bulk had filled the second: the next place that comes free
                    loop.call_later(delay, self._give, waiter, token)
                else:
                    self._give(waiter, token)
            if len(moments) < len(waiting):  # calls under way decide when these may go
                self._replies[:0] = waiting[len(moments) :]
                self._changed.clear()
                await self._until_changed(LOOK_AGAIN)

    def _give(self, waiter: Waiter, token: str) -> None:
        """Give a waiter its shared turn now, or hand the turn back if it gave up."""
        now = asyncio.get_running_loop().time()
        if waiter[4].done():  # its caller gave up: the turn goes unused
            self._tell(token, now)
        else:
            waiter[4].set_result(Sent(now, None, token, waiter[3] is Kind.BULK))

    async def _report(self) -> None:
        """Tell the other workers when this one's calls were answered, soon after."""
        await asyncio.sleep(REPORT_AFTER)
        reports, self._reports = self._reports, []
        if not reports or self._shared is None:
            return
        try:
            await self._shared.report_sends(reports, self.rule)
        except StorageError as error:
            self._reports.extend(reports)  # told with the next claim instead
            log.info("Could not report answers to the shared allowance (%s)", error)

    def _give_up_sharing(self, error: StorageError, reports: list[tuple[str, float]]) -> None:
        """Pace this worker alone for a while: the database did not answer a claim."""
        self._reports.extend(reports)
        self._alone_until = asyncio.get_running_loop().time() + ALONE_AFTER_FAILURE
        log.warning(
            "Could not claim sends from the database (%s); this worker paces alone for %.0f s",
            error,
            ALONE_AFTER_FAILURE,
        )
