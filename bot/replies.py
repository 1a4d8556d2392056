"""Turn the engine's plain replies into Telegram messages and keyboards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.callbacks import Action, ButtonCodec, PromptAction
from conversations.model import Button, Pause, Reply, Skip, Stop

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


async def send_replies(
    bot: Bot, chat_id: int, replies: Sequence[Reply], brew_id: int, codec: ButtonCodec
) -> Message | None:
    """Send each reply in order; return the last message that carries buttons."""
    with_buttons: Message | None = None
    for reply in replies:
        sent = await bot.send_message(
            chat_id, reply.text, reply_markup=keyboard(reply.buttons, brew_id, codec)
        )
        if reply.buttons:
            with_buttons = sent
    return with_buttons
