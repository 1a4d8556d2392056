"""Everything else a person might send: a kind, honest reply that changes nothing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.handlers.common import in_place, say
from bot.place import Place
from bot.replies import tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, drop_buttons

# Which text names a non-text message in the reply ("I haven't kept your photo").
_MEDIA: tuple[tuple[filters.BaseFilter, str], ...] = (
    (filters.PHOTO, "what_photo"),
    (filters.VOICE, "what_voice"),
    (filters.AUDIO, "what_audio"),
    (filters.VIDEO | filters.VIDEO_NOTE, "what_video"),
    (filters.ANIMATION, "what_gif"),
    (filters.Document.ALL, "what_file"),
    (filters.LOCATION | filters.VENUE, "what_location"),
    (filters.POLL, "what_poll"),
)


@in_place
async def sticker(update: Update, context: BrewContext, place: Place) -> None:
    """Thank them for a sticker and say only typed words are kept."""
    await say(update, context, "sticker", easy=place.easy)


@in_place
async def media(update: Update, context: BrewContext, place: Place) -> None:
    """Say honestly that photos, voice notes and files are not kept."""
    key = next((k for media_filter, k in _MEDIA if media_filter.check_update(update)), "what_other")
    what = context.services.text(key, easy=place.easy)
    await say(update, context, "media", easy=place.easy, what=what)


@in_place
async def contact(update: Update, context: BrewContext, place: Place) -> None:
    """Say that phone numbers and contacts are never kept."""
    await say(update, context, "contact", easy=place.easy)


@in_place
async def edited(update: Update, context: BrewContext, place: Place) -> None:
    """Explain that answers are kept as first sent."""
    await say(update, context, "edited", easy=place.easy)


@in_place
async def unknown_command(update: Update, context: BrewContext, place: Place) -> None:
    """Point to /help for a command brewbot doesn't know."""
    await say(update, context, "unknown_command", easy=place.easy)


async def stale_button(update: Update, context: BrewContext) -> None:
    """Answer a button brewbot did not make (or no longer knows) and take it away."""
    query = update.callback_query
    if query is None:
        return
    await acknowledge(query, context.services.text("stale_button"))
    tidy(context, drop_buttons(query))


def register(app: App, services: Services) -> None:
    """Add the catch-alls. Register last: in one group, the first matching handler wins."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.UpdateType.EDITED, edited))
    app.add_handler(MessageHandler(private & filters.Sticker.ALL, sticker))
    app.add_handler(MessageHandler(private & filters.CONTACT, contact))
    media_filter: filters.BaseFilter = filters.PHOTO
    for extra, _ in _MEDIA[1:]:
        media_filter = media_filter | extra
    app.add_handler(MessageHandler(private & media_filter, media))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(stale_button))
