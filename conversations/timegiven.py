"""Time people give by answering: counted step by step, long pauses capped, and summed up.

Pure arithmetic over plain numbers. A person's own minutes are theirs to see; facilitators
see a brew's total and median only, and only when enough people gave time.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PAUSE_CAP = timedelta(minutes=5)  # a longer gap counts as this much: a break is not work


def added_seconds(last: datetime, now: datetime, *, cap: timedelta = PAUSE_CAP) -> int:
    """Return the seconds between two steps to count, never negative and never over ``cap``."""
    gap = (now - last).total_seconds()
    return int(max(0.0, min(gap, cap.total_seconds())))


def minutes(seconds: int) -> int:
    """Round seconds to whole minutes for people to read; any time given is at least one."""
    if seconds <= 0:
        return 0
    return max(1, math.floor(seconds / 60 + 0.5))


@dataclass(frozen=True)
class BrewTime:
    """A brew's time given, for fees and expenses: never who gave it."""

    people: int
    total_minutes: int
    median_minutes: int


def brew_time(seconds: Sequence[int], *, min_group: int) -> BrewTime | None:
    """Sum and take the median of people's time, or None when too few gave any to show it."""
    given = [s for s in seconds if s > 0]
    if len(given) < min_group:
        return None
    return BrewTime(
        people=len(given),
        total_minutes=minutes(sum(given)),
        median_minutes=minutes(round(statistics.median(given))),
    )
