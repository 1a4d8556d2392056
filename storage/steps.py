"""A person's place in a brew, each step kept in one transaction, and the nudges it implies."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Literal

from conversations.model import Answer, Kind, Outcome
from conversations.model import Progress as ProgressState
from storage import rows
from storage.base import StoreBase
from storage.errors import StaleProgress
from storage.records import Brew, NudgeDue
from storage.sql import Connection, run, run_many
from storage.timegiven import count_time
from storage.times import iso

INSERT_ANSWER = (
    "INSERT INTO answers (participant_id, brew_id, prompt_id, principle, kind, stage, rag,"
    " option, text, quote_consent, held, review, imported, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

_UPSERT_PROGRESS = (
    "INSERT INTO progress"
    " (participant_id, brew_id, state, status, turns, updated_at, last_activity_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_ON_CONFLICT = {
    # Anything there is replaced: data set up whole (an import, a test's people).
    "replace": " ON CONFLICT (participant_id, brew_id) DO UPDATE SET state = excluded.state,"
    " status = excluded.status, turns = excluded.turns, updated_at = excluded.updated_at,"
    " last_activity_at = excluded.last_activity_at",
    # Read as absent: another worker's first step got there first.
    "absent": " ON CONFLICT (participant_id, brew_id) DO NOTHING",
}
_UPDATE_READ = (
    "UPDATE progress SET state = ?, status = ?, turns = ?, updated_at = ?, last_activity_at = ?"
    " WHERE participant_id = ? AND brew_id = ? AND turns = ?"
)


class Unread(Enum):
    """A step kept without reading the place first (an import, a test setting people up)."""

    ANY = "any"


DUE_NUDGES = """
SELECT pr.participant_id, p.chat_id, pr.brew_id
FROM progress AS pr
JOIN participants AS p ON p.id = pr.participant_id
JOIN brews AS b ON b.id = pr.brew_id
WHERE pr.status = 'active'
  AND pr.last_activity_at < ?
  AND pr.nudged_at IS NULL
  AND p.nudges = 1 AND p.stopped = 0
  AND b.closed_at IS NULL
ORDER BY pr.last_activity_at, pr.participant_id
"""


def answer_values(
    answer: Answer,
    *,
    participant_id: str | None,
    brew_id: int,
    held: bool,
    imported: bool,
    created_at: str,
) -> tuple[object, ...]:
    """Lay out one answer for INSERT_ANSWER; its red/amber/green comes from its stage."""
    return (
        participant_id,
        brew_id,
        answer.prompt_id,
        answer.principle.value,
        answer.kind.value,
        None if answer.stage is None else int(answer.stage),
        None if answer.stage is None else answer.stage.rag.value,
        answer.option,
        answer.text,
        int(answer.quote_consent),
        int(held),
        "pending" if held else None,
        int(imported),
        created_at,
    )


async def insert_answers(db: Connection, values: Iterable[tuple[object, ...]]) -> None:
    """Insert laid-out answers (inside a write)."""
    await run_many(db, INSERT_ANSWER, values)


async def mark_handled_in(db: Connection, update_id: int, now: str) -> bool:
    """Record an update id; False if it was already there (inside a write)."""
    changed = await run(
        db,
        "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        (update_id, now),
    )
    return changed == 1


async def _open_in(db: Connection, participant_id: str, brew_id: int) -> int:
    """Give this brew the person's highest ``opened`` number, unless it has it (inside a write)."""
    return await run(
        db,
        "UPDATE progress SET opened ="
        " (SELECT COALESCE(MAX(opened), 0) + 1 FROM progress WHERE participant_id = ?)"
        " WHERE participant_id = ? AND brew_id = ? AND opened <= (SELECT"
        " COALESCE(MAX(opened), -1) FROM progress"
        " WHERE participant_id = ? AND brew_id != ?)",
        (participant_id, participant_id, brew_id, participant_id, brew_id),
    )


async def mark_all_handled_in(db: Connection, update_ids: Iterable[int], now: str) -> None:
    """Record several update ids at once, skipping any already there (inside a write)."""
    await run_many(
        db,
        "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        [(update_id, now) for update_id in update_ids],
    )


async def _keep_place(
    db: Connection,
    participant_id: str,
    brew_id: int,
    progress: ProgressState,
    state: str,
    now: str,
    read: int | Literal[Unread.ANY] | None,
) -> None:
    """Write a person's place, if it is still at the version ``read`` (inside a write)."""
    values = (state, progress.status.value, progress.turns, now, now)
    if isinstance(read, int):
        changed = await run(db, _UPDATE_READ, (*values, participant_id, brew_id, read))
    else:
        upsert = _UPSERT_PROGRESS + _ON_CONFLICT["replace" if read is Unread.ANY else "absent"]
        changed = await run(db, upsert, (participant_id, brew_id, *values))
    if changed != 1:
        raise StaleProgress("This person's place moved on while the step was decided.")


