"""/idea: suggest a theme for a future brew, anonymously, from a private chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.handlers.common import in_place, say
from bot.help_first import help_if_at_risk
from bot.keyed import suggester
from bot.place import Place
from bot.services import App, BrewContext, Services
from bot.tg import command_words
from conversations.reporting import clean
from conversations.suggestions import MAX_IDEA_CHARS, normalise


@in_place
async def idea(update: Update, context: BrewContext, place: Place) -> None:
    """Keep a suggested theme under a keyed hash of who, so it counts once and shows no one."""
    services, message = context.services, update.effective_message
    if message is None:
        return
    words = clean(command_words(message))
    participant, easy = place.participant, place.easy
    if not normalise(words):
        await say(update, context, "idea_how", easy=easy)
        return
    if len(words) > MAX_IDEA_CHARS:
        await say(update, context, "idea_too_long", easy=easy, most=MAX_IDEA_CHARS)
        return
    # Kept nowhere: help comes first, and it is not a theme list's.
    if await help_if_at_risk(context, message.chat_id, words, easy=easy, update=update):
        return
    if participant is None:
        participant = await services.store.join(message.chat_id)
    key = suggester(services.settings.require_token(), participant.id)
    new = await services.store.suggest_idea(participant.id, suggester=key, text=words)
    await say(update, context, "idea_kept" if new else "idea_already", easy=easy)


def register(app: App, services: Services) -> None:
    """Add /idea in private chats."""
    app.add_handler(CommandHandler("idea", idea, filters=filters.ChatType.PRIVATE))
