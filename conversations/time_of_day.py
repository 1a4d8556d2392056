"""Times of day as people write them: the one reader for "9", "09:30", "21:00" or "9pm".

Used wherever brewbot reads a time of day (quiet hours in the settings, a paced brew's hour
in /newbrew and in storage), so "9" means the same everywhere: nine in the morning.
"""

from __future__ import annotations

import re
from datetime import time

# An hour, then perhaps minutes after ":" or "." (always two digits: "9:5" could be 9:05 or
# 9:50), then perhaps am or pm.
_TIME = re.compile(r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2}))?\s*(?P<half>am|pm)?")


def read_time_of_day(text: str | None) -> time | None:
    """Return the time of day in ``text``, or None if it is not one.

    "9" and "09" are 09:00; "9:30" and "9.30" are 09:30; "21:00" is 21:00; "9pm" is 21:00,
    "12am" is midnight and "12pm" noon. Not "24:00", "9:5", "13pm" or "9 o'clock".
    """
    found = _TIME.fullmatch((text or "").strip().casefold())
    if found is None:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["half"] is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if found["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
