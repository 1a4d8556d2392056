"""Take live questions, paced parts and the end of a live part to each person, as bulk.

What goes to whom is kept first (the ``deliveries`` table, filled in the same transaction
that keeps the live question or the day's part), so a restart part-way loses nothing:
the next run starts with whoever is left. For each person the engine decides what the
delivery means for them (someone on a break gets nothing now; someone behind in a paced
brew is not sent more), their place is kept, then the message goes, then the delivery
is marked, with the moment the message reached their screen (Telegram's date for it), so
their typed words can be filed under the question they were looking at. Sending the same
delivery twice after a crash asks the same open question again and keeps nothing twice.
A send that may have arrived (a timeout) is never repeated.
Sends are BULK: each person's replies to what they do go first, and all bulk sends keep
to about 30 a second overall.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Message

from bot.jobs.bulk import BATCH, BulkJob, send_streamed
from bot.journey import STEP_TRIES, brew_pack, keep_step, messages_for, stepping
from bot.replies import fold
from bot.runtime.leases import JobLease
from bot.runtime.retry import Delivery as Went
from bot.runtime.retry import deliver
from bot.services import BrewContext, Services
from bot.speaking import speaking_in
from bot.tg import remember_buttons
from conversations.engine import step
from conversations.model import Event, LiveEnded, NextPart, Push
from storage.records import (
    AskLive,
    Brew,
    DayPart,
    Delivery,
    DeliveryWhat,
    LiveEnd,
    LiveQuestion,
    Participant,
)

log = logging.getLogger(__name__)


async def _send_queued(
    context: BrewContext, services: Services, lease: JobLease
) -> tuple[int, bool]:
    """Send the queue as one stream until none is left or the job's lease is lost; say how
    many went and whether Telegram stopped us.

    A paced brew's parts wait while it is quiet hours; live questions do not (the
    facilitator is running the session now).
    """

    async def fetch(after: int) -> list[Delivery]:
        local = services.clock().astimezone(services.settings.timezone).time()
        days = not services.settings.is_quiet(local)
        return await services.store.pending_deliveries(BATCH, days=days, after=after)

    return await send_streamed(
        lease,
        fetch,
        lambda delivery: _send_and_mark(context, services, delivery),
        lambda delivery: delivery.id,
    )


async def _send_and_mark(
    context: BrewContext, services: Services, delivery: Delivery
) -> int | None:
    """Deliver to one person and mark it done (or perhaps done), unless it is to wait."""
    went, shown = await send_one(context, services, delivery)
    if went is Went.LATER:
        return None
    await services.store.mark_delivered(delivery.id, uncertain=went is Went.PERHAPS, shown_at=shown)
    return int(went is Went.SENT)


async def send_one(
    context: BrewContext, services: Services, delivery: Delivery
) -> tuple[Went, datetime | None]:
    """Ask the engine what this delivery means for the person, keep it, and send it; say how
    it went and when it reached their screen (None: nothing did)."""
    brew = await services.store.brew(delivery.brew_id)
    participant = await services.store.participant(delivery.participant_id)
    if brew is None or not brew.is_open or participant is None or participant.stopped:
        return Went.NEVER, None
    with speaking_in(services.language_of(participant)):
        return await _step_and_send(context, services, delivery, brew, participant)


async def _step_and_send(
    context: BrewContext,
    services: Services,
    delivery: Delivery,
    brew: Brew,
    participant: Participant,
) -> tuple[Went, datetime | None]:
    """Step the engine for one delivery, in the person's language, and send what it says."""
    async with stepping(context.application, participant.id):
        pack, asked = await brew_pack(services, brew)
        event = _event(delivery.what, asked)
        for _ in range(STEP_TRIES):  # again if their answer, on another worker, got in first
            before = await services.store.progress(delivery.participant_id, delivery.brew_id)
            if before is None or event is None:
                return Went.NEVER, None
            outcome = step(
                pack, before, event, theme=brew.theme, messages=services.messages, pace=brew.pace
            )
            if await keep_step(services, participant, brew, outcome, before.turns):
                break
        else:
            return Went.LATER, None  # their place kept moving: it waits for the next run
    went, shown = Went.NEVER, None  # nothing to say to them (on a break, or behind)
    for message in fold(await messages_for(services, participant, brew, before, outcome)):
        call = context.bot.send_message(
            participant.chat_id, message.text, reply_markup=message.markup
        )
        sent: list[Message] = []
        went = await deliver(
            _remember(context, participant.chat_id, call, message.markup, sent), "A question"
        )
        if went is not Went.SENT:
            break
        shown = sent[0].date if sent else None
    if went is Went.PERHAPS:  # it may be on their screen: from about now
        shown = services.clock()
    return went, shown


async def _remember(
    context: BrewContext, chat_id: int, call: Any, markup: object, sent: list[Message]
) -> None:
    """Send, keep the message in ``sent``, and remember it if it has buttons, so they come
    off once it is stale."""
    message = await call
    sent.append(message)
    if markup is not None:
        remember_buttons(context, chat_id, message)


def _event(what: DeliveryWhat | None, asked: list[LiveQuestion]) -> Event | None:
    """Return the engine event a delivery carries (None: nothing, for a question not found
    or a kind this brewbot does not know)."""
    match what:
        case AskLive(number):
            question = next((q for q in asked if q.number == number), None)
            return None if question is None else Push(question.prompt_id)
        case DayPart():
            return NextPart()
        case LiveEnd():
            return LiveEnded()
    return None


DELIVERIES = BulkJob("deliveries", "questions", _send_queued, first=2)
send_deliveries = DELIVERIES.send
start_sending, schedule = DELIVERIES.start_sending, DELIVERIES.schedule
