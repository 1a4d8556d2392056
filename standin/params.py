"""Decode a Bot API request's parameters the way Telegram reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from standin.limits import bad_request

# Parameters that are plain strings (PTB sends them without JSON encoding). Used when no
# spec is loaded; with api.json the spec's own String-only fields are used instead.
STRING_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "description",
        "emoji",
        "explanation",
        "explanation_parse_mode",
        "file_id",
        "inline_message_id",
        "language_code",
        "message_effect_id",
        "name",
        "parse_mode",
        "question",
        "question_parse_mode",
        "secret_token",
        "short_description",
        "text",
        "title",
        "type",
        "url",
    }
)


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request."""

    name: str
    filename: str
    data: bytes
    content_type: str


def decode(name: str, raw: str, string_params: frozenset[str] | set[str]) -> Any:
    """Decode one form value: plain strings stay as sent, everything else is JSON."""
    if name in string_params:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


@dataclass
class Params:
    """A call's decoded parameters and uploaded files, with Telegram's 'is empty' errors."""

    values: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        """Return a parameter or default."""
        return self.values.get(name, default)

    def require(self, name: str, empty: str | None = None) -> Any:
        """Return a required parameter or raise Telegram's error for its absence."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(empty or f"{name} is empty")
        return value

    def integer(self, name: str, empty: str | None = None) -> int:
        """Return a required integer parameter."""
        value = self.require(name, empty)
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {name} specified")
        return value

    def upload_or_id(self, name: str) -> Upload | str:
        """Return the uploaded file for name, or the file_id string sent instead."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is not None:
                return attached
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {name} in the request")
        return value
