"""Handle kept updates: each chat's in order, many chats side by side, none waiting on another.

The poller keeps every fetched batch in storage's inbox (one transaction) and only then
lets Telegram forget it, so a killed process loses nothing it fetched. Here each kept
update is handed to ``Application.process_update`` in its chat's order; it leaves the
inbox, recorded as handled, once its handler is done: finished updates leave together, one
commit for however many finished while the last commit was being made (under a crowd, many;
alone, one). After a restart, whatever was
kept but not finished is handled then, and a step already recorded is not recorded
twice (the handled-updates check in ``bot/handlers/errors.py``).

On PostgreSQL, any number of workers may share the database (``brewbot run --webhook``
behind a load balancer): then an update kept here may be handled by any of them. Each
worker claims chats from the database (``Store.claim_chats``: a lease per chat), handles a
claimed chat's waiting updates oldest first, and lets it go; it looks for claimable chats
whenever it keeps something and every ``POLL`` seconds, and renews its leases as it goes.
A killed worker's chats pass to another when their leases run out (``LEASE``, or
``BREWBOT_CHAT_LEASE_SECONDS``). On SQLite
(one process) the chats' queues stay in memory, as fast as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Update

from bot.settings import CHAT_LEASE_SECONDS
from storage.errors import StorageError
from storage.inbox import Kept
from storage.store import Store

if TYPE_CHECKING:
    from bot.services import App  # bot.services holds an Inbox

log = logging.getLogger(__name__)

CHATS_AT_ONCE = 128
POLL = 0.25  # seconds between looks for chats to claim, when shared
# A chat of a killed worker waits this long for another (the setting's default).
LEASE = timedelta(seconds=CHAT_LEASE_SECONDS)
# A worker keeps a chat it has just handled this long, in case the person says more: their
# next steps then come to the same worker, whose memory paces their chat and knows which
# question shows buttons (both live in the process).
LINGER = 5.0
# What a kept update may not hold: who someone is (names, usernames, phone numbers).
_DROPPED = frozenset({"last_name", "username", "language_code", "vcard", "bio"})
_BLANKED = frozenset({"first_name", "phone_number"})


def chat_key(update: Update) -> int:
    """The chat an update belongs to (its order is kept within it)."""
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0


def scrub(value: Any) -> Any:
    """Return an update's JSON without names, usernames or phone numbers."""
    if isinstance(value, dict):
        return {
            key: "" if key in _BLANKED else scrub(item)
            for key, item in value.items()
            if key not in _DROPPED
        }
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


