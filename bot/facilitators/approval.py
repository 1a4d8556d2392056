"""Co-producers check a brew's summary: with ``BREWBOT_REVIEW_CHAT`` set, each summary goes
there as a draft, with Approve and Needs a change buttons, and replies to it are the thread
for comments. Only an approved summary reaches a digest or "we said, we did"."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.callbacks import PickAction, Purpose
from bot.facilitators.picking import THEME_LIMIT, pick_pattern, theme_words
from bot.facilitators.reports import post_summary
from bot.replies import action_keyboard, cosmetic
from bot.services import App, BrewContext, Services
from bot.speaking import speaking_in
from bot.tg import acknowledge
from conversations.summary import Summary
from storage.approvals import APPROVED, CHANGE, WAITING
from storage.records import Brew

log = logging.getLogger(__name__)

STATUS_KEYS = {
    None: "approval_status_unsent",
    WAITING: "approval_status_waiting",
    APPROVED: "approval_status_approved",
    CHANGE: "approval_status_change",
}


def reviewing(services: Services) -> bool:
    """Say whether co-producers check summaries here (a review chat is set)."""
    return services.settings.review_chat is not None


async def may_share(services: Services, brew: Brew) -> bool:
    """Say whether a brew's summary may go further: always without a review chat, else only
    once the co-producers approved it."""
    return not reviewing(services) or await services.store.summary_status(brew.id) == APPROVED


async def send_draft(context: BrewContext, brew: Brew, summary: Summary) -> None:
    """Send a closed brew's summary to the co-producers as a draft, unless they have it or
    approved it already. An open brew's summary is only a look part-way, so it stays here."""
    services = context.services
    chat_id = services.settings.review_chat
    if chat_id is None or brew.is_open:
        return
    if await services.store.summary_status(brew.id) in (WAITING, APPROVED):
        return
    theme = theme_words(brew, THEME_LIMIT)
    buttons = action_keyboard(
        [
            [(services.text("button_approve"), PickAction(Purpose.APPROVE, brew.id))],
            [(services.text("button_needs_change"), PickAction(Purpose.ASK_CHANGE, brew.id))],
        ],
        services.buttons,
    )
    try:
        await context.bot.send_message(chat_id, services.text("approval_draft", theme=theme))
        await post_summary(
            context.bot, chat_id, summary, services.store, brew, messages=services.messages
        )
        await context.bot.send_message(
            chat_id, services.text("approval_ask", theme=theme), reply_markup=buttons
        )
    except TelegramError as exc:  # not in that chat yet, or Telegram's bad moment
        log.warning("The draft summary could not reach the co-producers' chat: %s", exc)
        if brew.group_chat_id is not None:
            await context.bot.send_message(
                brew.group_chat_id, services.text("approval_unreachable", theme=theme)
            )
        return
    await services.store.summary_sent(brew.id)  # after it went: a failed send is tried again


async def decided(update: Update, context: BrewContext) -> None:
    """Keep a co-producer's Approve or Needs a change, and tell the brew's facilitators."""
    services, query = context.services, update.callback_query
    if query is None:
        return
    action = services.buttons.unpack(query.data)
    shown = query.message if isinstance(query.message, Message) else None
    brew = await services.store.brew(action.brew_id) if isinstance(action, PickAction) else None
    if shown is None or brew is None or shown.chat_id != services.settings.review_chat:
        await acknowledge(query, services.text("approval_refused"), show_alert=True)
        return
    approved = isinstance(action, PickAction) and action.purpose is Purpose.APPROVE
    changed = await services.store.decide_summary(brew.id, approved=approved)
    await acknowledge(query)
    theme = theme_words(brew, THEME_LIMIT)
    done = "approval_done" if approved else "approval_change_done"
    if changed and brew.group_chat_id is not None:
        told = "approval_told_approved" if approved else "approval_told_change"
        with speaking_in(await services.group_language(brew.group_chat_id)):  # theirs, not ours
            text = services.text(told, theme=theme)
        await context.bot.send_message(brew.group_chat_id, text)
    # A double tap finds it settled already; a failed edit leaves the buttons, which then
    # find the decision made.
    await cosmetic(shown.edit_text(services.text(done, theme=theme)), "settle a draft's buttons")


async def status_lines(services: Services, brews: Sequence[Brew]) -> list[str]:
    """Say where each brew's summary stands with the co-producers (none without a review chat)."""
    if not reviewing(services) or not brews:
        return []
    statuses = await services.store.summary_statuses(b.id for b in brews)
    lines = [services.text("approval_status_heading")]
    for brew in brews:
        status = services.text(STATUS_KEYS.get(statuses.get(brew.id), "approval_status_unsent"))
        lines.append(
            services.text(
                "approval_status_item", theme=theme_words(brew, THEME_LIMIT), status=status
            )
        )
    return lines


def register(app: App, services: Services) -> None:
    """Add the co-producers' Approve and Needs a change buttons."""
    app.add_handler(
        CallbackQueryHandler(
            decided, pattern=pick_pattern(services.buttons, {Purpose.APPROVE, Purpose.ASK_CHANGE})
        )
    )
