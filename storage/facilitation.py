"""The facilitators' review of held answers, and answers imported from a file."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.model import Answer
from storage import rows
from storage.base import StoreBase
from storage.records import HeldAnswer
from storage.sql import Connection, run
from storage.steps import answer_values, insert_answers
from storage.times import parse

HELD_ANSWERS = """
SELECT a.id, a.brew_id, a.text, a.created_at, a.shown_in_full
FROM groups AS g
JOIN brews AS b ON b.group_id = g.id
JOIN answers AS a ON a.brew_id = b.id
WHERE g.chat_id = ? AND a.held = 1 AND a.review = 'pending'
ORDER BY a.created_at, a.id
"""

SHOWN_IN_FULL = """
UPDATE answers SET shown_in_full = shown_in_full + 1
WHERE id = ? AND held = 1 AND review = 'pending'
"""

DECIDE = """
UPDATE answers SET held = ?, review = ?
WHERE id = ? AND held = 1 AND review = 'pending'
"""


class FacilitationStore(StoreBase):
    """Safeguarding review of held answers, and imports."""

    async def held_answers(self, group_chat_id: int) -> list[HeldAnswer]:
        """List answers in this group's brews held for a facilitator to look at."""
        found = await self._all(HELD_ANSWERS, (group_chat_id,))
        return [
            HeldAnswer(
                answer_id=int(row["id"]),
                brew_id=int(row["brew_id"]),
                text=rows.optional_str(row["text"]),
                created_at=parse(str(row["created_at"])),
                shown_in_full=int(row["shown_in_full"]),
            )
            for row in found
        ]

    async def note_shown_in_full(self, answer_id: int) -> bool:
        """Count that an admin showed a held answer unmasked; False if it is no longer held."""
        changed = await self._write(lambda db: run(db, SHOWN_IN_FULL, (answer_id,)))
        return changed == 1

    async def release(self, answer_id: int) -> bool:
        """Let a held answer into summaries; False if it was not waiting for review."""
        return await self._decide(answer_id, held=False, review="released")

    async def keep_out(self, answer_id: int) -> bool:
        """Keep a held answer out of summaries for good; False if it was not waiting for review."""
        return await self._decide(answer_id, held=True, review="kept_out")

    async def _decide(self, answer_id: int, *, held: bool, review: str) -> bool:
        """Settle one answer still waiting for review; False if it was not waiting."""
        changed = await self._write(lambda db: run(db, DECIDE, (int(held), review, answer_id)))
        return changed == 1

    async def import_answers(
        self, *, brew_id: int, sha256: str, answers: Sequence[Answer]
    ) -> int | None:
        """Keep answers from a file (no participant) once per file; None if already imported."""
        now = self._stamp()
        values = [
            answer_values(
                answer,
                participant_id=None,
                brew_id=brew_id,
                held=False,
                imported=True,
                created_at=now,
            )
            for answer in answers
        ]

        async def work(db: Connection) -> int | None:
            added = await run(
                db,
                "INSERT INTO imports (brew_id, sha256, row_count, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (brew_id, sha256) DO NOTHING",
                (brew_id, sha256.lower(), len(values), now),
            )
            if added == 0:
                return None
            await insert_answers(db, values)
            return len(values)

        return await self._write(work)
