"""Things people do in groups and to the bot itself: add, remove, block, make admins, vote."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from standin.api_chats import member
from standin.inject import StandInError
from standin.state import ChatState, World
from standin.updates import UpdateQueue


class GroupInjections:
    """Make membership, admin and poll updates as people would cause them."""

    world: World
    updates: UpdateQueue
    heard_from: Callable[[dict[str, Any]], None]

    def _push_copy(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.heard_from(payload)
        return self.updates.push(kind, copy.deepcopy(payload))

    def _bot_poll(self, chat_id: int, message_id: int) -> dict[str, Any]:
        message = self.world.message(chat_id, message_id)
        if message is None or message.get("from", {}).get("id") != self.world.bot_user["id"]:
            raise StandInError(f"the bot sent no message {message_id} in chat {chat_id}")
        poll: dict[str, Any] | None = message.get("poll")
        if poll is None or poll["is_closed"]:
            raise StandInError(f"message {message_id} has no open poll")
        return poll

    def _my_member_update(
        self, state: ChatState, user_id: int, old: dict[str, Any]
    ) -> dict[str, Any]:
        update = {
            "chat": dict(state.chat),
            "from": self.world.user(user_id),
            "date": int(time.time()),
            "old_chat_member": old,
            "new_chat_member": member(self.world, state, self.world.bot_user["id"]),
        }
        return self._push_copy("my_chat_member", update)

    def bot_added_to_group(
        self,
        chat_id: int,
        by_user_id: int,
        *,
        title: str | None = None,
        as_admin: bool = False,
        service_message: bool = True,
    ) -> dict[str, Any]:
        """A person adds the bot to a group: my_chat_member, then the 'joined' service message."""
        state = self.world.group_chat(chat_id, title)
        state.members.add(by_user_id)
        state.bot_status = "administrator" if as_admin else "member"
        left = {"status": "left", "user": self.world.bot_user}
        update = self._my_member_update(state, by_user_id, left)
        if service_message:
            joined = [self.world.bot_user]
            self._push_copy(
                "message",
                self.world.new_message(state, self.world.user(by_user_id), new_chat_members=joined),
            )
        return update

    def bot_removed_from_group(self, chat_id: int, by_user_id: int) -> dict[str, Any]:
        """A person removes the bot from a group."""
        state = self.world.group_chat(chat_id)
        old = member(self.world, state, self.world.bot_user["id"])
        state.bot_status = "left"
        return self._my_member_update(state, by_user_id, old)

    def set_admins(
        self, chat_id: int, user_ids: list[int], *, bot_is_admin: bool | None = None
    ) -> None:
        """Make these people the group's admins (the first is its creator)."""
        state = self.world.group_chat(chat_id)
        state.admins = list(user_ids)
        state.members.update(user_ids)
        if bot_is_admin is not None:
            state.bot_status = "administrator" if bot_is_admin else "member"

    def blocked_by(self, user_id: int) -> dict[str, Any]:
        """A person blocks the bot: later sends to them fail with 403."""
        state = self.world.private_chat(user_id)
        self.world.blocked.add(user_id)
        bot = self.world.bot_user
        update = {
            "chat": dict(state.chat),
            "from": self.world.user(user_id),
            "date": int(time.time()),
            "old_chat_member": {"status": "member", "user": bot},
            "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
        }
        return self._push_copy("my_chat_member", update)

    def unblocked_by(self, user_id: int) -> dict[str, Any]:
        """A person unblocks the bot."""
        state = self.world.private_chat(user_id)
        self.world.blocked.discard(user_id)
        bot = self.world.bot_user
        update = {
            "chat": dict(state.chat),
            "from": self.world.user(user_id),
            "date": int(time.time()),
            "old_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
            "new_chat_member": {"status": "member", "user": bot},
        }
        return self._push_copy("my_chat_member", update)

    def poll_answer(
        self, user_id: int, message_id: int, option_ids: list[int], *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """A person votes in a poll the bot sent (poll_answer, or poll for anonymous polls)."""
        poll = self._bot_poll(user_id if chat_id is None else chat_id, message_id)
        for index in option_ids:
            poll["options"][index]["voter_count"] += 1
        poll["total_voter_count"] += 1
        if poll["is_anonymous"]:
            return self._push_copy("poll", poll)
        answer = {
            "poll_id": poll["id"],
            "user": self.world.user(user_id),
            "option_ids": list(option_ids),
            "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in option_ids],
        }
        return self._push_copy("poll_answer", answer)