class Inbox:
    """Keep fetched updates, then handle each chat's in order, chats side by side."""

    def __init__(
        self,
        app: App,
        store: Store,
        *,
        chats_at_once: int = CHATS_AT_ONCE,
        first: Callable[[Update], None] | None = None,
        urgent: Callable[[Update], bool] | None = None,
        shared: bool | None = None,
        lease: timedelta = LEASE,
        poll: float = POLL,
    ) -> None:
        self.app = app
        self.store = store
        # Shared by several workers: by default, whenever the database is PostgreSQL.
        self.shared = store.dialect == "postgresql" if shared is None else shared
        self._lease, self._poll = lease, poll
        self._wake = asyncio.Event()
        self._claimer: asyncio.Task[None] | None = None
        self._claiming = False
        self._waiting = 0  # updates in the shared inbox at the last look
        self._held: set[int] = set()  # chats this worker has claimed
        self._lingering: dict[int, asyncio.Event] = {}  # held chats waiting for more
        self._stopping = False
        self._linger = LINGER
        self._chats_at_once = chats_at_once
        self.kept = self.handled = 0  # updates this worker kept, and handled (for health)
        # Sees each new urgent update before it queues (help for someone at risk).
        self._first, self._urgent = first, urgent
        self._slots = asyncio.Semaphore(chats_at_once)
        self._queues: dict[int, deque[tuple[int, Update]]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._resumed: set[int] = set()  # kept before a restart: perhaps handled already
        self._done: list[int] = []  # handled, to leave the inbox with the next commit
        self._leaving: asyncio.Task[None] | None = None
        self.unfinished = 0

    @property
    def busy(self) -> bool:
        """True while any kept update is waiting, being handled, or leaving the inbox (shared:
        by any worker, as of this worker's last look)."""
        if self.shared:
            handling = self._held - self._lingering.keys()
            return bool(handling or self._waiting or self._claiming or self._wake.is_set())
        return self.unfinished > 0 or bool(self._done) or self._leaving is not None

    def may_be_handled(self, update_id: int) -> bool:
        """Say whether an update might have been handled already (it was kept before a restart).

        A new update cannot have been: keeping it refused any that were. Shared, any update
        may have been begun by a worker that was killed.
        """
        return self.shared or update_id in self._resumed

    async def resume(self) -> int:
        """Hand out whatever was kept but not finished before a restart; return how many."""
        if self.shared:
            self._look()
            return 0
        waiting = await self.store.waiting_updates()
        for kept in waiting:
            update = Update.de_json(json.loads(kept.payload), self.app.bot)
            self._resumed.add(kept.update_id)
            self._hand_out(kept.chat_key, kept.update_id, update)
        if waiting:
            log.info("Carrying on with %d update(s) kept before a restart", len(waiting))
        return len(waiting)

    async def receive(self, batch: Sequence[dict[str, Any]]) -> None:
        """Keep a fetched batch (Telegram's JSON) in one transaction, then hand out what was new."""
        updates = [Update.de_json(data, self.app.bot) for data in batch]
        by_id = {u.update_id: u for u in updates}
        kept = [
            Kept(
                u.update_id,
                chat_key(u),
                json.dumps(scrub(data), ensure_ascii=False),
                urgent=self._urgent is not None and self._urgent(u),
            )
            for u, data in zip(updates, batch, strict=True)
        ]
        for fresh in await self.store.keep_updates(kept):
            self.kept += 1
            update = by_id[fresh.update_id]
            if fresh.urgent and self._first is not None:
                self._first(update)
            if not self.shared:
                self._hand_out(fresh.chat_key, fresh.update_id, update)
        if self.shared:
            self._look()

    async def finish(self, grace: float) -> None:
        """At shutdown: let workers finish for up to ``grace`` seconds, then stop them.

        What they had not finished stays in the inbox for the next start (shared: for any
        worker, as soon as this one lets its chats go).
        """
        self._stopping = True
        for more in self._lingering.values():  # let lingering chats go now
            more.set()
        if self._claimer is not None:
            self._claimer.cancel()
            await asyncio.gather(self._claimer, return_exceptions=True)
            self._claimer = None
        if self._workers:
            _, late = await asyncio.wait(set(self._workers), timeout=grace)
            for worker in late:
                worker.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._leaving is not None:
            await asyncio.shield(self._leaving)  # one short commit: let what finished leave

    def _hand_out(self, key: int, update_id: int, update: Update) -> None:
        self.unfinished += 1
        queue = self._queues.get(key)
        if queue is not None:
            queue.append((update_id, update))
            return
        self._queues[key] = deque([(update_id, update)])
        worker = asyncio.create_task(self._work(key), name=f"brewbot chat {key}")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    def _finish(self, update_id: int) -> None:
        """Let a handled update leave the inbox with the next commit."""
        self.handled += 1
        self._done.append(update_id)
        self._resumed.discard(update_id)
        if self._leaving is None:
            self._leaving = asyncio.create_task(self._leave(), name="brewbot inbox finishing")

    async def _leave(self) -> None:
        """Record finished updates as handled, a commit at a time, until none are left.

        If storage fails, they wait in the inbox and are handled after a restart (a step
        already kept is then only shown again, never kept twice).
        """
        try:
            while self._done:
                done, self._done = self._done, []
                try:
                    await self.store.finish_updates(done)
                except StorageError:
                    log.exception("Could not record %d update(s) as handled", len(done))
        finally:
            self._leaving = None

    async def _work(self, key: int) -> None:
        """Handle one chat's kept updates in order, then let the chat go."""
        queue = self._queues[key]
        try:
            async with self._slots:
                while queue:
                    update_id, update = queue[0]
                    await self.app.process_update(update)
                    self._finish(update_id)
                    queue.popleft()
                    self.unfinished -= 1
        finally:
            # A stop mid-way leaves the rest in storage's inbox for the next start.
            self.unfinished -= len(queue)
            del self._queues[key]

    # ------------------------------------------------------------- shared by workers

    def _look(self) -> None:
        """Look for chats to claim now (starting the looking, the first time)."""
        self._wake.set()
        if self._claimer is None or self._claimer.done():
            self._claimer = asyncio.create_task(self._claim_forever(), name="brewbot claims")

    async def _claim_forever(self) -> None:
        """Claim chats whenever told to and every ``POLL`` seconds; keep held leases alive."""
        renewed = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            self._claiming = True
            self._wake.clear()
            try:
                if self._held and time.monotonic() - renewed > self._lease.total_seconds() / 3:
                    await self.store.renew_chats(lasting=self._lease)
                    renewed = time.monotonic()
                if self._lingering:
                    for key in await self.store.chats_waiting(list(self._lingering)):
                        if (more := self._lingering.get(key)) is not None:
                            more.set()
                # A chat kept in case of more takes no place from one with work waiting.
                free = self._chats_at_once - len(self._held) + len(self._lingering)
                claimed = await self.store.claim_chats(lasting=self._lease, limit=free)
            except StorageError:
                log.exception("Could not look for chats to handle; looking again soon")
                continue
            finally:
                self._claiming = False
            self._waiting = claimed.waiting
            for key in claimed.chats:
                self._held.add(key)
                worker = asyncio.create_task(self._handle_chat(key), name=f"brewbot chat {key}")
                self._workers.add(worker)
                worker.add_done_callback(self._workers.discard)

    async def _handle_chat(self, key: int) -> None:
        """Handle a claimed chat's waiting updates in order, while this worker holds it."""
        try:
            while True:
                waiting = await self.store.chat_updates(key)
                if not waiting:
                    if await self._more_for(key):
                        continue
                    break
                for kept in waiting:
                    if not await self.store.holds_chat(key):
                        log.warning("Chat lease ran out; another worker carries on with it")
                        return
                    update = Update.de_json(json.loads(kept.payload), self.app.bot)
                    await self.app.process_update(update)
                    # At once, not batched: the chat is let go only after its updates left.
                    await self.store.finish_updates([kept.update_id])
                    self.handled += 1
        except StorageError:
            log.exception("Could not handle a chat's kept updates; they wait for a worker")
        finally:
            try:
                await asyncio.shield(self.store.release_chat(key))
            except (StorageError, asyncio.CancelledError):
                log.warning("Could not let a chat go; its lease runs out by itself")
            self._held.discard(key)
            self._wake.set()  # look again: more may have come for it meanwhile

    async def _more_for(self, key: int) -> bool:
        """Keep a drained chat for ``LINGER`` seconds; say whether more came for it."""
        if self._stopping or self._linger <= 0:
            return False
        more = self._lingering[key] = asyncio.Event()
        try:
            await asyncio.wait_for(more.wait(), self._linger)
        except TimeoutError:
            return False
        finally:
            del self._lingering[key]
        return not self._stopping
