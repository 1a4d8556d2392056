"""/help, /pause, /resume, /stop and /easy: a person's ways to steer or step out."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import NewsAction
from bot.handlers.common import known_participant, pressed_action, say
from bot.journey import advance
from bot.replies import tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, drop_buttons, forget_buttons
from conversations.model import Pause, Resume, SetEasy, Status, Stop
from storage.records import Participant


async def help_command(update: Update, context: BrewContext) -> None:
    """List what a participant can do."""
    participant = await known_participant(update, context)
    await say(update, context, "help", easy=bool(participant and participant.easy))


async def pause(update: Update, context: BrewContext) -> None:
    """Pause the brew in hand; no reminders while paused."""
    participant = await known_participant(update, context)
    await _step_latest(update, context, participant, Pause(), {Status.ACTIVE}, "nothing_to_pause")


async def resume(update: Update, context: BrewContext) -> None:
    """Come back after /stop or /pause and carry on where they left off."""
    participant = await known_participant(update, context)
    if participant is not None and participant.stopped:
        participant = await context.services.store.set_preferences(participant.id, stopped=False)
        await say(update, context, "back_again", easy=participant.easy)
    unfinished = set(Status) - {Status.FINISHED}
    await _step_latest(update, context, participant, Resume(), unfinished, "nothing_to_resume")


async def _step_latest(
    update: Update,
    context: BrewContext,
    participant: Participant | None,
    event: Pause | Resume,
    when: set[Status],
    otherwise: str,
) -> None:
    """Take ``event`` in the person's latest brew if it is in one of the ``when`` states, or
    say ``otherwise``."""
    latest = await context.services.store.latest_progress(participant.id) if participant else None
    if participant is None or latest is None or latest[1].status not in when:
        await say(update, context, otherwise)
        return
    await advance(update, context, participant, latest[0], event, before=latest[1])


async def stop(update: Update, context: BrewContext) -> None:
    """Stop every message to this person until they come back."""
    services = context.services
    participant = await known_participant(update, context)
    if participant is None:
        await say(update, context, "stopped")
        return
    participant = await services.store.set_preferences(participant.id, stopped=True)
    latest = await services.store.latest_progress(participant.id)
    if latest is not None and latest[1].status in (Status.ACTIVE, Status.PAUSED):
        await advance(update, context, participant, latest[0], Stop(), before=latest[1])
    else:
        await say(update, context, "stopped", easy=participant.easy)


async def easy(update: Update, context: BrewContext) -> None:
    """Switch easy-read wording on or off, and show the current question again."""
    services = context.services
    chat = update.effective_chat
    if chat is None:
        return
    participant = await services.store.join(chat.id)
    participant = await services.store.set_preferences(participant.id, easy=not participant.easy)
    await say(update, context, "easy_on" if participant.easy else "easy_off", easy=participant.easy)
    latest = await services.store.latest_progress(participant.id)
    if latest is not None and latest[1].status is Status.ACTIVE and not participant.stopped:
        await advance(
            update, context, participant, latest[0], SetEasy(participant.easy), before=latest[1]
        )


async def news_choice(update: Update, context: BrewContext) -> None:
    """Keep a person's yes or no to 'we said, we did' news."""
    query, action = pressed_action(update, context, NewsAction)
    await acknowledge(query)
    participant = await known_participant(update, context)
    if participant is not None:  # the choice first; the buttons come off after
        store = context.services.store
        await store.keep_news_choice(participant.id, action.brew_id, action.wanted)
        key = "news_on" if action.wanted else "news_off"
        await say(update, context, key, easy=participant.easy)
    forget_buttons(context, query)  # taken off here: a later step must not take them off again
    tidy(context, drop_buttons(query))


def register(app: App, services: Services) -> None:
    """Add the participant's control commands, for private chats."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("help", help_command, filters=private))
    app.add_handler(CommandHandler("pause", pause, filters=private))
    app.add_handler(CommandHandler("resume", resume, filters=private))
    app.add_handler(CommandHandler("stop", stop, filters=private))
    app.add_handler(CommandHandler("easy", easy, filters=private))
    app.add_handler(CallbackQueryHandler(news_choice, pattern=services.buttons.accepts(NewsAction)))
