"""Live Over a Brew: /live opens a brew whose questions wait for the facilitator, /ask sends
the next one (or the facilitator's own) to everyone in it, /endlive ends the live part."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.facilitators import counts
from bot.facilitators.brews import open_brew, parse_newbrew
from bot.facilitators.gate import for_facilitators
from bot.facilitators.picking import theme_words
from bot.jobs.deliveries import start_sending
from bot.replies import carry_on
from bot.services import App, BrewContext, Handler, Services
from bot.tg import command_words
from conversations.model import Pace
from storage.records import Brew

log = logging.getLogger(__name__)
QUESTION_LIMIT = 300  # a question fits a phone screen
LiveHandler = Callable[[BrewContext, Message, Brew], Awaitable[None]]


def _in_live_brew(handler: LiveHandler) -> Handler:
    """Wrap a command for the group's live brew: run it with the command and the brew, or
    say there is none."""

    @functools.wraps(handler)
    async def found(update: Update, context: BrewContext) -> None:
        message = update.effective_message
        assert message is not None
        brew = await live_brew(context.services, message.chat_id)
        if brew is None:
            await message.reply_text(context.services.text("ask_no_live"))
            return
        await handler(context, message, brew)

    return found


async def live_brew(services: Services, chat_id: int) -> Brew | None:
    """Return this group's live brew (the newest, if there were several)."""
    live = [b for b in await services.store.open_brews(chat_id) if b.pace is Pace.LIVE]
    return live[-1] if live else None


@for_facilitators
async def live(update: Update, context: BrewContext) -> None:
    """Open a live brew: people join and wait until /ask sends them a question."""
    chat = update.effective_chat
    assert chat is not None
    asked = parse_newbrew(context.args or ())
    if not asked.theme:
        await context.bot.send_message(chat.id, context.services.text("live_how"))
        return
    await open_brew(context, chat.id, replace(asked, pace=Pace.LIVE.value, at=None))


@for_facilitators
@_in_live_brew
async def ask(context: BrewContext, message: Message, brew: Brew) -> None:
    """Send the pack's next question, or the words after /ask, to everyone in the live brew."""
    services = context.services
    words = command_words(message)
    if len(words) > QUESTION_LIMIT:
        await message.reply_text(services.text("ask_too_long", limit=QUESTION_LIMIT))
        return
    prompt_id = None if words else await _next_from_pack(services, brew)
    if not words and prompt_id is None:
        await message.reply_text(services.text("ask_none_left"))
        return
    number = await services.store.push_question(brew.id, prompt_id, words or None)
    start_sending(context.application)  # first: people get it even if the post below fails
    question = next(q for q in await services.store.live_questions(brew.id) if q.number == number)
    text = await counts.counts_text(services, brew, question)
    try:  # the question went out already: a failed post must not invite a second /ask
        posted = await carry_on(context.bot.send_message(message.chat_id, text))
    except TelegramError as error:
        log.warning("The live counts message could not be posted: %s", error)
        posted = None
    if posted is not None:
        counts.posted(context.application, message.chat_id, posted.message_id, text)
        await services.store.set_counts_message(question.id, posted.message_id)


async def _next_from_pack(services: Services, brew: Brew) -> str | None:
    """Return the first question of the brew's pack not yet sent live, if any is left."""
    sent = {q.prompt_id for q in await services.store.live_questions(brew.id)}
    pack = services.packs.get(brew.pack_id)
    prompts = pack.prompts if pack is not None else ()
    return next((p.id for p in prompts if p.id not in sent), None)


@for_facilitators
@_in_live_brew
async def endlive(context: BrewContext, message: Message, brew: Brew) -> None:
    """End the live part: anyone who missed questions may answer them in their own time."""
    ended = await context.services.store.end_live(brew.id)
    start_sending(context.application)
    await message.reply_text(context.services.text("live_ended", theme=theme_words(ended)))


def register(app: App, services: Services) -> None:
    """Add /live, /ask and /endlive."""
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("live", live, filters=fresh))
    app.add_handler(CommandHandler("ask", ask, filters=fresh))
    app.add_handler(CommandHandler("endlive", endlive, filters=fresh))
