"""The whole bot's sends and edits a second: never more than Telegram's 30 in any one second.

Telegram counts a bot's messages (edits too) in any one-second window, per token, whichever
chats they go to. So every call but answerCallbackQuery takes a moment from one allowance,
in :class:`~bot.ratelimit.Priority` order (help, then replies, then tidying, then bulk).

The moments are spaced evenly, ``every`` = (1 + margin) / 30 seconds apart, with no burst: a
burst on top of the rate (the old ``BULK_BURST``) let about 40 through in a push's first
second. Evenly spaced, any one second holds at most 30 even when a send reaches Telegram up
to ``margin`` seconds later than its moment (the network, a busy event loop): the margin
costs about 4% of the rate, and a rate of 28.8 a second keeps above 95% of the 30 allowed.

The limit belongs to the token, so workers on one database share it: each claims the next
few moments from the database (``SendStore.claim_sends``: one row, moved on in a short
transaction), a few at a time, just before it needs them. Claiming rather than splitting
30 among the live workers lets one worker's push use the whole allowance while the others
are quiet, and nothing has to know how many workers there are; it costs one short
transaction for every few sends. A shared moment missed by more than ``LATE`` (the worker
was stalled) is let go rather than used late, where it could crowd another worker's next
moment. A chat that another worker was told to wait for (a 429) gets no moment: the wait
comes back to its caller. One process on SQLite keeps the allowance in memory, decided at
the moment of each send, so a stalled loop never sends a burst to catch up.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Sequence
from typing import Protocol

from storage.errors import StorageError
from storage.sending import Claimed

log = logging.getLogger(__name__)

PER_SECOND = 30  # Telegram's allowance for a bot, in any one second
MARGIN = 0.04  # seconds a send may reach Telegram later (or sooner) than its moment
LATE = 0.02  # a shared moment missed by more than this is let go, not used late
AHEAD = 4  # moments a worker claims at once, at most: others wait at most that many more
ALONE_AFTER_FAILURE = 5.0  # seconds a worker paces alone when the database did not answer


class SharedSlots(Protocol):
    """Where workers claim the bot's moments together (storage/sending.py)."""

    async def claim_sends(self, chats: Sequence[int | None], *, every: float) -> Claimed: ...


Waiter = tuple[int, int, int | None, "asyncio.Future[float]"]


class Allowance:
    """At most ``per_second`` calls in any one-second window (with ``margin`` to spare),
    evenly spaced, highest priority first; shared with other workers once told to."""

    def __init__(self, per_second: float = PER_SECOND, *, margin: float = MARGIN) -> None:
        self.every = (1.0 + margin) / per_second
        self._next = 0.0  # the loop's time of the next free moment (in memory)
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
        if self._alone(loop.time()) and not self._drop_gone() and self._next <= loop.time():
            self._next = loop.time() + self.every
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

    async def _grant_alone(self) -> None:
        """Give the next moment to the first waiter, decided now (never to catch up)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next > now:
            await asyncio.sleep(self._next - now)
            return  # look again: someone more urgent may have come meanwhile
        *_, future = heapq.heappop(self._waiting)
        self._next = now + self.every
        future.set_result(0.0)

    async def _grant_shared(self, slots: SharedSlots) -> None:
        """Claim the next few moments for the first few waiters, and give each its own."""
        loop = asyncio.get_running_loop()
        batch: list[Waiter] = []
        while self._drop_gone() and len(batch) < AHEAD:
            batch.append(heapq.heappop(self._waiting))
        asked = loop.time()
        try:
            claimed = await slots.claim_sends([chat for _, _, chat, _ in batch], every=self.every)
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
        start = (asked + loop.time()) / 2 + claimed.wait  # the database's now, in loop time
        granted = [w for w in batch if w[2] not in claimed.held]
        for waiter in batch:
            if waiter[2] in claimed.held and not waiter[3].done():
                waiter[3].set_result(claimed.held[waiter[2]])
        for n, waiter in enumerate(granted):
            delay = start + n * self.every - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -LATE:  # stalled past it: let it go, claim afresh for the rest
                for missed in granted[n:]:
                    heapq.heappush(self._waiting, missed)
                return
            if not waiter[3].done():
                waiter[3].set_result(0.0)
