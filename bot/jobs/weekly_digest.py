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

One digest per facilitators' group, of that group's brews only, in that group's digest chat
(``Settings.digest_chat_for``). Each group keeps its own record of weeks posted, so one
group's week going out, or failing to, never holds another's back. Before digests were per
group there was one pooled record; each group carries on from where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np
from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError

from bot import codebook_in_use as codebooks
from bot.charts import render
from bot.embedder import brew_meanings, reader
from bot.jobs.region_digest import post_due_region
from bot.news import digest_update
from bot.runtime.leases import look_again_soon, shared_job
from bot.runtime.ratelimit import might_have_arrived
from bot.runtime.retry import again_soon, went_well
from bot.services import App, BrewContext, Services, require_job_queue
from bot.settings import Settings
from bot.speaking import speaking_in
from conversations.digest import (
    BrewLine,
    BrewText,
    Digest,
    WeekResults,
    build_digest,
    recent_weeks,
    week_key,
    week_start,
)
from conversations.messages import Messages
from conversations.reading import Reader
from conversations.shown import FreeText
from storage.records import StoredText

log = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=10)
FIRST_CHECK = timedelta(minutes=1)
CATCH_UP = 4
THIS_WEEK_FROM = 3  # Thursday
DONE, PART, STARTED = "digest", "digest-part", "digest-since"
POOLED = "digest-pooled-carried"  # the pooled record (before per group) has been carried over
_LOCK = "brewbot.digest"


@dataclass(frozen=True)
class Part:
    """One message of a digest: HTML text, or a chart picture with its words as a caption."""

    text: str | None = None
    picture: bytes | None = None
    caption: str = ""


# ------------------------------------------------------------------ when


def kind(what: str, group: int) -> str:
    """Name a group's own record of its digests, e.g. 'digest:-1001234567890'."""
    return f"{what}:{group}"


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


def _free_text(answer: StoredText) -> FreeText:
    """Map a stored answer to the core's plain answer."""
    return FreeText(
        answer.person, answer.prompt_id, answer.principle, answer.text, answer.quote_consent
    )


async def week_results(services: Services, week: str, group: int) -> WeekResults:
    """Read a group's week (brews, trends, answers, updates, who took part) as plain data."""
    store, zone = services.store, services.settings.timezone
    start, end = week_bounds(week, zone)
    shown = recent_weeks(week)
    since = week_bounds(shown[0], zone)[0]
    counts = await store.weekly_brew_stage_counts(since=since, group_chat_id=group)
    brews = await store.week_brews(start, end, group_chat_id=group)
    texts = await store.week_answer_texts(start, end, group_chat_id=group)
    updates = await store.week_wesaid(start, end, group_chat_id=group)
    if services.settings.review_chat is not None:  # co-producers check summaries: approved only
        ok = await store.approved_brews(
            {b.brew_id for b in brews} | {c.brew_id for c in counts} | {t.brew_id for t in texts}
        )
        brews = [b for b in brews if b.brew_id in ok]
        counts = [c for c in counts if c.brew_id in ok]
        texts = [t for t in texts if t.brew_id in ok]
        updates = [u for u in updates if u.brew_id in ok]
    named = {b.brew_id for b in brews} | {c.brew_id for c in counts} | {t.brew_id for t in texts}
    return WeekResults(
        week=week,
        brews=tuple(BrewLine(b.theme, b.took_part, b.brew_id) for b in brews),
        stage_counts=tuple(
            (c.week, c.brew_id, c.principle, c.stage, c.count) for c in counts if c.week in shown
        ),
        answers=tuple(BrewText(t.brew_id, _free_text(t.answer)) for t in texts),
        updates=tuple(digest_update(u.theme, u.text) for u in updates),
        people={brew: (await store.brew_counts(brew)).people for brew in sorted(named)},
    )


async def build_week(services: Services, week: str, group: int) -> Digest:
    """Build a group's digest of a week in a worker thread (finding themes takes a while)."""
    results = await week_results(services, week, group)
    codebook = await codebooks.of_group(services.store, group)
    known: dict[str, np.ndarray] = {}
    if services.settings.meaning:
        for brew in sorted({a.brew for a in results.answers}):
            known.update(await brew_meanings(services.store, brew))
    find = reader(known, codebook) if services.settings.meaning else Reader(None, codebook)
    return await asyncio.to_thread(
        build_digest,
        results,
        min_group=services.settings.min_group,
        find=find,
        messages=services.messages,
    )


async def digest_parts(digest: Digest, messages: Messages) -> list[Part]:
    """Lay a digest out as messages: its sections, then its charts drawn off the event loop
    (their words in ``messages``, the digest's language)."""
    pictures = await asyncio.to_thread(
        lambda: [render(spec, messages=messages) for spec in digest.charts]
    )
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


async def post_digest(bot: Bot, chat_id: int, digest: Digest, messages: Messages) -> None:
    """Post a digest now, with no record (for /digest)."""
    for part in await digest_parts(digest, messages):
        await send_part(bot, chat_id, part)


