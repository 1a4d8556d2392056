"""At most one gentle reminder for someone who stopped part-way, never in quiet hours."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.callbacks import PromptAction
from bot.replies import action_keyboard
from bot.runtime.ratelimit import Priority, sending_as
from bot.runtime.retry import Delivery, again_soon, deliver, went_well
from bot.services import App, BrewContext, Services, require_job_queue
from bot.speaking import speaking_in
from conversations.model import Pause, Resume

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(minutes=10)


async def send_due_nudges(context: BrewContext) -> int:
    """Send each due reminder once, outside quiet hours; return how many were sent."""
    services = context.services
    now = services.clock()
    if services.settings.is_quiet(now.astimezone(services.settings.timezone).time()):
        return 0
    sent, later = 0, False
    for due in await services.store.due_nudges(idle_before=now - services.settings.nudge_after):
        # Claimed first: a reminder that may have gone (a timeout) is never sent twice, and
        # of several workers on one database only the one that claims it sends it.
        if not await services.store.mark_nudged(due.participant_id, due.brew_id):
            continue
        brew = await services.store.brew(due.brew_id)
        participant = await services.store.participant(due.participant_id)
        if brew is None or brew.closed_at is not None or participant is None:
            continue
        with sending_as(Priority.BULK), speaking_in(services.language_of(participant)):
            nudged = await _nudge(
                context, services, due.chat_id, brew.id, brew.theme, participant.easy
            )
        if nudged is None:  # surely not delivered: it is still owed, soon
            await services.store.mark_nudged(due.participant_id, due.brew_id, undo=True)
            later = True
        sent += bool(nudged)
    if later:
        again_soon(context.application, send_due_nudges, "nudges")
    else:
        went_well(context.application, "nudges")
    return sent


async def _nudge(
    context: BrewContext,
    services: Services,
    chat_id: int,
    brew_id: int,
    theme: str,
    easy: bool,
) -> bool | None:
    """Send one gentle reminder; say whether it went (or may have), or None: try again."""
    markup = action_keyboard(
        [
            [
                (services.text("nudge_carry_on", easy=easy), PromptAction.of(brew_id, Resume())),
                (services.text("nudge_not_now", easy=easy), PromptAction.of(brew_id, Pause())),
            ]
        ],
        services.buttons,
    )
    text = services.text("nudge", easy=easy, theme=theme)
    went = await deliver(context.bot.send_message(chat_id, text, reply_markup=markup), "A reminder")
    return None if went is Delivery.LATER else went is not Delivery.NEVER


async def apply_retention(context: BrewContext) -> None:
    """Clear raw answer text older than the retention setting (counts stay), and forget
    the bookkeeping a long-running worker would otherwise pile up: old update ids and lapsed
    job leases."""
    services = context.services
    cleared = await services.store.apply_retention(services.settings.retention_days)
    if cleared:
        log.info("Retention: cleared the text of %d old answers", cleared)
    await services.store.prune_bookkeeping()


def schedule(app: App) -> None:
    """Start the repeating checks; they find their work in the database."""
    queue = require_job_queue(app)
    queue.run_repeating(send_due_nudges, interval=CHECK_EVERY, first=5, name="nudges")
    queue.run_repeating(apply_retention, interval=timedelta(hours=24), first=60, name="retention")
