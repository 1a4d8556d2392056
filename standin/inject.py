"""Things people do, turned into updates for the bot under test."""

from __future__ import annotations

import copy
import hashlib
import mimetypes
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

from standin.api_messages import photo_sizes
from standin.limits import utf16_len
from standin.state import ChatState, World
from standin.updates import UpdateQueue


class StandInError(Exception):
    """A test asked the stand-in for something no real person could do."""


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """Make a small valid grey PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def command_entities(text: str) -> list[dict[str, Any]]:
    """Give a leading /command the bot_command entity Telegram clients add."""
    if not text.startswith("/") or len(text) < 2:
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]


class Injections:
    """Make updates as if people wrote, pressed, sent files or added the bot to groups."""

    world: World
    updates: UpdateQueue
    heard_from: Callable[[dict[str, Any]], None]

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.heard_from(payload)
        return self.updates.push(kind, copy.deepcopy(payload))

    def user(self, user_id: int) -> dict[str, Any]:
        """The User object people with this id appear as (names the bot must not keep)."""
        return dict(self.world.user(user_id))

    def _chat(self, chat_id: int | None, user_id: int) -> ChatState:
        if chat_id is None or chat_id == user_id:
            return self.world.private_chat(user_id)
        state = self.world.group_chat(chat_id)
        state.members.add(user_id)
        return state

    def _text_message(
        self, state: ChatState, user_id: int, text: str, date: int | None = None
    ) -> dict[str, Any]:
        if not text:
            raise StandInError("Telegram clients do not send empty messages")
        entities = command_entities(text)
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self.world.new_message(state, self.world.user(user_id), date=date, **content)
        return self._push("message", message)

    def private_message(
        self, user_id: int, text: str, *, date: int | None = None
    ) -> dict[str, Any]:
        """A person writes to the bot in their private chat; returns the Update.

        ``date`` (Unix seconds) is when Telegram says they sent it: now, unless a test is
        acting out someone who wrote a while after a message reached them, without waiting.
        """
        return self._text_message(self.world.private_chat(user_id), user_id, text, date)

    def command(
        self, user_id: int, text: str, *, chat_id: int | None = None, date: int | None = None
    ) -> dict[str, Any]:
        """A person sends a command such as "/start CODE" (in a group when chat_id is given)."""
        if not text.startswith("/"):
            raise StandInError(f"a command starts with '/', got {text!r}")
        return self._text_message(self._chat(chat_id, user_id), user_id, text, date)

    def group_message(
        self, chat_id: int, user_id: int, text: str, *, title: str | None = None
    ) -> dict[str, Any]:
        """A person writes in a group (negative chat_id; <= -10**12 is a supergroup)."""
        state = self.world.group_chat(chat_id, title)
        state.members.add(user_id)
        return self._text_message(state, user_id, text)

    def _bot_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        message = self.world.message(chat_id, message_id)
        if message is None:
            raise StandInError(f"no message {message_id} in chat {chat_id}")
        if message.get("from", {}).get("id") != self.world.bot_user["id"]:
            raise StandInError(f"message {message_id} in chat {chat_id} was not sent by the bot")
        return message

    def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        strict: bool = True,
    ) -> dict[str, Any]:
        """A person taps an inline button; strict: the message must show a button with data."""
        state = self._chat(chat_id, user_id)
        message = self._bot_message(state.chat["id"], message_id)
        offered = [d for _, d in _buttons(message)]
        if strict and data not in offered:
            raise StandInError(f"message {message_id} has no button {data!r}; it has {offered}")
        query_id = str(10**15 + self.world.next_id())
        self.world.callback_queries[query_id] = {
            "user_id": user_id,
            "chat_id": state.chat["id"],
            "message_id": message_id,
            "data": data,
        }
        instance = hashlib.sha256(str(state.chat["id"]).encode()).hexdigest()[:19]
        query = {
            "id": query_id,
            "from": self.world.user(user_id),
            "message": message,
            "chat_instance": str(int(instance, 16) % 10**18),
            "data": data,
        }
        return self._push("callback_query", query)

    def press_label(
        self, user_id: int, message_id: int, label: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """A person taps the inline button whose text is label."""
        state = self._chat(chat_id, user_id)
        message = self._bot_message(state.chat["id"], message_id)
        for text, data in _buttons(message):
            if text == label and data is not None:
                return self.press(user_id, message_id, data, chat_id=chat_id)
        raise StandInError(f"message {message_id} has no button {label!r}: {_buttons(message)}")

    def tap(self, user_id: int, label: str, *, chat_id: int | None = None) -> dict[str, Any]:
        """A person taps the button with this text on the newest message that shows it."""
        state = self._chat(chat_id, user_id)
        found = [
            m
            for (chat, _), m in self.world.messages.items()
            if chat == state.chat["id"] and any(t == label for t, _ in _buttons(m))
        ]
        if not found:
            raise StandInError(f"no message in chat {state.chat['id']} shows a {label!r} button")
        newest = max(found, key=lambda m: int(m["message_id"]))
        return self.press_label(user_id, newest["message_id"], label, chat_id=chat_id)

    def edited_message(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """A person edits a message they wrote earlier."""
        state = self._chat(chat_id, user_id)
        message = self.world.message(state.chat["id"], message_id)
        if message is None or message.get("from", {}).get("id") != user_id:
            raise StandInError(f"user {user_id} wrote no message {message_id} there")
        message["text"] = text
        message["edit_date"] = int(time.time())
        message.pop("entities", None)
        if command_entities(text):
            message["entities"] = command_entities(text)
        return self._push("edited_message", message)

    def _media(self, state: ChatState, user_id: int, **content: Any) -> dict[str, Any]:
        message = self.world.new_message(state, self.world.user(user_id), **content)
        return self._push("message", message)

    def sticker(self, user_id: int) -> dict[str, Any]:
        """A person sends a sticker."""
        stored = self.world.store_file(
            b"RIFF\x00\x00\x00\x00WEBPVP8 ", "sticker.webp", "image/webp", "stickers"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "file_size": len(stored.data),
        }
        return self._media(self.world.private_chat(user_id), user_id, sticker=sticker)

    def contact(self, user_id: int) -> dict[str, Any]:
        """A person shares a contact card (a made-up UK number for drama, Ofcom's range)."""
        card = {"phone_number": "+447700900123", "first_name": "Sam", "user_id": user_id}
        return self._media(self.world.private_chat(user_id), user_id, contact=card)

    def photo(self, user_id: int, *, caption: str | None = None) -> dict[str, Any]:
        """A person sends a photo (a tiny PNG the bot can download)."""
        stored = self.world.store_file(tiny_png(), "photo.png", "image/png", "photos")
        extra = {"caption": caption} if caption else {}
        return self._media(
            self.world.private_chat(user_id), user_id, photo=photo_sizes(stored), **extra
        )

    def voice(
        self, user_id: int, *, duration: int = 3, data: bytes | None = None
    ) -> dict[str, Any]:
        """A person sends a voice note: OGG/Opus bytes, served as Telegram serves them
        (getFile gives ``voice/file_N.oga``), or a stub header when the sound does not matter.

        ``duration`` is what the phone declares, in whole seconds, as Telegram passes it on.
        """
        audio = data if data is not None else b"OggS\x00\x02" + bytes(58)
        stored = self.world.store_file(audio, "voice.oga", "audio/ogg", "voice")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(stored.data),
        }
        return self._media(self.world.private_chat(user_id), user_id, voice=voice)

    def document(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        *,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """A person sends a file (chat_id == user_id for their private chat)."""
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.world.store_file(data, filename, mime, "documents")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(data),
        }
        extra = {"caption": caption} if caption else {}
        return self._media(self._chat(chat_id, user_id), user_id, document=document, **extra)


def _buttons(message: dict[str, Any]) -> list[tuple[str, str | None]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]
