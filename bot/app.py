"""Put brewbot together: the Application, its services, its handlers and jobs, and polling
(or, with a webhook URL, a webhook server)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram.ext import ApplicationBuilder, ContextTypes, JobQueue

from bot.callbacks import ButtonCodec
from bot.coproduction import FEATURES as COPRODUCTION
from bot.embedder import Embedding
from bot.facilitators import (
    brews,
    codebooks,
    counts,
    digest_now,
    gate,
    group_language,
    import_in_group,
    live,
    planning,
    review,
    wesaid,
)
from bot.handlers import (
    answers,
    controls,
    errors,
    language,
    mydata,
    oddities,
    start,
    voice_notes,
)
from bot.handlers.language import PARTICIPANT_COMMANDS, set_private_menus
from bot.help_first import help_first, needs_help_first
from bot.jobs import broadcast, deliveries, nudges, pacing, weekly_digest
from bot.runtime.http import AiohttpRequest
from bot.runtime.inbox import Inbox
from bot.runtime.poller import Poller
from bot.runtime.ratelimit import PacedRateLimiter
from bot.runtime.webhook import WebhookServer
from bot.services import KEY, App, BrewContext, Services, attach, utc_now
from bot.settings import Settings
from bot.voice import Listening
from conversations.codebook import shipped_codebooks
from conversations.loader import load_pack_languages
from conversations.messages import load_catalogue
from storage.sending import SendStore
from storage.store import Store

log = logging.getLogger("brewbot")
SHUTDOWN_GRACE = 10.0  # seconds to finish updates in hand; the rest wait in the inbox

# Order matters inside a group: the first matching handler wins, catch-alls go last.
FEATURES = (
    errors,
    gate,
    brews,
    live,
    digest_now,
    wesaid,
    planning,
    review,
    import_in_group,
    codebooks,
    group_language,  # before language: presses of the same buttons in groups are the group's
    language,
    start,
    controls,
    mydata,
    *COPRODUCTION,  # themes suggested, time given, summaries checked, the region (issue 15)
    answers,
    voice_notes,
    oddities,
)

__all__ = ["PARTICIPANT_COMMANDS", "build_application", "open_services", "serve"]


def still_working(app: App) -> bool:
    """Say whether brewbot has kept updates still to handle, or calls waiting for their turn.

    The demo and the tests wait on this as well as on the stand-in's own quiet.
    """
    services: Services | None = app.bot_data.get(KEY)
    limiter = app.bot.rate_limiter
    waiting = isinstance(limiter, PacedRateLimiter) and limiter.waiting > 0
    return waiting or (services is not None and services.inbox is not None and services.inbox.busy)


def build_application(settings: Settings) -> App:
    """Build the python-telegram-bot Application; polling is brewbot's own (runtime/poller.py)."""
    return (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_url)
        .base_file_url(settings.file_url)
        .request(AiohttpRequest(read_timeout=settings.api_timeout))
        .get_updates_request(AiohttpRequest(read_timeout=settings.api_timeout, connections=1))
        .rate_limiter(
            PacedRateLimiter(
                person_rate=settings.person_rate, group_per_minute=settings.group_per_minute
            )
        )
        .updater(None)
        .context_types(ContextTypes(context=BrewContext))
        .job_queue(JobQueue[BrewContext]())
        .build()
    )


async def open_services(
    settings: Settings,
    app: App,
    *,
    clock: Callable[[], datetime] = utc_now,
    lease_clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Open the store, load packs, codebooks and texts, and register every feature."""
    store = await Store.open(settings.db, now=clock, lease_clock=lease_clock)
    services = Services(
        settings=settings,
        store=store,
        pack_languages=load_pack_languages(),
        codebooks=shipped_codebooks(),
        catalogue=load_catalogue(),
        buttons=ButtonCodec(settings.require_token().encode()),
        clock=clock,
        live_answered=counts.answered,
    )
    attach(app, services)
    for feature in FEATURES:
        feature.register(app, services)
    return services


async def set_group_menus(app: App, services: Services) -> None:
    """Show each facilitators' group's admins their commands, in the group's language."""
    for chat_id in services.settings.facilitator_chats:
        language = await services.group_language(chat_id)
        await brews.set_menus(app.bot, [chat_id], services.catalogue.messages(language))


async def pace_with_storage(app: App, store: Store, settings: Settings) -> SendStore | None:
    """Keep Telegram's 429s in storage for the next start and, with several workers on
    PostgreSQL, share the bot's sends a second with them; return the connection opened for
    that (claims must not queue behind a crowd's other queries on the store's), if any."""
    limiter = app.bot.rate_limiter
    if not isinstance(limiter, PacedRateLimiter):
        return None
    if store.dialect == "sqlite":  # one process: the allowance stays in its memory
        await limiter.use_storage(store, shared=False)
        return None
    sending = await SendStore.open(settings.db)
    await limiter.use_storage(sending, shared=True)
    return sending


def receiver(settings: Settings, app: App, inbox: Inbox, store: Store) -> Poller | WebhookServer:
    """Return what brings updates in: polling by default, a webhook server when a URL is set."""
    if settings.webhook_url is None:
        return Poller(app, inbox)
    return WebhookServer(app, inbox, store, settings)


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Callable[[], datetime] = utc_now,
    lease_clock: Callable[[], datetime] = utc_now,
    ready: Callable[[App], Awaitable[None]] | None = None,
) -> None:
    """Run brewbot until ``stop`` is set; finish what is in hand, then close cleanly.

    ``clock`` is what brewbot takes for now (the day, the hour); ``lease_clock`` times the
    leases shared with other workers. Both are the wall clock but in tests."""
    app = build_application(settings)
    async with app:
        services = await open_services(settings, app, clock=clock, lease_clock=lease_clock)
        sending: SendStore | None = None
        try:
            sending = await pace_with_storage(app, services.store, settings)
            if services.store.dialect == "sqlite":
                # On SQLite this process is brewbot's only worker: a lease still held was held
                # by a process that died (a crash mid-digest would hold up the digest for the
                # lease's whole length).
                await services.store.forget_leases()
            await set_private_menus(app.bot, services)
            await set_group_menus(app, services)
            nudges.schedule(app)
            weekly_digest.schedule(app)
            broadcast.schedule(app)
            deliveries.schedule(app)
            pacing.schedule(app)
            counts.schedule(app)
            await app.start()
            inbox = Inbox(
                app,
                services.store,
                first=lambda update: help_first(app, update),
                urgent=needs_help_first,
                lease=settings.chat_lease,
            )
            services.inbox = inbox
            if settings.meaning:
                services.embedding = Embedding(services.store)
                services.embedding.start()
            services.listening = Listening.for_settings(settings)
            try:
                log.info("brewbot is running as @%s", app.bot.username)
                await inbox.resume()
                if ready is not None:
                    await ready(app)
                await receiver(settings, app, inbox, services.store).run(stop)
                await inbox.finish(SHUTDOWN_GRACE)
            finally:
                await inbox.finish(0)  # killed mid-way: stop at once; the inbox keeps the rest
                if services.embedding is not None:
                    await services.embedding.stop()  # unembedded answers wait for the next start
                if services.listening is not None:
                    await services.listening.stop()  # a note half-heard waits in the inbox
                await app.stop()
        finally:
            limiter = app.bot.rate_limiter
            if isinstance(limiter, PacedRateLimiter):
                await limiter.overall.close()  # before the connection its claims go through
            if sending is not None:
                await sending.close()
            await services.store.close()
