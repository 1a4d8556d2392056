"""Send queued "we said, we did" news to the people who asked for it, paced, each once.

The queue is the ``outbox`` table, so a restart half-way loses nothing: each message is
marked sent straight after Telegram accepts it, and the next run starts with whoever is
left. Sends go one at a time through the bot's rate limiter (about one a second per
person, 30 a second overall). Someone who blocked brewbot, or whose chat is gone, is
marked done rather than tried again and again. A message Telegram took but did not
answer for in time (a timeout) may have arrived, so it is marked as perhaps sent and never
sent twice. When Telegram fails outright, the run stops and starts again within seconds,
waiting a little longer each time (up to 30 s), rather than at the next check.

The one gap Telegram leaves: if brewbot dies after Telegram accepted a message but before
it was marked, that one person gets it again after the restart. Marking first would lose
it instead; a repeat of good news is the kinder mistake.
"""

from __future__ import annotations

import logging

from bot.jobs.bulk import BATCH, BulkJob, send_streamed
from bot.news import news_message
from bot.runtime.leases import JobLease
from bot.runtime.retry import Delivery, deliver
from bot.services import BrewContext, Services
from bot.speaking import speaking_in
from storage.records import NewsItem

log = logging.getLogger(__name__)


async def _send_queued(
    context: BrewContext, services: Services, lease: JobLease
) -> tuple[int, bool]:
    """Send the queue as one stream until it is empty or the job's lease is lost; say how
    many went and whether Telegram stopped us. The rate limiter keeps the whole within
    Telegram's 30 a second."""
    return await send_streamed(
        lease,
        lambda after: services.store.pending_news(BATCH, after=after),
        lambda item: _send_and_mark(context, services, item),
        lambda item: item.outbox_id,
    )


async def _send_and_mark(context: BrewContext, services: Services, item: NewsItem) -> int | None:
    """Send one news message and mark it sent (or perhaps sent), unless it is to wait."""
    outcome = await _send_one(context, services, item)
    if outcome is Delivery.LATER:
        return None
    await services.store.mark_sent(item.outbox_id, uncertain=outcome is Delivery.PERHAPS)
    return int(outcome is not Delivery.NEVER)


async def _send_one(context: BrewContext, services: Services, item: NewsItem) -> Delivery:
    """Send one news message and say how it went."""
    with speaking_in(services.spoken(item.language)):
        text = news_message(services, theme=item.theme, text=item.text, easy=item.easy)
    return await deliver(context.bot.send_message(item.chat_id, text), "A news message")


NEWS = BulkJob("news", "news", _send_queued, first=2)
send_news, start_sending, schedule = NEWS.send, NEWS.start_sending, NEWS.schedule
