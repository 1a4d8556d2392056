"""Voice notes as answers: listen on this machine, show the words back, keep them only on Keep.

The recording is fetched into memory (getFile), handed to the listening worker and wiped;
only the words heard are kept, and only until the person chooses. Kept words go to the
engine exactly as typed words do, so names come out of quotes, help comes first, themes and
/mydata and /forget treat them the same.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update, Voice
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.callbacks import HeardAction
from bot.handlers.common import in_place, pressed_action, say
from bot.help_first import help_if_at_risk, helped_already
from bot.journey import advance
from bot.place import Place
from bot.replies import action_keyboard, carry_on, tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, drop_buttons
from bot.voice import CannotListen, Listened
from conversations.model import AnswerText, Progress, Status
from conversations.voice import MAX_SECONDS, HeardChoice, too_long
from storage.heard import Heard
from storage.records import Brew, Participant

_CANNOT = {
    CannotListen.UNREADABLE: "voice_unreadable",
    CannotListen.TOO_LONG: "voice_too_long",
    CannotListen.UNAVAILABLE: "voice_unavailable",
}
_NOTES = {HeardChoice.AGAIN: "voice_again_note", HeardChoice.TYPE: "voice_type_note"}


@in_place
async def voice_note(update: Update, context: BrewContext, place: Place) -> None:
    """Listen to a voice note on the open question and show back the words heard."""
    services = context.services
    message, chat = update.effective_message, update.effective_chat
    voice = message.voice if message else None
    if voice is None or chat is None:
        return
    found, easy = place.found, place.easy
    if found is None or _not_an_answer(*found):
        await _help_if_needed(context, voice, chat.id, easy=easy)
        await _say_not_kept(update, context, place)
    elif services.listening is None:
        await say(update, context, "voice_off", easy=easy)
    elif too_long(_seconds(voice), voice.file_size or 0):
        await say(update, context, "voice_too_long", easy=easy, minutes=MAX_SECONDS // 60)
    else:
        participant, brew, progress = found
        await _listen(update, context, voice, participant, brew.id, str(progress.current))


def _not_an_answer(participant: Participant, brew: Brew, progress: Progress) -> bool:
    """Say whether words now could not be an answer (stopped, closed, or nothing asked)."""
    asked = progress.status is Status.ACTIVE and progress.current is not None
    return participant.stopped or brew.closed_at is not None or not asked


async def _say_not_kept(update: Update, context: BrewContext, place: Place) -> None:
    """Say kindly why a voice note cannot be an answer now."""
    found, easy = place.found, place.easy
    if found is None:
        await say(update, context, "not_in_a_brew", easy=easy)
    elif found[0].stopped:
        await say(update, context, "stopped_not_kept", easy=easy)
    elif found[1].closed_at is not None:
        await say(update, context, "brew_closed_now", easy=easy, theme=found[1].theme)
    else:
        await say(update, context, "voice_no_question", easy=easy)


async def _help_if_needed(context: BrewContext, voice: Voice, chat_id: int, *, easy: bool) -> None:
    """Listen to a voice note that cannot be an answer only to offer help if it needs it, as
    typed words there are read for it; nothing of it is kept."""
    if context.services.listening is None or too_long(_seconds(voice), voice.file_size or 0):
        return
    try:
        listened = await _hear(context, voice, chat_id)
    except CannotListen:
        return
    await help_if_at_risk(context, chat_id, listened.words, easy=easy)


async def _hear(context: BrewContext, voice: Voice, chat_id: int) -> Listened:
    """Fetch a recording into memory, hear it in the worker, and wipe it; raise CannotListen."""
    listening = context.services.listening
    if listening is None:
        raise CannotListen(CannotListen.UNAVAILABLE)
    tidy(context, context.bot.send_chat_action(chat_id, ChatAction.TYPING))
    recording = await (await context.bot.get_file(voice.file_id)).download_as_bytearray()
    try:
        return await listening.listen(bytes(recording))
    finally:
        recording[:] = bytes(len(recording))  # the sound is gone from this process now


async def _listen(
    update: Update,
    context: BrewContext,
    voice: Voice,
    participant: Participant,
    brew_id: int,
    prompt_id: str,
) -> None:
    """Hear a voice note on the open question; show back the words, or say why not."""
    services, chat_id, easy = context.services, participant.chat_id, participant.easy
    try:
        listened = await _hear(context, voice, chat_id)
    except CannotListen as cannot:
        await say(update, context, _CANNOT[cannot.reason], easy=easy, minutes=MAX_SECONDS // 60)
        return
    if not listened.words:
        await say(update, context, "voice_not_heard", easy=easy)
        return
    # Help first, before the words are shown back.
    risky = await help_if_at_risk(context, chat_id, listened.words, easy=easy)
    heard = await services.store.save_heard(
        participant.id, brew_id, prompt_id, listened.words, helped=risky
    )
    await _show(context, chat_id, heard, easy=easy)


def _still_asked(progress: Progress, prompt_id: str) -> bool:
    """Say whether the question a voice note was heard on is still open for it."""
    active = progress.status is Status.ACTIVE
    return active and prompt_id in (progress.current, progress.late)


def _seconds(voice: Voice) -> float:
    """How long the phone says the note is (PTB gives whole seconds, or a timedelta)."""
    duration = voice.duration
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)


async def _show(context: BrewContext, chat_id: int, heard: Heard, *, easy: bool) -> None:
    """Show the words heard, with Keep, Try again and Type instead."""
    services = context.services
    text = services.text("voice_heard", easy=easy, words=heard.text)
    if heard.helped:
        text += "\n" + services.text("voice_heard_private", easy=easy)
    markup = action_keyboard(
        [
            [(services.text("voice_keep", easy=easy), HeardAction(heard.id, HeardChoice.KEEP))],
            [
                (services.text("voice_again", easy=easy), HeardAction(heard.id, HeardChoice.AGAIN)),
                (services.text("voice_type", easy=easy), HeardAction(heard.id, HeardChoice.TYPE)),
            ],
        ],
        services.buttons,
    )
    await carry_on(context.bot.send_message(chat_id, text, reply_markup=markup))


@in_place
async def chosen(update: Update, context: BrewContext, place: Place) -> None:
    """Keep the words heard as the answer, or drop them for another go or for typing."""
    services = context.services
    query, action = pressed_action(update, context, HeardAction)
    await acknowledge(query)
    participant, easy = place.participant, place.easy
    heard = await services.store.heard(action.heard_id, participant.id) if participant else None
    if participant is None or heard is None:
        await drop_buttons(query, services.text("voice_gone", easy=easy))
        return
    if action.choice is not HeardChoice.KEEP:
        await services.store.drop_heard(heard.id)
        await drop_buttons(query, services.text(_NOTES[action.choice], easy=easy))
        return
    found = (await place.in_brew(services.store, heard.brew_id)).found
    if found is None or not _still_asked(found[2], heard.prompt_id):
        await services.store.drop_heard(heard.id)
        await drop_buttons(query, services.text("voice_moved_on", easy=easy))
        return
    participant, brew, progress = found
    if heard.helped:  # help went when the note was heard: not again for its Keep
        await helped_already(services, update)
    at = heard.heard_at.timestamp()  # when it was said, as typed words carry when they came
    await advance(
        update, context, participant, brew, AnswerText(heard.text, at=at), before=progress
    )
    await services.store.drop_heard(heard.id)  # after the answer is kept: a crash loses nothing
    tidy(context, drop_buttons(query, services.text("voice_kept", easy=easy)))


def register(app: App, services: Services) -> None:
    """Add the voice-note handler and the Keep / Try again / Type instead buttons."""
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.VOICE, voice_note))
    app.add_handler(CallbackQueryHandler(chosen, pattern=services.buttons.accepts(HeardAction)))
