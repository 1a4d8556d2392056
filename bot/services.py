"""What every handler needs, built once at start-up and kept in ``bot_data``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, JobQueue

from bot.callbacks import ButtonCodec
from bot.inbox import Inbox
from bot.settings import Settings
from conversations.messages import Messages
from conversations.model import Pack
from storage.store import Store

if TYPE_CHECKING:
    from bot.embedder import Embedding

KEY = "brewbot.services"
App = Application[Any, Any, Any, Any, Any, Any]  # brewbot's Application, with PTB's defaults


def require_job_queue(app: App) -> JobQueue[Any]:
    """Return the Application's job queue, which brewbot's scheduled work needs."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    return app.job_queue


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Services:
    """The settings, the store, the packs and texts, and the button codec."""

    settings: Settings
    store: Store
    packs: Mapping[str, Pack]
    messages: Messages
    buttons: ButtonCodec
    clock: Callable[[], datetime] = utc_now
    admin_cache: dict[tuple[int, int], tuple[bool, datetime]] = field(default_factory=dict)
    inbox: Inbox | None = None  # set once polling starts
    embedding: Embedding | None = None  # set once running, unless meaning is off

    def text(self, key: str, *, easy: bool = False, turn: int = 0, **values: Any) -> str:
        """Return one of brewbot's own texts, in plain or easy words."""
        return self.messages.text(key, easy=easy, turn=turn, **values)


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """Return the Services of the running application."""
    found: Services = context.application.bot_data[KEY]
    return found


def attach(app: App, found: Services) -> None:
    """Keep the services where handlers can reach them."""
    app.bot_data[KEY] = found
