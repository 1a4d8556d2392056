"""The shell around the engine: load a person's place, ask the engine, keep, then send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from weakref import WeakValueDictionary

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import NewsAction
from bot.help_first import help_if_at_risk, send_help
from bot.replies import Outgoing, action_keyboard, outgoing, send_folded
from bot.services import App, BrewContext, Services
from bot.tg import remember_buttons, tidy_buttons
from conversations.engine import step
from conversations.model import (
    AnswerText,
    Begin,
    Choose,
    Event,
    Kind,
    Outcome,
    Pace,
    Pack,
    Progress,
    Reply,
    Resume,
    Skip,
    Status,
    WordsFor,
)
from conversations.pacing import asked_prompt, live_pack
from storage.errors import StaleProgress
from storage.records import Brew, LiveQuestion, Participant

log = logging.getLogger(__name__)
_STEPPING = "brewbot.stepping"  # a lock per person, while a step is read, decided and kept
# Events that would add answers: a closed brew turns them away (pause, stop, easy words pass).
_ANSWERING = (AnswerText, Choose, Skip, Begin, Resume, WordsFor)
# Reading a person's place and stepping again, when another worker moved it on meanwhile.
STEP_TRIES = 5


class PackMissing(Exception):
    """A brew names a pack that this brewbot does not have."""


async def advance(
    update: Update | None,
    context: BrewContext,
    participant: Participant,
    brew: Brew,
    event: Event,
    *,
    lead: str | None = None,
    offer: Sequence[InlineKeyboardButton] = (),
    opened: bool = False,
    before: Progress | None = None,
) -> Outcome:
    """Ask the engine what follows an event, keep it, then send it as one message.

    ``lead`` (a welcome, say) goes at the top of that message, and ``offer`` (the languages)
    as a row of buttons under its own, so a first step still costs one send. Help, if an
    answer suggests
    someone may be at risk, goes first of all; old buttons come off afterwards. ``opened``
    makes this brew the one the person last opened; ``before`` is their progress in it, when
    the caller has just read it.
    """
    services = context.services
    services.speak_to(participant)
    async with stepping(context.application, participant.id):  # not mid-way through a push
        pack, asked = await brew_pack(services, brew)
        original = event
        for attempt in range(STEP_TRIES):
            if brew.pace is Pace.LIVE:  # it may have sent them something since the caller read
                before, shown = await services.store.live_progress(participant.id, brew.id)
                event = _with_screen(before, original, shown)
            elif attempt or before is None or brew.pace is not Pace.SELF or brew.was_live:
                # A paced brew may have sent them something since the caller read it; and a
                # step that found its place moved on reads it again.
                before = await services.store.progress(participant.id, brew.id)
            read = None if before is None else before.turns
            if before is None and isinstance(event, Begin):
                # Someone joining a live brew mid-question gets the question open now.
                released = (asked[-1].prompt_id,) if asked and brew.pace is Pace.LIVE else ()
                before = Progress(pack_id=pack.id, easy=participant.easy, released=released)
            if brew.closed_at is not None and isinstance(event, _ANSWERING):
                progress = before or Progress(pack.id)
                return await _closed(update, context, participant, brew, progress, event)
            outcome = step(
                pack, before, event, theme=brew.theme, messages=services.messages, pace=brew.pace
            )
            if await keep_step(services, participant, brew, outcome, read, update, opened):
                break
        else:
            raise StaleProgress("A person's place kept moving on; the update waits its turn.")
    if outcome.answers and asked and services.live_answered is not None:
        answered = {a.prompt_id for a in outcome.answers}
        services.live_answered(context.application, brew.id, answered)
    if outcome.concern:
        await send_help(
            context, participant.chat_id, easy=outcome.progress.easy, kept=True, update=update
        )
    words = update.message.message_id if update and update.message else None  # typed words
    messages = await messages_for(services, participant, brew, before, outcome, words=words)
    if lead is not None:
        messages.insert(0, Outgoing(lead))
    if offer:
        messages = with_offer(messages, offer)
    tidy_buttons(context, participant.chat_id)
    last = await send_folded(context.bot, participant.chat_id, messages)
    remember_buttons(context, participant.chat_id, last)
    return outcome


async def keep_step(
    services: Services,
    participant: Participant,
    brew: Brew,
    outcome: Outcome,
    read: int | None,
    update: Update | None = None,
    opened: bool = False,
) -> bool:
    """Keep what a step changed, if the person's place is still at version ``read``; say
    whether it was (False: another worker, or a push, moved it on: read and step again)."""
    try:
        if outcome.changed:
            await services.store.record_step(
                participant_id=participant.id,
                brew_id=brew.id,
                outcome=outcome,
                update_id=update.update_id if update else None,
                opened=opened,
                read=read,
            )
            if services.embedding is not None and any(a.kind is Kind.TEXT for a in outcome.answers):
                services.embedding.wake()  # after the commit; the reply does not wait for it
        elif opened:
            await services.store.mark_opened(participant.id, brew.id)
    except StaleProgress:
        log.info("A person's place moved on while a step was decided; stepping again")
        return False
    return True


def stepping(app: App, participant_id: str) -> asyncio.Lock:
    """Return the lock held while one person's step is read, decided and kept.

    A person's own updates come one at a time, but a live push or a day's part for them
    may arrive meanwhile. The lock is the fast path, in one process; across workers (the
    push on one, the person's answer on another), the place is written only if it is still
    at the version it was read at (``keep_step``), and the step is taken again if not.
    """
    locks: WeakValueDictionary[str, asyncio.Lock] = app.bot_data.setdefault(
        _STEPPING, WeakValueDictionary()
    )
    lock = locks.get(participant_id)
    if lock is None:
        lock = locks[participant_id] = asyncio.Lock()
    return lock


async def brew_pack(services: Services, brew: Brew) -> tuple[Pack, list[LiveQuestion]]:
    """Return the pack a brew asks from, and the questions pushed in it live, first first.

    A live brew asks only what was pushed in it, the pack's questions and one-offs in the
    order pushed (:func:`live_pack`), during the live part and after it.
    """
    pack = services.packs.get(brew.pack_id)
    if pack is None:
        raise PackMissing(f"brew {brew.id} uses pack {brew.pack_id!r}, which is not installed")
    if not brew.was_live:
        return pack, []
    asked = await services.store.live_questions(brew.id)
    prompts = (
        pack.prompt(q.prompt_id) if q.text is None else asked_prompt(q.number, q.text)
        for q in asked
    )
    return live_pack(pack, (p for p in prompts if p is not None)), asked


def _with_screen(before: Progress | None, event: Event, shown: dict[str, datetime]) -> Event:
    """Add to typed words when the question pushed last reached the person's screen, so the
    engine can tell whether they were written for a question before it, still unanswered."""
    if not isinstance(event, AnswerText) or before is None or before.late is None:
        return event
    last = shown.get(before.released[-1]) if before.released else None
    return replace(event, shown_at=None if last is None else last.timestamp())


def with_offer(messages: list[Outgoing], offer: Sequence[InlineKeyboardButton]) -> list[Outgoing]:
    """Add a row of buttons under the first message that has buttons (or the last one)."""
    if not messages:
        return messages
    at = next((i for i, m in enumerate(messages) if m.markup is not None), len(messages) - 1)
    markup = messages[at].markup
    rows = markup.inline_keyboard if markup is not None else ()
    offered = Outgoing(messages[at].text, InlineKeyboardMarkup([*rows, list(offer)]))
    return [*messages[:at], offered, *messages[at + 1 :]]


async def messages_for(
    services: Services,
    participant: Participant,
    brew: Brew,
    before: Progress | None,
    outcome: Outcome,
    *,
    words: int | None = None,
) -> list[Outgoing]:
    """Lay out what the engine said, asking at the very end whether they would like news.

    Someone who finished is asked about news in the reply that finishes the brew, and again
    with any later reply in it until they answer (the first ask may not have reached them).
    A reply about the words they just typed answers ``words``, the message that held them.
    """
    messages = outgoing(outcome.replies, brew.id, services.buttons, words=words)
    if await _news_open(services, participant, brew, before, outcome):
        messages.append(_news_question(services, brew, easy=outcome.progress.easy))
    return messages


async def _news_open(
    services: Services,
    participant: Participant,
    brew: Brew,
    before: Progress | None,
    outcome: Outcome,
) -> bool:
    """Say whether to ask this person about news with this reply: they finished the brew
    and have not answered the question there (nor asked for news before)."""
    finished = outcome.progress.status is Status.FINISHED
    if not finished or participant.news or not outcome.replies:
        return False
    return _just_finished(before, outcome) or not await services.store.news_answered(
        participant.id, brew.id
    )


async def _closed(
    update: Update | None,
    context: BrewContext,
    participant: Participant,
    brew: Brew,
    progress: Progress,
    event: Event,
) -> Outcome:
    """Say kindly that a closed brew takes no more answers; keep nothing. Someone who
    finished it and has not answered the news question is asked it again."""
    if isinstance(event, AnswerText):
        await help_if_at_risk(
            context, participant.chat_id, event.text, easy=participant.easy, update=update
        )
    services = context.services
    text = services.text("brew_closed_now", easy=participant.easy, theme=brew.theme)
    outcome = Outcome(progress=progress, replies=(Reply(text),), changed=False)
    messages = await messages_for(services, participant, brew, progress, outcome)
    tidy_buttons(context, participant.chat_id)
    remember_buttons(
        context, participant.chat_id, await send_folded(context.bot, participant.chat_id, messages)
    )
    return Outcome(progress=progress, changed=False)


def _just_finished(before: Progress | None, outcome: Outcome) -> bool:
    was_finished = before is not None and before.status is Status.FINISHED
    return outcome.progress.status is Status.FINISHED and not was_finished


def _news_question(services: Services, brew: Brew, *, easy: bool) -> Outgoing:
    """Ask, at the end, whether they'd like to hear what changed."""
    markup = action_keyboard(
        [
            [
                (services.text("news_yes", easy=easy), NewsAction(brew.id, True)),
                (services.text("news_no", easy=easy), NewsAction(brew.id, False)),
            ]
        ],
        services.buttons,
    )
    return Outgoing(services.text("news_ask", easy=easy), markup)
