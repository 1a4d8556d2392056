"""Long polling that confirms an update to Telegram only once it is kept in the inbox.

python-telegram-bot's Updater confirms fetched updates (by moving ``offset`` on)
before the handlers have run them, so a process killed mid-batch loses them.
Here each fetched batch is first kept in storage's inbox, in one transaction, and
only then confirmed; the handlers run from the inbox (``bot/runtime/inbox.py``), so the
next fetch never waits for a slow chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from typing import Any

from telegram import Update
from telegram.error import (
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.warnings import PTBUserWarning

from bot.runtime.inbox import Inbox
from bot.runtime.ratelimit import seconds
from bot.runtime.retry import MAX_BACKOFF, sleep_unless, until_done
from bot.services import App

log = logging.getLogger(__name__)
# brewbot asks for getUpdates' raw JSON on purpose: the inbox keeps it as Telegram sent it
# (less names), which is cheaper than rebuilding it from PTB's objects for every update.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)

READ_SLACK = 10  # seconds beyond the long poll's own timeout before a fetch counts as lost
# Telegram answers 409 while another process polls with the same token (say, the old
# brewbot during a restart): wait for it to go rather than stop.
CONFLICT = "Another program is fetching this bot's updates; is brewbot running twice?"


class Poller:
    """Fetch updates, keep each batch in the inbox, then confirm it with the next fetch."""

    def __init__(
        self,
        app: App,
        inbox: Inbox,
        *,
        timeout: int = 30,
    ) -> None:
        self.app = app
        self.inbox = inbox
        self.timeout = timeout
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; keep the batch in hand, then confirm it."""
        await self._bootstrap(stop)
        failures = 0
        while not stop.is_set():
            try:
                updates = await self._fetch(stop)
            except RetryAfter as exc:
                await sleep_unless(stop, seconds(exc.retry_after))
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
                await sleep_unless(stop, delay)
                continue
            failures = 0
            if updates:
                await self.inbox.receive(updates)
                self.offset = max(int(u["update_id"]) for u in updates) + 1
        await self._confirm()

    async def _fetch(self, stop: asyncio.Event) -> list[dict[str, Any]]:
        """Fetch a batch as Telegram's JSON (the inbox keeps it as it came, less names)."""
        asked: dict[str, Any] = {"timeout": self.timeout, "allowed_updates": Update.ALL_TYPES}
        if self.offset is not None:
            asked["offset"] = self.offset
        fetch = asyncio.create_task(
            self.app.bot.do_api_request(
                "getUpdates", api_kwargs=asked, read_timeout=self.timeout + READ_SLACK
            )
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return []
        updates: list[dict[str, Any]] = fetch.result()
        return updates

    async def _bootstrap(self, stop: asyncio.Event) -> None:
        """Make sure no webhook is set, or getUpdates would refuse to run."""
        await until_done(
            stop,
            lambda: self.app.bot.delete_webhook(drop_pending_updates=False),
            "Telegram could not be reached",
        )

    async def _confirm(self) -> None:
        """Tell Telegram the handled updates are done, so they are not sent again."""
        if self.offset is None:
            return
        with contextlib.suppress(NetworkError, TimedOut, RetryAfter):
            await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)
