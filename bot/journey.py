"""The shell around the engine: load a person's place, ask the engine, keep, then send."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.ext import CallbackContext

from bot.callbacks import NewsAction
from bot.ratelimit import Priority
from bot.replies import Outgoing, action_keyboard, outgoing, send_folded, tidy
from bot.services import Services, services
from conversations.engine import step
from conversations.model import (
    AnswerText,
    Begin,
    Choose,
    Event,
    Outcome,
    Progress,
    Resume,
    Skip,
    Status,
)
from conversations.safeguarding import suggests_risk
from storage.records import Brew, Participant

Context = CallbackContext[Any, Any, Any, Any]
_LAST_BUTTONS = "brewbot.last_buttons"
# Events that would add answers: a closed brew turns them away (pause, stop, easy words pass).
_ANSWERING = (AnswerText, Choose, Skip, Begin, Resume)


class PackMissing(Exception):
    """A brew names a pack that this brewbot does not have."""


async def advance(
    update: Update | None,
    context: Context,
    participant: Participant,
    brew: Brew,
    event: Event,
    *,
    lead: str | None = None,
) -> Outcome:
    """Ask the engine what follows an event, keep it, then send it as one message.

    ``lead`` (a welcome, say) goes at the top of that message. Help, if an answer suggests
    someone may be at risk, goes first of all; old buttons come off afterwards.
    """
    found = services(context)
    pack = found.packs.get(brew.pack_id)
    if pack is None:
        raise PackMissing(f"brew {brew.id} uses pack {brew.pack_id!r}, which is not installed")
    before = await found.store.progress(participant.id, brew.id)
    if before is None and isinstance(event, Begin):
        before = Progress(pack_id=pack.id, easy=participant.easy)
    if brew.closed_at is not None and isinstance(event, _ANSWERING):
        return await _closed(context, participant, brew, before or Progress(pack.id), event)
    outcome = step(pack, before, event, theme=brew.theme, messages=found.messages)
    if outcome.changed:
        await found.store.record_step(
            participant_id=participant.id,
            brew_id=brew.id,
            outcome=outcome,
            update_id=update.update_id if update else None,
        )
    if outcome.concern:
        await send_help(context, participant.chat_id, easy=outcome.progress.easy, kept=True)
    messages = outgoing(outcome.replies, brew.id, found.buttons)
    if _just_finished(before, outcome) and not participant.news:
        messages.append(_news_question(found, brew, easy=outcome.progress.easy))
    if lead:
        messages.insert(0, Outgoing(lead))
    tidy_buttons(context, participant.chat_id)
    last = await send_folded(context.bot, participant.chat_id, messages)
    _remember_buttons(context, participant.chat_id, last)
    return outcome


async def _closed(
    context: Context, participant: Participant, brew: Brew, progress: Progress, event: Event
) -> Outcome:
    """Say kindly that a closed brew takes no more answers; keep nothing."""
    if isinstance(event, AnswerText) and suggests_risk(event.text):
        await send_help(context, participant.chat_id, easy=participant.easy, kept=False)
    tidy_buttons(context, participant.chat_id)
    text = services(context).text("brew_closed_now", easy=participant.easy, theme=brew.theme)
    await context.bot.send_message(participant.chat_id, text)
    return Outcome(progress=progress, changed=False)


async def send_help(context: Context, chat_id: int, *, easy: bool, kept: bool) -> None:
    """Point someone who may be at risk to help now; brewbot is not a crisis service."""
    found = services(context)
    contacts = "\n".join(f"• {c.name}: {c.how}" for c in found.settings.help_contacts)
    key = "concern_help" if kept else "concern_help_unkept"
    text = found.text(key, easy=easy, contacts=contacts)
    await context.bot.send_message(chat_id, text, rate_limit_args=Priority.HELP)


def tidy_buttons(context: Context, chat_id: int) -> None:
    """Take the buttons off the last question sent, once the reply has gone (they're stale)."""
    store = context.application.chat_data.get(chat_id)
    message_id = store.pop(_LAST_BUTTONS, None) if store is not None else None
    if message_id is not None:
        tidy(
            context,
            context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None),
        )


def forget_buttons(context: Context, query: CallbackQuery) -> None:
    """Stop tracking the pressed message: the press handler tidies it itself."""
    message = query.message
    if message is None:
        return
    kept = context.application.chat_data.get(message.chat.id)
    if kept is not None and kept.get(_LAST_BUTTONS) == message.message_id:
        kept.pop(_LAST_BUTTONS)


def _remember_buttons(context: Context, chat_id: int, message: Message | None) -> None:
    if message is not None:
        context.application.chat_data[chat_id][_LAST_BUTTONS] = message.message_id


def _just_finished(before: Progress | None, outcome: Outcome) -> bool:
    was_finished = before is not None and before.status is Status.FINISHED
    return outcome.progress.status is Status.FINISHED and not was_finished


def _news_question(found: Services, brew: Brew, *, easy: bool) -> Outgoing:
    """Ask, at the end, whether they'd like to hear what changed."""
    markup = action_keyboard(
        [
            [
                (found.text("news_yes", easy=easy), NewsAction(brew.id, True)),
                (found.text("news_no", easy=easy), NewsAction(brew.id, False)),
            ]
        ],
        found.buttons,
    )
    return Outgoing(found.text("news_ask", easy=easy), markup)
