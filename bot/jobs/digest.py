"""The weekly digest: built from storage off the event loop, posted once a week on its day.

When: ``digest_day`` at ``digest_time``, local time. Posted Monday to Wednesday, it covers
the week before (Monday 09:00 looks back at last week); Thursday to Sunday, its own week.

Once a week, even across restarts and downtime: a repeating check finds each week whose
time has come and whose digest is not recorded as posted, and posts it, oldest first. A
week missed while brewbot was down is posted when it comes back (up to ``CATCH_UP`` weeks
back). A brand-new brewbot owes nothing from before it first ran: its first check notes the
newest week already due, and the first digest it posts is the next one.

Exactly once, as far as Telegram allows. Telegram has no way to say "send this only if
you have not already", so every send may be repeated or lost if brewbot dies at the wrong
moment. Claiming a week before posting would make a crash lose the whole digest; recording
it after would repeat all of it. So each message of the digest is recorded as sent right
after Telegram accepts it, and the week once all have gone. After a crash, only the messages
not yet recorded are sent: at worst the one message in flight appears twice, and nothing
is lost. A message Telegram refuses outright (a 400 about the message itself) is recorded
and skipped, so one bad message cannot hold a week back for ever; any other failure,
including a chat brewbot cannot post in yet, stops, and the next check carries on where
this one stopped.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackContext

from bot.charts import render
from bot.facilitators.news import digest_update
from bot.services import Services, services
from bot.settings import Settings
from conversations.digest import (
    BrewLine,
    Digest,
    WeekResults,
    build_digest,
    recent_weeks,
    week_key,
    week_start,
)
from conversations.summary import FreeText

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=10)
FIRST_CHECK = timedelta(minutes=1)
CATCH_UP = 4
THIS_WEEK_FROM = 3  # Thursday
DONE, PART, STARTED = "digest", "digest-part", "digest-since"
_LOCK = "brewbot.digest"


@dataclass(frozen=True)
class Part:
    """One message of a digest: HTML text, or a chart picture with its words as a caption."""

    text: str | None = None
    picture: bytes | None = None
    caption: str = ""


# ------------------------------------------------------------------ when


def digest_chat(settings: Settings) -> int | None:
    """Return where the weekly digest goes: the digest chat, else the first facilitators' group."""
    if settings.digest_chat is not None:
        return settings.digest_chat
    return settings.facilitator_chats[0] if settings.facilitator_chats else None


