"""What every handler needs, built once at start-up and kept in ``bot_data``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.callbacks import ButtonCodec
from bot.runtime.inbox import Inbox
from bot.settings import Settings
from bot.speaking import group_language, speak, speaking
from conversations.codebook import Codebook, shipped_codebooks
from conversations.messages import ENGLISH, Catalogue, Messages
from conversations.model import Pack
from storage.records import Participant
from storage.store import Store

if TYPE_CHECKING:
    from bot.embedder import Embedding
    from bot.voice import Listening

KEY = "brewbot.services"


class BrewContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What every handler, job and error handler is given: PTB's context, with brewbot's
    :class:`Services` on it (``ContextTypes(context=BrewContext)`` in bot/app.py)."""

    __slots__ = ()

    @property
    def application(self) -> App:  # type: ignore[override]  # PTB types it with ST unbound
        """The running Application, as bot/app.py builds it."""
        return cast("App", self._application)

    @property
    def services(self) -> Services:
        """The Services of the running application."""
        return services_of(self.application)


# brewbot's Application: its rate limiter's bot (bot/runtime/ratelimit.py), its context, PTB's dicts
App = Application[
    ExtBot[int], BrewContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[BrewContext]
]
# A handler: a coroutine function, as python-telegram-bot's handlers expect.
Handler = Callable[[Update, BrewContext], Coroutine[Any, Any, None]]


def require_job_queue(app: App) -> JobQueue[BrewContext]:
    """Return the Application's job queue, which brewbot's scheduled work needs."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    return app.job_queue


def utc_now() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Services:
    """The settings, the store, the packs, codebooks and texts in every language, and the button
    codec.

    ``messages`` and ``packs`` are those of the language being spoken (bot/speaking.py).
    """

    settings: Settings
    store: Store
    pack_languages: Mapping[str, Mapping[str, Pack]]  # language -> pack id -> pack
    catalogue: Catalogue
    buttons: ButtonCodec
    clock: Callable[[], datetime] = utc_now
    codebooks: Mapping[str, Codebook] = field(default_factory=shipped_codebooks)
    admin_cache: dict[tuple[int, int], tuple[bool, datetime]] = field(default_factory=dict)
    inbox: Inbox | None = None  # set once polling starts
    embedding: Embedding | None = None  # set once running, unless meaning is off
    listening: Listening | None = None  # set once running, unless voice is off or missing
    # Told which questions of a live brew have new answers, once they are kept: the live counts
    # message (bot/facilitators/counts.py), given by the wiring so the participants' path
    # imports no facilitators' module.
    live_answered: Callable[[App, int, set[str]], None] | None = None

    @property
    def messages(self) -> Messages:
        """brewbot's own texts, in the language being spoken."""
        return self.catalogue.messages(speaking())

    @property
    def packs(self) -> Mapping[str, Pack]:
        """The packs, in the language being spoken."""
        return self.pack_languages.get(speaking()) or self.pack_languages[ENGLISH]

    def text(self, key: str, *, easy: bool = False, turn: int = 0, **values: Any) -> str:
        """Return one of brewbot's own texts, in plain or easy words."""
        return self.messages.text(key, easy=easy, turn=turn, **values)

    def language_of(self, participant: Participant) -> str:
        """Return the language a person reads: theirs, else the deployment's, else English."""
        return self.spoken(participant.language)

    def spoken(self, language: str | None) -> str:
        """Return ``language`` if brewbot speaks it, else the deployment's, else English."""
        if language is not None and self.catalogue.speaks(language):
            return language
        return self.settings.language or ENGLISH

    async def group_language(self, chat_id: int) -> str:
        """Return a facilitators' group's language: its own choice, else the deployment's."""
        group = await self.store.group(chat_id)
        return group_language(group.settings if group else {}, self.settings.language)

    def speak_to(self, participant: Participant) -> str:
        """Speak a person's own language for the rest of this update, once they have one (until
        then, what the update began with: their Telegram's, or the deployment's)."""
        if participant.language is not None and self.catalogue.speaks(participant.language):
            speak(participant.language)
        return speaking()


def services_of(app: App) -> Services:
    """Return an Application's Services, where there is no context (a handler has one)."""
    services: Services = app.bot_data[KEY]
    return services


def attach(app: App, services: Services) -> None:
    """Keep the services where handlers reach them (``context.services``)."""
    app.bot_data[KEY] = services
