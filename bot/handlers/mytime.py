"""/mytime: the time a person gave by answering, for them alone, and a receipt if they want."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.handlers.common import in_place, say
from bot.keyed import Receipt, sign_receipt
from bot.place import Place
from bot.services import App, BrewContext, Services
from bot.tg import command_words, minute_words
from conversations.timegiven import minutes
from storage.timegiven import MyTime

_RECEIPT = re.compile(r"^receipt(?:\s+(\d{4})-(\d{1,2}))?$", re.IGNORECASE)


@in_place
async def mytime(update: Update, context: BrewContext, place: Place) -> None:
    """Tell this person, and only them, about how long they spent answering; or a receipt."""
    services, message = context.services, update.effective_message
    participant, easy = place.participant, place.easy
    if message is None:
        return
    asked = _RECEIPT.match(command_words(message))
    if command_words(message) and asked is None:
        await say(update, context, "mytime_how", easy=easy)
        return
    given = await services.store.my_time(participant.id) if participant else []
    if asked is not None:
        await _receipt(update, context, given, asked.group(1), asked.group(2), easy=easy)
        return
    counted = [t for t in given if t.seconds > 0]
    if not counted:
        await say(update, context, "mytime_none", easy=easy)
        return
    total = minutes(sum(t.seconds for t in counted))
    brews = services.messages.count("count_brews", len(counted))
    await say(
        update,
        context,
        "mytime",
        easy=easy,
        time=minute_words(services, total, easy=easy),
        brews=brews,
    )


async def _receipt(
    update: Update,
    context: BrewContext,
    given: Sequence[MyTime],
    year: str | None,
    month: str | None,
    *,
    easy: bool,
) -> None:
    """Send a signed code with the minutes given in one month (this one unless named)."""
    services = context.services
    today = services.clock().astimezone(services.settings.timezone)
    wanted = (int(year), int(month)) if year and month else (today.year, today.month)
    if not 1 <= wanted[1] <= 12:
        await say(update, context, "mytime_how", easy=easy)
        return
    seconds = sum(t.seconds for t in given if _month(t.first_at, services) == wanted)
    receipt = Receipt(minutes=minutes(seconds), year=wanted[0], month=wanted[1])
    if receipt.minutes == 0:
        await say(update, context, "mytime_no_receipt", easy=easy, month=receipt.month_name)
        return
    code = sign_receipt(services.settings.require_token(), receipt)
    await say(
        update,
        context,
        "mytime_receipt",
        easy=easy,
        month=receipt.month_name,
        time=minute_words(services, receipt.minutes, easy=easy),
        code=code,
    )


def _month(moment: datetime, services: Services) -> tuple[int, int]:
    local = moment.astimezone(services.settings.timezone)
    return (local.year, local.month)


def register(app: App, services: Services) -> None:
    """Add /mytime in private chats."""
    app.add_handler(CommandHandler("mytime", mytime, filters=filters.ChatType.PRIVATE))
