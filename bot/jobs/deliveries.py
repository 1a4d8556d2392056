"""Take live questions, paced parts and the end of a live part to each person, as bulk.

What goes to whom is kept first (the ``deliveries`` table, filled in the same transaction
that keeps the live question or the day's part), so a restart part-way loses nothing:
the next run starts with whoever is left. For each person the engine decides what the
delivery means for them (someone on a break gets nothing now; someone behind in a paced
brew is not sent more), their place is kept, then the message goes, then the delivery
is marked. Sending the same delivery twice after a crash asks the same open question
again and keeps nothing twice. A send that may have arrived (a timeout) is never repeated.
Sends are BULK: each person's replies to what they do go first, and all bulk sends keep
to about 30 a second overall.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.jobs.again import Delivery as Went
from bot.jobs.again import deliver
from bot.jobs.shared import JobLease, send_in_turn, send_streamed
from bot.journey import STEP_TRIES, brew_pack, keep_step, messages_for, remember_buttons, stepping
from bot.replies import fold
from bot.services import App, BrewContext, Services, require_job_queue
from conversations.engine import step
from conversations.model import Event, LiveEnded, NextPart, Push
from storage.records import Delivery, LiveQuestion

log = logging.getLogger(__name__)

BATCH = 50
RETRY_EVERY = timedelta(minutes=5)


async def send_deliveries(context: BrewContext) -> int:
    """Send every queued delivery; return how many messages Telegram accepted."""
    return await send_in_turn(context, send_deliveries, "deliveries", _send_queued, "questions")


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
    went = await send_one(context, services, delivery)
    if went is Went.LATER:
        return None
    await services.store.mark_delivered(delivery.id, uncertain=went is Went.PERHAPS)
    return int(went is Went.SENT)


async def send_one(context: BrewContext, services: Services, delivery: Delivery) -> Went:
    """Ask the engine what this delivery means for the person, keep it, and send it."""
    brew = await services.store.brew(delivery.brew_id)
    participant = await services.store.participant(delivery.participant_id)
    if brew is None or not brew.is_open or participant is None or participant.stopped:
        return Went.NEVER
    async with stepping(context.application, participant.id):
        pack, asked = await brew_pack(services, brew)
        event = _event(delivery.what, asked)
        for _ in range(STEP_TRIES):  # again if their answer, on another worker, got in first
            before = await services.store.progress(delivery.participant_id, delivery.brew_id)
            if before is None or event is None:
                return Went.NEVER
            outcome = step(
                pack, before, event, theme=brew.theme, messages=services.messages, pace=brew.pace
            )
            if await keep_step(services, participant, brew, outcome, before.turns):
                break
        else:
            return Went.LATER  # their place kept moving: the delivery waits for the next run
    went = Went.NEVER  # nothing to say to them (on a break, or behind): nothing to send
    for message in fold(messages_for(services, participant, brew, before, outcome)):
        call = context.bot.send_message(
            participant.chat_id, message.text, reply_markup=message.markup
        )
        went = await deliver(
            _remember(context, participant.chat_id, call, message.markup), "A question"
        )
        if went is not Went.SENT:
            break
    return went


async def _remember(context: BrewContext, chat_id: int, call: Any, markup: object) -> None:
    """Send, and remember a message with buttons so they come off once it is stale."""
    sent = await call
    if markup is not None:
        remember_buttons(context, chat_id, sent)


def _event(what: str, asked: list[LiveQuestion]) -> Event | None:
    """Read a delivery's ``what`` as the engine event it carries."""
    kind, _, detail = what.partition(":")
    if kind == "ask":
        question = next((q for q in asked if str(q.number) == detail), None)
        return None if question is None else Push(question.prompt_id, question.asked_at.timestamp())
    if kind == "day":
        return NextPart()
    if kind == "end":
        return LiveEnded()
    return None


def start_sending(app: App) -> None:
    """Send what is queued now, in the background."""
    require_job_queue(app).run_once(send_deliveries, when=0, name="deliveries-now")


def schedule(app: App) -> None:
    """Send what was left queued at start-up, then look again now and then."""
    queue = require_job_queue(app)
    queue.run_repeating(send_deliveries, interval=RETRY_EVERY, first=2, name="deliveries")
