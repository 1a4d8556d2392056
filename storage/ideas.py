"""Themes people suggest for future brews, kept under a keyed hash of who, never their id."""

from __future__ import annotations

from conversations.suggestions import Suggested, normalise
from storage.base import StoreBase
from storage.sql import Connection, fetch_all, fetch_one, run

# The group of the brew a person last opened: their suggestion goes to that council.
_LATEST_GROUP = """
SELECT b.group_id FROM progress AS pr JOIN brews AS b ON b.id = pr.brew_id
WHERE pr.participant_id = ?
ORDER BY pr.opened DESC, pr.last_activity_at DESC LIMIT 1
"""

IDEA_COUNTS = """
SELECT i.normal, COUNT(DISTINCT i.suggester) AS people, MIN(i.id) AS first
FROM ideas AS i LEFT JOIN groups AS g ON g.id = i.group_id
WHERE g.chat_id = ? OR i.group_id IS NULL
GROUP BY i.normal
"""


class IdeaStore(StoreBase):
    """Suggestions for future themes: added once per person, counted, never linked to anyone."""

    async def suggest_idea(self, participant_id: str, *, suggester: str, text: str) -> bool:
        """Keep a suggestion; False if this person already suggested the same words."""
        normal = normalise(text)
        now = self._stamp()

        async def work(db: Connection) -> bool:
            row = await fetch_one(db, _LATEST_GROUP, (participant_id,))
            group_id = None if row is None else row["group_id"]
            changed = await run(
                db,
                "INSERT INTO ideas (suggester, group_id, text, normal, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (suggester, normal) DO NOTHING",
                (suggester, group_id, text, normal, now),
            )
            return changed == 1

        return await self._write(work)

    async def idea_counts(self, group_chat_id: int) -> list[Suggested]:
        """Group this council's suggestions (and those from no council) by their folded words,
        each with how many different people made it and the words first used."""

        async def work(db: Connection) -> list[Suggested]:
            counted = await fetch_all(db, IDEA_COUNTS, (group_chat_id,))
            firsts = [int(row["first"]) for row in counted]
            words: dict[int, str] = {}
            for start in range(0, len(firsts), 500):
                batch = firsts[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                for row in await fetch_all(
                    db, f"SELECT id, text FROM ideas WHERE id IN ({marks})", batch
                ):
                    words[int(row["id"])] = str(row["text"])
            return [
                Suggested(text=words[int(row["first"])], people=int(row["people"]))
                for row in counted
            ]

        return await self._snapshot(work)
