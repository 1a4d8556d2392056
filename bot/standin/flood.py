"""Telegram's flood limits, as the stand-in enforces them, answered with a 429 and retry_after.

- One chat: about one message a second with a short burst; edits count too.
- One group: also at most 20 messages a minute.
- answerCallbackQuery, getUpdates and the rest are not limited.

Counted when a call arrives. The numbers can be scaled together (``speed``) so a test suite
need not wait through real seconds while the rule stays the same shape.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.standin.errors import ApiError
from bot.standin.records import EDIT_METHODS, SEND_METHODS

FLOOD_COUNTED = SEND_METHODS | EDIT_METHODS


@dataclass
class _Chat:
    tokens: float
    updated: float
    recent: deque[float] = field(default_factory=deque)


class FloodControl:
    """Refuse a send or edit that would break a chat's or a group's limit."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        chat_burst: int = 4,
        group_per_minute: int = 20,
        clock: Callable[[], float],
    ) -> None:
        self.rate = speed  # messages a second to one chat, on average
        self.burst = chat_burst
        self.group_count = group_per_minute
        self.group_window = 60.0 / speed
        self._clock = clock
        self._chats: dict[str, _Chat] = {}
        self.refused = 0

    def check(self, method: str, chat_id: object) -> None:
        """Count one call to a chat, or raise Telegram's 429 if it is one too many."""
        if method not in FLOOD_COUNTED or chat_id is None:
            return
        now = self._clock()
        key = str(chat_id)
        chat = self._chats.setdefault(key, _Chat(float(self.burst), now))
        chat.tokens = min(self.burst, chat.tokens + (now - chat.updated) * self.rate)
        chat.updated = now
        wait = 0.0 if chat.tokens >= 1 else (1 - chat.tokens) / self.rate
        group = not key.lstrip("-").isdigit() or int(key) < 0
        if group:
            while chat.recent and now - chat.recent[0] >= self.group_window:
                chat.recent.popleft()
            if len(chat.recent) >= self.group_count:
                wait = max(wait, chat.recent[0] + self.group_window - now)
        if wait > 0:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        chat.tokens -= 1
        if group:
            chat.recent.append(now)
