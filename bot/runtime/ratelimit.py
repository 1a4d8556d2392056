"""Pacing within Telegram's limits, one chat at a time, so a slow chat never holds up another.

What Telegram asks (its bot FAQ; tdlib/td#1834 and #3034):
- about one message a second to one chat, with short bursts; edits count too;
- at most 20 messages a minute to one group;
- about 30 a second from the whole bot for bulk notifications, in any one second
  (bot/runtime/allowance.py);
- answerCallbackQuery is not limited.

Each chat has its own :class:`Pace`, taken in :class:`Priority` order, so help for someone
who may be at risk goes before anything else queued for them, and taking old buttons off
waits behind the next question; then the call takes its moment of the whole bot's
:class:`~bot.runtime.allowance.Allowance`: help and replies at once (counted), tidying and bulk in
what they leave, so bulk news and pushes never hold up a reply, and a crowd is never held
to 30 replies a second. A 429 holds back only the chat it was about, for its
``retry_after`` (python-telegram-bot's AIORateLimiter pauses every request instead: #3765),
and the hold is kept in storage, so whichever worker sends to that chat next waits too, and
so does a process started after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from enum import IntEnum
from typing import Any, Protocol

import aiohttp
import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.runtime.allowance import PER_SECOND, Allowance, ChatHeld, SharedSlots
from bot.runtime.scoped import scoped
from storage.errors import StorageError
from storage.sending import Kind, Rule, Sent

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]

# A short burst keeps a reply snappy; the average holds at the rate.
PERSON_BURST = 3
GROUP_BURST = 3
# Telegram's own 5xx (or a refused connection) means the call did not get through.
SERVER_RETRIES = 3
# A 429 is Telegram refusing, so nothing happened: wait and try again, this many times.
TOO_MANY_RETRIES = 5
_MAX_CHATS = 4096
_UNLIMITED = frozenset({"answerCallbackQuery", "getUpdates"})


class Priority(IntEnum):
    """Which of a chat's waiting calls goes first (a lower number goes sooner)."""

    HELP = 1  # help for someone who may be at risk
    REPLY = 2  # the reply to what someone just did
    TIDY = 3  # taking old buttons off, a ✓ under a tapped question
    BULK = 4  # news, nudges, digests and live pushes: after everything else


# How each takes its place in the whole bot's second (bot/runtime/allowance.py).
KIND: dict[int, Kind] = {
    Priority.HELP: Kind.REPLY,
    Priority.REPLY: Kind.REPLY,
    Priority.TIDY: Kind.TIDY,
    Priority.BULK: Kind.BULK,
}

_default_priority: ContextVar[Priority] = ContextVar("brewbot_priority", default=Priority.REPLY)


def sending_as(priority: Priority) -> contextlib.AbstractContextManager[None]:
    """Send every call made inside this block (in this task) at ``priority``."""
    return scoped(_default_priority, priority)


def might_have_arrived(error: NetworkError) -> bool:
    """Say whether a failed call may still have reached Telegram (so must not be sent again).

    A 5xx is Telegram's own answer (no transport error behind it), and a refused connection
    never carried the call; a connection cut after sending may have done its work.
    """
    cause = error.__cause__
    refused = (httpx.ConnectError, aiohttp.ClientConnectorError)
    return cause is not None and not isinstance(cause, refused)


class Pace:
    """A token bucket (``burst`` at once, then ``rate`` a second), optionally also at most
    ``window_count`` calls in any ``window_s`` seconds; waiters go in priority order."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        window: tuple[int, float] | None = None,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._window = window
        self._recent: deque[float] = deque()
        self._tokens = float(burst)
        self._updated: float | None = None
        self._held_until = 0.0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    @property
    def waiting(self) -> int:
        """How many calls wait for this chat's turn."""
        return sum(1 for *_, future in self._waiting if not future.done())

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _refill(self, now: float) -> None:
        if self._updated is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._window is not None:
            while self._recent and now - self._recent[0] >= self._window[1]:
                self._recent.popleft()

    def _free_at(self, now: float) -> float:
        """When the next call may go (now or later)."""
        at = max(now, self._held_until)
        if self._tokens < 1:
            at = max(at, now + (1 - self._tokens) / self.rate)
        if self._window is not None and len(self._recent) >= self._window[0]:
            at = max(at, self._recent[0] + self._window[1])
        return at

    def _take(self, now: float) -> None:
        self._tokens -= 1
        if self._window is not None:
            self._recent.append(now)

    async def take(self, priority: int = Priority.REPLY) -> None:
        """Wait for this chat's turn, in priority order, then count one call."""
        now = self._now()
        self._refill(now)
        if not self._waiting and self._free_at(now) <= now:
            self._take(now)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (int(priority), next(self._order), future))
        self._arm()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._tokens += 1  # granted as it was cancelled: give the turn back
            self._arm()
            raise

    def hold(self, seconds: float) -> None:
        """Send nothing more to this chat for ``seconds`` (Telegram's 429 retry_after)."""
        self._held_until = max(self._held_until, self._now() + seconds)
        self._tokens = min(self._tokens, 0.0)

    def _arm(self) -> None:
        """Make sure the next waiter is woken when its turn comes."""
        while self._waiting and self._waiting[0][2].done():
            heapq.heappop(self._waiting)
        if not self._waiting or self._timer is not None:
            return
        loop = asyncio.get_running_loop()
        now = self._now()
        self._refill(now)
        delay = self._free_at(now) - now
        self._timer = loop.call_later(max(0.0, delay), self._release)

    def _release(self) -> None:
        self._timer = None
        now = self._now()
        self._refill(now)
        while self._waiting and self._free_at(now) <= now:
            *_, future = heapq.heappop(self._waiting)
            if future.done():
                continue
            self._take(now)
            future.set_result(None)
        self._arm()


