"""Live and paced brews: questions pushed in a live brew, and each person's delivery, kept
before it is sent, so a restart part-way neither loses one nor sends one twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from conversations.model import Pace
from conversations.model import Progress as ProgressState
from conversations.packed import SEP, BadPacked
from storage import rows
from storage.base import StoreBase
from storage.errors import NotFound
from storage.records import (
    DELIVERING,
    AskLive,
    Brew,
    DayPart,
    Delivery,
    DeliveryWhat,
    LiveEnd,
    LiveQuestion,
    StoredText,
)
from storage.sql import Connection, Row, fetch_all, fetch_one, insert, run
from storage.times import iso, parse

QUESTION_COLUMNS = "id, brew_id, number, prompt_id, text, asked_at, counts_message_id"

# Everyone in the brew who has not finished and has not stopped brewbot. Someone on a
# break is included: the engine keeps the question for them without sending anything.
QUEUE_FOR_BREW = """
INSERT INTO deliveries (brew_id, participant_id, what, queued_at)
SELECT pr.brew_id, pr.participant_id, ?, ?
FROM progress AS pr
JOIN participants AS p ON p.id = pr.participant_id
WHERE pr.brew_id = ? AND pr.status IN ({statuses}) AND p.stopped = 0
ORDER BY pr.participant_id
ON CONFLICT (brew_id, participant_id, what) DO NOTHING
"""

# A delivery's ``what`` is packed by its kind (storage.records); SQL only looks at the prefix.
PENDING_DELIVERIES = f"""
SELECT d.id, d.brew_id, d.participant_id, p.chat_id, d.what
FROM deliveries AS d
JOIN participants AS p ON p.id = d.participant_id
WHERE d.sent_at IS NULL AND (? OR d.what NOT LIKE '{DayPart.prefix}{SEP}%') AND d.id > ?
ORDER BY d.id
LIMIT ?
"""

ANSWERED = """
SELECT COUNT(DISTINCT participant_id) AS people
FROM answers
WHERE brew_id = ? AND prompt_id = ? AND participant_id IS NOT NULL
"""

ANSWER_TEXTS = f"""
SELECT id, {rows.PERSON} AS person, prompt_id, principle, text, quote_consent
FROM answers
WHERE brew_id = ? AND prompt_id = ? AND kind = 'text' AND held = 0 AND text IS NOT NULL
ORDER BY id
"""


PROGRESS = "SELECT state FROM progress WHERE participant_id = ? AND brew_id = ?"

SHOWN = f"""
SELECT q.prompt_id, d.shown_at
FROM deliveries AS d
JOIN live_questions AS q ON q.brew_id = d.brew_id AND d.what = '{AskLive.prefix}{SEP}' || q.number
WHERE d.brew_id = ? AND d.participant_id = ? AND d.shown_at IS NOT NULL
"""


def _question(row: Row) -> LiveQuestion:
    message = row["counts_message_id"]
    return LiveQuestion(
        id=int(row["id"]),
        brew_id=int(row["brew_id"]),
        number=int(row["number"]),
        prompt_id=str(row["prompt_id"]),
        text=rows.optional_str(row["text"]),
        asked_at=parse(str(row["asked_at"])),
        counts_message_id=None if message is None else int(message),
    )


async def _queue(
    db: Connection, brew_id: int, what: DeliveryWhat, now: str, statuses: Sequence[str]
) -> int:
    """Queue one delivery for each person in the brew at one of ``statuses`` (inside a write)."""
    marks = ", ".join("?" for _ in statuses)
    sql = QUEUE_FOR_BREW.format(statuses=marks)
    return await run(db, sql, (what.pack(), now, brew_id, *statuses))


def _what(text: str) -> DeliveryWhat | None:
    """Read a delivery's ``what``; None for a kind this brewbot does not know."""
    try:
        return DELIVERING.unpack(text)
    except BadPacked:
        return None


