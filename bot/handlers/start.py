"""/start: join a brew from an invite link, or learn how to join."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.handlers.common import say, who_sees
from bot.handlers.language import hint_of
from bot.journey import advance
from bot.language_offer import language_row
from bot.services import App, BrewContext, Services
from bot.speaking import starting_language
from conversations.model import Begin


async def start(update: Update, context: BrewContext) -> None:
    """Join the brew named by the invite code, or explain how to join."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    code = context.args[0] if context.args else ""
    if not code:
        await say(update, context, "start_no_code")
        return
    brew = await services.store.brew_by_code(code[:64])
    if brew is None:
        await say(update, context, "start_unknown_code")
        return
    if brew.closed_at is not None:
        await say(update, context, "start_closed_brew", theme=brew.theme)
        return
    start_in = starting_language(
        services.catalogue,
        brew=brew.language,
        deployment=services.settings.language,
        hint=hint_of(update),
    )
    participant = await services.store.join(chat.id, language=start_in)
    services.speak_to(participant)
    if participant.stopped:
        participant = await services.store.set_preferences(participant.id, stopped=False)
    lead, offer = None, []
    before = await services.store.progress(participant.id, brew.id)
    if before is None:
        # The first message offers both languages (an active offer): a tap asks again in it.
        told = who_sees(context, easy=participant.easy)
        lead = services.text("welcome", easy=participant.easy, who_sees=told)
        offer = language_row(services)
    await advance(
        update,
        context,
        participant,
        brew,
        Begin(),
        lead=lead,
        offer=offer,
        opened=True,
        before=before,
    )


def register(app: App, services: Services) -> None:
    """Add the /start handler for private chats."""
    app.add_handler(CommandHandler("start", start, filters=filters.ChatType.PRIVATE))
