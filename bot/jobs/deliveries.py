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

from collections.abc import Sequence

from telegram import Message

from bot.jobs.bulk import BATCH, Outbox, Sent, sent
from bot.journey import STEP_TRIES, brew_pack, keep_step, messages_for, stepping
from bot.replies import fold
from bot.runtime.retry import Delivery as Went
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


class Deliveries(Outbox[Delivery]):
    """The live and paced queue: ``deliveries``, one row per person and question or part."""

    name, what, first = "deliveries", "questions", 2

    async def fetch(self, services: Services, after: Delivery | None) -> Sequence[Delivery]:
        """A paced brew's parts wait while it is quiet hours; live questions do not (the
        facilitator is running the session now)."""
        local = services.clock().astimezone(services.settings.timezone).time()
        days = not services.settings.is_quiet(local)
        return await services.store.pending_deliveries(
            BATCH, days=days, after=after.id if after else 0
        )

    async def send(self, context: BrewContext, services: Services, item: Delivery) -> Sent:
        """Ask the engine what this delivery means for the person, keep it, and send it."""
        brew = await services.store.brew(item.brew_id)
        participant = await services.store.participant(item.participant_id)
        if brew is None or not brew.is_open or participant is None or participant.stopped:
            return Sent(Went.NEVER)
        with speaking_in(services.language_of(participant)):
            return await _step_and_send(context, services, item, brew, participant)

    async def mark(self, services: Services, item: Delivery, went: Sent) -> None:
        """Mark it with when it reached their screen: Telegram's date for the message, or
        about now if it may be there; None if nothing was shown to them."""
        shown = went.message.date if went.message is not None else None
        await services.store.mark_delivered(
            item.id, uncertain=went.perhaps, shown_at=services.clock() if went.perhaps else shown
        )


async def _step_and_send(
    context: BrewContext,
    services: Services,
    delivery: Delivery,
    brew: Brew,
    participant: Participant,
) -> Sent:
    """Step the engine for one delivery, in the person's language, and send what it says."""
    async with stepping(context.application, participant.id):
        pack, asked = await brew_pack(services, brew)
        event = _event(delivery.what, asked)
        for _ in range(STEP_TRIES):  # again if their answer, on another worker, got in first
            before = await services.store.progress(delivery.participant_id, delivery.brew_id)
            if before is None or event is None:
                return Sent(Went.NEVER)
            outcome = step(
                pack, before, event, theme=brew.theme, messages=services.messages, pace=brew.pace
            )
            if await keep_step(services, participant, brew, outcome, before.turns):
                break
        else:
            return Sent(Went.LATER)  # their place kept moving: it waits for the next run
    went = Went.NEVER  # nothing to say to them (on a break, or behind)
    last: Message | None = None
    for message in fold(await messages_for(services, participant, brew, before, outcome)):
        call = context.bot.send_message(
            participant.chat_id, message.text, reply_markup=message.markup
        )
        one = await sent(call, "A question")
        went = one.how
        if one.message is None:
            break
        last = one.message
        if message.markup is not None:  # its buttons come off once it is stale
            remember_buttons(context, participant.chat_id, one.message)
    return Sent(went, last)


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


DELIVERIES = Deliveries()
send_deliveries, send_one = DELIVERIES.run, DELIVERIES.send
start_sending, schedule = DELIVERIES.start_sending, DELIVERIES.schedule
