"""Webhooks as Telegram runs them: setWebhook, deleteWebhook, getWebhookInfo, and delivery.

Once a webhook is set, getUpdates answers 409 and every pending update is POSTed to the
URL as JSON, with the secret token in ``X-Telegram-Bot-Api-Secret-Token``. An update
counts as delivered only on a 2xx answer; anything else (or no answer) is tried again
after a growing pause. Each chat's updates go one at a time, in order; different chats
go side by side, never more than ``max_connections`` at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from standin.limits import ApiError, bad_request
from standin.params import Params
from standin.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_PORTS = {80, 88, 443, 8443}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
GETUPDATES_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class Webhook:
    """The webhook as set: where, with what secret, how many connections at once."""

    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class Delivered:
    """One POST of an update to the webhook, and how it went (status 0: no answer)."""

    update_id: int
    url: str
    status: int
    error: str | None = None


def chat_of(update: dict[str, Any]) -> int:
    """The chat (or person) an update is about, so its chat's updates keep their order."""
    payload = next(v for k, v in update.items() if k != "update_id")
    if not isinstance(payload, dict):
        return 0
    for holder in (payload, payload.get("message")):
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return int(holder["chat"]["id"])
    for key in ("from", "user"):
        if isinstance(payload.get(key), dict):
            return int(payload[key]["id"])
    return 0


def check_url(url: str) -> None:
    """Refuse a URL Telegram would refuse (plain http is allowed on this machine only)."""
    parts = urlsplit(url)
    loopback = parts.hostname in _LOOPBACK
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not loopback and (parts.port or 443) not in _PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


class Deliveries:
    """Hold the webhook and POST pending updates to it, as Telegram does."""

    def __init__(
        self,
        queue: UpdateQueue,
        on_change: Callable[[], None],
        *,
        first_retry_s: float = 0.1,
        max_retry_s: float = 2.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.queue = queue
        self.hook = Webhook()
        self.log: list[Delivered] = []
        self.first_retry_s = first_retry_s
        self.max_retry_s = max_retry_s
        self.timeout_s = timeout_s
        self.most_at_once = 0  # the most POSTs in flight together, ever
        self._on_change = on_change
        self._wake = asyncio.Event()
        self._busy_chats: set[int] = set()
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        """True while a webhook is set."""
        return bool(self.hook.url)

    def nudge(self) -> None:
        """Look again for something to deliver (a new update, a freed connection)."""
        self._wake.set()

    # -- the Bot API methods -----------------------------------------------------------------

    def set_webhook(self, p: Params) -> bool:
        """setWebhook: check the URL and secret as Telegram does, then start delivering."""
        url = str(p.get("url") or "")
        if not url:
            return self.delete_webhook(p)
        check_url(url)
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        most = p.get("max_connections", 40)
        if not isinstance(most, int) or not 1 <= most <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if p.get("drop_pending_updates"):
            self.queue.drop_all()
        allowed = p.get("allowed_updates")
        if allowed is not None:
            self.queue.allow(allowed)
        self.hook = Webhook(url, secret, most, allowed, p.get("ip_address"))
        self._failures.clear()
        self._retry_at.clear()
        self._start()
        self.nudge()
        return True

    def delete_webhook(self, p: Params) -> bool:
        """deleteWebhook: stop delivering (what is pending waits for getUpdates)."""
        self.hook = Webhook()
        if p.get("drop_pending_updates"):
            self.queue.drop_all()
        return True

    def info(self) -> dict[str, Any]:
        """getWebhookInfo's WebhookInfo."""
        found: dict[str, Any] = {
            "url": self.hook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        if self.active:
            found["max_connections"] = self.hook.max_connections
            if self.hook.allowed_updates is not None:
                found["allowed_updates"] = list(self.hook.allowed_updates)
            if self.hook.ip_address:
                found["ip_address"] = self.hook.ip_address
            if self.hook.last_error_date is not None:
                found["last_error_date"] = self.hook.last_error_date
                found["last_error_message"] = self.hook.last_error_message or ""
        return found

    def refuse_get_updates(self) -> None:
        """getUpdates while a webhook is set: Telegram answers 409."""
        if self.active:
            raise ApiError(409, GETUPDATES_CONFLICT)

    # -- delivery ------------------------------------------------------------------------------

    def _start(self) -> None:
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._deliver_forever())

    async def close(self) -> None:
        """Stop delivering and close connections."""
        for task in [*self._tasks, *([self._loop_task] if self._loop_task else [])]:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._loop_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._session is not None:
            await self._session.close()

    async def _deliver_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while self.active:
            self._wake.clear()
            self._launch(loop.time())
            due = [at for at in self._retry_at.values() if at > loop.time()]
            wait = (min(due) - loop.time()) if due else 1.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.005, wait))

    def _launch(self, now: float) -> None:
        """Start a POST for the first pending update of each free chat, within max_connections."""
        seen: set[int] = set()
        for update in self.queue.deliverable():
            if len(self._busy_chats) >= self.hook.max_connections:
                return
            chat = chat_of(update)
            if chat in seen:
                continue
            seen.add(chat)
            if chat in self._busy_chats or self._retry_at.get(chat, 0.0) > now:
                continue
            self._busy_chats.add(chat)
            self.most_at_once = max(self.most_at_once, len(self._busy_chats))
            task = asyncio.create_task(self._post(update, chat, self.hook))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _post(self, update: dict[str, Any], chat: int, hook: Webhook) -> None:
        status, error = 0, None
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            async with self._session.post(
                hook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
            ) as answer:
                status = answer.status
                await answer.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._busy_chats.discard(chat)
        self.log.append(Delivered(update["update_id"], hook.url, status, error))
        if 200 <= status < 300:
            self._failures.pop(chat, None)
            self._retry_at.pop(chat, None)
            self.queue.delivered(update["update_id"])
        else:
            failures = self._failures.get(chat, 0) + 1
            self._failures[chat] = failures
            pause = min(self.max_retry_s, self.first_retry_s * 2 ** (failures - 1))
            self._retry_at[chat] = asyncio.get_running_loop().time() + pause
            self.hook.last_error_date = int(time.time())
            self.hook.last_error_message = error or f"Wrong response from the webhook: {status}"
        self._on_change()
        self.nudge()
