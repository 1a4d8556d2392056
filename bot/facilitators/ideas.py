"""/ideas: the themes people suggested for future brews, only those enough people made."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.handlers.common import Context
from bot.replies import chunks
from bot.services import Services, services
from conversations.suggestions import visible


@for_facilitators
async def ideas(update: Update, context: Context) -> None:
    """List suggestions made by at least the minimum group; count the others, never show them."""
    found, message = services(context), update.effective_message
    assert message is not None
    least = found.settings.min_group
    listed = visible(await found.store.idea_counts(message.chat_id), min_group=least)
    if not listed.shown and not listed.others:
        await message.reply_text(found.text("ideas_none"))
        return
    lines = [found.text("ideas_heading")]
    lines += [found.text("ideas_item", text=i.text, people=i.people) for i in listed.shown]
    if listed.others:
        key = "ideas_other" if listed.others == 1 else "ideas_others"
        key += "_only" if not listed.shown else ""
        lines.append(found.text(key, others=listed.others, min_group=least))
    for chunk in chunks(lines, sep="\n"):
        await message.reply_text(chunk)


def register(app: Application[Any, Any, Any, Any, Any, Any], found: Services) -> None:
    """Add /ideas."""
    app.add_handler(CommandHandler("ideas", ideas, filters=~filters.UpdateType.EDITED))
