"""/region: post the region's look across councils now, in the region's chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import asked_week
from bot.jobs.region_digest import post_region
from bot.services import App, BrewContext, Services


@for_facilitators
async def region_now(update: Update, context: BrewContext) -> None:
    """Build the region digest of this week so far (or last, with 'last') and post it."""
    services, message = context.services, update.effective_message
    assert message is not None
    week = await asked_week(services, message, "region_usage")
    if week is None:
        return
    posted = await post_region(context.bot, services, week)
    await message.reply_text(services.text("region_sent" if posted else "region_unset"))


def register(app: App, services: Services) -> None:
    """Add /region."""
    app.add_handler(CommandHandler("region", region_now, filters=~filters.UpdateType.EDITED))
