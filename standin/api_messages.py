"""Bot API methods that send, edit and delete messages, polls and callback answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from standin import limits
from standin.limits import ApiError, bad_request
from standin.params import Params, Upload
from standin.state import ChatState, StoredFile, World

Handler = Callable[[World, Params], Any]
MAX_DOCUMENT = 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def _inline_markup(p: Params) -> dict[str, Any] | None:
    markup = p.get("reply_markup")
    limits.check_reply_markup(markup)
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def _text_content(p: Params, *, required: bool = True) -> dict[str, Any]:
    text = p.require("text", "message text is empty") if required else p.get("text")
    plain, entities = limits.formatted(str(text), p.get("parse_mode"), p.get("entities"))
    limits.check_text(plain)
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    return content


def _caption_content(p: Params) -> dict[str, Any]:
    caption = p.get("caption")
    if not caption:
        return {}
    plain, entities = limits.formatted(str(caption), p.get("parse_mode"), p.get("caption_entities"))
    limits.check_caption(plain)
    content: dict[str, Any] = {"caption": plain}
    if entities:
        content["caption_entities"] = entities
    return content


def _extras(world: World, state: ChatState, p: Params) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    markup = _inline_markup(p)
    if markup:
        extras["reply_markup"] = markup
    reply = p.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("message_id"):
        target = world.message(state.chat["id"], reply["message_id"])
        if target is None:
            if not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        else:
            extras["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
    return extras


def send_message(world: World, p: Params) -> dict[str, Any]:
    """Send a text message."""
    state = world.chat_to_send(p.require("chat_id"))
    content = _text_content(p)
    return world.new_message(state, world.bot_user, **content, **_extras(world, state, p))


def _bot_message(world: World, p: Params) -> tuple[ChatState, dict[str, Any]]:
    if p.get("inline_message_id"):
        raise bad_request("the stand-in does not keep inline messages")
    state = world.chat_for_bot(p.require("chat_id", "message identifier is not specified"))
    message_id = p.integer("message_id", "message identifier is not specified")
    message = world.message(state.chat["id"], message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message.get("from", {}).get("id") != world.bot_user["id"]:
        raise bad_request("message can't be edited")
    return state, message


def _apply_edit(message: dict[str, Any], changes: dict[str, Any], keys: tuple[str, ...]) -> None:
    if all(message.get(k) == changes.get(k) for k in keys):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    for key in keys:
        if changes.get(key) is None:
            message.pop(key, None)
        else:
            message[key] = changes[key]
    message["edit_date"] = int(time.time())


def edit_message_text(world: World, p: Params) -> dict[str, Any]:
    """Edit the text (and keyboard) of a message the bot sent."""
    _, message = _bot_message(world, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    changes = _text_content(p)
    changes["reply_markup"] = _inline_markup(p)
    _apply_edit(message, changes, ("text", "entities", "reply_markup"))
    return dict(message)


def edit_message_caption(world: World, p: Params) -> dict[str, Any]:
    """Edit the caption (and keyboard) of a message the bot sent."""
    _, message = _bot_message(world, p)
    if "text" in message or "poll" in message:
        raise bad_request("there is no caption in the message to edit")
    changes = _caption_content(p)
    changes["reply_markup"] = _inline_markup(p)
    _apply_edit(message, changes, ("caption", "caption_entities", "reply_markup"))
    return dict(message)


def edit_message_reply_markup(world: World, p: Params) -> dict[str, Any]:
    """Replace or remove the inline keyboard of a message the bot sent."""
    _, message = _bot_message(world, p)
    _apply_edit(message, {"reply_markup": _inline_markup(p)}, ("reply_markup",))
    return dict(message)


def delete_message(world: World, p: Params) -> bool:
    """Delete one message."""
    state = world.chat_for_bot(p.require("chat_id"))
    key = (state.chat["id"], p.integer("message_id"))
    if key not in world.messages:
        raise bad_request("message to delete not found")
    del world.messages[key]
    return True


def delete_messages(world: World, p: Params) -> bool:
    """Delete several messages, skipping ones already gone."""
    state = world.chat_for_bot(p.require("chat_id"))
    ids = p.require("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 message identifiers")
    for message_id in ids:
        world.messages.pop((state.chat["id"], message_id), None)
    return True


def _stored_upload(world: World, p: Params, name: str, folder: str) -> StoredFile:
    source = p.upload_or_id(name)
    if isinstance(source, str):
        stored = world.files.get(source)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored
    if not source.data:
        raise bad_request("file must be non-empty")
    return _store(world, source, folder)


def _store(world: World, upload: Upload, folder: str) -> StoredFile:
    if len(upload.data) > MAX_DOCUMENT:
        raise ApiError(413, "Request Entity Too Large")
    mime = upload.content_type or "application/octet-stream"
    return world.store_file(upload.data, upload.filename, mime, folder)


def image_size(data: bytes) -> tuple[int, int]:
    """Read width and height from a PNG header; other images get a plausible square."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 512, 512


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    """Describe a stored image as the PhotoSize array Telegram returns."""
    width, height = image_size(stored.data)
    size = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    return [{**size, "file_size": len(stored.data), "width": width, "height": height}]


