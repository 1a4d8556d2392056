"""Send each queued copy of a theme poll to its person, paced as bulk, each once.

Like the news (bot/jobs/broadcast.py): the queue is a table, a copy leaves it straight after
Telegram takes it, and one that may have arrived (a timeout) is not sent again. What is kept
of a sent copy is the poll id Telegram gave it, so its votes can be added up, never who.
"""

from __future__ import annotations

import asyncio

from telegram import Message

from bot.jobs.bulk import BATCH, BulkJob
from bot.runtime.leases import JobLease
from bot.runtime.retry import Delivery, deliver
from bot.services import BrewContext, Services
from bot.speaking import speaking_in
from bot.tg import fit
from conversations.reporting import POLL_OPTION_LIMIT
from storage.ideapolls import PollToSend


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
        with speaking_in(services.spoken(copy.language)):
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


IDEA_POLLS = BulkJob("idea-polls", "theme polls", _send_queued, first=3)
send_idea_polls = IDEA_POLLS.send
start_sending, schedule = IDEA_POLLS.start_sending, IDEA_POLLS.schedule