class LiveStore(StoreBase):
    """Live questions, paced parts and the deliveries that take them to people."""

    async def live_questions(self, brew_id: int) -> list[LiveQuestion]:
        """List the questions pushed in a brew, first first."""
        found = await self._all(
            f"SELECT {QUESTION_COLUMNS} FROM live_questions WHERE brew_id = ? ORDER BY number",
            (brew_id,),
        )
        return [_question(row) for row in found]

    async def push_question(self, brew_id: int, prompt_id: str | None, text: str | None) -> int:
        """Keep the next live question (one of the pack's, or ``text`` as a one-off) and queue
        it for everyone in the brew, in one transaction; return its number."""
        now = self._stamp()

        async def work(db: Connection) -> int:
            row = await fetch_one(
                db,
                "SELECT COALESCE(MAX(number), 0) + 1 FROM live_questions WHERE brew_id = ?",
                (brew_id,),
            )
            number = int(row[0]) if row is not None else 1
            await insert(
                db,
                "INSERT INTO live_questions (brew_id, number, prompt_id, text, asked_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (brew_id, number, prompt_id or f"live_{number}", text, now),
            )
            await _queue(db, brew_id, AskLive(number), now, ("active", "paused"))
            return number

        return await self._write(work)

    async def set_counts_message(self, question_id: int, message_id: int) -> None:
        """Remember the group message that shows how many answered a live question."""
        await self._write(
            lambda db: run(
                db,
                "UPDATE live_questions SET counts_message_id = ? WHERE id = ?",
                (message_id, question_id),
            )
        )

    async def end_live(self, brew_id: int) -> Brew:
        """End a brew's live part: its people may now answer what they missed in their own
        time. Queues a word to each who is still taking part, in the same transaction."""
        now = self._stamp()

        async def work(db: Connection) -> Brew:
            changed = await run(
                db,
                "UPDATE brews SET pace = ?, live_ended_at = ? WHERE id = ? AND pace = ?",
                (Pace.SELF.value, now, brew_id, Pace.LIVE.value),
            )
            if changed:
                await _queue(db, brew_id, LiveEnd(), now, ("active",))
            found = await fetch_all(
                db, f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM} WHERE b.id = ?", (brew_id,)
            )
            if not found:
                raise NotFound(f"There is no brew {brew_id}.")
            return rows.brew(found[0])

        return await self._write(work)

    async def queue_day(self, brew_id: int, day: date) -> int | None:
        """Queue a paced brew's part for ``day`` to everyone taking part and not
        on a break; None if that day's part was queued before (once a day, restart or not)."""
        now = self._stamp()

        async def work(db: Connection) -> int | None:
            claimed = await run(
                db,
                "INSERT INTO posts (kind, key, posted_at) VALUES ('pace', ?, ?)"
                " ON CONFLICT (kind, key) DO NOTHING",
                (f"{brew_id}:{day.isoformat()}", now),
            )
            if claimed != 1:
                return None
            return await _queue(db, brew_id, DayPart(day), now, ("active",))

        return await self._write(work)

    async def live_brews(self) -> list[Brew]:
        """List the open brews that are live now, in any group."""
        found = await self._all(
            f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM}"
            " WHERE b.pace = ? AND b.closed_at IS NULL ORDER BY b.id",
            (Pace.LIVE.value,),
        )
        return [rows.brew(row) for row in found]

    async def paced_brews(self) -> list[Brew]:
        """List the open brews that send a part a day."""
        found = await self._all(
            f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM}"
            " WHERE b.pace = ? AND b.closed_at IS NULL ORDER BY b.id",
            (Pace.DAILY.value,),
        )
        return [rows.brew(row) for row in found]

    async def pending_deliveries(
        self, limit: int, *, days: bool = True, after: int = 0
    ) -> list[Delivery]:
        """List deliveries not yet sent, oldest first (a paced brew's parts only if ``days``;
        only those queued after the delivery ``after``)."""
        found = await self._all(PENDING_DELIVERIES, (days, after, limit))
        return [
            Delivery(
                id=int(row["id"]),
                brew_id=int(row["brew_id"]),
                participant_id=str(row["participant_id"]),
                chat_id=int(row["chat_id"]),
                what=_what(str(row["what"])),
            )
            for row in found
        ]

    async def mark_delivered(
        self, delivery_id: int, *, uncertain: bool = False, shown_at: datetime | None = None
    ) -> None:
        """Remember that a delivery went (or, uncertain, may have gone), so it never goes twice,
        and when it reached the person's screen (None: nothing was shown to them)."""
        now = self._stamp()
        shown = None if shown_at is None else iso(shown_at)
        await self._write(
            lambda db: run(
                db,
                "UPDATE deliveries SET sent_at = ?, uncertain = ?, shown_at = ?"
                " WHERE id = ? AND sent_at IS NULL",
                (now, int(uncertain), shown, delivery_id),
            )
        )

    async def live_progress(
        self, participant_id: str, brew_id: int
    ) -> tuple[ProgressState | None, dict[str, datetime]]:
        """Return where this person is in a live brew, and when each live question reached
        their screen, by prompt id: one read, as a reply to them waits on it."""

        async def work(db: Connection) -> tuple[ProgressState | None, dict[str, datetime]]:
            row = await fetch_one(db, PROGRESS, (participant_id, brew_id))
            shown = await fetch_all(db, SHOWN, (brew_id, participant_id))
            progress = None if row is None else rows.progress(str(row["state"]))
            return progress, {str(r["prompt_id"]): parse(str(r["shown_at"])) for r in shown}

        return await self._snapshot(work)

    async def answered(self, brew_id: int, prompt_id: str) -> tuple[int, list[StoredText]]:
        """Count the people who answered one question of a brew, with its typed answers (held
        ones left out), for the live counts message."""

        async def work(db: Connection) -> tuple[int, list[StoredText]]:
            people = await fetch_one(db, ANSWERED, (brew_id, prompt_id))
            texts = await fetch_all(db, ANSWER_TEXTS, (brew_id, prompt_id))
            count = int(people["people"]) if people is not None else 0
            return count, [rows.answer_text(row) for row in texts]

        return await self._snapshot(work)
