"""Telegram's flood limits, as the stand-in enforces them, answered with a 429 and retry_after.

- One chat: about one message a second with a short burst; edits count too.
- One group: also at most 20 messages a minute.
- The whole bot (one token), when switched on (``overall``): at most that many sends and
  edits in any one-second window, whatever the chats, replies and bulk alike. That is
  stricter than Telegram, whose 30 a second is for bulk notifications (tdlib/td#1834): a
  bench or test of a crowd alone leaves it off, and one of a push or news beside replies
  switches it on (it can be switched on mid-run: the second before is always counted). It
  can refuse only the bulk (``bulk``: which chats' calls are bulk), counting replies but
  never refusing them, as tdlib/td#1834 describes Telegram.
- answerCallbackQuery, getUpdates and the rest are not limited.

Counted when a call arrives. The per-chat numbers can be scaled together (``speed``) so a
test suite need not wait through real seconds while the rule stays the same shape; the
overall window is always one real second, as Telegram's is, so that a bot's pacing is
tried against the real thing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from standin.errors import ApiError
from standin.records import EDIT_METHODS, SEND_METHODS

FLOOD_COUNTED = SEND_METHODS | EDIT_METHODS


@dataclass
class _Chat:
    tokens: float
    updated: float
    recent: deque[float] = field(default_factory=deque)


OVERALL_WINDOW = 1.0  # seconds: Telegram's overall limit is counted in any one second


def most_in_one_second(times: Iterable[float]) -> int:
    """The most of these moments (calls accepted, say) in any one-second window."""
    ordered = sorted(times)
    most = first = 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= OVERALL_WINDOW:
            first += 1
        most = max(most, last - first + 1)
    return most


class FloodControl:
    """Refuse a send or edit that would break a chat's or a group's limit, or (switched on)
    the whole bot's in any one second."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        chat_burst: int = 4,
        group_per_minute: int = 20,
        overall: int | None = None,
        bulk: Callable[[str], bool] | None = None,
        clock: Callable[[], float],
    ) -> None:
        self.rate = speed  # messages a second to one chat, on average
        self.burst = chat_burst
        self.group_count = group_per_minute
        self.group_window = 60.0 / speed
        self.overall = overall  # sends and edits in any second, per token; None: only counted
        self.bulk = bulk  # which chats the overall limit refuses (None: every chat)
        self._clock = clock
        self._chats: dict[str, _Chat] = {}
        self._tokens: dict[str, deque[float]] = {}
        self._peaks: dict[str, int] = {}
        self.refused = 0
        self.refused_overall = 0

    def busiest_second(self, token: str) -> int:
        """The most sends and edits this token made in any one-second window so far."""
        return self._peaks.get(token, 0)

    def check(self, method: str, chat_id: object, token: str = "") -> None:
        """Count one call to a chat, or raise Telegram's 429 if it is one too many."""
        if method not in FLOOD_COUNTED or chat_id is None:
            return
        now = self._clock()
        key = str(chat_id)
        overall_wait = self._overall_wait(token, now)
        if self.bulk is not None and not self.bulk(key):
            overall_wait = 0.0  # a reply: counted in the second, never refused for it
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
        if wait > 0 or overall_wait > 0:
            self.refused += 1
            self.refused_overall += wait <= 0
            retry_after = max(1, math.ceil(max(wait, overall_wait)))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        chat.tokens -= 1
        if group:
            chat.recent.append(now)
        recent = self._tokens[token]
        recent.append(now)
        self._peaks[token] = max(self._peaks.get(token, 0), len(recent))

    def _overall_wait(self, token: str, now: float) -> float:
        """Seconds until the token may send again within its overall limit (0: now)."""
        recent = self._tokens.setdefault(token, deque())
        while recent and now - recent[0] >= OVERALL_WINDOW:
            recent.popleft()
        if self.overall is None or len(recent) < self.overall:
            return 0.0
        return recent[0] + OVERALL_WINDOW - now
