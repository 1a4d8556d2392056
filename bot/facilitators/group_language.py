"""A facilitators' group's language: /language in the group offers Cymraeg and English, and
an admin's choice is kept in the group's settings. Its summaries, digests and replies
follow it (bot/speaking.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callbacks import LanguageAction
from bot.facilitators.brews import set_menus
from bot.facilitators.gate import for_facilitators, is_admin, is_registered
from bot.handlers.common import pressed_action
from bot.language_offer import offer_languages
from bot.services import App, BrewContext, Services
from bot.speaking import GROUP_LANGUAGE, speak
from bot.tg import GroupButtons, acknowledge, drop_buttons


@for_facilitators
async def group_language_command(update: Update, context: BrewContext) -> None:
    """Offer the languages to a facilitators' group: its summaries and replies follow it."""
    await offer_languages(update, context, "language_ask_group")


async def group_language_chosen(update: Update, context: BrewContext) -> None:
    """Keep a facilitators' group's language, if an admin chose it."""
    services = context.services
    query, action = pressed_action(update, context, LanguageAction)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or not services.catalogue.speaks(action.language):
        await acknowledge(query)
        return
    allowed = is_registered(services, chat) and (
        user is not None and await is_admin(context, chat.id, user.id)
    )
    if not allowed:
        await acknowledge(query, services.text("facilitator_refused"), show_alert=True)
        return
    await acknowledge(query)
    group = await services.store.ensure_group(chat.id)
    settings = {**group.settings, GROUP_LANGUAGE: action.language}
    await services.store.set_group_settings(chat.id, settings)
    speak(action.language)
    await drop_buttons(query)  # its words stay as read; what follows is in the new language
    await context.bot.send_message(chat.id, services.text("language_set_group"))
    await set_menus(context.bot, [chat.id], services.messages)


def register(app: App, services: Services) -> None:
    """Add /language in groups and its buttons there (before the private chats' handler)."""
    app.add_handler(
        CommandHandler("language", group_language_command, filters=filters.ChatType.GROUPS)
    )
    pattern = services.buttons.accepts(LanguageAction)
    app.add_handler(GroupButtons(group_language_chosen, pattern=pattern))
