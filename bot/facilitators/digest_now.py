"""/digest: post the weekly digest now, in the group that asked (this week so far, or last),
of that group's brews only."""

from __future__ import annotations

from telegram import Message
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import for_asked_week
from bot.jobs.weekly_digest import build_week, post_digest
from bot.replies import show_typing
from bot.services import App, BrewContext, Services


@for_facilitators
@for_asked_week("digest_usage")
async def digest_now(context: BrewContext, message: Message, week: str) -> None:
    """Build this group's digest of this week so far (or last, with 'last') and post it here."""
    show_typing(context, message.chat_id)
    digest = await build_week(context.services, week, message.chat_id)
    await post_digest(context.bot, message.chat_id, digest, context.services.messages)


def register(app: App, services: Services) -> None:
    """Add /digest."""
    app.add_handler(CommandHandler("digest", digest_now, filters=~filters.UpdateType.EDITED))
