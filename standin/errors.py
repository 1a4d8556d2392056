"""Telegram-shaped failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    """A Telegram-shaped failure: HTTP status, description and optional parameters."""

    code: int
    description: str
    parameters: dict[str, Any] | None = field(default=None)

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def payload(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(what: str) -> ApiError:
    """Make a 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {what}")