class HoldStore(SharedSlots, Protocol):
    """Where 429s are kept for every worker and the next start (storage/sending.py)."""

    async def hold_chat(self, chat: int, seconds: float) -> None: ...

    async def chat_holds(self) -> dict[int, float]: ...


class PacedRateLimiter(BaseRateLimiter[int]):
    """Pace each chat on its own, then the whole bot, in priority order; hold back only the
    chat a 429 was about.

    ``rate_limit_args`` (or :func:`sending_as`) gives a call's :class:`Priority`.
    """

    def __init__(
        self,
        *,
        person_rate: float = 1.0,
        group_per_minute: float = 20.0,
        per_second: int = PER_SECOND,
    ) -> None:
        self._person_rate = person_rate
        self._group_per_minute = group_per_minute
        self._chats: OrderedDict[int | str, Pace] = OrderedDict()
        self.overall = Allowance(Rule(count=per_second))
        self._store: HoldStore | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Stop giving out the bot's moments."""
        await self.overall.close()

    async def use_storage(self, store: HoldStore, *, shared: bool) -> None:
        """Keep 429s in ``store`` and wait out those kept before (by a process that died, or
        another worker); ``shared``: take the bot's moments together with the other workers
        on that database."""
        self._store = store
        for chat, left in (await store.chat_holds()).items():
            self.chat(chat).hold(left)
        self.overall.share(store if shared else None)

    @property
    def waiting(self) -> int:
        """How many calls are waiting for their turn (for tests and benchmarks)."""
        return self.overall.waiting + sum(p.waiting for p in self._chats.values())

    def chat(self, chat_id: int | str) -> Pace:
        """Return the pace of one chat (a group's is slower), creating it on first use."""
        pace = self._chats.pop(chat_id, None)
        if pace is None:
            if isinstance(chat_id, int) and chat_id > 0:
                pace = Pace(self._person_rate, PERSON_BURST)
            else:
                per_minute = self._group_per_minute
                scale = per_minute / 20.0
                # A second's slack a minute: a call is counted here before Telegram sees it.
                pace = Pace(scale, GROUP_BURST, window=(20, 61.0 / scale))
        self._chats[chat_id] = pace
        while len(self._chats) > _MAX_CHATS:
            oldest, old = next(iter(self._chats.items()))
            if old.waiting:
                break
            self._chats.pop(oldest)
        return pace

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Wait for the chat's turn and the bot's, send, and retry what never arrived."""
        priority = rate_limit_args or _default_priority.get()
        chat_id = data.get("chat_id")
        limited = endpoint not in _UNLIMITED
        pace = None if not limited or chat_id is None else self.chat(chat_id)
        key = chat_key(chat_id)
        kind = KIND.get(priority, Kind.BULK)
        server_errors = too_many = 0
        while True:
            if pace is not None:
                await pace.take(priority)
            try:
                turn = await self.overall.take(priority, key, kind) if limited else None
            except ChatHeld as held:  # another worker was told to wait for this chat
                if pace is not None:
                    pace.hold(held.seconds)
                continue
            try:
                return await _answered(self.overall, turn, callback(*args, **kwargs))
            except RetryAfter as exc:
                too_many += 1
                wait = seconds(exc.retry_after)
                if too_many > TOO_MANY_RETRIES:
                    raise
                log.info("Telegram asked brewbot to wait %.0fs before %s", wait, endpoint)
                if pace is not None:
                    pace.hold(wait)
                    await self._keep_hold(key, wait)
                else:
                    await asyncio.sleep(wait)
            except (BadRequest, TimedOut):
                raise  # our mistake, or it may have got through: never send twice
            except NetworkError as exc:
                server_errors += 1
                if (
                    server_errors > SERVER_RETRIES
                    or endpoint == "getUpdates"
                    or might_have_arrived(exc)
                ):
                    raise
                delay = 0.5 * 2 ** (server_errors - 1)
                log.info(
                    "Telegram had a problem (%s); trying %s again in %.1fs", exc, endpoint, delay
                )
                await asyncio.sleep(delay)

    async def _keep_hold(self, chat: int | None, wait: float) -> None:
        """Keep a chat's 429 in storage for every worker and the next start."""
        if self._store is None or chat is None:
            return
        try:
            await self._store.hold_chat(chat, wait)
        except StorageError as error:
            log.warning("Could not keep Telegram's wait for a chat (%s); this worker waits", error)


async def _answered(
    allowance: Allowance, turn: Sent | None, call: Coroutine[Any, Any, JSONResult]
) -> JSONResult:
    """Make the call, then hand its turn back (answered or failed: the next may follow)."""
    try:
        return await call
    finally:
        if turn is not None:
            allowance.done(turn)


def chat_key(chat_id: object) -> int | None:
    """A chat id as storage keeps it, or None (a call about no chat, or a @channel name)."""
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        return int(chat_id)
    return None


def seconds(value: object) -> float:
    """Read a retry_after as seconds, whether PTB gives a timedelta or a number."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
