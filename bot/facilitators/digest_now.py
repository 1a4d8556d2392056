"""/digest: post the weekly digest now, in the group that asked (this week so far, or last),
of that group's brews only."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import asked_week
from bot.jobs.weekly_digest import build_week, post_digest
from bot.replies import show_typing
from bot.services import App, BrewContext, Services


@for_facilitators
async def digest_now(update: Update, context: BrewContext) -> None:
    """Build this group's digest of this week so far (or last, with 'last') and post it here."""
    services, message = context.services, update.effective_message
    assert message is not None
    week = await asked_week(services, message, "digest_usage")
    if week is None:
        return
    show_typing(context, message.chat_id)
    digest = await build_week(services, week, message.chat_id)
    await post_digest(context.bot, message.chat_id, digest, services.messages)


def register(app: App, services: Services) -> None:
    """Add /digest."""
    app.add_handler(CommandHandler("digest", digest_now, filters=~filters.UpdateType.EDITED))