class StepStore(StoreBase):
    """Progress, the main write, and nudges."""

    async def progress(self, participant_id: str, brew_id: int) -> ProgressState | None:
        """Return where this person is in this brew, if they began it."""
        row = await self._one(
            "SELECT state FROM progress WHERE participant_id = ? AND brew_id = ?",
            (participant_id, brew_id),
        )
        return None if row is None else rows.progress(str(row["state"]))

    async def latest_progress(self, participant_id: str) -> tuple[Brew, ProgressState] | None:
        """Return the brew this person last opened (else last active in), with their progress."""
        row = await self._one(
            f"SELECT {rows.BREW_COLUMNS}, pr.state FROM progress AS pr"
            " JOIN brews AS b ON b.id = pr.brew_id LEFT JOIN groups AS g ON g.id = b.group_id"
            " WHERE pr.participant_id = ?"
            " ORDER BY pr.opened DESC, pr.last_activity_at DESC, pr.updated_at DESC LIMIT 1",
            (participant_id,),
        )
        return None if row is None else (rows.brew(row), rows.progress(str(row["state"])))

    async def mark_opened(self, participant_id: str, brew_id: int) -> None:
        """Make this brew the one this person last opened, so their typed words go to it.

        Nothing is written when it already is (the usual case: a tap in the brew they are in),
        so most taps cost no commit. A step kept with ``record_step(opened=True)`` does this
        in its own transaction instead.
        """
        await self._write(lambda db: _open_in(db, participant_id, brew_id))

    async def record_step(
        self,
        *,
        participant_id: str,
        brew_id: int,
        outcome: Outcome,
        update_id: int | None,
        opened: bool = False,
        read: int | Literal[Unread.ANY] | None = Unread.ANY,
    ) -> bool:
        """Keep one step in one transaction; False (and nothing written) for a repeated update.

        ``read`` is the version of the place the step was decided from (its ``turns``; None:
        the person had no place in this brew yet). If the place moved on since (another
        worker, or a push, kept a step meanwhile), nothing is written and StaleProgress is
        raised: read it again and step again. ``opened`` also makes this brew the one the
        person last opened (see ``mark_opened``). The time since this person's last step is
        added to the time they gave the brew.
        """
        moment = self._now()
        now = iso(moment)
        progress = outcome.progress
        state = json.dumps(progress.to_dict(), sort_keys=True)
        answers = [
            answer_values(
                answer,
                participant_id=participant_id,
                brew_id=brew_id,
                held=outcome.concern and answer.kind is Kind.TEXT,
                imported=False,
                created_at=now,
            )
            for answer in outcome.answers
        ]

        async def work(db: Connection) -> bool:
            if update_id is not None and not await mark_handled_in(db, update_id, now):
                return False
            await _keep_place(db, participant_id, brew_id, progress, state, now, read)
            await insert_answers(db, answers)
            if opened:
                await _open_in(db, participant_id, brew_id)
            await count_time(db, participant_id, brew_id, moment)
            if outcome.quote_consent is not None:
                await run(
                    db,
                    "UPDATE answers SET quote_consent = ? WHERE participant_id = ? AND brew_id = ?",
                    (int(outcome.quote_consent), participant_id, brew_id),
                )
            if outcome.self_description is not None:
                await run(
                    db,
                    "UPDATE participants SET self_description = ? WHERE id = ?",
                    (outcome.self_description, participant_id),
                )
            return True

        return await self._write(work)

    async def claim_help(self, update_id: int) -> bool:
        """Claim sending help for an update whose words suggest someone may be at risk: True
        for the one worker (or path) that sends it, False if help went, or is going, already
        (:meth:`help_went` says which)."""
        now = self._stamp()
        sql = (
            "INSERT INTO help_sent (update_id, sent_at) VALUES (?, ?)"
            " ON CONFLICT (update_id) DO NOTHING"
        )
        return await self._write(lambda db: run(db, sql, (update_id, now))) == 1

    async def mark_help_went(self, update_id: int) -> None:
        """Record that help claimed for an update has gone to the person (Telegram took it)."""
        sql = "UPDATE help_sent SET went_at = ? WHERE update_id = ?"
        await self._write(lambda db: run(db, sql, (self._stamp(), update_id)))

    async def help_went(self, update_id: int) -> bool | None:
        """Say how help for an update stands: True once it went, False while it is claimed
        and still going, None if nobody holds a claim on it (never claimed, or given back)."""
        row = await self._one("SELECT went_at FROM help_sent WHERE update_id = ?", (update_id,))
        return None if row is None else row["went_at"] is not None

    async def release_help(self, update_id: int) -> None:
        """Give a claim on sending help back, because it could not be sent: the handler of
        the update sends it in its turn."""
        await self._write(
            lambda db: run(db, "DELETE FROM help_sent WHERE update_id = ?", (update_id,))
        )

    async def was_handled(self, update_id: int) -> bool:
        """Say whether a Telegram update was already handled (a redelivery)."""
        row = await self._one("SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,))
        return row is not None

    async def mark_handled(self, update_id: int) -> bool:
        """Record a Telegram update as handled; True the first time only."""
        now = self._stamp()
        return await self._write(lambda db: mark_handled_in(db, update_id, now))

    async def due_nudges(self, *, idle_before: datetime) -> list[NudgeDue]:
        """List people part way through an open brew, quiet since before ``idle_before``,
        never nudged about it (the reminder says it is the only one), with nudges on and not
        stopped."""
        found = await self._all(DUE_NUDGES, (iso(idle_before),))
        return [
            NudgeDue(
                participant_id=str(row["participant_id"]),
                chat_id=int(row["chat_id"]),
                brew_id=int(row["brew_id"]),
            )
            for row in found
        ]

    async def mark_nudged(self, participant_id: str, brew_id: int, *, undo: bool = False) -> bool:
        """Claim this person's one reminder about this brew, just now: True for the worker
        that claims it, False if it was claimed before (by this worker or another). Undo
        forgets it, because the reminder surely never reached them."""
        if undo:
            sql = "UPDATE progress SET nudged_at = NULL WHERE participant_id = ? AND brew_id = ?"
            params: tuple[object, ...] = (participant_id, brew_id)
        else:
            sql = (
                "UPDATE progress SET nudged_at = ? WHERE participant_id = ? AND brew_id = ?"
                " AND nudged_at IS NULL"
            )
            params = (self._stamp(), participant_id, brew_id)
        return await self._write(lambda db: run(db, sql, params)) == 1