# ------------------------------------------------------------------ once a week


def _about_the_chat(error: BadRequest) -> bool:
    """Say whether Telegram refused because of the chat (not found, no rights), not the message."""
    words = error.message.casefold()
    return "chat" in words or "rights" in words


async def post_week_once(bot: Bot, services: Services, group: int, week: str) -> bool | None:
    """Post the messages of a group's week not yet recorded as sent; True once all have gone,
    False if its chat cannot be reached yet, None if Telegram failed part-way."""
    chat_id = services.settings.digest_chat_for(group)
    with speaking_in(await services.group_language(group)):  # the group's, as its summaries
        parts = await digest_parts(await build_week(services, week, group), services.messages)
    for index, part in enumerate(parts):
        key = f"{week}/{index}"
        if await services.store.has_post(kind(PART, group), key):
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
        except NetworkError as exc:
            if not might_have_arrived(exc):  # Telegram's own 5xx, or no connection at all
                log.warning("The %s digest stopped at part %d: %s", week, index, exc)
                return None
            # It may have been posted: record it as done, so it never shows twice.
            log.info("Part %d of the %s digest may have been posted (%s)", index, week, exc)
        except TelegramError as exc:
            log.warning("The %s digest stopped at part %d: %s", week, index, exc)
            return None
        await services.store.claim_post(kind(PART, group), key)
    await services.store.claim_post(kind(DONE, group), week)
    return True


async def _latest(services: Services, *kinds: str) -> str | None:
    """Return the latest week recorded under any of these kinds, or None."""
    marks = [await services.store.latest_post(k) for k in kinds]
    known = [mark for mark in marks if mark is not None]
    return max(known) if known else None


async def _carry_over_pooled(services: Services) -> None:
    """Once, after upgrading: each group carries on from where the one pooled digest stopped,
    so no week is posted twice or skipped."""
    pooled = await _latest(services, DONE, STARTED)
    if pooled is None or await services.store.has_post(POOLED, pooled):
        return
    for group in services.settings.facilitator_chats:
        await services.store.claim_post(kind(STARTED, group), pooled)
    await services.store.claim_post(POOLED, pooled)


async def _since(services: Services, group: int, due: list[str]) -> str:
    """Return the week after which a group's digests are owed; first time, the newest due."""
    latest = await _latest(services, kind(DONE, group), kind(STARTED, group))
    if latest is not None:
        return latest
    first = due[-1] if due else ""
    await services.store.claim_post(kind(STARTED, group), first)
    return first


async def post_group_digests(
    bot: Bot, services: Services, group: int, due: list[str]
) -> tuple[list[str], bool]:
    """Post a group's due digests not yet posted, oldest first, up to one that cannot go yet;
    return the weeks posted and whether one is left to try again."""
    posted: list[str] = []
    for week in to_post(due, await _since(services, group, due)):
        if await services.store.has_post(kind(DONE, group), week):
            continue
        went = await post_week_once(bot, services, group, week)
        if not went:
            return posted, went is None
        log.info("Posted the weekly digest for %s", week)
        posted.append(week)
    return posted, False


async def _weeks_out(services: Services, due: list[str]) -> list[str]:
    """List the due weeks whose digest some council has had: the region's go beside them."""
    groups = services.settings.facilitator_chats
    return [
        w for w in due if any([await services.store.has_post(kind(DONE, g), w) for g in groups])
    ]


async def post_due_digests(context: BrewContext) -> list[str]:
    """Post every group's due weekly digests, oldest first; return the weeks posted."""
    services = context.services
    lock: asyncio.Lock = context.application.bot_data.setdefault(_LOCK, asyncio.Lock())
    posted: list[str] = []
    async with lock, shared_job(services, "digest") as lease:
        if not lease.mine:  # another worker is posting them: look again in case it died
            look_again_soon(context, post_due_digests, "digest", lease)
            return posted
        await _carry_over_pooled(services)
        due = due_weeks(services.clock(), services.settings)
        stuck = False
        for group in services.settings.facilitator_chats:
            if not await lease.still_mine():  # whoever holds it now posts the rest
                break
            done, left = await post_group_digests(context.bot, services, group, due)
            posted += done
            stuck = stuck or left
        if await lease.still_mine():
            await post_due_region(context.bot, services, await _weeks_out(services, due))
    if not lease.mine:
        look_again_soon(context, post_due_digests, "digest", lease)
    elif stuck:  # Telegram failed part-way: carry on in seconds, not at the next check
        wait = again_soon(context.application, post_due_digests, "digest")
        log.warning("The weekly digest carries on in %.0fs", wait)
    else:
        went_well(context.application, "digest")
    return posted


def schedule(app: App) -> None:
    """Look for a due digest soon after start-up, then every few minutes."""
    queue = require_job_queue(app)
    queue.run_repeating(post_due_digests, interval=CHECK_EVERY, first=FIRST_CHECK, name="digest")
