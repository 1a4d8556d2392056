"""Bot API methods about the bot itself, chats, members, commands, menus and files."""

from __future__ import annotations

import json
import re
from typing import Any

from standin.api_messages import Handler
from standin.limits import bad_request
from standin.params import Params
from standin.state import ChatState, World

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


def get_me(world: World, p: Params) -> dict[str, Any]:
    """Describe the bot."""
    return dict(world.bot_user)


def always_true(world: World, p: Params) -> bool:
    """Accept a call that changes nothing the stand-in models (logOut, close, setMyName)."""
    return True


def chat_full_info(state: ChatState) -> dict[str, Any]:
    """Return the ChatFullInfo object for a chat."""
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    accepted = {name: False for name in gifts} | {"gifts_from_channels": False}
    return {
        **state.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": accepted,
    }


def get_chat(world: World, p: Params) -> dict[str, Any]:
    """Describe a chat the bot knows."""
    return chat_full_info(world.chat_for_bot(p.require("chat_id")))


def member(world: World, state: ChatState, user_id: int) -> dict[str, Any]:
    """Return the ChatMember object for a user (or the bot) in a chat."""
    bot_id = world.bot_user["id"]
    user = world.bot_user if user_id == bot_id else world.user(user_id)
    if state.chat["type"] == "private":
        return {"status": "member", "user": user}
    if user_id == bot_id:
        if state.bot_status == "administrator":
            return _administrator(user)
        return {"status": state.bot_status, "user": user} | (
            {"until_date": 0} if state.bot_status == "kicked" else {}
        )
    if state.admins and user_id == state.admins[0]:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in state.admins:
        return _administrator(user)
    return {"status": "member" if user_id in state.members else "left", "user": user}


def _administrator(user: dict[str, Any]) -> dict[str, Any]:
    rights = {right: right not in ("is_anonymous", "can_be_edited") for right in _ADMIN_RIGHTS}
    return {"status": "administrator", "user": user, **rights}


def get_chat_member(world: World, p: Params) -> dict[str, Any]:
    """Return one member's status in a chat."""
    state = world.chat_for_bot(p.require("chat_id"))
    return member(world, state, p.integer("user_id"))


def get_chat_administrators(world: World, p: Params) -> list[dict[str, Any]]:
    """List a group's administrators, creator first."""
    state = world.chat_for_bot(p.require("chat_id"))
    if state.chat["type"] == "private":
        raise bad_request("there are no administrators in the private chat")
    found = [member(world, state, user_id) for user_id in state.admins]
    if state.bot_status == "administrator":
        found.append(member(world, state, world.bot_user["id"]))
    return found


def get_chat_member_count(world: World, p: Params) -> int:
    """Count the people in a chat (the bot included)."""
    state = world.chat_for_bot(p.require("chat_id"))
    if state.chat["type"] == "private":
        return 2
    return len(state.members | set(state.admins)) + (state.bot_status != "left")


def leave_chat(world: World, p: Params) -> bool:
    """Leave a group."""
    state = world.chat_for_bot(p.require("chat_id"))
    if state.chat["type"] == "private":
        raise bad_request("chat member status can't be changed in private chats")
    state.bot_status = "left"
    return True


def _scope_key(p: Params) -> tuple[str, str]:
    """Key a command list by its scope and language (the Bot API: "A two-letter ISO 639-1
    language code. If empty, commands will be applied to all users from the given scope,
    for whose language there are no dedicated commands")."""
    scope = p.get("scope") or {"type": "default"}
    language = p.get("language_code") or ""
    if language and not _LANGUAGE_CODE.match(str(language)):
        raise bad_request("LANGUAGE_CODE_INVALID")
    return json.dumps(scope, sort_keys=True), str(language)


_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def set_my_commands(world: World, p: Params) -> bool:
    """Set the command list for a scope and language."""
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 commands")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("command description must be non-empty and at most 256 characters")
    world.commands[_scope_key(p)] = [dict(c) for c in commands]
    return True


def get_my_commands(world: World, p: Params) -> list[dict[str, Any]]:
    """Return the command list for a scope and language."""
    return list(world.commands.get(_scope_key(p), []))


def delete_my_commands(world: World, p: Params) -> bool:
    """Remove the command list for a scope and language."""
    world.commands.pop(_scope_key(p), None)
    return True


def set_chat_menu_button(world: World, p: Params) -> bool:
    """Set the menu button for one private chat or the default."""
    chat_id = p.get("chat_id")
    if chat_id is not None:
        world.chat_for_bot(chat_id)
    world.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
    return True


def get_chat_menu_button(world: World, p: Params) -> dict[str, Any]:
    """Return the menu button for one private chat or the default."""
    chat_id = p.get("chat_id")
    default = world.menu_buttons.get(None, {"type": "commands"})
    return dict(world.menu_buttons.get(chat_id, default))


# Bots may download files of up to 20 MB; getFile refuses bigger ones.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


def get_file(world: World, p: Params) -> dict[str, Any]:
    """Describe a file so it can be downloaded from base_file_url."""
    stored = world.files.get(str(p.require("file_id")))
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.as_file()


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": always_true,
    "close": always_true,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "leaveChat": leave_chat,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getFile": get_file,
    "setMyDescription": always_true,
    "setMyShortDescription": always_true,
    "setMyName": always_true,
}
