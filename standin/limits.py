"""Telegram's limits on what a bot sends, answered with the errors Telegram gives."""

from __future__ import annotations

from typing import Any

from standin.errors import ApiError, bad_request
from standin.markup import parse_html, utf16_len

__all__ = [
    "ApiError",
    "bad_request",
    "check_caption",
    "check_reply_markup",
    "check_text",
    "formatted",
    "parse_html",
    "utf16_len",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100

_KEYBOARD = "can't parse inline keyboard button"


def formatted(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (HTML is parsed; Markdown modes pass through) and return text, entities."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode in ("", "markdown", "markdownv2"):
        return text, list(entities or [])
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def check_text(text: str) -> None:
    """Reject message text that is empty or longer than Telegram allows."""
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    """Reject a caption longer than Telegram allows."""
    if len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_reply_markup(markup: Any) -> None:
    """Reject inline keyboards Telegram would refuse: size, button text, callback_data."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(f'{_KEYBOARD}: field "inline_keyboard" must be an Array of Arrays')
    buttons = [b for row in rows for b in row]
    if len(buttons) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for button in buttons:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not button["text"].strip():
            raise bad_request("BUTTON_TEXT_EMPTY")
        actions = [a for a in _BUTTON_ACTIONS if button.get(a) not in (None, "")]
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
        if not actions:
            raise bad_request(f"{_KEYBOARD}: Text buttons are unallowed in the inline keyboard")
