"""Webhook mode: Telegram POSTs each update to brewbot, which keeps it in the inbox, then says 200.

Behind a reverse proxy that holds the TLS certificate, brewbot listens on ``BREWBOT_LISTEN``
(127.0.0.1:8443 by default) at the path of its webhook URL. A request without the secret
token set with ``setWebhook`` gets 403 and nothing is kept. A body that is not an update
gets 400 and a log line that holds none of it. An update is answered 200 only once it is
committed to the inbox (``Inbox.receive``, the path polling uses); when storage fails the
answer is 503, and Telegram sends the update again later. ``/healthz`` says whether the
database answers, and how many updates wait, with nothing about anyone.

Several brewbot processes can serve one URL behind a proxy that spreads requests among
them: each sets the same webhook with the same secret (``BREWBOT_WEBHOOK_SECRET``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.runtime.inbox import Inbox
from bot.runtime.retry import until_done
from bot.services import App
from bot.settings import Settings
from storage.errors import StorageError
from storage.store import Store

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few kilobytes
SHUTDOWN_TIMEOUT = 5.0  # seconds for requests in hand to be answered when stopping


def new_secret() -> str:
    """Make a secret token for one start (letters, digits, _ and -, as Telegram allows)."""
    return secrets.token_urlsafe(32)


def webhook_path(url: str) -> str:
    """The path brewbot answers at: the webhook URL's own (a proxy passes it on unchanged)."""
    return urlsplit(url).path or "/"


class WebhookServer:
    """Receive Telegram's POSTs, keep each update in the inbox, then answer 200."""

    def __init__(self, app: App, inbox: Inbox, store: Store, settings: Settings) -> None:
        if settings.webhook_url is None:
            raise ValueError("webhook mode needs a webhook URL")
        self.app = app
        self.inbox = inbox
        self.store = store
        self.url = settings.webhook_url
        self.listen = settings.listen
        self._secret = settings.webhook_secret.reveal() or new_secret()
        self._runner: web.AppRunner | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Listen, set the webhook, and serve until ``stop`` is set; then stop accepting."""
        await self.start()
        try:
            await self.set_webhook(stop)
            await stop.wait()
        finally:
            await self.close()

    async def start(self) -> None:
        """Start listening on ``BREWBOT_LISTEN`` (before Telegram is told where to send)."""
        server = web.Application(client_max_size=MAX_UPDATE_BYTES)
        server.router.add_post(webhook_path(self.url), self._update)
        server.router.add_get(HEALTH_PATH, self._health)
        self._runner = web.AppRunner(server, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await self._runner.setup()
        host, port = self.listen
        await web.TCPSite(self._runner, host, port).start()
        log.info("Listening for Telegram's updates on %s:%d", host, port)

    async def close(self) -> None:
        """Stop accepting; requests already in hand are answered first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def set_webhook(self, stop: asyncio.Event) -> None:
        """Tell Telegram where to send updates, with the secret; try again while it is away."""
        told = await until_done(
            stop,
            lambda: self.app.bot.set_webhook(
                self.url,
                secret_token=self._secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            ),
            "Could not set the webhook",
        )
        if told:
            log.info("Telegram now sends updates to the webhook")

    async def _update(self, request: web.Request) -> web.Response:
        """Keep one update in the inbox, then answer 200 (403 without the secret)."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("Refused a webhook request without the right secret token")
            return web.Response(status=403)
        try:
            update = _parse(await request.read())
        except ValueError as exc:
            log.warning("Refused a webhook request that is not a Telegram update (%s)", exc)
            return web.Response(status=400)
        try:
            await self.inbox.receive([update])
        except StorageError as exc:
            log.error("Could not keep an update (%s); Telegram will send it again", exc)
            return web.Response(status=503)
        return web.Response(status=200)

    async def _health(self, request: web.Request) -> web.Response:
        """Say whether the database answers, and how many updates wait: nothing about anyone."""
        try:
            waiting = await self.store.count_waiting()
        except StorageError:
            return web.json_response({"ok": False, "mode": "webhook"}, status=503)
        return web.json_response(
            {"ok": True, "mode": "webhook", "inbox_waiting": waiting, "handling": self.inbox.busy}
        )


def _parse(body: bytes) -> dict[str, Any]:
    """Read an update's JSON, or raise ValueError saying what is wrong (never what it held)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError(f"not JSON, {len(body)} bytes") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    update_id = data.get("update_id")
    if isinstance(update_id, bool) or not isinstance(update_id, int) or update_id < 0:
        raise ValueError("no update_id")
    try:
        Update.de_json(data, None)
    except Exception:  # PTB raises many kinds on a malformed update
        raise ValueError("fields of the wrong shape") from None
    return data
