"""The facilitators' side: held answers, "we said, we did", plans, one-off posts, imports."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from conversations.model import Answer
from storage.base import StoreBase
from storage.records import HeldAnswer, OutboxItem, PlanItem
from storage.sql import insert, run
from storage.steps import answer_values, insert_answers
from storage.times import parse

HELD_ANSWERS = """
SELECT a.id, a.brew_id, a.text, a.created_at
FROM groups AS g
JOIN brews AS b ON b.group_id = g.id
JOIN answers AS a ON a.brew_id = b.id
WHERE g.chat_id = ? AND a.held = 1 AND a.review = 'pending'
ORDER BY a.created_at, a.id
"""

QUEUE_NEWS = """
INSERT INTO outbox (wesaid_id, participant_id)
SELECT w.id, pr.participant_id
FROM wesaid AS w
JOIN progress AS pr ON pr.brew_id = w.brew_id
JOIN participants AS p ON p.id = pr.participant_id
WHERE w.id = ? AND p.news = 1 AND p.stopped = 0
ORDER BY pr.participant_id
ON CONFLICT (wesaid_id, participant_id) DO NOTHING
"""

PENDING_OUTBOX = """
SELECT o.id, p.chat_id, w.text
FROM outbox AS o
JOIN participants AS p ON p.id = o.participant_id
JOIN wesaid AS w ON w.id = o.wesaid_id
WHERE o.sent_at IS NULL AND p.news = 1 AND p.stopped = 0
ORDER BY o.id
LIMIT ?
"""


class FacilitationStore(StoreBase):
    """Safeguarding review, news to participants, action plans, posts and imports."""

    async def held_answers(self, group_chat_id: int) -> list[HeldAnswer]:
        """List answers in this group's brews held for a facilitator to look at."""
        found = await self._all(HELD_ANSWERS, (group_chat_id,))
        return [
            HeldAnswer(
                answer_id=int(row["id"]),
                brew_id=int(row["brew_id"]),
                text=None if row["text"] is None else str(row["text"]),
                created_at=parse(str(row["created_at"])),
            )
            for row in found
        ]

    async def release(self, answer_id: int) -> bool:
        """Let a held answer into summaries; False if it was not waiting for review."""
        changed = await self._write(
            lambda db: run(
                db,
                "UPDATE answers SET held = 0, review = 'released'"
                " WHERE id = ? AND held = 1 AND review = 'pending'",
                (answer_id,),
            )
        )
        return changed == 1

    async def keep_out(self, answer_id: int) -> bool:
        """Keep a held answer out of summaries for good; False if it was not waiting for review."""
        changed = await self._write(
            lambda db: run(
                db,
                "UPDATE answers SET review = 'kept_out'"
                " WHERE id = ? AND held = 1 AND review = 'pending'",
                (answer_id,),
            )
        )
        return changed == 1

    async def add_wesaid(self, brew_id: int, text: str) -> int:
        """Keep a "we said, we did" message for a brew and return its id."""
        now = self._stamp()
        return await self._write(
            lambda db: insert(
                db,
                "INSERT INTO wesaid (brew_id, text, created_at) VALUES (?, ?, ?)",
                (brew_id, text, now),
            )
        )

    async def queue_news(self, wesaid_id: int) -> int:
        """Queue a message for each of its brew's people who asked for news; return how many
        were newly queued (queueing twice adds nobody twice)."""
        return await self._write(lambda db: run(db, QUEUE_NEWS, (wesaid_id,)))

    async def pending_outbox(self, limit: int) -> list[OutboxItem]:
        """List queued news not yet sent to people who still want it, oldest first."""
        found = await self._all(PENDING_OUTBOX, (limit,))
        return [
            OutboxItem(id=int(row["id"]), chat_id=int(row["chat_id"]), text=str(row["text"]))
            for row in found
        ]

    async def mark_sent(self, outbox_id: int) -> None:
        """Remember that one queued message was sent."""
        now = self._stamp()
        await self._write(
            lambda db: run(
                db,
                "UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                (now, outbox_id),
            )
        )

    async def add_plan_item(self, brew_id: int, who: str, what: str, due: str | None) -> PlanItem:
        """Add one action to a brew's plan."""
        now = self._stamp()

        async def work(db: aiosqlite.Connection) -> PlanItem:
            item_id = await insert(
                db,
                "INSERT INTO plan_items (brew_id, who, what, due, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (brew_id, who, what, due, now),
            )
            return PlanItem(
                id=item_id, brew_id=brew_id, who=who, what=what, due=due, created_at=parse(now)
            )

        return await self._write(work)

    async def plan(self, brew_id: int) -> list[PlanItem]:
        """List a brew's plan in the order it was written."""
        found = await self._all(
            "SELECT id, brew_id, who, what, due, created_at FROM plan_items"
            " WHERE brew_id = ? ORDER BY id",
            (brew_id,),
        )
        return [
            PlanItem(
                id=int(row["id"]),
                brew_id=int(row["brew_id"]),
                who=str(row["who"]),
                what=str(row["what"]),
                due=None if row["due"] is None else str(row["due"]),
                created_at=parse(str(row["created_at"])),
            )
            for row in found
        ]

    async def claim_post(self, kind: str, key: str) -> bool:
        """Claim the right to post something once (e.g. ("digest", "2026-W47")); True first time."""
        now = self._stamp()
        changed = await self._write(
            lambda db: run(
                db,
                "INSERT INTO posts (kind, key, posted_at) VALUES (?, ?, ?)"
                " ON CONFLICT (kind, key) DO NOTHING",
                (kind, key, now),
            )
        )
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

        async def work(db: aiosqlite.Connection) -> int | None:
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
