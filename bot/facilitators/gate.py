"""Who may use facilitator commands: administrators of a registered facilitator group."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from telegram import Chat, ChatMember, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.services import App, BrewContext, Handler, Services

log = logging.getLogger(__name__)

ADMIN_CACHE_FOR = timedelta(minutes=5)
# Telegram's stand-in sender for an admin posting anonymously as the group.
GROUP_ANONYMOUS_BOT = 1087968824
_ADMIN = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def is_registered(services: Services, chat: Chat) -> bool:
    """Say whether a chat is one of the configured facilitator groups."""
    return chat.id in services.settings.facilitator_chats


def is_known(services: Services, chat: Chat) -> bool:
    """Say whether brewbot belongs in a group: a facilitator group, a digest chat, or the
    co-producers' or region's chat."""
    settings = services.settings
    return (
        is_registered(services, chat)
        or chat.id in settings.digest_chat_ids
        or chat.id in settings.loop_chats
    )


async def is_admin(context: BrewContext, chat_id: int, user_id: int) -> bool:
    """Ask Telegram whether someone administers a group; remember the answer briefly."""
    services = context.services
    now = services.clock()
    cached = services.admin_cache.get((chat_id, user_id))
    if cached is not None and cached[1] > now:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
        admin = member.status in _ADMIN
    except TelegramError as exc:
        log.warning("Could not check a group member's role: %s", exc)
        return False
    services.admin_cache[(chat_id, user_id)] = (admin, now + ADMIN_CACHE_FOR)
    return admin


async def may_facilitate(update: Update, context: BrewContext) -> bool:
    """Let an admin of a registered group through; otherwise answer kindly and say no."""
    services = context.services
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or message is None:
        return False
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(services.text("facilitator_private"))
        return False
    if not is_known(services, chat):
        await leave_unregistered(context, chat)
        return False
    if not is_registered(services, chat):  # the co-producers' digest chat: read, don't run
        elsewhere = "loop_chat_elsewhere" if chat.id in services.settings.loop_chats else None
        await message.reply_text(services.text(elsewhere or "facilitator_elsewhere"))
        return False
    anonymous_admin = message.sender_chat is not None and message.sender_chat.id == chat.id
    if anonymous_admin or (user is not None and await is_admin(context, chat.id, user.id)):
        return True
    await message.reply_text(services.text("facilitator_refused"))
    return False


def for_facilitators(handler: Handler) -> Handler:
    """Wrap a facilitator command so only a registered group's admins reach it."""

    @functools.wraps(handler)
    async def gated(update: Update, context: BrewContext) -> None:
        if await may_facilitate(update, context):
            await handler(update, context)

    return gated


async def leave_unregistered(context: BrewContext, chat: Chat) -> None:
    """Say once, kindly, that brewbot works only in registered groups, then leave."""
    try:
        await context.bot.send_message(chat.id, context.services.text("group_not_registered"))
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.info("Could not say goodbye to an unregistered group: %s", exc)


async def added_to_group(update: Update, context: BrewContext) -> None:
    """When added to a group: greet a registered one, leave any other."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    was_out = change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
    if not (joined and was_out):
        return
    services = context.services
    if is_registered(services, change.chat):
        await services.store.ensure_group(change.chat.id)
        await context.bot.send_message(change.chat.id, services.text("group_hello"))
    elif is_known(services, change.chat):
        hello = "loop_chat_hello" if change.chat.id in services.settings.loop_chats else None
        await context.bot.send_message(change.chat.id, services.text(hello or "digest_hello"))
    else:
        await leave_unregistered(context, change.chat)


async def message_in_unknown_group(update: Update, context: BrewContext) -> None:
    """Leave a group brewbot finds itself in without being registered there."""
    chat = update.effective_chat
    if chat is not None and not is_known(context.services, chat):
        await leave_unregistered(context, chat)


def register(app: App, services: Services) -> None:
    """Watch brewbot's own membership, and leave groups it was not registered for."""
    app.add_handler(ChatMemberHandler(added_to_group, ChatMemberHandler.MY_CHAT_MEMBER))
    settings = services.settings
    known = [*settings.facilitator_chats, *settings.digest_chat_ids, *settings.loop_chats]
    registered = filters.Chat(chat_id=known)
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & ~registered, message_in_unknown_group))
