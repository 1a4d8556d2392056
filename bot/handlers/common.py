"""Small helpers the participant handlers share."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.services import services
from storage.records import Participant

Context = CallbackContext[Any, Any, Any, Any]


async def say(
    update: Update, context: Context, key: str, *, easy: bool = False, **values: Any
) -> None:
    """Reply in the same chat with one of brewbot's own texts."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, services(context).text(key, easy=easy, **values))


async def known_participant(update: Update, context: Context) -> Participant | None:
    """Return the participant behind this private chat, if brewbot knows them."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await services(context).store.participant_by_chat(chat.id)