def week_bounds(week: str, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return when a week starts and ends: Monday midnight to Monday midnight, local time."""
    monday = week_start(week)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(weeks=1), time(0), tzinfo=zone)


def due_at(monday: date, settings: Settings) -> datetime:
    """Return when the digest of the week starting ``monday`` is due, local time."""
    day = monday + timedelta(days=settings.digest_day)
    return datetime.combine(day, settings.digest_time, tzinfo=settings.timezone)


def covered(monday: date, digest_day: int) -> str:
    """Name the week a digest posted in the week of ``monday`` looks back on."""
    return week_key(monday if digest_day >= THIS_WEEK_FROM else monday - timedelta(weeks=1))


def due_weeks(now: datetime, settings: Settings, back: int = CATCH_UP) -> list[str]:
    """List the weeks whose digest time has come, within ``back`` weeks, oldest first."""
    local = now.astimezone(settings.timezone).date()
    this_monday = local - timedelta(days=local.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(back - 1, -1, -1)]
    return [covered(m, settings.digest_day) for m in mondays if due_at(m, settings) <= now]


def to_post(due: list[str], since: str) -> list[str]:
    """Choose the due weeks to post: those after ``since``, the latest posted or started from."""
    return [week for week in due if week > since]


# ------------------------------------------------------------------ what


async def week_results(found: Services, week: str) -> WeekResults:
    """Read a week's brews, trends, answers and updates from storage, as plain data."""
    store, zone = found.store, found.settings.timezone
    start, end = week_bounds(week, zone)
    shown = recent_weeks(week)
    counts = await store.weekly_stage_counts(since=week_bounds(shown[0], zone)[0])
    return WeekResults(
        week=week,
        brews=tuple(BrewLine(b.theme, b.took_part) for b in await store.week_brews(start, end)),
        stage_counts=tuple(
            (c.week, c.principle, c.stage, c.count) for c in counts if c.week in shown
        ),
        answers=tuple(
            FreeText(a.person, a.prompt_id, a.principle, a.text, a.quote_consent)
            for a in await store.week_answer_texts(start, end)
        ),
        updates=tuple(digest_update(u.theme, u.text) for u in await store.week_wesaid(start, end)),
    )


async def build_week(found: Services, week: str) -> Digest:
    """Build a week's digest in a worker thread (finding themes can take a few seconds)."""
    results = await week_results(found, week)
    return await asyncio.to_thread(build_digest, results, min_group=found.settings.min_group)


async def digest_parts(digest: Digest) -> list[Part]:
    """Lay a digest out as messages: its sections, then its charts drawn off the event loop."""
    pictures = await asyncio.to_thread(lambda: [render(spec) for spec in digest.charts])
    return [Part(text=section) for section in digest.sections] + [
        Part(picture=picture, caption=spec.alt[:1024])
        for spec, picture in zip(digest.charts, pictures, strict=True)
    ]


async def send_part(bot: Bot, chat_id: int, part: Part) -> None:
    """Send one message of a digest."""
    if part.picture is not None:
        picture = InputFile(part.picture, filename="digest.png")
        await bot.send_photo(chat_id, picture, caption=part.caption)
    elif part.text is not None:
        await bot.send_message(chat_id, part.text, parse_mode=ParseMode.HTML)


async def post_digest(bot: Bot, chat_id: int, digest: Digest) -> None:
    """Post a digest now, with no record (for /digest)."""
    for part in await digest_parts(digest):
        await send_part(bot, chat_id, part)


# ------------------------------------------------------------------ once a week


def _about_the_chat(error: BadRequest) -> bool:
    """Say whether Telegram refused because of the chat (not found, no rights), not the message."""
    words = error.message.casefold()
    return "chat" in words or "rights" in words


async def post_week_once(bot: Bot, found: Services, chat_id: int, week: str) -> bool:
    """Post the messages of a week's digest not yet recorded as sent; True once all have gone."""
    parts = await digest_parts(await build_week(found, week))
    for index, part in enumerate(parts):
        key = f"{week}/{index}"
        if await found.store.has_post(PART, key):
            continue
        try:
            await send_part(bot, chat_id, part)
        except BadRequest as exc:
            if _about_the_chat(exc):
                log.warning("The %s digest cannot reach its chat yet; trying later: %s", week, exc)
                return False
            log.error(
                "Telegram refused part %d of the %s digest; skipping it: %s", index, week, exc
            )
        except TelegramError as exc:
            log.warning(
                "The %s digest stopped at part %d; the next check carries on: %s", week, index, exc
            )
            return False
        await found.store.claim_post(PART, key)
    await found.store.claim_post(DONE, week)
    return True


async def _since(found: Services, due: list[str]) -> str:
    """Return the week after which digests are owed; on the very first check, the newest due."""
    marks = [await found.store.latest_post(DONE), await found.store.latest_post(STARTED)]
    known = [mark for mark in marks if mark is not None]
    if known:
        return max(known)
    first = due[-1] if due else ""
    await found.store.claim_post(STARTED, first)
    return first


async def post_due_digests(context: CallbackContext[Any, Any, Any, Any]) -> list[str]:
    """Post every weekly digest that is due and not yet posted, oldest first; return their weeks."""
    found = services(context)
    chat_id = digest_chat(found.settings)
    if chat_id is None:
        return []
    lock: asyncio.Lock = context.application.bot_data.setdefault(_LOCK, asyncio.Lock())
    posted: list[str] = []
    async with lock:
        due = due_weeks(found.clock(), found.settings)
        since = await _since(found, due)
        for week in to_post(due, since):
            if await found.store.has_post(DONE, week):
                continue
            if not await post_week_once(context.bot, found, chat_id, week):
                break
            log.info("Posted the weekly digest for %s", week)
            posted.append(week)
    return posted


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Look for a due digest soon after start-up, then every few minutes."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    queue.run_repeating(post_due_digests, interval=CHECK_EVERY, first=FIRST_CHECK, name="digest")
