"""/help, /pause, /resume, /stop and /easy: a person's ways to steer or step out."""

from __future__ import annotations

from collections.abc import Collection

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.callbacks import NewsAction
from bot.handlers.common import in_place, pressed_action, say
from bot.journey import advance
from bot.place import Place
from bot.replies import tidy
from bot.services import App, BrewContext, Services
from bot.tg import acknowledge, drop_buttons, forget_buttons
from conversations.model import Event, Pause, Resume, SetEasy, Status, Stop


@in_place
async def help_command(update: Update, context: BrewContext, place: Place) -> None:
    """List what a participant can do."""
    await say(update, context, "help", easy=place.easy)


@in_place
async def pause(update: Update, context: BrewContext, place: Place) -> None:
    """Pause the brew in hand; no reminders while paused."""
    if not await step_if(update, context, place, Pause(), {Status.ACTIVE}):
        await say(update, context, "nothing_to_pause", easy=place.easy)


@in_place
async def resume(update: Update, context: BrewContext, place: Place) -> None:
    """Come back after /stop or /pause and carry on where they left off."""
    participant = place.participant
    if participant is not None and participant.stopped:
        participant = await context.services.store.set_preferences(participant.id, stopped=False)
        place = place.moved(participant)
        await say(update, context, "back_again", easy=participant.easy)
    unfinished = set(Status) - {Status.FINISHED}
    if not await step_if(update, context, place, Resume(), unfinished):
        await say(update, context, "nothing_to_resume", easy=place.easy)


async def step_if(
    update: Update,
    context: BrewContext,
    place: Place,
    event: Event,
    when: Collection[Status],
) -> bool:
    """Take ``event`` in the place's brew if the person's progress there is in one of the
    ``when`` states; say whether it was taken."""
    found = place.found
    if found is None or found[2].status not in when:
        return False
    participant, brew, progress = found
    await advance(update, context, participant, brew, event, before=progress)
    return True


@in_place
async def stop(update: Update, context: BrewContext, place: Place) -> None:
    """Stop every message to this person until they come back."""
    if place.participant is None:
        await say(update, context, "stopped")
        return
    stopped = await context.services.store.set_preferences(place.participant.id, stopped=True)
    if not await step_if(
        update, context, place.moved(stopped), Stop(), {Status.ACTIVE, Status.PAUSED}
    ):
        await say(update, context, "stopped", easy=stopped.easy)


@in_place
async def easy(update: Update, context: BrewContext, place: Place) -> None:
    """Switch easy-read wording on or off, and show the current question again."""
    store = context.services.store
    chat = update.effective_chat
    if chat is None:
        return
    participant = place.participant or await store.join(chat.id)
    participant = await store.set_preferences(participant.id, easy=not participant.easy)
    place = place.moved(participant)
    await say(update, context, "easy_on" if participant.easy else "easy_off", easy=participant.easy)
    if not participant.stopped:
        await step_if(update, context, place, SetEasy(participant.easy), {Status.ACTIVE})


@in_place
async def news_choice(update: Update, context: BrewContext, place: Place) -> None:
    """Keep a person's yes or no to 'we said, we did' news."""
    query, action = pressed_action(update, context, NewsAction)
    await acknowledge(query)
    participant = place.participant
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
