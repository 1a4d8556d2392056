"""The active offer of languages: every language brewbot speaks as a row of buttons, each
named in its own words, offered to a person (/language, their first message) and to a
facilitators' group (its /language) alike."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import LanguageAction
from bot.services import BrewContext, Services
from conversations.messages import ENGLISH


def language_row(services: Services) -> list[InlineKeyboardButton]:
    """Offer every language brewbot speaks, each named in its own words, side by side.

    English goes last: Welsh public bodies put Welsh first ("Cymraeg / English").
    """
    catalogue = services.catalogue
    codes = [*catalogue.codes()[1:], ENGLISH]
    return [
        InlineKeyboardButton(
            catalogue.messages(code).text("language_name"),
            callback_data=services.buttons.pack(LanguageAction(code)),
        )
        for code in codes
    ]


async def offer_languages(update: Update, context: BrewContext, key: str) -> None:
    """Send the ``key`` message with a button for each language."""
    services = context.services
    chat = update.effective_chat
    if chat is not None:
        markup = InlineKeyboardMarkup([language_row(services)])
        await context.bot.send_message(chat.id, services.text(key), reply_markup=markup)
