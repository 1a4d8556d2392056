"""Cymraeg / English: each chat's language, offered actively and changed with /language.

Before any handler runs, brewbot speaks the chat's language: a person's own (kept with their
settings), or a facilitators' group's (kept in the group's settings), else where they start
(bot/speaking.py). A person's first message offers both languages as buttons; /language
offers them again at any time, in a private chat or, for its admins, in a group.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    CallbackQuery,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler, filters

from bot.callbacks import ForgedButton, LanguageAction
from bot.handlers.common import pressed_action
from bot.journey import advance
from bot.language_offer import offer_languages
from bot.place import place_of
from bot.services import App, BrewContext, Services
from bot.speaking import speak, speaking, starting_language
from bot.tg import acknowledge, drop_buttons, menu
from conversations.messages import ENGLISH
from conversations.model import SetEasy, Status

log = logging.getLogger(__name__)

PARTICIPANT_COMMANDS = (
    "help",
    "pause",
    "resume",
    "stop",
    "easy",
    "language",
    "mydata",
    "forget",
    "idea",
    "mytime",
)  # each described by its `menu_` message


def hint_of(update: Update) -> str | None:
    """Return the language Telegram says the person's app uses, if it says."""
    user = update.effective_user
    return user.language_code if user is not None else None


async def speak_the_chats_language(update: Update, context: BrewContext) -> None:
    """Speak this chat's language while its update is handled."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        speak(starting_language(services.catalogue, deployment=services.settings.language))
    elif chat.type == ChatType.PRIVATE:
        participant = await services.store.participant_by_chat(chat.id)
        if participant is not None and participant.language is not None:
            services.speak_to(participant)
        else:
            speak(
                starting_language(
                    services.catalogue, deployment=services.settings.language, hint=hint_of(update)
                )
            )
    else:
        speak(await services.group_language(chat.id))


async def set_private_menus(bot: Bot, services: Services) -> None:
    """Set the menu of private chats: in the deployment's language, else in English with one
    for each other language, shown to people whose Telegram app uses it."""
    catalogue = services.catalogue
    scope = BotCommandScopeAllPrivateChats()
    default = services.settings.language or ENGLISH
    await bot.set_my_commands(menu(PARTICIPANT_COMMANDS, catalogue.messages(default)), scope=scope)
    if services.settings.language is None:
        for code in catalogue.codes():
            if code != default:
                commands = menu(PARTICIPANT_COMMANDS, catalogue.messages(code))
                await bot.set_my_commands(commands, scope=scope, language_code=code)


async def set_chat_menu(bot: Bot, services: Services, chat_id: int) -> None:
    """Show one person the menu in the language they chose (their app's may differ)."""
    try:
        await bot.set_my_commands(
            menu(PARTICIPANT_COMMANDS, services.messages), scope=BotCommandScopeChat(chat_id)
        )
    except TelegramError as error:  # the menu is a courtesy: the choice is kept either way
        log.info("Could not set a person's menu in their language (%s)", error)


async def forget_chat_menu(bot: Bot, chat_id: int) -> None:
    """Take away a person's own menu (it was set for their language), after /forget."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.info("Could not take a person's own menu away (%s)", error)


def _only_languages(services: Services, query: CallbackQuery) -> bool:
    """Say whether the pressed message offers languages and nothing else (/language's)."""
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    datas = [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []
    return all(isinstance(_unpacked(services, d), LanguageAction) for d in datas)


def _unpacked(services: Services, data: object) -> object:
    try:
        return services.buttons.unpack(data if isinstance(data, str) else None)
    except ForgedButton:
        return None


async def language_command(update: Update, context: BrewContext) -> None:
    """Offer the languages to a person."""
    await offer_languages(update, context, "language_ask")


async def language_chosen(update: Update, context: BrewContext) -> None:
    """Keep the language chosen, say so in it, and show the question in hand again."""
    services = context.services
    query, action = pressed_action(update, context, LanguageAction)
    chat = update.effective_chat
    await acknowledge(query)
    if (
        chat is None
        or chat.type != ChatType.PRIVATE
        or not services.catalogue.speaks(action.language)
    ):
        return  # a group's choice is the facilitators' (bot/facilitators/group_language.py)
    place = await place_of(services.store, chat.id)
    participant = place.participant or await services.store.join(chat.id)
    changed = speaking() != action.language
    participant = await services.store.set_preferences(participant.id, language=action.language)
    services.speak_to(participant)
    if _only_languages(services, query):  # /language's own offer: done with
        await drop_buttons(query)  # its words stay as read; what follows is in the new language
    told = services.text("language_set", easy=participant.easy)
    found = place.moved(participant).found
    if changed and found is not None and found[2].status is Status.ACTIVE:
        # The same wording again, now in the language chosen: the question in hand. Its old
        # message loses its buttons as any stale question does.
        _, brew, progress = found
        event = SetEasy(participant.easy)
        await advance(update, context, participant, brew, event, lead=told, before=progress)
    else:
        await context.bot.send_message(chat.id, told)
    await set_chat_menu(context.bot, services, chat.id)


def register(app: App, services: Services) -> None:
    """Speak each chat's language first; add /language and its buttons."""
    app.add_handler(TypeHandler(Update, speak_the_chats_language), group=-2)
    app.add_handler(CommandHandler("language", language_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        CallbackQueryHandler(language_chosen, pattern=services.buttons.accepts(LanguageAction))
    )
