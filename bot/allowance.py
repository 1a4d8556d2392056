"""The whole bot's sends and edits a second: never more than Telegram's 30 in any one second.

Telegram counts a bot's messages (edits too) in any one-second window, per token, whichever
chats they go to. So every call but answerCallbackQuery takes a moment from one allowance,
in :class:`~bot.ratelimit.Priority` order (help, then replies, then tidying, then bulk), by
one :class:`~storage.sending.Rule`: at most 30 in any 1.04 seconds, each at least 1/120 s
after the last. A quiet bot answers a room's 20 replies at once (spread over a sixth of a
second); a push runs at 28.8 a second (96% of the 30 allowed); and no second ever holds more
than 30, its first included (a burst of 10 on top of 30 a second, the old ``BULK_BURST``,
let about 40 through in a push's first second). The 0.04 s margin is for a send that
reaches Telegram later than its moment (the network, a busy event loop).

The limit belongs to the token, so workers on one database share it: each claims its next
few moments from the database (``SendStore.claim_sends``: one row holding the last 30
moments, moved on in a short transaction) just before it needs them. Claiming, rather than
splitting the 30 among the live workers, lets one worker's push use the whole allowance
while the others are quiet, and nothing has to know how many workers there are; it costs
one short transaction for every few sends. A shared moment missed by more than ``LATE``
(the worker was stalled) is let go rather than used late, where it could crowd another
worker's. A chat another worker was told to wait for (a 429) gets no moment: the wait comes
back to its caller. One process on SQLite keeps the allowance in memory, and decides each
moment as it comes, so a stalled loop never sends a burst to catch up.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Sequence
from typing import Protocol

from storage.errors import StorageError
from storage.sending import Claimed, Rule

log = logging.getLogger(__name__)

PER_SECOND = 30  # Telegram's allowance for a bot, in any one second
LATE = 0.02  # a shared moment missed by more than this is let go, not used late
AHEAD = 4  # moments a worker claims at once, at most: others wait at most that many more
ALONE_AFTER_FAILURE = 5.0  # seconds a worker paces alone when the database did not answer


class SharedSlots(Protocol):
    """Where workers claim the bot's moments together (storage/sending.py)."""

    async def claim_sends(self, chats: Sequence[int | None], rule: Rule) -> Claimed: ...


Waiter = tuple[int, int, int | None, "asyncio.Future[float]"]


class Allowance:
    """Moments to send by ``rule``, highest priority first; shared with other workers once
    told to."""

    def __init__(self, rule: Rule | None = None) -> None:
        self.rule = rule or Rule(count=PER_SECOND)
        self._recent: deque[float] = deque(maxlen=self.rule.count)  # the loop's times
        self._shared: SharedSlots | None = None
        self._waiting: list[Waiter] = []
        self._order = itertools.count()
        self._granting: asyncio.Task[None] | None = None
        self._alone_until = 0.0  # the loop's time until which the database is not asked

    @property
    def waiting(self) -> int:
        """How many calls wait for the whole bot's turn."""
        return sum(1 for *_, future in self._waiting if not future.done())

    def share(self, slots: SharedSlots | None) -> None:
        """Claim moments from ``slots`` with the other workers from now on (None: alone)."""
        self._shared = slots

    async def take(self, priority: int, chat: int | None = None) -> float:
        """Wait for the bot's turn to send to ``chat``; return 0.0 once it has come, or the
        seconds Telegram asked everyone to wait before sending to this chat (a 429 another
        worker was given), in which case nothing was taken."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._alone(now) and not self._drop_gone() and self._next_moment(now) <= now:
            self._recent.append(now)
            return 0.0
        future: asyncio.Future[float] = loop.create_future()
        heapq.heappush(self._waiting, (int(priority), next(self._order), chat, future))
        if self._granting is None or self._granting.done():
            self._granting = asyncio.create_task(self._grant(), name="brewbot allowance")
        return await future

    async def close(self) -> None:
        """Stop granting (at shutdown); whoever still waits is cancelled."""
        if self._granting is not None:
            self._granting.cancel()
            await asyncio.gather(self._granting, return_exceptions=True)
            self._granting = None
        for *_, future in self._waiting:
            future.cancel()
        self._waiting.clear()

    async def _grant(self) -> None:
        """Give out moments while anyone waits."""
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

    def _next_moment(self, now: float) -> float:
        """When this worker, alone, may send next."""
        return self.rule.moments(self._recent, now, 1)[0]

    async def _grant_alone(self) -> None:
        """Give the next moment to the first waiter, decided now (never to catch up)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        at = self._next_moment(now)
        if at > now:
            await asyncio.sleep(at - now)
            return  # look again: someone more urgent may have come meanwhile
        *_, future = heapq.heappop(self._waiting)
        self._recent.append(now)
        future.set_result(0.0)

    async def _grant_shared(self, slots: SharedSlots) -> None:
        """Claim the next few moments for the first few waiters, and give each its own."""
        loop = asyncio.get_running_loop()
        batch: list[Waiter] = []
        while self._drop_gone() and len(batch) < AHEAD:
            batch.append(heapq.heappop(self._waiting))
        asked = loop.time()
        try:
            claimed = await slots.claim_sends([chat for _, _, chat, _ in batch], self.rule)
        except StorageError as error:
            log.warning(
                "Could not claim sends from the database (%s); this worker paces alone for %.0f s",
                error,
                ALONE_AFTER_FAILURE,
            )
            self._alone_until = loop.time() + ALONE_AFTER_FAILURE
            for waiter in batch:
                heapq.heappush(self._waiting, waiter)
            return
        start = (asked + loop.time()) / 2  # the database's now, in this loop's time
        granted = [w for w in batch if w[2] not in claimed.held]
        for waiter in batch:
            if waiter[2] in claimed.held and not waiter[3].done():
                waiter[3].set_result(claimed.held[waiter[2]])
        for n, (waiter, wait) in enumerate(zip(granted, claimed.waits, strict=True)):
            delay = start + wait - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -LATE:  # stalled past it: let it go, claim afresh for the rest
                for missed in granted[n:]:
                    heapq.heappush(self._waiting, missed)
                return
            if not waiter[3].done():
                waiter[3].set_result(0.0)
