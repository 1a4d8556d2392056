"""/wesaid: tell the people who took part in a brew what changed because of it."""

from __future__ import annotations

import hashlib

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Purpose
from bot.facilitators.approval import may_share
from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import offer_brews, pick_pattern, read_pick, replied_brew, theme_words
from bot.jobs.broadcast import start_sending
from bot.news import WORDS_LIMIT
from bot.services import App, BrewContext, Services
from bot.tg import command_words
from storage.records import Brew


@for_facilitators
async def wesaid(update: Update, context: BrewContext) -> None:
    """Keep a "we said, we did" for the brew it replies to, or ask which brew."""
    services, message = context.services, update.effective_message
    assert message is not None
    words = command_words(message)
    if not words:
        await message.reply_text(services.text("wesaid_usage"))
        return
    if len(words) > WORDS_LIMIT:
        await message.reply_text(services.text("wesaid_too_long", limit=WORDS_LIMIT))
        return
    brew = await replied_brew(update, context)
    if brew is None:
        await offer_brews(update, context, Purpose.WESAID)
        return
    await share_news(context, message.chat_id, brew, words)


async def wesaid_picked(update: Update, context: BrewContext) -> None:
    """Keep the news for the brew an admin tapped."""
    picked = await read_pick(update, context)
    if picked is not None and 0 < len(picked.words) <= WORDS_LIMIT:
        await share_news(context, picked.chat_id, picked.brew, picked.words)


async def share_news(context: BrewContext, chat_id: int, brew: Brew, words: str) -> None:
    """Keep the news, queue it for those who asked, start sending, and say how many.

    The same words for the same brew are kept once, however often they are sent: a second
    try after Telegram failed to confirm the first (or a double tap) sends nobody news twice.
    """
    services = context.services
    theme = theme_words(brew)
    if not await may_share(services, brew):  # co-producers have not approved its summary yet
        await context.bot.send_message(chat_id, services.text("wesaid_not_approved", theme=theme))
        return
    said = hashlib.sha256(" ".join(words.casefold().split()).encode()).hexdigest()[:32]
    recorded = await services.store.record_wesaid(brew.id, words, f"{brew.id}:{said}")
    if recorded is not None and recorded.queued:
        start_sending(context.application)  # first: news goes even if the reply below fails
    if recorded is None:
        await context.bot.send_message(chat_id, services.text("wesaid_again"))
    elif recorded.queued == 0:
        await context.bot.send_message(chat_id, services.text("wesaid_nobody", theme=theme))
    else:
        people = services.messages.count("count_people", recorded.queued)
        await context.bot.send_message(
            chat_id, services.text("wesaid_queued", people=people, theme=theme)
        )


def register(app: App, services: Services) -> None:
    """Add /wesaid and its brew buttons."""
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("wesaid", wesaid, filters=fresh))
    app.add_handler(
        CallbackQueryHandler(
            wesaid_picked, pattern=pick_pattern(services.buttons, {Purpose.WESAID})
        )
    )
