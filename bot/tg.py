"""Small Telegram chores every feature shares, so none imports another for them.

Reading a command's words, answering a button press and taking its buttons away, keeping
track of the newest message with buttons in a chat, fitting words to what Telegram counts,
saying minutes, describing commands for a menu, and taking button presses in groups apart
from those in private chats.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from telegram import BotCommand, CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler

from bot.replies import tidy
from bot.services import BrewContext, Services
from conversations.messages import Messages
from conversations.reporting import clean, tg_len, trim

log = logging.getLogger(__name__)


def command_words(message: Message | None) -> str:
    """Return what was typed after the /command, as typed."""
    text = (message.text or "") if message is not None else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def acknowledge(query: CallbackQuery, text: str | None = None, **options: Any) -> None:
    """Answer a button press (ends the phone's little spinner), never stopping on failure.

    The answer is only a courtesy: if Telegram fails it, the press is still handled.
    """
    try:
        await query.answer(text, **options)
    except TelegramError as error:
        log.info("Could not answer a button press (%s); handling it anyway", error)


async def drop_buttons(query: CallbackQuery, note: str | None = None) -> None:
    """Take the pressed message's buttons away, adding a note under its text if given."""
    message = query.message
    if not isinstance(message, Message) or not message.reply_markup:
        return
    with contextlib.suppress(BadRequest):  # gone already, tapped twice, or too old to edit
        if note and message.text:
            await query.edit_message_text(f"{message.text}\n\n{note}", reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)


_LAST_BUTTONS = "brewbot.last_buttons"


def tidy_buttons(context: BrewContext, chat_id: int) -> None:
    """Take the buttons off the last question sent, once the reply has gone (they're stale)."""
    store = context.application.chat_data.get(chat_id)
    message_id = store.pop(_LAST_BUTTONS, None) if store is not None else None
    if message_id is not None:
        tidy(
            context,
            context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None),
        )


def forget_buttons(context: BrewContext, query: CallbackQuery) -> None:
    """Stop tracking the pressed message: the press handler tidies it itself."""
    message = query.message
    if message is None:
        return
    kept = context.application.chat_data.get(message.chat.id)
    if kept is not None and kept.get(_LAST_BUTTONS) == message.message_id:
        kept.pop(_LAST_BUTTONS)


def remember_buttons(context: BrewContext, chat_id: int, message: Message | None) -> None:
    """Remember the newest message with buttons in a chat, to take them off once it is stale."""
    if message is not None:
        context.application.chat_data[chat_id][_LAST_BUTTONS] = message.message_id


def fit(text: str, limit: int) -> str:
    """Shorten cleaned text until Telegram counts it within ``limit``."""
    text = trim(clean(text), limit)
    while tg_len(text) > limit:
        text = trim(text, len(text) - 1)
    return text


def minute_words(services: Services, count: int, *, easy: bool = False) -> str:
    """Say a number of minutes in words: '1 minute', '25 minutes'."""
    return services.messages.count("count_minutes", count)


def menu(names: Iterable[str], messages: Messages) -> tuple[BotCommand, ...]:
    """Describe each command for Telegram's menu in the words of its `menu_` message."""
    return tuple(BotCommand(name, messages.text(f"menu_{name}")) for name in names)


class GroupButtons(CallbackQueryHandler[BrewContext, None]):
    """A CallbackQueryHandler for presses outside private chats only (python-telegram-bot's
    takes no chat filter): registered before the private chats' handler for the same
    buttons, it lets a group's feature and a person's answer the same kind of button."""

    def check_update(self, update: object) -> bool | object | None:
        """Take the press only if it was made in a chat that is not a private one."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or chat.type == ChatType.PRIVATE:
            return None
        return super().check_update(update)
