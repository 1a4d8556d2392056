"""One error handler: log the whole story, tell the person something short and human."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.journey import advance
from bot.place import place_of
from bot.services import App, BrewContext, Services
from conversations.model import Resume, Status
from storage.errors import Locked

log = logging.getLogger("brewbot")
TELEGRAMS_OWN = (NetworkError, RetryAfter)  # NetworkError covers timeouts and Telegram's 5xx


async def on_error(update: object, context: BrewContext) -> None:
    """Log what went wrong and say sorry, kindly, where someone is waiting.

    Telegram's own failures (timeouts, its 5xx once retried, a 429 past its retries) are one
    WARNING line; ERROR and a traceback are kept for brewbot's own mistakes.
    """
    error = context.error
    if isinstance(error, Forbidden):
        log.info("A person has blocked brewbot, so a message could not reach them")
        return
    if isinstance(error, TELEGRAMS_OWN):
        log.warning("Telegram had a problem (%s: %s); carrying on", type(error).__name__, error)
    else:
        log.error("Could not handle an update: %s", type(error).__name__, exc_info=error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    if chat.type == ChatType.PRIVATE:
        if isinstance(error, TimedOut):
            return  # the reply may well have arrived: a "sorry" would only confuse
        key = "too_busy" if isinstance(error, Locked) else "went_wrong"
    else:
        key = "went_wrong_group"
    try:
        await context.bot.send_message(chat.id, context.services.text(key))
    except TelegramError:
        log.warning("Could not say sorry for it either")


async def skip_if_handled(update: Update, context: BrewContext) -> None:
    """Drop an update Telegram sent again after brewbot had handled it; re-ask the question."""
    services = context.services
    if services.inbox is not None and not services.inbox.may_be_handled(update.update_id):
        return
    if not await services.store.was_handled(update.update_id):
        return
    log.info("Update %s was handled before; not handling it twice", update.update_id)
    # The reply to it may have been lost with a crash: show where the person is again.
    chat = update.effective_chat
    if (
        chat is not None
        and chat.type == ChatType.PRIVATE
        and (update.message or update.callback_query)
    ):
        found = (await place_of(services.store, chat.id)).found
        if found and found[2].status is Status.ACTIVE and not found[0].stopped:
            participant, brew, progress = found
            await advance(None, context, participant, brew, Resume(), before=progress)
    raise ApplicationHandlerStop


def register(app: App, services: Services) -> None:
    """Add the duplicate guard first, and the error handler (the inbox marks updates handled)."""
    app.add_handler(TypeHandler(Update, skip_if_handled), group=-1)
    app.add_error_handler(on_error)
