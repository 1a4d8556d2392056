"""Time each person gave a brew: counted as they answer, shown only to them, summed for others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.timegiven import added_seconds
from storage.base import StoreBase
from storage.sql import Connection, fetch_one, run
from storage.times import iso, parse


@dataclass(frozen=True)
class MyTime:
    """One brew's time, for the person who gave it."""

    brew_id: int
    seconds: int
    first_at: datetime


async def count_time(db: Connection, participant_id: str, brew_id: int, moment: datetime) -> None:
    """Add the time since this person's last step in this brew, long pauses capped (inside a
    write); their first step starts the clock."""
    now = iso(moment)
    row = await fetch_one(
        db,
        "SELECT last_at FROM time_given WHERE participant_id = ? AND brew_id = ?",
        (participant_id, brew_id),
    )
    if row is None:
        await run(
            db,
            "INSERT INTO time_given (participant_id, brew_id, seconds, first_at, last_at)"
            " VALUES (?, ?, 0, ?, ?) ON CONFLICT (participant_id, brew_id) DO NOTHING",
            (participant_id, brew_id, now, now),
        )
        return
    added = added_seconds(parse(str(row["last_at"])), moment)
    await run(
        db,
        "UPDATE time_given SET seconds = seconds + ?, last_at = ?"
        " WHERE participant_id = ? AND brew_id = ?",
        (added, now, participant_id, brew_id),
    )


class TimeStore(StoreBase):
    """Time given: a person's own, and a brew's without who."""

    async def my_time(self, participant_id: str) -> list[MyTime]:
        """Return the time this person gave each brew, oldest first."""
        found = await self._all(
            "SELECT brew_id, seconds, first_at FROM time_given WHERE participant_id = ?"
            " ORDER BY first_at, brew_id",
            (participant_id,),
        )
        return [
            MyTime(int(r["brew_id"]), int(r["seconds"]), parse(str(r["first_at"]))) for r in found
        ]

    async def brew_seconds(self, brew_id: int) -> list[int]:
        """Return everyone's seconds for one brew, in no order and with no one's id."""
        found = await self._all(
            "SELECT seconds FROM time_given WHERE brew_id = ? ORDER BY seconds", (brew_id,)
        )
        return [int(r["seconds"]) for r in found]
