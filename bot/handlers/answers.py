"""Answers: typed text and button presses, passed to the engine for the person's brew."""

from __future__ import annotations

from dataclasses import replace

from telegram import CallbackQuery, Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.callbacks import PromptAction
from bot.handlers.common import in_place, place_here, pressed_action, say
from bot.help_first import help_if_at_risk
from bot.journey import advance
from bot.place import Place
from bot.replies import tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, drop_buttons, forget_buttons
from conversations.model import AnswerText, Choose, Event, Resume, Skip, WordsFor

# Telegram caps a message at 4,096 characters; keep a little more in case of entities.
MAX_ANSWER_CHARS = 4096


@in_place
async def typed_answer(update: Update, context: BrewContext, place: Place) -> None:
    """Treat typed text as the answer to the question shown in the brew last opened."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text[:MAX_ANSWER_CHARS]
    found = place.found
    if found is None or found[0].stopped:
        await _not_kept(update, context, place, text)
        return
    participant, brew, progress = found
    at = message.date.timestamp()  # Telegram's, as the time a live question reached them is
    await advance(update, context, participant, brew, AnswerText(text, at=at), before=progress)


async def _not_kept(update: Update, context: BrewContext, place: Place, text: str) -> None:
    """Say why words were not kept (stopped, or in no brew); point to help if they need it."""
    stopped = bool(place.participant and place.participant.stopped)
    chat = update.effective_chat
    if chat is not None:
        await help_if_at_risk(context, chat.id, text, easy=place.easy, update=update)
    await say(update, context, "stopped_not_kept" if stopped else "not_in_a_brew", easy=place.easy)


async def pressed(update: Update, context: BrewContext) -> None:
    """Pass a question's button to the engine, for the brew it belongs to, and open that brew."""
    services = context.services
    query, action = pressed_action(update, context, PromptAction)
    found = (await place_here(update, context, action.brew_id)).found
    event = _with_words(query, action.event)
    if found is None:
        await acknowledge(query, services.text("stale_button"))
        tidy(context, drop_buttons(query))
        return
    participant, brew, progress = found
    if event is None:  # the words it asked about are gone: nothing to keep
        await acknowledge(query)
        await say(update, context, "words_gone", easy=participant.easy)
        await drop_buttons(query)
        return
    await acknowledge(query)
    if isinstance(event, Resume) and participant.stopped:
        participant = await services.store.set_preferences(participant.id, stopped=False)
    forget_buttons(context, query)
    outcome = await advance(update, context, participant, brew, event, opened=True, before=progress)
    answered = outcome.changed and isinstance(event, Choose | Skip | WordsFor)
    note = services.text("chosen", label=_label(query)) if answered else None
    tidy(context, drop_buttons(query, note))


def _with_words(query: CallbackQuery, event: Event) -> Event | None:
    """Give a "which question" button the words it is about: those of the message brewbot
    asked about, which its question replied to (kept by Telegram, so a restart loses
    nothing). None when they are gone (deleted, or too old for Telegram to show)."""
    if not isinstance(event, WordsFor) or event.prompt_id is None:
        return event
    asked = query.message if isinstance(query.message, Message) else None
    words = asked.reply_to_message if asked is not None else None
    text = words.text if words is not None else None
    return replace(event, text=text) if text else None


def _label(query: CallbackQuery) -> str:
    """Return the words of the button that was pressed."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return str(button.text)
    return ""


def register(app: App, services: Services) -> None:
    """Add the typed-answer and question-button handlers."""
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED,
            typed_answer,
        )
    )
    app.add_handler(CallbackQueryHandler(pressed, pattern=services.buttons.accepts(PromptAction)))
