"""Words heard in a voice note, waiting for the person to keep them. Never the sound."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.base import StoreBase
from storage.sql import Connection, Row, insert, run
from storage.times import iso, parse

# Words nobody chose to keep are deleted after this: they were never an answer.
HEARD_KEPT = timedelta(days=1)
_COLUMNS = "id, participant_id, brew_id, prompt_id, text, helped, heard_at"


@dataclass(frozen=True)
class Heard:
    """What a person's voice note said, shown back for a question, not yet kept."""

    id: int
    participant_id: str
    brew_id: int
    prompt_id: str
    text: str
    helped: bool  # help was sent when the words were heard, so keeping them sends none again
    heard_at: datetime


def _heard(row: Row) -> Heard:
    return Heard(
        id=int(row["id"]),
        participant_id=str(row["participant_id"]),
        brew_id=int(row["brew_id"]),
        prompt_id=str(row["prompt_id"]),
        text=str(row["text"]),
        helped=bool(row["helped"]),
        heard_at=parse(str(row["heard_at"])),
    )


async def forget_old_heard(db: Connection, now: datetime) -> int:
    """Delete words heard more than a day ago and never chosen (inside a write)."""
    return await run(db, "DELETE FROM heard WHERE heard_at < ?", (iso(now - HEARD_KEPT),))


class HeardStore(StoreBase):
    """Keep a voice note's words until the person keeps, drops or forgets them."""

    async def save_heard(
        self, participant_id: str, brew_id: int, prompt_id: str, text: str, *, helped: bool
    ) -> Heard:
        """Keep the words heard for a question, in place of any the person had waiting."""
        now = self._now()

        async def work(db: Connection) -> int:
            await forget_old_heard(db, now)
            await run(db, "DELETE FROM heard WHERE participant_id = ?", (participant_id,))
            return await insert(
                db,
                "INSERT INTO heard (participant_id, brew_id, prompt_id, text, helped, heard_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (participant_id, brew_id, prompt_id, text, int(helped), iso(now)),
            )

        heard_id = await self._write(work)
        return Heard(heard_id, participant_id, brew_id, prompt_id, text, helped, now)

    async def heard(self, heard_id: int, participant_id: str) -> Heard | None:
        """Return a person's waiting words, unless they are gone or over a day old."""
        row = await self._one(
            f"SELECT {_COLUMNS} FROM heard WHERE id = ? AND participant_id = ? AND heard_at >= ?",
            (heard_id, participant_id, iso(self._now() - HEARD_KEPT)),
        )
        return None if row is None else _heard(row)

    async def drop_heard(self, heard_id: int) -> None:
        """Delete waiting words: kept as an answer, or not wanted."""
        await self._write(lambda db: run(db, "DELETE FROM heard WHERE id = ?", (heard_id,)))
