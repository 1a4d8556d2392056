"""/review: a second look, one at a time, at answers kept back to keep people safe.

Only the words, the brew's theme and the day are shown: never who wrote them, never an id.
Names, numbers and addresses in the words are masked too; "Show in full" shows them to the
admin who asks and nobody else (in a pop-up, or in a private chat when too long for one),
when keeping someone safe needs them. Storage counts how often each held answer was shown
in full, and the group's review message says so; the log notes that held answer #N was
shown in full in group G. Never the words, never who asked.
Once decided, the message moves on to the next one, so the words do not stay in the chat.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from babel.dates import format_date
from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Action, RevealAction, ReviewAction
from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import may_press, theme_words
from bot.replies import action_keyboard
from bot.services import App, BrewContext, Handler, Services
from bot.tg import acknowledge
from conversations.redaction import markers_from, redact
from storage.records import HeldAnswer

log = logging.getLogger(__name__)
A = TypeVar("A", bound=Action)  # the kind of button a handler reads
ALERT_LIMIT = 200  # Telegram's longest pop-up text, in UTF-16 code units
# What a review button does: (context, the press, its button, the group's chat id, what is held).
OnPress = Callable[[BrewContext, CallbackQuery, A, int, list[HeldAnswer]], Awaitable[None]]


def _on_press(kind: type[A]) -> Callable[[OnPress[A]], Handler]:
    """Wrap a handler of ``kind`` buttons on the review message: run it, if the one who
    pressed may, with the button, the group it is in and the answers held there now."""

    def wrap(handler: OnPress[A]) -> Handler:
        @functools.wraps(handler)
        async def pressed(update: Update, context: BrewContext) -> None:
            query = update.callback_query
            if query is None or not await may_press(update, context):
                return
            action = context.services.buttons.unpack(query.data)
            if not isinstance(action, kind) or not isinstance(query.message, Message):
                await acknowledge(query)
                return
            chat_id = query.message.chat_id
            held = await context.services.store.held_answers(chat_id)
            await handler(context, query, action, chat_id, held)

        return pressed

    return wrap


async def next_held(
    services: Services, chat_id: int, empty: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Word the first answer waiting in this group's brews, with Release and Keep out buttons.

    Its names, numbers and addresses are masked, with a button to show them to one admin.
    """
    held = await services.store.held_answers(chat_id)
    if not held:
        return services.text(empty), None
    first = held[0]
    brew = await services.store.brew(first.brew_id)
    day = first.created_at.astimezone(services.settings.timezone)
    shown = redact(first.text or "", markers_from(services.messages))
    text = services.text(
        "review_item",
        number=1,
        total=len(held),
        theme=theme_words(brew) if brew else "",
        date=format_date(day, "d MMMM", locale=services.messages.language),
        words=shown if shown else services.text("review_cleared"),
    )
    rows: list[list[tuple[str, Action]]] = [
        [
            (services.text("review_release"), ReviewAction(first.answer_id, release=True)),
            (services.text("review_keep_out"), ReviewAction(first.answer_id, release=False)),
        ]
    ]
    if shown != first.text:
        text += "\n\n" + services.text("review_masked")
        rows.append([(services.text("review_show_all"), RevealAction(first.answer_id))])
    if first.shown_in_full:
        text += "\n\n" + services.messages.count("review_seen_in_full", first.shown_in_full)
    return text, action_keyboard(rows, services.buttons)


@for_facilitators
async def review(update: Update, context: BrewContext) -> None:
    """Show the first answer waiting for a second look, or say kindly that none is."""
    message = update.effective_message
    assert message is not None
    text, buttons = await next_held(context.services, message.chat_id, "review_nothing")
    await message.reply_text(text, reply_markup=buttons)


@_on_press(ReviewAction)
async def decided(
    context: BrewContext,
    query: CallbackQuery,
    action: ReviewAction,
    chat_id: int,
    held: list[HeldAnswer],
) -> None:
    """Release or keep out the answer shown, then show the next one in the same message."""
    services = context.services
    if action.answer_id not in {h.answer_id for h in held}:
        note = services.text("review_gone")
    elif action.release:
        await services.store.release(action.answer_id)
        note = services.text("review_released")
    else:
        await services.store.keep_out(action.answer_id)
        note = services.text("review_kept_out")
    await acknowledge(query, note)
    await _show_next(services, query, chat_id, note)


@_on_press(RevealAction)
async def revealed(
    context: BrewContext,
    query: CallbackQuery,
    action: RevealAction,
    chat_id: int,
    held: list[HeldAnswer],
) -> None:
    """Show the held answer in full to the admin who asked, and count that it was."""
    services = context.services
    if not held or held[0].answer_id != action.answer_id:
        await acknowledge(query, services.text("review_gone"))
        await _show_next(services, query, chat_id)
        return
    if await show_to_one(context, query, held[0].text or services.text("review_cleared")):
        await services.store.note_shown_in_full(action.answer_id)
        log.info("Held answer #%d was shown in full in group %d", action.answer_id, chat_id)
        await _show_next(services, query, chat_id)  # now saying it was seen in full


async def _show_next(
    services: Services, query: CallbackQuery, chat_id: int, note: str | None = None
) -> None:
    """Turn the review message to the answer now first in line (after ``note``, if any)."""
    text, buttons = await next_held(services, chat_id, "review_done")
    with contextlib.suppress(BadRequest):  # the same words already: a second tap
        await query.edit_message_text(f"{note}\n\n{text}" if note else text, reply_markup=buttons)


async def show_to_one(context: BrewContext, query: CallbackQuery, words: str) -> bool:
    """Show words only to who pressed: in a pop-up, or a private chat if too long; say if shown."""
    services = context.services
    if len(words.encode("utf-16-le")) // 2 <= ALERT_LIMIT:
        await acknowledge(query, words, show_alert=True)
        return True
    try:
        await context.bot.send_message(
            query.from_user.id, services.text("review_in_full", words=words)
        )
    except (Forbidden, BadRequest):  # they have never started a private chat with brewbot
        await acknowledge(query, services.text("review_start_private"), show_alert=True)
        return False
    await acknowledge(query, services.text("review_sent_privately"), show_alert=True)
    return True


def register(app: App, services: Services) -> None:
    """Add /review and its Release, Keep out and Show in full buttons."""
    app.add_handler(CommandHandler("review", review, filters=~filters.UpdateType.EDITED))
    app.add_handler(CallbackQueryHandler(decided, pattern=services.buttons.accepts(ReviewAction)))
    app.add_handler(CallbackQueryHandler(revealed, pattern=services.buttons.accepts(RevealAction)))
