"""Small helpers the participant handlers share."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import CallbackQuery, Update

from bot.callbacks import Action
from bot.place import Place, place_of
from bot.services import BrewContext, Handler

A = TypeVar("A", bound=Action)
# A participant's handler, given the place of the person behind the chat.
InPlace = Callable[[Update, BrewContext, Place], Awaitable[None]]


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


async def place_here(update: Update, context: BrewContext, brew_id: int | None = None) -> Place:
    """Load the place of the person behind this private chat: who they are, and their
    progress in brew ``brew_id`` (by default the brew they last opened)."""
    chat = update.effective_chat
    return await place_of(context.services.store, chat.id if chat else None, brew_id)


def in_place(handler: InPlace) -> Handler:
    """Run a participant's handler with the place of the person behind the chat loaded."""

    @functools.wraps(handler)
    async def loaded(update: Update, context: BrewContext) -> None:
        await handler(update, context, await place_here(update, context))

    return loaded


def pressed_action(update: Update, context: BrewContext, kind: type[A]) -> tuple[CallbackQuery, A]:
    """Return the pressed button's query and action (its handler's pattern admits only kind)."""
    query = update.callback_query
    action = context.services.buttons.unpack(query.data if query else None)
    if query is None or not isinstance(action, kind):
        raise TypeError(f"a {kind.__name__} handler was given another update")
    return query, action
