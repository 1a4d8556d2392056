"""/prioritise puts a brew's most-mentioned ideas to a vote; /plan keeps who does what, by when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import Purpose
from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import (
    Picked,
    offer_brews,
    once_key,
    pick_pattern,
    read_pick,
    replied_brew,
    theme_words,
)
from bot.facilitators.reports import brew_summary
from bot.replies import chunks, show_typing
from bot.services import App, BrewContext, Services
from bot.tg import command_words, fit
from conversations.reporting import POLL_OPTION_LIMIT, clean
from conversations.summary import Idea
from storage.records import Brew

POLL_QUESTION_LIMIT = 300
POLL_OPTIONS_MAX = 10
SHORT_PART, LONG_PART = 80, 300


@dataclass(frozen=True)
class PlanEntry:
    """One action for the plan, as typed: who, what, and by when (if said)."""

    who: str
    what: str
    due: str | None


class PlanNotUnderstood(ValueError):
    """/plan's words are not 'who | what | by when'."""


class PlanTooLong(ValueError):
    """A part of /plan's words is too long to read easily."""


def poll_options(ideas: Sequence[Idea]) -> list[str]:
    """Turn ideas, most mentioned first, into up to ten different poll options."""
    options: list[str] = []
    for idea in ideas:
        label = fit(idea.label, POLL_OPTION_LIMIT)
        if label and label.casefold() not in {o.casefold() for o in options}:
            options.append(label)
    return options[:POLL_OPTIONS_MAX]


def parse_plan(words: str) -> PlanEntry:
    """Read 'who | what | by when' (by when may be left out)."""
    parts = [clean(part) for part in words.split("|")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise PlanNotUnderstood(words)
    due = parts[2] if len(parts) == 3 and parts[2] else None
    if len(parts[0]) > SHORT_PART or len(parts[1]) > LONG_PART or len(due or "") > SHORT_PART:
        raise PlanTooLong(words)
    return PlanEntry(who=parts[0], what=parts[1], due=due)


# ------------------------------------------------------------------ /prioritise


@for_facilitators
async def prioritise(update: Update, context: BrewContext) -> None:
    """Put the ideas of the brew it replies to (or the one tapped) to a vote."""
    message = update.effective_message
    assert message is not None
    brew = await replied_brew(update, context)
    if brew is None:
        await offer_brews(update, context, Purpose.PRIORITISE)
        return
    await put_to_vote(context, message.chat_id, brew)


async def put_to_vote(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Post a poll of the brew's most-mentioned ideas, if enough people took part to share them."""
    services = context.services
    theme = theme_words(brew)
    show_typing(context, chat_id)
    summary = await brew_summary(services, brew)
    if not summary.shared:
        text = services.text("export_too_few", theme=theme, min_group=services.settings.min_group)
        await context.bot.send_message(chat_id, text)
        return
    options = poll_options(summary.ideas)
    if len(options) < 2:
        await context.bot.send_message(chat_id, services.text("prioritise_few_ideas", theme=theme))
        return
    question = fit(services.text("prioritise_question", theme=theme), POLL_QUESTION_LIMIT)
    await context.bot.send_poll(
        chat_id, question, options, is_anonymous=True, allows_multiple_answers=True
    )
    await context.bot.send_message(chat_id, services.text("prioritise_next"))


# ------------------------------------------------------------------ /plan


@for_facilitators
async def plan(update: Update, context: BrewContext) -> None:
    """Add 'who | what | by when' to a brew's plan, or show the plan when nothing is typed."""
    services, message = context.services, update.effective_message
    assert message is not None
    words = command_words(message)
    entry: PlanEntry | None = None
    if words:
        try:
            entry = parse_plan(words)
        except PlanTooLong:
            text = services.text("plan_too_long", short=SHORT_PART, long=LONG_PART)
            await message.reply_text(text)
            return
        except PlanNotUnderstood:
            await message.reply_text(services.text("plan_usage"))
            return
    brew = await replied_brew(update, context)
    if brew is None:
        await offer_brews(update, context, Purpose.PLAN if entry else Purpose.PLAN_SHOW)
    elif entry is None:
        await show_plan(context, message.chat_id, brew)
    else:
        await add_to_plan(context, message.chat_id, brew, entry, once_key(message))


async def add_to_plan(
    context: BrewContext, chat_id: int, brew: Brew, entry: PlanEntry, once: str
) -> None:
    """Keep one action in the brew's plan (once per command) and say what was kept."""
    services = context.services
    item = await services.store.add_plan_item_once(once, brew.id, entry.who, entry.what, entry.due)
    if item is None:
        await context.bot.send_message(chat_id, services.text("plan_again"))
        return
    text = services.text(
        "plan_added",
        theme=theme_words(brew),
        who=item.who,
        what=item.what,
        when=item.due or services.text("plan_no_date"),
    )
    await context.bot.send_message(chat_id, text)


async def show_plan(context: BrewContext, chat_id: int, brew: Brew) -> None:
    """Show a brew's plan: who, what, and by when, in the order it was written."""
    services = context.services
    theme = theme_words(brew)
    items = await services.store.plan(brew.id)
    if not items:
        await context.bot.send_message(chat_id, services.text("plan_empty", theme=theme))
        return
    lines = [services.text("plan_head", theme=theme)]
    for number, item in enumerate(items, start=1):
        when = item.due or services.text("plan_no_date")
        lines.append(
            services.text("plan_line", number=number, what=item.what, who=item.who, when=when)
        )
    for text in chunks(lines):
        await context.bot.send_message(chat_id, text)


# ------------------------------------------------------------------ buttons


async def planning_picked(update: Update, context: BrewContext) -> None:
    """Carry out /prioritise or /plan for the brew an admin tapped."""
    picked = await read_pick(update, context)
    if picked is None:
        return
    if picked.purpose is Purpose.PRIORITISE:
        await put_to_vote(context, picked.chat_id, picked.brew)
    elif picked.purpose is Purpose.PLAN_SHOW:
        await show_plan(context, picked.chat_id, picked.brew)
    else:
        await _add_picked(context, picked)


async def _add_picked(context: BrewContext, picked: Picked) -> None:
    """Add the plan entry typed with the command the button answers."""
    try:
        entry = parse_plan(picked.words)
    except ValueError:
        await context.bot.send_message(picked.chat_id, context.services.text("plan_usage"))
        return
    await add_to_plan(context, picked.chat_id, picked.brew, entry, picked.once)


def register(app: App, services: Services) -> None:
    """Add /prioritise (and /prioritize), /plan, and their brew buttons."""
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler(["prioritise", "prioritize"], prioritise, filters=fresh))
    app.add_handler(CommandHandler("plan", plan, filters=fresh))
    purposes = {Purpose.PRIORITISE, Purpose.PLAN, Purpose.PLAN_SHOW}
    app.add_handler(
        CallbackQueryHandler(planning_picked, pattern=pick_pattern(services.buttons, purposes))
    )
