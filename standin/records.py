"""What the stand-in saw: recorded calls, and helpers that read and await them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from standin.params import Upload
from standin.state import World
from standin.updates import UpdateQueue

T = TypeVar("T")
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendPoll"})
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})


class StandInTimeout(AssertionError):
    """What was awaited did not happen in time."""


@dataclass(frozen=True)
class Call:
    """One Bot API request and the answer it got."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload]
    status: int
    result: Any
    error: str | None
    at: float  # event-loop time of the answer

    @property
    def ok(self) -> bool:
        """True when Telegram would have answered ok."""
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        """The chat_id parameter, if any."""
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text or caption the person sees after this call (plain, markup parsed)."""
        if isinstance(self.result, dict):
            for key in ("text", "caption"):
                if key in self.result:
                    return str(self.result[key])
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)

    def __str__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"{self.method}({self.params}) -> {outcome}"


def buttons(item: Call | dict[str, Any]) -> list[tuple[str, str | None]]:
    """List (text, callback_data) of every inline button in a call or a message, row by row."""
    markup = item.params.get("reply_markup") if isinstance(item, Call) else item.get("reply_markup")
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]


def _same_chat(a: Any, b: Any) -> bool:
    return a is not None and str(a) == str(b)


class Recording:
    """Read the recorded calls; await conditions on them without fixed sleeps."""

    calls: list[Call]
    problems: list[str]
    world: World
    updates: UpdateQueue
    _in_flight: int
    _activity: asyncio.Event
    _send_times: dict[int, list[float]]
    _retry_due: float  # loop time until which a 429's retry_after still holds
    # A test harness may add the bot's own "still working" (its inbox, its pacing).
    busy_elsewhere: Callable[[], bool] | None = None

    def _changed(self) -> None:
        wake, self._activity = self._activity, asyncio.Event()
        wake.set()

    def calls_to(self, method: str) -> list[Call]:
        """Every call of one method, answered ok or not."""
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int | str) -> list[Call]:
        """Successful sends and edits to a chat, oldest first."""
        wanted = SEND_METHODS | EDIT_METHODS
        return [
            c for c in self.calls if c.ok and c.method in wanted and _same_chat(c.chat_id, chat_id)
        ]

    def texts(self, chat_id: int | str) -> list[str]:
        """The plain text or caption of each successful send or edit to a chat."""
        return [c.text for c in self.sent_to(chat_id) if c.text is not None]

    def last_text(self, chat_id: int | str) -> str | None:
        """The plain text or caption of the latest send or edit to a chat, or None."""
        found = self.texts(chat_id)
        return found[-1] if found else None

    def last_sent(self, chat_id: int | str) -> Call | None:
        """The latest successful send or edit to a chat, or None."""
        found = self.sent_to(chat_id)
        return found[-1] if found else None

    @staticmethod
    def buttons(item: Call | dict[str, Any]) -> list[tuple[str, str | None]]:
        """List (text, callback_data) of every inline button in a call or a message."""
        return buttons(item)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as the chat shows it now (after edits), or None if absent or deleted."""
        found = self.world.message(chat_id, message_id)
        return None if found is None else dict(found)

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message the chat shows now (people's and the bot's), oldest first."""
        found = [m for (chat, _), m in self.world.messages.items() if chat == chat_id]
        return [dict(m) for m in sorted(found, key=lambda m: int(m["message_id"]))]

    def newest_with_button(self, chat_id: int, label: str) -> int | None:
        """The id of the newest message in a chat that shows a button with this text, or None."""
        for message in reversed(self.messages_in(chat_id)):
            if any(text == label for text, _ in buttons(message)):
                return int(message["message_id"])
        return None

    def send_times(self, chat_id: int) -> list[float]:
        """Event-loop times of each successful send or edit to a chat (Telegram counts both)."""
        return list(self._send_times.get(chat_id, []))

    def max_rate(self, chat_id: int, window_s: float) -> int:
        """The most sends and edits to one chat inside any window of window_s seconds."""
        times = self.send_times(chat_id)
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window_s:
                start += 1
            best = max(best, end - start + 1)
        return best

    def assert_no_problems(self) -> None:
        """Fail with every recorded problem, if there are any."""
        if self.problems:
            raise AssertionError("stand-in saw problems:\n  " + "\n  ".join(self.problems))

    def _summary(self) -> str:
        recent = "\n  ".join(str(c) for c in self.calls[-8:]) or "(no calls)"
        return f"{len(self.updates.pending)} update(s) unconfirmed; last calls:\n  {recent}"

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:  # noqa: ASYNC109
        """Wait until predicate() is truthy (rechecked on every call) and return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            wake = self._activity
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise StandInTimeout(f"condition not met within {timeout}s; {self._summary()}")
            # Recheck on every recorded change, and now and then for state outside the stand-in.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), min(remaining, 0.05))

    async def wait_idle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until updates are confirmed, no 429 awaits its retry, and `quiet` s pass calmly."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            wake = self._activity
            retrying = loop.time() < self._retry_due
            busy = (
                self._in_flight > 0
                or not self.updates.all_confirmed
                or retrying
                or (self.busy_elsewhere is not None and self.busy_elsewhere())
            )
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise StandInTimeout(f"not idle within {timeout}s; {self._summary()}")
            try:
                # While busy, recheck often too: a long poll confirms updates without a reply.
                await asyncio.wait_for(wake.wait(), min(0.05 if busy else quiet, remaining))
            except TimeoutError:
                if not busy:
                    return
