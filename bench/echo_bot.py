"""The floor for bench/crowd.py: a bare python-telegram-bot echo bot, nothing of brewbot's.

It answers each message with the same words and a button, and each tap with an answer to
the tap and a new message, so a simulated person can walk it as they walk a brew.

BREWBOT_TOKEN=... BREWBOT_API_URL=http://127.0.0.1:PORT/bot python -m bench.echo_bot
"""

from __future__ import annotations

import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

_BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("Next", callback_data="next")]])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say the same words back, with a button."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text[:4000], reply_markup=_BUTTON)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the tap and send a new message."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        await context.bot.send_message(query.message.chat.id, "Tapped.", reply_markup=_BUTTON)


def main() -> None:
    """Poll the Bot API named in the environment until stopped."""
    app = (
        Application.builder()
        .token(os.environ["BREWBOT_TOKEN"])
        .base_url(os.environ["BREWBOT_API_URL"])
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))  # /start too
    app.add_handler(CallbackQueryHandler(tapped))
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
