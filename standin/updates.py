"""Pending updates with Telegram's getUpdates semantics: long polling, offsets, allowed_updates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from standin.limits import ApiError

# What Telegram sends when allowed_updates is empty or was never set.
_OPT_IN = {"chat_member", "message_reaction", "message_reaction_count"}


class UpdateQueue:
    """Keep updates until a getUpdates offset confirms them; wake long polls on new ones."""

    def __init__(
        self, first_update_id: int = 500_000_001, on_confirm: Callable[[], None] | None = None
    ) -> None:
        self._on_confirm = on_confirm
        self._next_id = first_update_id
        self._pending: list[dict[str, Any]] = []
        self._allowed: set[str] | None = None  # None: Telegram's default set
        self._wake = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self.injected = 0
        self.confirmed_up_to = first_update_id - 1
        self.polls_waiting = 0
        self.on_push: Callable[[], None] | None = None  # told of each new update (webhooks)

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Add one update of the given kind and wake any waiting long poll."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.injected += 1
        self._notify()
        if self.on_push is not None:
            self.on_push()
        return update

    def drop_all(self) -> int:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        dropped = len(self._pending)
        if self._pending:
            self.confirmed_up_to = self._pending[-1]["update_id"]
        self._pending.clear()
        self._confirmed()
        return dropped

    def close(self) -> None:
        """Release every waiting long poll with an empty answer."""
        self._closing = True
        self._notify()

    def _confirmed(self) -> None:
        if self._on_confirm is not None:
            self._on_confirm()

    def _notify(self) -> None:
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    def confirm(self, offset: int) -> None:
        """Forget updates below offset; a negative offset keeps only the last -offset."""
        if offset < 0:
            keep = self._pending[offset:]
            forgotten = self._pending[: len(self._pending) - len(keep)]
        else:
            keep = [u for u in self._pending if u["update_id"] >= offset]
            forgotten = [u for u in self._pending if u["update_id"] < offset]
        if forgotten:
            self.confirmed_up_to = max(self.confirmed_up_to, forgotten[-1]["update_id"])
        self._pending = keep
        if forgotten:
            self._confirmed()

    def allow(self, allowed: list[str]) -> None:
        """Set which kinds of update the bot wants (an empty list: Telegram's default set)."""
        self._allowed = set(allowed) or None

    def deliverable(self) -> list[dict[str, Any]]:
        """Every pending update the bot asked for, oldest first (others are confirmed)."""
        return self._deliverable(len(self._pending))

    def delivered(self, update_id: int) -> None:
        """Forget one update the webhook answered 2xx for."""
        before = len(self._pending)
        self._pending = [u for u in self._pending if u["update_id"] != update_id]
        if len(self._pending) < before:
            self.confirmed_up_to = max(self.confirmed_up_to, update_id)
            self._confirmed()

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Return up to limit pending updates, silently confirming kinds the bot did not ask for."""
        wanted = [u for u in self._pending if self._is_allowed(u)]
        unwanted = {u["update_id"] for u in self._pending if not self._is_allowed(u)}
        if unwanted:
            self._pending = [u for u in self._pending if u["update_id"] not in unwanted]
            self.confirmed_up_to = max(self.confirmed_up_to, max(unwanted))
            self._confirmed()
        return wanted[:limit]

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed is None:
            return kind not in _OPT_IN
        return kind in self._allowed

    async def get_updates(
        self,
        offset: int | None,
        limit: int | None,
        *,
        wait_s: int | None,
        allowed: list[str] | None,
    ) -> list[dict[str, Any]]:
        """Answer getUpdates: confirm below offset, then wait up to timeout seconds for updates."""
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll still waiting is ended with 409 below
        if offset is not None and offset != 0:
            self.confirm(offset)
        if allowed is not None:
            self.allow(allowed)
        count = max(1, min(100, limit or 100))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0, wait_s or 0)
        while True:
            found = self._deliverable(count)
            if found or self._closing:
                return found if not self._closing else []
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            wake = self._wake
            self.polls_waiting += 1
            try:
                await asyncio.wait_for(wake.wait(), remaining)
            except TimeoutError:
                return []
            finally:
                self.polls_waiting -= 1
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    @property
    def all_confirmed(self) -> bool:
        """True when every update pushed so far has been confirmed."""
        return not self._pending
