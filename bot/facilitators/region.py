"""/region: post the region's look across councils now, in the region's chat."""

from __future__ import annotations

from telegram import Message
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import for_asked_week
from bot.jobs.region_digest import post_region
from bot.services import App, BrewContext, Services


@for_facilitators
@for_asked_week("region_usage")
async def region_now(context: BrewContext, message: Message, week: str) -> None:
    """Build the region digest of this week so far (or last, with 'last') and post it."""
    posted = await post_region(context.bot, context.services, week)
    await message.reply_text(context.services.text("region_sent" if posted else "region_unset"))


def register(app: App, services: Services) -> None:
    """Add /region."""
    app.add_handler(CommandHandler("region", region_now, filters=~filters.UpdateType.EDITED))
