"""Help first: where and when someone whose words suggest they may be at risk is pointed to
help, ahead of anything else brewbot says to them.

Every path that reads a person's words comes here: an update as the inbox keeps it
(:func:`help_first`, before it waits its turn), the engine's concern about a kept answer
(``journey.advance``), and words brewbot does not keep (a closed brew, no brew, /idea, a
voice note). Help for one update goes once, whichever path and worker reaches it first: its
sending is claimed in storage, and a worker that finds it claimed elsewhere waits until it
has gone before saying anything more. brewbot is not a crisis service, and the help says so.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.place import place_of
from bot.replies import carry_on
from bot.runtime.ratelimit import Priority
from bot.services import App, BrewContext, Services
from bot.speaking import speak, speaking, starting_language
from conversations.model import Status
from conversations.safeguarding import suggests_risk
from storage.errors import StorageError
from storage.steps import StepStore

log = logging.getLogger(__name__)

HELP_WAIT = 10.0
"""How long (seconds) a handler waits for help claimed elsewhere to go before its reply."""
_LOOK_AGAIN = 0.05


async def send_help(
    context: BrewContext, chat_id: int, *, easy: bool, kept: bool, update: Update | None = None
) -> bool:
    """Point someone who may be at risk to help now; brewbot is not a crisis service.

    Help for an ``update`` goes once, whichever worker and path comes to it first: its
    sending is claimed in storage (:func:`help_first` may have sent it already, on this
    worker or another). Say whether it was sent here.
    """
    services = context.services
    if update is not None and not await _ours_to_send(services.store, update.update_id):
        return False
    worded = (c.words(speaking()) for c in services.settings.help_contacts)
    contacts = "\n".join(f"• {name}: {how}" for name, how in worded)
    key = "concern_help" if kept else "concern_help_unkept"
    text = services.text(key, easy=easy, contacts=contacts)
    try:
        await carry_on(context.bot.send_message(chat_id, text, rate_limit_args=Priority.HELP))
    except TelegramError:
        if update is not None:  # it did not go: whoever handles the update next sends it
            await services.store.release_help(update.update_id)
        raise
    if update is not None:
        await services.store.mark_help_went(update.update_id)
    return True


async def _ours_to_send(store: StepStore, update_id: int) -> bool:
    """Claim sending help for an update, or wait until the path or worker that claimed it has
    sent it, so that nothing said after it arrives before it: say whether to send it here.

    A claim given back (its send failed) is taken up here. One still not gone after
    :data:`HELP_WAIT` (its worker may have died while sending) is sent here too: help twice
    is better than a reply ahead of help, or none.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HELP_WAIT
    while not await store.claim_help(update_id):
        went = await store.help_went(update_id)
        if went:
            return False
        if went is None:
            continue  # given back just now: claim it
        if loop.time() >= deadline:
            log.warning("Help claimed elsewhere had not gone after %.0f s; it goes here", HELP_WAIT)
            return True
        await asyncio.sleep(_LOOK_AGAIN)
    return True


def needs_help_first(update: Update) -> bool:
    """Say whether someone's new words in a private chat suggest they may be at risk."""
    message = update.message
    if message is None or message.text is None or message.chat.type != ChatType.PRIVATE:
        return False
    return suggests_risk(message.text)


def help_first(app: App, update: Update) -> None:
    """Send help at once to someone whose new words suggest they may be at risk.

    Called as the update is kept, with sending help for it claimed in storage in the same
    transaction (``Inbox(urgent=needs_help_first)``), before it waits behind that person's
    other updates: help is the very next thing they receive, and their handler, here or on
    another worker, finds it claimed and sends it no second time.
    """
    if needs_help_first(update):
        app.create_task(_help_now(app, update), update=update, name="brewbot help first")


async def _help_now(app: App, update: Update) -> None:
    """Send help as the handler would: saying whether the words are kept."""
    context = app.context_types.context.from_update(update, app)
    services = context.services
    chat_id = update.effective_chat.id if update.effective_chat else 0
    try:
        place = await place_of(services.store, chat_id)
        user = update.effective_user
        hint = user.language_code if user is not None else None
        deployment = services.settings.language
        speak(starting_language(services.catalogue, deployment=deployment, hint=hint))
        if place.participant is not None:
            services.speak_to(place.participant)
        found = place.found
        kept = (
            found is not None
            and not found[0].stopped
            and found[1].closed_at is None
            and found[2].status is Status.ACTIVE
        )
        await send_help(context, chat_id, easy=place.easy, kept=kept)  # claimed as it was kept
        await services.store.mark_help_went(update.update_id)
    except (TelegramError, StorageError) as error:  # it did not go: the handler sends it
        await services.store.release_help(update.update_id)
        log.warning("Help could not go ahead of the queue (%s); it follows in turn", error)


async def help_if_at_risk(
    context: BrewContext, chat_id: int, words: str, *, easy: bool, update: Update | None = None
) -> bool:
    """Point someone to help if words brewbot will not keep suggest they may be at risk (help
    comes before saying why they were not kept). Say whether they suggested it."""
    if not suggests_risk(words):
        return False
    await send_help(context, chat_id, easy=easy, kept=False, update=update)
    return True


async def helped_already(services: Services, update: Update) -> None:
    """Mark help for ``update`` as sent: it went earlier, for the same words (a voice note's,
    as they were heard), and must not go again."""
    await services.store.claim_help(update.update_id)
    await services.store.mark_help_went(update.update_id)
