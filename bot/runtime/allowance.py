"""The whole bot's sends and edits a second: never more than Telegram's 30 in any one second.

Telegram counts a bot's messages (edits too) in any one-second window, per token, whichever
chats they go to. So every call but answerCallbackQuery takes a turn of one allowance, in
:class:`~bot.runtime.ratelimit.Priority` order (help, then replies, then tidying, then bulk), by one
:class:`~storage.sending.Rule`: a call starts only a second after the answer to the call 30
before it, and 1/120 s after the last. Telegram counts a call somewhere between its sending
and its answer, so no second can hold more than 30, however the network or a busy process
moves each one; a quiet bot answers a room's 20 replies at once (spread over a sixth of a
second); and a push runs at 30 / (1 + the time an answer takes). A burst of 10 on top of
30 a second for bulk alone (the old ``BULK_BURST``) let about 40 through in a push's first
second.

The limit belongs to the token, so workers on one database share it: each claims its next
few turns from the database (``SendStore.claim_sends``: one row holding the calls lately
sent and when each was answered, moved on in a short transaction), just before it needs
them, and reports its answers with its next claim (or within ``REPORT_AFTER``). Claiming,
rather than splitting the 30 among the live workers, lets one worker's push use the whole
allowance while the others are quiet, and nothing has to know how many workers there are;
it costs a short transaction for every few sends. A turn used late (a stalled worker) is
still safe: only answers count towards the next. A chat another worker was told to wait for
(a 429) gets no turn: :class:`ChatHeld` says how long. One process on
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
from storage.sending import Claimed, Rule, Sent

log = logging.getLogger(__name__)

PER_SECOND = 30  # Telegram's allowance for a bot, in any one second
AHEAD = 4  # turns a worker claims at once, at most: others wait at most that many more
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
    ) -> Claimed: ...

    async def report_sends(self, answered: Sequence[tuple[str, float]], rule: Rule) -> None: ...


Waiter = tuple[int, int, int | None, "asyncio.Future[Sent]"]


class Allowance:
    """Turns to send by ``rule``, highest priority first; shared with other workers once
    told to. Each turn taken must be handed back with :meth:`done` once answered."""

    def __init__(self, rule: Rule | None = None) -> None:
        self.rule = rule or Rule(count=PER_SECOND)
        self._log: list[Sent] = []  # this worker's calls, in its loop's time (alone)
        self._answered = asyncio.Event()
        self._shared: SharedSlots | None = None
        self._offset = 0.0  # the database's time less this loop's (shared)
        self._reports: list[tuple[str, float]] = []  # answers not yet told to the others
        self._reporting: asyncio.Task[None] | None = None
        self._waiting: list[Waiter] = []
        self._order = itertools.count()
        self._granting: asyncio.Task[None] | None = None
        self._in_hand: list[Waiter] = []  # taken from the queue, their turns being claimed
        self._alone_until = 0.0  # the loop's time until which the database is not asked

    @property
    def waiting(self) -> int:
        """How many calls wait for the whole bot's turn."""
        waiting = [*self._waiting, *self._in_hand]
        return sum(1 for *_, future in waiting if not future.done())

    def share(self, slots: SharedSlots | None) -> None:
        """Take turns from ``slots`` with the other workers from now on (None: alone)."""
        self._shared = slots

    async def take(self, priority: int, chat: int | None = None) -> Sent:
        """Wait for the bot's turn to send to ``chat``, and return it (hand it back with
        :meth:`done`); raise :class:`ChatHeld` if another worker was told to wait for it."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._alone(now) and not self._drop_gone():
            self._log = self.rule.trim(self._log, now)
            at = self.rule.earliest(self._log, now)
            if at is not None and at <= now:
                return self._started(now)
        future: asyncio.Future[Sent] = loop.create_future()
        heapq.heappush(self._waiting, (int(priority), next(self._order), chat, future))
        if self._granting is None or self._granting.done():
            self._granting = asyncio.create_task(self._grant(), name="brewbot allowance")
        return await future

    def done(self, sent: Sent) -> None:
        """Hand back a turn once its call was answered (or failed)."""
        now = asyncio.get_running_loop().time()
        sent.end = now
        if sent.token:  # a shared turn: tell the other workers soon
            self._reports.append((sent.token, now + self._offset))
            if self._reporting is None or self._reporting.done():
                self._reporting = asyncio.create_task(self._report(), name="brewbot answers")
        self._answered.set()

    async def close(self) -> None:
        """Stop granting (at shutdown); whoever still waits is cancelled."""
        for task in (self._granting, self._reporting):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._granting = self._reporting = None
        for *_, future in self._waiting:
            future.cancel()
        self._waiting.clear()

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
        while self._waiting and self._waiting[0][3].done():
            heapq.heappop(self._waiting)
        return bool(self._waiting)

    def _started(self, now: float) -> Sent:
        sent = Sent(now)
        self._log.append(sent)
        return sent

    async def _until_answered(self, seconds: float | None) -> None:
        """Wait until a call is answered, or ``seconds`` (None: however long)."""
        self._answered.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._answered.wait(), seconds)

    async def _grant_alone(self) -> None:
        """Give the next turn to the first waiter, decided now (never to catch up)."""
        now = asyncio.get_running_loop().time()
        self._log = self.rule.trim(self._log, now)
        at = self.rule.earliest(self._log, now)
        if at is None or at > now:
            await self._until_answered(None if at is None else at - now)
            return  # look again: someone more urgent may have come meanwhile
        *_, future = heapq.heappop(self._waiting)
        future.set_result(self._started(now))

    async def _grant_shared(self, slots: SharedSlots) -> None:
        """Claim the next few turns for the first few waiters, and give each its own."""
        batch: list[Waiter] = []
        self._in_hand = batch
        while self._drop_gone() and len(batch) < AHEAD:
            batch.append(heapq.heappop(self._waiting))
        try:
            await self._claim_for(slots, batch)
        finally:
            self._in_hand = []

    async def _claim_for(self, slots: SharedSlots, batch: list[Waiter]) -> None:
        """Claim turns for these waiters, and give each its own when it comes."""
        loop = asyncio.get_running_loop()
        reports, self._reports = self._reports, []
        asked = loop.time()
        try:
            claimed = await slots.claim_sends([w[2] for w in batch], self.rule, reports)
        except StorageError as error:
            self._give_up_sharing(error, reports)
            for waiter in batch:
                heapq.heappush(self._waiting, waiter)
            return
        # The database's clock, in this loop's time, leaning the safe way each time: a turn
        # starts no sooner than its moment, and an answer is reported no earlier than it came.
        start_offset, self._offset = claimed.now - loop.time(), claimed.now - asked
        waiting = []
        for waiter in batch:
            if waiter[2] in claimed.held:
                if not waiter[3].done():
                    waiter[3].set_exception(ChatHeld(claimed.held[waiter[2]]))
            else:
                waiting.append(waiter)
        for waiter in waiting[len(claimed.moments) :]:  # calls under way hold these back
            heapq.heappush(self._waiting, waiter)
        if not claimed.moments:
            await self._until_answered(LOOK_AGAIN)
        for waiter, (token, start) in zip(waiting, claimed.moments, strict=False):
            delay = start - start_offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if waiter[3].done():  # its caller gave up: the turn goes unused
                self._reports.append((token, loop.time() + self._offset))
                continue
            waiter[3].set_result(Sent(loop.time(), None, token))

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
