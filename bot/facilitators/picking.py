"""Which brew a facilitator command is about: the summary it replies to, or a tapped button.

The one place brew buttons are made and read. A button keeps nothing in memory: it is
sent as a reply to the command, so when it is tapped the command's own words come back
with it, even after a restart.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from telegram import Message, Update

from bot.callbacks import ButtonCodec, ForgedButton, PickAction, Purpose
from bot.facilitators.gate import is_admin, is_registered
from bot.replies import action_keyboard, cosmetic, tidy
from bot.services import BrewContext, Handler, Services
from bot.tg import acknowledge, command_words
from conversations.digest import week_key
from conversations.reporting import LABEL_LIMIT, clean, trim
from storage.records import Brew

BUTTON_WORDS = 40  # a button shows the start of a theme
RECENT = timedelta(days=30)  # closed brews stay on the lists this long
MAX_CHOICES = 20  # a list longer than this is hard to use on a phone
THEME_LIMIT = 200  # the longest theme brewbot accepts, and shows
# What a brew picker's edit does: the question and its buttons become what was chosen.
_SETTLE = "settle a brew picker"

# What a command does with the brew chosen for it: (context, chat id, brew).
OnPick = Callable[[BrewContext, int, Brew], Awaitable[None]]
# What a command about a week does with it: (context, the command, the week's key).
WeekHandler = Callable[[BrewContext, Message, str], Awaitable[None]]


@dataclass(frozen=True)
class Picked:
    """A brew chosen by button for a command: the words typed with it, and its once-key."""

    purpose: Purpose
    brew: Brew
    chat_id: int
    words: str
    once: str


def for_asked_week(usage: str) -> Callable[[WeekHandler], Handler]:
    """Wrap a command about a week: run it with the command and the week it asks for, this
    week so far, or last week with 'last'; for any other words, reply with the ``usage``
    text."""

    def wrap(handler: WeekHandler) -> Handler:
        @functools.wraps(handler)
        async def asked(update: Update, context: BrewContext) -> None:
            message, services = update.effective_message, context.services
            assert message is not None
            words = command_words(message).casefold()
            if words not in ("", "last"):
                await message.reply_text(services.text(usage))
                return
            today = services.clock().astimezone(services.settings.timezone).date()
            week = week_key(today - timedelta(weeks=1) if words else today)
            await handler(context, message, week)

        return asked

    return wrap


def once_key(message: Message) -> str:
    """Name a command message, so what it asks for is done once however often it arrives."""
    return f"{message.chat_id}:{message.message_id}"


def theme_words(brew: Brew, limit: int = LABEL_LIMIT) -> str:
    """Return a brew's theme, cleaned and short enough to show."""
    return trim(clean(brew.theme), limit) or "…"


async def recent_brews(services: Services, chat_id: int) -> list[Brew]:
    """List a group's open brews, oldest first, then those closed lately, newest first."""
    opened = await services.store.open_brews(chat_id)
    closed = await services.store.closed_brews(chat_id, within=RECENT)
    return [*opened, *closed][:MAX_CHOICES]


def choice_label(services: Services, brew: Brew) -> str:
    """Name a brew on a button: the start of its theme, and whether it has closed."""
    theme = theme_words(brew, BUTTON_WORDS)
    return theme if brew.is_open else services.text("button_pick_closed", theme=theme)


async def replied_brew(update: Update, context: BrewContext) -> Brew | None:
    """Return the brew whose summary this command replies to, if it does (and is recent).

    The link is kept in storage when the summary is posted; its words are never re-read.
    """
    message, chat = update.effective_message, update.effective_chat
    reply = message.reply_to_message if message is not None else None
    if reply is None or chat is None or reply.from_user is None:
        return None
    if reply.from_user.id != context.bot.id:
        return None
    services = context.services
    linked = await services.store.summary_brew(chat.id, reply.message_id)
    if linked is None:
        return None
    return next((b for b in await recent_brews(services, chat.id) if b.id == linked), None)


async def offer(
    update: Update, context: BrewContext, purpose: Purpose, brews: Sequence[Brew]
) -> None:
    """Ask which brew, with a button per brew, as a reply to the command (so it shows above)."""
    services = context.services
    message = update.effective_message
    if message is None:
        return
    rows = [[(choice_label(services, brew), PickAction(purpose, brew.id))] for brew in brews]
    await message.reply_text(
        services.text("pick_brew"),
        reply_markup=action_keyboard(rows, services.buttons),
        do_quote=True,
    )


async def offer_brews(
    update: Update, context: BrewContext, purpose: Purpose, *, then: OnPick | None = None
) -> None:
    """Ask which recent brew a command is for; with ``then``, act on the only one straight away."""
    services, chat, message = context.services, update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    brews = await recent_brews(services, chat.id)
    if not brews:
        await message.reply_text(services.text("no_brews", days=RECENT.days))
    elif then is not None and len(brews) == 1:
        await then(context, chat.id, brews[0])
    else:
        await offer(update, context, purpose, brews)


def pick_pattern(codec: ButtonCodec, purposes: Collection[Purpose]) -> Callable[[object], bool]:
    """Return a CallbackQueryHandler pattern for brew buttons with one of these purposes."""

    def predicate(data: object) -> bool:
        try:
            action = codec.unpack(data) if isinstance(data, str) else None
        except ForgedButton:
            return False
        return isinstance(action, PickAction) and action.purpose in purposes

    return predicate


async def may_press(update: Update, context: BrewContext) -> bool:
    """Let an admin of a registered group press; otherwise say no in a small pop-up."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None:
        return False
    services = context.services
    if (
        chat is not None
        and user is not None
        and is_registered(services, chat)
        and await is_admin(context, chat.id, user.id)
    ):
        return True
    await acknowledge(query, services.text("press_refused"), show_alert=True)
    return False


async def read_pick(
    update: Update, context: BrewContext, *, needs_command: bool = True
) -> Picked | None:
    """Read a brew button: who pressed it, the brew, and the command it answers.

    ``needs_command``: the command's own words matter (/wesaid TEXT), so a button whose
    command is gone can't be carried out.
    """
    services, query = context.services, update.callback_query
    if query is None or not await may_press(update, context):
        return None
    action = services.buttons.unpack(query.data)
    shown = query.message if isinstance(query.message, Message) else None
    brew = await services.store.brew(action.brew_id) if isinstance(action, PickAction) else None
    if (
        not isinstance(action, PickAction)
        or shown is None
        or brew is None
        or brew.group_chat_id != shown.chat_id
    ):
        await acknowledge(query, services.text("not_this_group"), show_alert=True)
        return None
    command = shown.reply_to_message
    await acknowledge(query)
    if command is None and needs_command:
        await cosmetic(shown.edit_text(services.text("pick_lost"), reply_markup=None), _SETTLE)
        return None
    # Settled while the command does its work, never before it: a failed edit stops nothing.
    settle = shown.edit_text(services.text("picked", theme=theme_words(brew)), reply_markup=None)
    tidy(context, settle, _SETTLE)
    asked = command or shown
    return Picked(action.purpose, brew, shown.chat_id, command_words(command), once_key(asked))
