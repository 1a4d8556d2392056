"""Send queued "we said, we did" news to the people who asked for it, paced, each once.

The queue is the ``outbox`` table, sent as bulk (bot/jobs/bulk.py), so a restart half-way
loses nothing: each message is marked sent straight after Telegram accepts it, and the next
run starts with whoever is left. Someone who blocked brewbot, or whose chat is gone, is
marked done rather than tried again and again; a message Telegram may have (a timeout) is
marked as perhaps sent and never sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.jobs.bulk import BATCH, Outbox, Sent, sent
from bot.news import news_message
from bot.services import BrewContext, Services
from bot.speaking import speaking_in
from storage.records import NewsItem


class News(Outbox[NewsItem]):
    """The news queue: the ``outbox`` table, one row per person and "we said, we did"."""

    name, what, first = "news", "news", 2

    async def fetch(self, services: Services, after: NewsItem | None) -> Sequence[NewsItem]:
        return await services.store.pending_news(BATCH, after=after.outbox_id if after else 0)

    async def send(self, context: BrewContext, services: Services, item: NewsItem) -> Sent:
        with speaking_in(services.spoken(item.language)):
            text = news_message(services, theme=item.theme, text=item.text, easy=item.easy)
        return await sent(context.bot.send_message(item.chat_id, text), "A news message")

    async def mark(self, services: Services, item: NewsItem, went: Sent) -> None:
        await services.store.mark_sent(item.outbox_id, uncertain=went.perhaps)


NEWS = News()
send_news, start_sending, schedule = NEWS.run, NEWS.start_sending, NEWS.schedule
