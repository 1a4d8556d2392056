"""Following a brew up: a week's brews, answers and news for the digest, "we said, we did"
queued and sent to the people who asked, action plans, and posts that must happen once."""

from __future__ import annotations

from datetime import datetime

from storage import rows
from storage.base import StoreBase
from storage.records import (
    BrewAnswerText,
    NewsItem,
    PlanItem,
    WeekBrew,
    WeSaid,
    WeSaidQueued,
)
from storage.sql import Connection, insert, run
from storage.times import iso, parse

# The digest's reads are always one facilitators' group's: it never pools councils.
WEEK_BREWS = f"""
WITH answered AS (
    SELECT brew_id, COUNT(DISTINCT {rows.PERSON}) AS people
    FROM answers
    WHERE created_at >= ? AND created_at < ?
    GROUP BY brew_id
)
SELECT b.id, b.theme, COALESCE(answered.people, 0) AS people
FROM brews AS b
JOIN groups AS g ON g.id = b.group_id
LEFT JOIN answered ON answered.brew_id = b.id
WHERE g.chat_id = ?
  AND (answered.brew_id IS NOT NULL OR (b.opened_at >= ? AND b.opened_at < ?))
ORDER BY b.opened_at, b.id
"""

WEEK_ANSWER_TEXTS = f"""
SELECT id, brew_id, {rows.PERSON} AS person, prompt_id, principle, text, quote_consent
FROM answers
WHERE kind = 'text' AND text IS NOT NULL AND held = 0 AND created_at >= ? AND created_at < ?
  AND brew_id IN (
      SELECT b.id FROM brews AS b JOIN groups AS g ON g.id = b.group_id WHERE g.chat_id = ?
  )
ORDER BY id
"""

WEEK_WESAID = """
SELECT w.id, w.brew_id, b.theme, w.text, w.created_at
FROM wesaid AS w
JOIN brews AS b ON b.id = w.brew_id
JOIN groups AS g ON g.id = b.group_id
WHERE w.created_at >= ? AND w.created_at < ? AND g.chat_id = ?
ORDER BY w.id
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

PENDING_NEWS = """
SELECT o.id, p.chat_id, p.easy, p.language, b.theme, w.text
FROM outbox AS o
JOIN participants AS p ON p.id = o.participant_id
JOIN wesaid AS w ON w.id = o.wesaid_id
JOIN brews AS b ON b.id = w.brew_id
WHERE o.sent_at IS NULL AND p.news = 1 AND p.stopped = 0 AND o.id > ?
ORDER BY o.id
LIMIT ?
"""

CLAIM = (
    "INSERT INTO posts (kind, key, posted_at) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO NOTHING"
)


async def _claim(db: Connection, kind: str, key: str, now: str) -> bool:
    """Record (kind, key) inside a write; False if it was there already."""
    return await run(db, CLAIM, (kind, key, now)) == 1


class FollowUpStore(StoreBase):
    """Reads for the weekly digest, news to queue and send, plans, and once-only posts."""

    async def week_brews(
        self, start: datetime, end: datetime, *, group_chat_id: int
    ) -> list[WeekBrew]:
        """List a group's brews opened or answered in [start, end), with how many answered then."""
        since, until = iso(start), iso(end)
        found = await self._all(WEEK_BREWS, (since, until, group_chat_id, since, until))
        return [
            WeekBrew(brew_id=int(row["id"]), theme=str(row["theme"]), took_part=int(row["people"]))
            for row in found
        ]

    async def week_answer_texts(
        self, start: datetime, end: datetime, *, group_chat_id: int
    ) -> list[BrewAnswerText]:
        """List typed answers given in [start, end) in a group's brews, held ones left out."""
        found = await self._all(WEEK_ANSWER_TEXTS, (iso(start), iso(end), group_chat_id))
        return [BrewAnswerText(int(row["brew_id"]), rows.answer_text(row)) for row in found]

    async def week_wesaid(
        self, start: datetime, end: datetime, *, group_chat_id: int
    ) -> list[WeSaid]:
        """List a group's "we said, we did" updates written in [start, end), oldest first."""
        found = await self._all(WEEK_WESAID, (iso(start), iso(end), group_chat_id))
        return [
            WeSaid(
                id=int(row["id"]),
                brew_id=int(row["brew_id"]),
                theme=str(row["theme"]),
                text=str(row["text"]),
                created_at=parse(str(row["created_at"])),
            )
            for row in found
        ]

    async def record_wesaid(self, brew_id: int, text: str, once: str) -> WeSaidQueued | None:
        """Keep a "we said, we did" and queue it for the brew's people who want news, in one
        transaction; None if the same ``once`` key was recorded before (a second tap)."""
        now = self._stamp()

        async def work(db: Connection) -> WeSaidQueued | None:
            if not await _claim(db, "wesaid", once, now):
                return None
            wesaid_id = await insert(
                db,
                "INSERT INTO wesaid (brew_id, text, created_at) VALUES (?, ?, ?)",
                (brew_id, text, now),
            )
            queued = await run(db, QUEUE_NEWS, (wesaid_id,))
            return WeSaidQueued(wesaid_id=wesaid_id, queued=queued)

        return await self._write(work)

    async def mark_sent(self, outbox_id: int, *, uncertain: bool = False) -> None:
        """Remember that one queued message was sent (or, uncertain, may have been: Telegram
        stopped answering after it had the message), so it is never sent again."""
        now = self._stamp()
        await self._write(
            lambda db: run(
                db,
                "UPDATE outbox SET sent_at = ?, uncertain = ? WHERE id = ? AND sent_at IS NULL",
                (now, int(uncertain), outbox_id),
            )
        )

    async def pending_news(self, limit: int, *, after: int = 0) -> list[NewsItem]:
        """List queued news not yet sent to people who still want it, oldest first (only
        those queued after the item ``after``)."""
        found = await self._all(PENDING_NEWS, (after, limit))
        return [
            NewsItem(
                outbox_id=int(row["id"]),
                chat_id=int(row["chat_id"]),
                easy=bool(row["easy"]),
                theme=str(row["theme"]),
                text=str(row["text"]),
                language=rows.optional_str(row["language"]),
            )
            for row in found
        ]

    async def add_plan_item_once(
        self, once: str, brew_id: int, who: str, what: str, due: str | None
    ) -> PlanItem | None:
        """Add one action to a brew's plan unless the same ``once`` key added one before."""
        now = self._stamp()

        async def work(db: Connection) -> PlanItem | None:
            if not await _claim(db, "plan", once, now):
                return None
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
            f"SELECT {rows.PLAN_COLUMNS} FROM plan_items WHERE brew_id = ? ORDER BY id", (brew_id,)
        )
        return [rows.plan_item(row) for row in found]

    async def claim_post(self, kind: str, key: str) -> bool:
        """Claim the right to post something once (e.g. ("digest", "2026-W47")); True first time."""
        now = self._stamp()
        return await self._write(lambda db: _claim(db, kind, key, now))

    async def has_post(self, kind: str, key: str) -> bool:
        """Say whether (kind, key) was claimed or recorded as posted."""
        row = await self._one("SELECT 1 FROM posts WHERE kind = ? AND key = ?", (kind, key))
        return row is not None

    async def latest_post(self, kind: str) -> str | None:
        """Return the greatest key recorded for a kind (week keys sort in time order), or None."""
        row = await self._one("SELECT MAX(key) AS key FROM posts WHERE kind = ?", (kind,))
        return None if row is None or row["key"] is None else str(row["key"])
