"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's Updater confirms fetched updates (by moving ``offset`` on)
before the handlers have run them, so a process killed mid-batch loses them.
Here an update's offset moves on only after ``Application.process_update`` has
finished with it, so Telegram redelivers anything unfinished after a crash; the
handled-updates table in storage makes a redelivered update count once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
# Telegram answers 409 while another process polls with the same token (say, the old
# brewbot during a restart): wait for it to go rather than stop.
CONFLICT = "Another program is fetching this bot's updates; is brewbot running twice?"


class Poller:
    """Fetch updates, handle each chat's in order, then confirm the batch."""

    def __init__(self, app: Application, *, timeout: int = 30) -> None:  # type: ignore[type-arg]
        self.app = app
        self.timeout = timeout
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; finish the batch in hand, then confirm it."""
        await self._bootstrap(stop)
        failures = 0
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except RetryAfter as exc:
                await _sleep(stop, _seconds(exc.retry_after))
                continue
            except TimedOut:
                continue
            except (InvalidToken, Forbidden):
                raise
            except (Conflict, NetworkError) as exc:
                failures += 1
                delay = min(MAX_BACKOFF, 0.5 * 2**failures)
                why = CONFLICT if isinstance(exc, Conflict) else "Telegram could not be reached"
                log.warning("%s (%s); trying again in %.0fs", why, exc, delay)
                await _sleep(stop, delay)
                continue
            failures = 0
            if updates:
                await self.handle(updates)
        await self._confirm()

    async def handle(self, updates: Sequence[Update]) -> None:
        """Process a batch: each chat's updates in order, chats side by side."""
        by_chat: dict[int, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(_chat_key(update), []).append(update)
        await asyncio.gather(*(self._in_order(chat) for chat in by_chat.values()))
        self.offset = max(u.update_id for u in updates) + 1

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self.app.process_update(update)

    async def _fetch(self, stop: asyncio.Event) -> tuple[Update, ...]:
        fetch = asyncio.create_task(
            self.app.bot.get_updates(
                offset=self.offset, timeout=self.timeout, allowed_updates=Update.ALL_TYPES
            )
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return ()
        updates: tuple[Update, ...] = fetch.result()
        return updates

    async def _bootstrap(self, stop: asyncio.Event) -> None:
        """Make sure no webhook is set, or getUpdates would refuse to run."""
        delay = 0.5
        while not stop.is_set():
            try:
                await self.app.bot.delete_webhook(drop_pending_updates=False)
                return
            except RetryAfter as exc:
                await _sleep(stop, _seconds(exc.retry_after))
            except NetworkError as exc:
                log.warning("Telegram could not be reached (%s); trying again", exc)
                await _sleep(stop, delay)
                delay = min(MAX_BACKOFF, delay * 2)

    async def _confirm(self) -> None:
        """Tell Telegram the handled updates are done, so they are not sent again."""
        if self.offset is None:
            return
        with contextlib.suppress(NetworkError, TimedOut, RetryAfter):
            await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)


def _chat_key(update: Update) -> int:
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
