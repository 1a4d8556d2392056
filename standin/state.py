"""What the stand-in knows: users, chats, messages, files, group admins and bot settings."""

from __future__ import annotations

import hashlib
import mimetypes
import time
from dataclasses import dataclass, field
from typing import Any

from standin.limits import ApiError, bad_request

_FIRST_NAMES = ("Ada", "Bilal", "Carys", "Dev", "Eilidh", "Femi", "Grace", "Hamid", "Iris", "Jon")
_LAST_NAMES = ("Okafor", "Price", "Nowak", "Hughes", "Begum", "Evans", "Murphy", "Khan")
# How Telegram's file ids begin for each kind of file (documents are BQAC).
_FILE_ID_KINDS = {"voice": "AwAC", "photos": "AgAC", "stickers": "CAAC"}


@dataclass(frozen=True)
class StoredFile:
    """A file the stand-in holds: what getFile describes and base_file_url serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    filename: str
    mime_type: str

    def as_file(self) -> dict[str, Any]:
        """Return the Bot API File object for getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class ChatState:
    """One chat as the stand-in sees it."""

    chat: dict[str, Any]
    next_message_id: int = 1
    members: set[int] = field(default_factory=set)
    admins: list[int] = field(default_factory=list)  # first one is the creator
    bot_status: str = "member"  # member | administrator | left | kicked


def fake_user(user_id: int) -> dict[str, Any]:
    """Make a plausible person (names and username) that the bot under test must not keep."""
    first = _FIRST_NAMES[user_id % len(_FIRST_NAMES)]
    last = _LAST_NAMES[(user_id // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first,
        "last_name": last,
        "username": f"{first.lower()}_{last.lower()}_{user_id}",
        "language_code": "en",
    }


class World:
    """Chats, messages and files, with Telegram's id rules and errors."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, tuple[int, int]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._counter = 0

    def next_id(self) -> int:
        """Return a fresh number for file ids, query ids and poll ids."""
        self._counter += 1
        return self._counter

    def user(self, user_id: int) -> dict[str, Any]:
        """Return (creating on first sight) the User object for user_id."""
        if user_id not in self.users:
            self.users[user_id] = fake_user(user_id)
        return self.users[user_id]

    def private_chat(self, user_id: int) -> ChatState:
        """Return (opening on first sight) the private chat with a user."""
        if user_id not in self.chats:
            user = self.user(user_id)
            chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
            chat.update({k: user[k] for k in ("last_name", "username") if k in user})
            self.chats[user_id] = ChatState(chat=chat, members={user_id})
        return self.chats[user_id]

    def group_chat(self, chat_id: int, title: str | None = None) -> ChatState:
        """Return (creating on first sight) a group; ids below -10**12 are supergroups."""
        if chat_id >= 0:
            raise ValueError(f"group chat ids are negative, got {chat_id}")
        if chat_id not in self.chats:
            kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
            chat = {"id": chat_id, "type": kind, "title": title or f"Over a Brew {-chat_id % 1000}"}
            self.chats[chat_id] = ChatState(chat=chat)
        elif title:
            self.chats[chat_id].chat["title"] = title
        return self.chats[chat_id]

    def chat_for_bot(self, chat_id: Any) -> ChatState:
        """Return the chat a bot call names, or raise Telegram's error for it."""
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise bad_request("chat not found") from None
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if state is None:
            raise bad_request("chat not found")
        return state

    def chat_to_send(self, chat_id: Any) -> ChatState:
        """Return a chat the bot may post in, or raise 403 as Telegram does."""
        if isinstance(chat_id, int) and chat_id in self.users and chat_id not in self.chats:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        state = self.chat_for_bot(chat_id)
        if state.chat["type"] == "private" and state.chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if state.bot_status in ("left", "kicked"):
            kind = "supergroup" if state.chat["type"] == "supergroup" else "group"
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return state

    def new_message(
        self, state: ChatState, sender: dict[str, Any], *, date: int | None = None, **content: Any
    ) -> dict[str, Any]:
        """Store and return a new Message in a chat, with the next message_id, dated now (or
        at ``date``, Unix seconds, as a test chooses)."""
        message_id = state.next_message_id
        state.next_message_id += 1
        message = {
            "message_id": message_id,
            "from": sender,
            "date": int(time.time()) if date is None else int(date),
            "chat": dict(state.chat),
            **content,
        }
        self.messages[(state.chat["id"], message_id)] = message
        return message

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current version of a message, or None."""
        return self.messages.get((chat_id, message_id))

    def store_file(self, data: bytes, filename: str, mime_type: str, folder: str) -> StoredFile:
        """Keep bytes under a new file_id, served later at folder/file_N.ext."""
        n = self.next_id()
        digest = hashlib.sha256(data).hexdigest()[:16]
        suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if not (suffix.isalnum() and len(suffix) <= 5 and filename.count("/") == 0):
            suffix = (mimetypes.guess_extension(mime_type) or ".bin").lstrip(".")
        stored = StoredFile(
            file_id=f"{_FILE_ID_KINDS.get(folder, 'BQAC')}AgQAAxkBAAI{n:06d}{digest}",
            file_unique_id=f"AgAD{digest[:12]}",
            file_path=f"{folder}/file_{n}.{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """Return the file served at path, or None."""
        return next((f for f in self.files.values() if f.file_path == path), None)
