"""Brew buttons for /close, /summary and /export: which brews, the keyboard, the tap."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Sequence
from datetime import timedelta

from telegram import Update
from telegram.error import BadRequest

from bot.callbacks import ForgedButton, PickAction
from bot.facilitators.gate import is_admin, is_registered
from bot.handlers.common import Context
from bot.replies import action_keyboard
from bot.services import Services, services
from conversations.reporting import clean, trim
from storage.records import Brew

RECENT = timedelta(days=30)  # closed brews stay on /summary and /export lists this long
MAX_CHOICES = 20  # a list longer than this is hard to use on a phone
THEME_LIMIT = 200  # longest theme brewbot accepts, and shows
BUTTON_THEME = 40  # a button shows the start of a theme


def shown_theme(brew: Brew, limit: int = THEME_LIMIT) -> str:
    """Return a brew's theme as plain text fit to show: cleaned and trimmed."""
    return trim(clean(brew.theme), limit) or "…"


async def recent_brews(found: Services, chat_id: int) -> list[Brew]:
    """List a group's open brews, oldest first, then those closed lately, newest first."""
    opened = await found.store.open_brews(chat_id)
    closed = await found.store.closed_brews(chat_id, within=RECENT)
    return [*opened, *closed]


def choice_label(found: Services, brew: Brew) -> str:
    """Name a brew on a button: the start of its theme, and whether it has closed."""
    theme = shown_theme(brew, BUTTON_THEME)
    return theme if brew.is_open else found.text("button_pick_closed", theme=theme)


async def offer(
    context: Context, chat_id: int, key: str, purpose: str, brews: Sequence[Brew]
) -> None:
    """Ask which brew, with one button per brew (the first MAX_CHOICES of them)."""
    found = services(context)
    rows = [
        [(choice_label(found, brew), PickAction(purpose, brew.id))] for brew in brews[:MAX_CHOICES]
    ]
    await context.bot.send_message(
        chat_id, found.text(key), reply_markup=action_keyboard(rows, found.buttons)
    )


def picks(found: Services, purposes: Collection[str]) -> Callable[[object], bool]:
    """Return a CallbackQueryHandler pattern: brew buttons this codec made, for these purposes."""

    def predicate(data: object) -> bool:
        if not isinstance(data, str):
            return False
        try:
            action = found.buttons.unpack(data)
        except ForgedButton:
            return False
        return isinstance(action, PickAction) and action.purpose in purposes

    return predicate


async def tapped(update: Update, context: Context) -> tuple[PickAction, Brew] | None:
    """Take a tap on a brew button from an admin; return what was chosen and the brew."""
    found = services(context)
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return None
    action = found.buttons.unpack(query.data)
    if not isinstance(action, PickAction):
        return None
    if not is_registered(found, chat) or not await is_admin(context, chat.id, user.id):
        await query.answer(found.text("facilitator_refused"))
        return None
    await query.answer()
    with contextlib.suppress(BadRequest):  # already taken away by an earlier tap
        await query.edit_message_reply_markup(reply_markup=None)
    brew = await found.store.brew(action.brew_id)
    if brew is None or brew.group_chat_id != chat.id:
        await context.bot.send_message(chat.id, found.text("pick_gone"))
        return None
    return action, brew
