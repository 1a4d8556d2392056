"""/timegiven: each brew's total and median time given, for fees and expenses, never who."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.facilitators.gate import for_facilitators
from bot.replies import chunks
from bot.services import App, BrewContext, Services
from bot.tg import minute_words
from conversations.timegiven import brew_time

RECENT = timedelta(weeks=8)  # closed brews this recent are listed beside the open ones


@for_facilitators
async def time_given(update: Update, context: BrewContext) -> None:
    """List this group's open and recent brews with the time people gave: for a closed brew
    that enough people gave time to, its total and median; for an open one, nothing yet,
    since a total that still grows would show, between two looks, one newcomer's minutes."""
    services, message = context.services, update.effective_message
    assert message is not None
    store, least = services.store, services.settings.min_group
    brews = await store.open_brews(message.chat_id)
    brews += await store.closed_brews(message.chat_id, within=RECENT)
    if not brews:
        await message.reply_text(services.text("timegiven_none"))
        return
    lines = [services.text("timegiven_heading")]
    for brew in brews:
        date = brew.opened_at.astimezone(services.settings.timezone).date().isoformat()
        if brew.is_open:  # a total that still grows would show each newcomer's minutes
            lines.append(services.text("timegiven_open", theme=brew.theme, date=date))
            continue
        counted = brew_time(await store.brew_seconds(brew.id), min_group=least)
        if counted is None:
            lines.append(
                services.text("timegiven_too_few", theme=brew.theme, date=date, least=least)
            )
            continue
        lines.append(
            services.text(
                "timegiven_item",
                theme=brew.theme,
                date=date,
                people=counted.people,
                total=minute_words(services, counted.total_minutes),
                median=minute_words(services, counted.median_minutes),
            )
        )
    for chunk in chunks(lines, sep="\n"):
        await message.reply_text(chunk)


def register(app: App, services: Services) -> None:
    """Add /timegiven."""
    app.add_handler(CommandHandler("timegiven", time_given, filters=~filters.UpdateType.EDITED))
