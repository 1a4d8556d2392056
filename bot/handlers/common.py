"""Small helpers the participant handlers share."""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import CallbackQuery, Update

from bot.callbacks import Action
from bot.services import BrewContext
from storage.records import Participant

A = TypeVar("A", bound=Action)


async def say(
    update: Update, context: BrewContext, key: str, *, easy: bool = False, **values: Any
) -> None:
    """Reply in the same chat with one of brewbot's own texts."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, context.services.text(key, easy=easy, **values))


def who_sees(context: BrewContext, *, easy: bool) -> str:
    """Say who sees what and how long typed words are kept, with the real setting filled in,
    and, while voice notes are listened to, that their recordings are deleted at once."""
    services = context.services
    told = services.text("who_sees", easy=easy, days=services.settings.retention_days)
    if services.listening is not None:
        told += "\n" + services.text("voice_about", easy=easy)
    return told


async def known_participant(update: Update, context: BrewContext) -> Participant | None:
    """Return the participant behind this private chat, if brewbot knows them."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.services.store.participant_by_chat(chat.id)


def pressed_action(update: Update, context: BrewContext, kind: type[A]) -> tuple[CallbackQuery, A]:
    """Return the pressed button's query and action (its handler's pattern admits only kind)."""
    query = update.callback_query
    action = context.services.buttons.unpack(query.data if query else None)
    if query is None or not isinstance(action, kind):
        raise TypeError(f"a {kind.__name__} handler was given another update")
    return query, action
