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
from bot.ratelimit import Priority, sending_as
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
        button.label, callback_data=codec.pack(PromptAction(brew_id, button.event))
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


def tidy(context: BrewContext, call: Coroutine[Any, Any, Any]) -> None:
    """Run a tidying call (old buttons off, a ✓ note) without holding up the reply.

    It waits behind the person's next message in their chat's queue. If it fails, the
    old buttons stay; pressing one then gets a kind "that's from an earlier message".
    """

    async def quietly() -> None:
        try:
            with sending_as(Priority.TIDY):
                await call
        except BadRequest:
            pass  # gone already, tapped twice, or too old to edit
        except TelegramError as error:
            log.info("Could not tidy an old message (%s)", type(error).__name__)

    context.application.create_task(quietly(), name="brewbot tidy")
