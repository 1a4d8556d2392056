"""Faults to inject: Telegram-shaped errors and dropped connections for the next calls."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus

from standin.limits import ApiError

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    """One planned failure: an error answer, a dropped connection before or after the work,
    or the work done and the answer held back for ``late_s`` (the client gives up first)."""

    method: str  # lower-case method name, or "*" for any method but getUpdates
    times: int
    error: ApiError | None = None
    drop_after_effect: bool | None = None  # None: not a drop
    late_s: float = 0.0

    def matches(self, method: str) -> bool:
        """Say whether this fault applies to a call of method."""
        lowered = method.lower()
        return self.method == lowered or (self.method == "*" and lowered != "getupdates")


@dataclass
class Chaos:
    """Telegram on a bad day: a share of calls (never getUpdates) fail, picked by a seeded
    random: 500, 502, 429 with retry_after 1, or done and answered too late."""

    share: float
    seed: int
    late_s: float
    rng: random.Random = field(init=False)
    struck: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def pick(self, method: str) -> Fault | None:
        """Decide whether this call fails, and how."""
        if method.lower() == "getupdates" or self.rng.random() >= self.share:
            return None
        kind = self.rng.choice(("500", "502", "429", "late"))
        self.struck[kind] += 1
        if kind == "late":
            return Fault(method.lower(), 1, late_s=self.late_s)
        return Fault(method.lower(), 1, error=error_for(int(kind), 1, None))


def error_for(status: int, retry_after: int, description: str | None) -> ApiError:
    """Build the error Telegram would send with this status."""
    if status == 429:
        return ApiError(
            429,
            description or f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )
    if description is None:
        try:
            description = _DESCRIPTIONS.get(status, HTTPStatus(status).phrase)
        except ValueError:
            description = "Unknown Error"
    return ApiError(status, description)


class FaultPlan:
    """The queue of planned faults, consumed call by call."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self.chaos: Chaos | None = None

    def add(self, fault: Fault) -> None:
        """Plan a fault."""
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(fault)

    def clear(self) -> None:
        """Forget every planned fault."""
        self._faults.clear()

    def take(self, method: str) -> Fault | None:
        """Use up one occurrence of the first fault planned for method, if any (else chaos)."""
        for fault in self._faults:
            if fault.matches(method):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return self.chaos.pick(method) if self.chaos is not None else None