def send_photo(world: World, p: Params) -> dict[str, Any]:
    """Send a photo, uploaded or by file_id."""
    state = world.chat_to_send(p.require("chat_id"))
    source = p.upload_or_id("photo")
    if isinstance(source, Upload):
        if not source.data.startswith(_IMAGE_MAGIC):
            raise bad_request("IMAGE_PROCESS_FAILED")
        if len(source.data) > MAX_PHOTO:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
    stored = _stored_upload(world, p, "photo", "photos")
    content = {"photo": photo_sizes(stored), **_caption_content(p)}
    return world.new_message(state, world.bot_user, **content, **_extras(world, state, p))


def send_document(world: World, p: Params) -> dict[str, Any]:
    """Send a document, uploaded or by file_id."""
    state = world.chat_to_send(p.require("chat_id"))
    stored = _stored_upload(world, p, "document", "documents")
    document = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.filename,
        "mime_type": stored.mime_type,
        "file_size": len(stored.data),
    }
    content = {"document": document, **_caption_content(p)}
    return world.new_message(state, world.bot_user, **content, **_extras(world, state, p))


def _poll_options(p: Params) -> list[dict[str, Any]]:
    raw = p.require("options", "poll options must be non-empty")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 12:
        raise bad_request("poll must have 2-12 options")
    options = []
    for index, item in enumerate(raw):
        text = item.get("text") if isinstance(item, dict) else item
        if not isinstance(text, str) or not 1 <= len(text) <= limits.MAX_POLL_OPTION:
            raise bad_request("POLL_OPTION_INVALID")
        options.append({"persistent_id": str(index), "text": text, "voter_count": 0})
    return options


def send_poll(world: World, p: Params) -> dict[str, Any]:
    """Send a poll."""
    state = world.chat_to_send(p.require("chat_id"))
    question = str(p.require("question", "poll question must be non-empty"))
    if len(question) > limits.MAX_POLL_QUESTION:
        raise bad_request("POLL_QUESTION_INVALID")
    poll_id = str(5_000_000_000 + world.next_id())
    poll: dict[str, Any] = {
        "id": poll_id,
        "question": question,
        "options": _poll_options(p),
        "total_voter_count": 0,
        "is_closed": bool(p.get("is_closed", False)),
        "is_anonymous": bool(p.get("is_anonymous", True)),
        "type": p.get("type") or "regular",
        "allows_multiple_answers": bool(p.get("allows_multiple_answers", False)),
        "allows_revoting": bool(p.get("allows_revoting", True)),
        "members_only": bool(p.get("members_only", False)),
    }
    message = world.new_message(state, world.bot_user, poll=poll, **_extras(world, state, p))
    world.polls[poll_id] = (state.chat["id"], message["message_id"])
    return message


def stop_poll(world: World, p: Params) -> dict[str, Any]:
    """Close a poll the bot sent and return its final state."""
    _, message = _bot_message(world, p)
    poll = message.get("poll")
    if poll is None:
        raise bad_request("message with poll to stop not found")
    if poll["is_closed"]:
        raise bad_request("poll has already been closed")
    poll["is_closed"] = True
    markup = _inline_markup(p)
    if markup:
        message["reply_markup"] = markup
    return dict(poll)


def answer_callback_query(world: World, p: Params) -> bool:
    """Answer a button press once, within Telegram's limits."""
    query = world.callback_queries.get(str(p.require("callback_query_id")))
    if query is None or "answer" in query:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get("text") or ""
    if len(text) > limits.MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query["answer"] = {"text": text, "show_alert": bool(p.get("show_alert", False))}
    return True


def send_chat_action(world: World, p: Params) -> bool:
    """Show 'typing…' and friends."""
    world.chat_to_send(p.require("chat_id"))
    if p.require("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendPoll": send_poll,
    "stopPoll": stop_poll,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
