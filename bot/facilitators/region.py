"""/region: post the region's look across councils now, in the region's chat."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.jobs.region_digest import post_region
from bot.services import App, BrewContext, Services
from bot.tg import command_words
from conversations.digest import week_key


@for_facilitators
async def region_now(update: Update, context: BrewContext) -> None:
    """Build the region digest of this week so far (or last, with 'last') and post it."""
    services, message = context.services, update.effective_message
    assert message is not None
    asked = command_words(message).casefold()
    if asked not in ("", "last"):
        await message.reply_text(services.text("region_usage"))
        return
    today = services.clock().astimezone(services.settings.timezone).date()
    week = week_key(today - timedelta(weeks=1) if asked else today)
    posted = await post_region(context.bot, services, week)
    await message.reply_text(services.text("region_sent" if posted else "region_unset"))


def register(app: App, services: Services) -> None:
    """Add /region."""
    app.add_handler(CommandHandler("region", region_now, filters=~filters.UpdateType.EDITED))
