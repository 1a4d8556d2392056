"""Pacing within Telegram's limits: PTB's AIORateLimiter plus a limiter per person."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

# Telegram asks bots to send about one message a second to a person. A small
# burst keeps a "thank you" and the next question snappy; the average holds.
PERSON_BURST = 3
_MAX_PEOPLE = 2048
# Telegram's own 5xx (or a refused connection) means the call did not get through.
SERVER_RETRIES = 3

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def might_have_arrived(error: NetworkError) -> bool:
    """Say whether a failed call may still have reached Telegram (so must not be sent again).

    A 5xx is Telegram's own answer (no transport error behind it), and a refused connection
    never carried the call; a connection cut after sending may have done its work.
    """
    cause = error.__cause__
    return cause is not None and not isinstance(cause, httpx.ConnectError)


class PacedRateLimiter(AIORateLimiter):
    """AIORateLimiter (30/s overall, 20/min per group, retries on 429) + ~1/s per person."""

    def __init__(self, *, max_retries: int = 5, person_rate: float = 1.0) -> None:
        super().__init__(max_retries=max_retries)
        self._person_rate = person_rate
        self._people: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _person(self, chat_id: int) -> AsyncLimiter:
        limiter = self._people.pop(chat_id, None) or AsyncLimiter(
            PERSON_BURST, PERSON_BURST / self._person_rate
        )
        self._people[chat_id] = limiter
        while len(self._people) > _MAX_PEOPLE:
            self._people.popitem(last=False)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        """Wait for the person's own slot, then the shared limits; retry Telegram's 5xx."""
        chat_id = data.get("chat_id")
        person = self._person(chat_id) if isinstance(chat_id, int) and chat_id > 0 else None
        for attempt in range(SERVER_RETRIES + 1):
            try:
                if person is None:
                    return await super().process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                async with person:
                    return await super().process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
            except (BadRequest, TimedOut):
                raise  # our mistake, or it may have got through: never send twice
            except NetworkError as exc:
                if attempt == SERVER_RETRIES or endpoint == "getUpdates" or might_have_arrived(exc):
                    raise
                delay = 0.5 * 2**attempt
                log.info(
                    "Telegram had a problem (%s); trying %s again in %.1fs", exc, endpoint, delay
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
