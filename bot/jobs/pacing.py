"""A paced brew's daily part: queued once a day at the brew's hour, never in quiet hours.

The day is claimed in storage with its deliveries in one transaction, so a check that
runs twice, or a restart, queues nothing twice. The day a brew opens sends nothing more:
joining gives the first part.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta

from bot.jobs.deliveries import send_deliveries
from bot.services import App, BrewContext, require_job_queue
from conversations.time_of_day import read_time_of_day

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=10)
DEFAULT_AT = time(10, 0)


async def queue_due_parts(context: BrewContext) -> int:
    """Queue today's part of every paced brew whose hour has come; return how many people."""
    services = context.services
    local = services.clock().astimezone(services.settings.timezone)
    if services.settings.is_quiet(local.time()):
        return 0
    queued = 0
    for brew in await services.store.paced_brews():
        at = read_time_of_day(brew.pace_at) or DEFAULT_AT
        opened = brew.opened_at.astimezone(services.settings.timezone).date()
        if local.time() < at or local.date() <= opened:
            continue
        people = await services.store.queue_day(brew.id, local.date())
        queued += people or 0
    if queued:
        await send_deliveries(context)
    return queued


def schedule(app: App) -> None:
    """Look for due parts now and then; they are found in the database."""
    queue = require_job_queue(app)
    queue.run_repeating(queue_due_parts, interval=CHECK_EVERY, first=5, name="paced parts")
