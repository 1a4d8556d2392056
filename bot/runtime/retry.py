"""Calls to Telegram through its bad moments: how a send went, and trying again soon.

News, reminders and digests should not wait for their next scheduled check (minutes
away) because Telegram had a bad moment, nor hammer it: a job is tried again after about
1 s, then doubling up to 30 s; a success resets the wait. A send that may have reached
Telegram (a timeout, a connection cut after sending) is never sent again. A call brewbot
cannot start without (removing or setting the webhook) is made again until it works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from enum import Enum
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.runtime.ratelimit import might_have_arrived, seconds
from bot.services import App, BrewContext, require_job_queue

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
MAX_BACKOFF = 30.0  # seconds between tries of a call brewbot cannot start without
_KEY = "brewbot.again"

Job = Callable[[BrewContext], Coroutine[Any, Any, object]]


def again_soon(
    app: App,
    job: Job,
    name: str,
    *,
    at_most: float = LONGEST_WAIT,
) -> float:
    """Run ``job`` again after a growing wait (``at_most`` seconds, or 30); return the wait."""
    waits: dict[str, float] = app.bot_data.setdefault(_KEY, {})
    wait = waits.get(name, FIRST_WAIT / 2) * 2
    waits[name] = min(at_most, LONGEST_WAIT, wait)
    require_job_queue(app).run_once(job, when=waits[name], name=f"{name}-again")
    return waits[name]


def went_well(app: App, name: str) -> None:
    """Forget the growing wait: the next failure starts again from about a second."""
    waits: dict[str, float] = app.bot_data.setdefault(_KEY, {})
    waits.pop(name, None)


class Delivery(Enum):
    """How one bulk send went."""

    SENT = "sent"
    PERHAPS = "may have arrived"  # never send it again
    NEVER = "can never arrive"  # blocked, or refused: do not try again
    LATER = "did not arrive"  # Telegram's own failure: try again soon


async def deliver(call: Awaitable[object], what: str) -> Delivery:
    """Make one bulk send and say how it went, logging anything but success once."""
    try:
        await call
    except TelegramError as error:
        return delivery_after(error, what)
    return Delivery.SENT


def delivery_after(error: TelegramError, what: str) -> Delivery:
    """Say how a bulk send that ended in ``error`` went (after the rate limiter's own tries
    of a 429 or a 5xx), and log it once."""
    if isinstance(error, Forbidden):
        log.info("%s could not be delivered: the person has blocked brewbot", what)
        return Delivery.NEVER
    if isinstance(error, BadRequest):
        log.warning("%s could not be delivered and will not be tried again: %s", what, error)
        return Delivery.NEVER
    if isinstance(error, NetworkError) and might_have_arrived(error):
        log.info("%s may have reached Telegram (%s); it is not sent again", what, error)
        return Delivery.PERHAPS
    log.info("%s must wait a moment: %s", what, error)  # 5xx, no connection, a 429 still
    return Delivery.LATER


async def until_done(
    stop: asyncio.Event, call: Callable[[], Awaitable[object]], failed: str
) -> bool:
    """Make ``call`` until it works or ``stop`` is set; say whether it worked.

    After a 429, wait as long as Telegram asks; when Telegram cannot be reached, log
    ``failed`` and wait half a second, doubling up to 30 s. Anything else is raised.
    """
    delay = 0.5
    while not stop.is_set():
        try:
            await call()
            return True
        except RetryAfter as exc:
            await sleep_unless(stop, seconds(exc.retry_after))
        except NetworkError as exc:
            log.warning("%s (%s); trying again", failed, exc)
            await sleep_unless(stop, delay)
            delay = min(MAX_BACKOFF, delay * 2)
    return False


async def sleep_unless(stop: asyncio.Event, delay: float) -> None:
    """Wait ``delay`` seconds, or less if ``stop`` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=delay)
