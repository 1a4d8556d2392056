"""Send each queued copy of a theme poll to its person, paced as bulk, each once.

Like the news (bot/jobs/broadcast.py): the queue is a table, a copy leaves it straight after
Telegram takes it, and one that may have arrived (a timeout) is not sent again. What is kept
of a sent copy is the poll id Telegram gave it, so its votes can be added up, never who.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.jobs.bulk import BATCH, Outbox, Sent, sent
from bot.services import BrewContext, Services
from bot.speaking import speaking_in
from bot.tg import fit
from conversations.reporting import POLL_OPTION_LIMIT
from storage.ideapolls import PollToSend


class IdeaPolls(Outbox[PollToSend]):
    """The theme polls' queue: ``idea_poll_queue``, one row per poll and person."""

    name, what, first = "idea-polls", "theme polls", 3

    async def fetch(self, services: Services, after: PollToSend | None) -> Sequence[PollToSend]:
        since = (after.poll_id, after.participant_id) if after else (0, "")
        return await services.store.pending_idea_polls(BATCH, after=since)

    async def send(self, context: BrewContext, services: Services, item: PollToSend) -> Sent:
        with speaking_in(services.spoken(item.language)):
            question = services.text("ideas_poll_question", easy=item.easy)
        options = [fit(option, POLL_OPTION_LIMIT) for option in item.options]
        poll = context.bot.send_poll(
            item.chat_id, question, options, is_anonymous=True, allows_multiple_answers=True
        )
        return await sent(poll, "A theme poll")

    async def mark(self, services: Services, item: PollToSend, went: Sent) -> None:
        poll = went.message.poll if went.message is not None else None
        ballot = poll.id if poll is not None else None
        await services.store.idea_poll_sent(item.poll_id, item.participant_id, ballot)


IDEA_POLLS = IdeaPolls()
send_idea_polls, start_sending = IDEA_POLLS.run, IDEA_POLLS.start_sending
schedule = IDEA_POLLS.schedule
