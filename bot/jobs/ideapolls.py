"""Send each queued copy of a theme poll to its person, paced as bulk, each once.

Like the news (bot/jobs/broadcast.py): the queue is a table, a copy leaves it straight after
Telegram takes it, and one that may have arrived (a timeout) is not sent again. What is kept
of a sent copy is the poll id Telegram gave it, so its votes can be added up, never who.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Message

from bot.facilitators.planning import fit
from bot.jobs.again import Delivery, again_soon, deliver, went_well
from bot.jobs.shared import JobLease, look_again_soon, shared_job
from bot.ratelimit import Priority, sending_as
from bot.services import App, BrewContext, Services, require_job_queue
from conversations.reporting import POLL_OPTION_LIMIT
from storage.ideapolls import PollToSend

log = logging.getLogger(__name__)

BATCH = 50
RETRY_EVERY = timedelta(minutes=5)
FIRST_RUN = timedelta(seconds=3)
_LOCK = "brewbot.ideapolls"


async def send_idea_polls(context: BrewContext) -> int:
    """Send every queued copy, as bulk; return how many Telegram took."""
    lock: asyncio.Lock = context.application.bot_data.setdefault(_LOCK, asyncio.Lock())
    if lock.locked():
        return 0
    services = context.services
    async with lock, shared_job(services, "idea polls") as lease:
        if not lease.mine:  # another worker is sending them: look again in case it died
            look_again_soon(context, send_idea_polls, "idea-polls", lease)
            return 0
        with sending_as(Priority.BULK):
            sent, later = await _send_queued(context, services, lease)
        if not lease.mine:  # whoever holds it now sends the rest
            look_again_soon(context, send_idea_polls, "idea-polls", lease)
            return sent
        if later:
            wait = again_soon(context.application, send_idea_polls, "idea-polls")
            log.warning("Sending theme polls paused after a problem; carrying on in %.0fs", wait)
            return sent
    went_well(context.application, "idea-polls")
    return sent


async def _send_queued(
    context: BrewContext, services: Services, lease: JobLease
) -> tuple[int, bool]:
    """Send batches until the queue is empty or the job's lease is lost; say how many went
    and whether to try later."""
    sent = 0
    while await lease.still_mine() and (batch := await services.store.pending_idea_polls(BATCH)):
        outcomes = await asyncio.gather(*(_send_and_mark(context, services, c) for c in batch))
        sent += sum(1 for o in outcomes if o is Delivery.SENT)
        if Delivery.LATER in outcomes:
            return sent, True
    return sent, False


async def _send_and_mark(context: BrewContext, services: Services, copy: PollToSend) -> Delivery:
    """Send one copy and take it off the queue, unless it is to wait."""
    sent: list[Message] = []

    async def call() -> None:
        question = services.text("ideas_poll_question", easy=copy.easy)
        options = [fit(option, POLL_OPTION_LIMIT) for option in copy.options]
        sent.append(
            await context.bot.send_poll(
                copy.chat_id, question, options, is_anonymous=True, allows_multiple_answers=True
            )
        )

    outcome = await deliver(call(), "A theme poll")
    if outcome is Delivery.LATER:
        return outcome
    ballot = sent[0].poll.id if sent and sent[0].poll is not None else None
    await services.store.idea_poll_sent(copy.poll_id, copy.participant_id, ballot)
    return outcome


def schedule(app: App) -> None:
    """Send what was left queued at start-up, then look again now and then."""
    require_job_queue(app).run_repeating(
        send_idea_polls, interval=RETRY_EVERY, first=FIRST_RUN, name="idea-polls"
    )


def start_sending(app: App) -> None:
    """Send what is queued now, in the background."""
    require_job_queue(app).run_once(send_idea_polls, when=0, name="idea-polls-now")
