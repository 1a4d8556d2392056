"""Turn the engine's plain replies into Telegram messages and keyboards.

Telegram lets a bot send about one message a second to a person, and edits count too,
so what the engine says after one input goes out as one message where it fits: a
"thank you" is folded into the next question rather than sent on its own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, TelegramError, TimedOut

from bot.callbacks import Action, ButtonCodec, PromptAction
from bot.runtime.ratelimit import Priority, sending_as
from bot.services import BrewContext
from conversations.model import Button, Pause, Reply, Skip, Stop

log = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK = 3500  # keep each message well inside Telegram's 4,096 characters

# Way-out buttons share the last row; answer buttons get a row each.
_WAY_OUT = (Skip, Pause, Stop)


def keyboard(
    buttons: Sequence[Button], brew_id: int, codec: ButtonCodec
) -> InlineKeyboardMarkup | None:
    """Lay out a reply's buttons: one answer per row, the ways out side by side."""
    if not buttons:
        return None
    answers = [b for b in buttons if not isinstance(b.event, _WAY_OUT)]
    ways_out = [b for b in buttons if isinstance(b.event, _WAY_OUT)]
    rows = [[_button(b, brew_id, codec)] for b in answers]
    if ways_out:
        rows.append([_button(b, brew_id, codec) for b in ways_out])
    return InlineKeyboardMarkup(rows)


def action_keyboard(
    rows: Sequence[Sequence[tuple[str, Action]]], codec: ButtonCodec
) -> InlineKeyboardMarkup:
    """Build a keyboard from rows of (label, action)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=codec.pack(action)) for label, action in row]
            for row in rows
        ]
    )


def chunks(items: Iterable[str], limit: int = CHUNK, sep: str = "\n\n") -> list[str]:
    """Put blocks of text together into as few messages as fit, ``sep`` between them."""
    messages: list[str] = []
    for item in items:
        if messages and len(messages[-1]) + len(sep) + len(item) <= limit:
            messages[-1] += sep + item
        else:
            messages.append(item[:limit])
    return messages


def _button(button: Button, brew_id: int, codec: ButtonCodec) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        button.label, callback_data=codec.pack(PromptAction.of(brew_id, button.event))
    )


@dataclass(frozen=True)
class Outgoing:
    """One message to send: its text, its buttons if any, and the message it replies to."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    reply_to: int | None = None


def outgoing(
    replies: Sequence[Reply], brew_id: int, codec: ButtonCodec, *, words: int | None = None
) -> list[Outgoing]:
    """Lay the engine's replies out as messages with their keyboards; a reply about the
    words just typed answers ``words``, the message that carried them."""
    return [
        Outgoing(r.text, keyboard(r.buttons, brew_id, codec), words if r.about_words else None)
        for r in replies
    ]


def fold(messages: Sequence[Outgoing], limit: int = CHUNK) -> list[Outgoing]:
    """Join each message without buttons onto the one after it, where they fit together.

    Buttons stay on the message they came with, so nothing is pressed out of place.
    """
    folded: list[Outgoing] = []
    for message in messages:
        if folded and folded[-1].markup is None:
            joined = f"{folded[-1].text}\n\n{message.text}"
            if len(joined) <= limit:
                folded[-1] = Outgoing(joined, message.markup, message.reply_to)
                continue
        folded.append(message)
    return folded


async def send_folded(bot: Bot, chat_id: int, messages: Sequence[Outgoing]) -> Message | None:
    """Send the messages, folded into as few as fit; return the last one with buttons."""
    with_buttons: Message | None = None
    for message in fold(messages):
        replying = (
            None
            if message.reply_to is None
            else ReplyParameters(message.reply_to, allow_sending_without_reply=True)
        )
        sent = await carry_on(
            bot.send_message(
                chat_id, message.text, reply_markup=message.markup, reply_parameters=replying
            )
        )
        if message.markup is not None:
            with_buttons = sent
    return with_buttons


async def carry_on(call: Awaitable[T]) -> T | None:
    """Make one call; if Telegram does not answer in time, carry on without it.

    A timed-out call may still have reached Telegram, so it is never sent again. Other
    failures (Telegram's own errors, once the rate limiter's retries are spent) are raised.
    """
    try:
        return await call
    except TimedOut:
        log.info("Telegram did not answer in time; the message may have arrived, so not again")
        return None


async def cosmetic(call: Awaitable[object], what: str) -> bool:
    """Make a call that only tidies or shows progress (old buttons off, a ✓ note, "typing…",
    a picker's edit), so that its failure never stops the work; say whether it went.

    The work comes first and never depends on it: a tidy that fails leaves old buttons,
    and pressing one then gets a kind "that's from an earlier message". A message already
    changed, gone, or too old to edit is expected and quiet; any other failure (a timeout,
    Telegram's bad moment) is logged once, as a warning.
    """
    try:
        await call
    except BadRequest:
        return False  # gone already, tapped twice, or too old to edit
    except TelegramError as error:
        log.warning("Could not %s (%s); carrying on without it", what, error)
        return False
    return True


def tidy(
    context: BrewContext, call: Coroutine[Any, Any, Any], what: str = "take old buttons off"
) -> None:
    """Tidy in the background (:func:`cosmetic`), without holding up the work or the reply.

    It waits behind the person's next message in their chat's queue.
    """

    async def quietly() -> None:
        with sending_as(Priority.TIDY):
            await cosmetic(call, what)

    context.application.create_task(quietly(), name="brewbot tidy")


def show_typing(context: BrewContext, chat_id: int, action: str = "typing") -> None:
    """Show "typing…" (or ``action``) in a chat while the work goes on; the work never
    waits for it, and carries on if it fails (:func:`cosmetic`)."""
    call = context.bot.send_chat_action(chat_id, action)
    context.application.create_task(
        cosmetic(call, f"show {action.replace('_', ' ')}"), name="brewbot typing"
    )
