"""The region digest: each principle compared across councils, posted in BREWBOT_REGION_CHAT
once a week beside the councils' own digests (and now, with /region).

Only brews big enough for their own summary count (and, where co-producers check summaries,
only approved ones). A council with fewer answers to a principle than the minimum group is
folded into "other councils" (conversations/region.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time

from telegram import Bot
from telegram.error import TelegramError

from bot.replies import chunks
from bot.services import Services
from bot.speaking import speaking_in
from conversations.digest import recent_weeks, week_start, week_words
from conversations.model import Principle, Stage
from conversations.region import Council, compare
from conversations.reporting import principle_name, stage_words
from conversations.shown import enough_people

log = logging.getLogger(__name__)
REGION = "region"  # the posts record: one region digest a week


async def council_name(bot: Bot, services: Services, group: int, number: int) -> str:
    """Name a council by its facilitators' group's title, or by number if Telegram won't say."""
    try:
        title = (await bot.get_chat(group)).title
    except TelegramError as exc:
        log.warning("Could not read a facilitators' group's title: %s", exc)
        title = None
    return title or services.text("region_council_unnamed", n=number)


async def councils(bot: Bot, services: Services, week: str) -> list[Council]:
    """Tally each council's stage answers over the weeks a digest shows, ending with ``week``."""
    store, least = services.store, services.settings.min_group
    first = week_start(recent_weeks(week)[0])
    since = datetime.combine(first, time(0), tzinfo=services.settings.timezone)
    found_councils: list[Council] = []
    for number, group in enumerate(services.settings.facilitator_chats, start=1):
        counts = await store.weekly_brew_stage_counts(since=since, group_chat_id=group)
        brews = {c.brew_id for c in counts}
        big = {
            b for b in brews if enough_people((await store.brew_counts(b)).people, min_group=least)
        }
        if services.settings.review_chat is not None:
            big &= await store.approved_brews(big)
        tally: dict[Principle, dict[Stage, int]] = defaultdict(lambda: defaultdict(int))
        for c in counts:
            if c.brew_id in big and c.week <= week:
                tally[c.principle][c.stage] += c.count
        name = await council_name(bot, services, group, number)
        found_councils.append(Council(name, {p: dict(s) for p, s in tally.items()}))
    return found_councils


async def region_lines(bot: Bot, services: Services, week: str) -> list[str]:
    """Lay the region's comparison out as lines of text, in the language being spoken."""
    least, say = services.settings.min_group, services.messages
    compared = compare(await councils(bot, services, week), min_group=least)
    lines = [say.text("region_heading", week=week_words(week, messages=say))]
    if not compared:
        return [*lines, say.text("region_none", min_group=least)]
    for principle, rows in compared.items():
        name = principle_name(principle, messages=say).capitalize()
        lines += ["", say.text("region_principle", principle=name)]
        for row in rows:
            if row.council is not None and row.stage is not None:
                words = stage_words(row.stage, messages=say)
                lines.append(
                    services.text("region_row", council=row.council, n=row.answers, stage=words)
                )
            elif row.stage is not None:
                words = stage_words(row.stage, messages=say)
                lines.append(services.text("region_others", n=row.answers, stage=words))
            else:
                lines.append(services.text("region_others_few", min_group=least))
    return lines


async def post_region(bot: Bot, services: Services, week: str) -> bool:
    """Post the region digest for a week in the region's chat, in that chat's language; False
    if there is none."""
    chat_id = services.settings.region_chat
    if chat_id is None:
        return False
    with speaking_in(await services.group_language(chat_id)):
        lines = await region_lines(bot, services, week)
    for chunk in chunks(lines, sep="\n"):
        await bot.send_message(chat_id, chunk)
    return True


async def post_due_region(bot: Bot, services: Services, weeks: list[str]) -> list[str]:
    """Post the region digest of the newest week some council's digest went out for, once
    (recorded after it went: a crash in between may post it twice, never lose it; a failure
    is tried again at the next check)."""
    if services.settings.region_chat is None or not weeks:
        return []
    week = max(weeks)
    if await services.store.has_post(REGION, week):
        return []
    try:
        await post_region(bot, services, week)
    except TelegramError as exc:
        log.warning("The region digest for %s could not go: %s", week, exc)
        return []
    await services.store.claim_post(REGION, week)
    return [week]
