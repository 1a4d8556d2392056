"""Polls of suggested themes: who is still to get one (until it goes), and each copy's votes
under the poll id Telegram gave it, never under who voted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage import rows
from storage.base import StoreBase
from storage.brews import _ensure_group
from storage.sql import Connection, fetch_all, fetch_one, insert, run
from storage.times import iso

# People who took part in this group's brews opened lately and asked for news.
_VOTERS = """
INSERT INTO idea_poll_queue (poll_id, participant_id)
SELECT DISTINCT CAST(? AS BIGINT), pr.participant_id
FROM progress AS pr
JOIN brews AS b ON b.id = pr.brew_id
JOIN participants AS p ON p.id = pr.participant_id
WHERE b.group_id = ? AND b.opened_at >= ? AND p.news = 1 AND p.stopped = 0
ON CONFLICT (poll_id, participant_id) DO NOTHING
"""

PENDING_POLLS = """
SELECT q.poll_id, q.participant_id, p.chat_id, p.easy, i.options, p.language
FROM idea_poll_queue AS q
JOIN participants AS p ON p.id = q.participant_id
JOIN idea_polls AS i ON i.id = q.poll_id
WHERE p.news = 1 AND p.stopped = 0
  AND (q.poll_id > ? OR (q.poll_id = ? AND q.participant_id > ?))
ORDER BY q.poll_id, q.participant_id
LIMIT ?
"""


@dataclass(frozen=True)
class PollToSend:
    """One person's copy of a poll, still to go. ``chat_id`` is only how to reach them."""

    poll_id: int
    participant_id: str
    chat_id: int
    easy: bool
    options: tuple[str, ...]
    language: str | None = None  # the person's, to word the question in


@dataclass(frozen=True)
class PollTally:
    """A group's latest poll: its options, the votes for each, and how many copies went."""

    poll_id: int
    options: tuple[str, ...]
    votes: tuple[int, ...]
    sent: int
    waiting: int


def _options(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n"))


class IdeaPollStore(StoreBase):
    """Idea polls: queued copies, sent copies' votes, and the tally."""

    async def start_idea_poll(
        self, group_chat_id: int, options: Sequence[str], *, since: datetime
    ) -> tuple[int, int]:
        """Keep a poll of these options and queue a copy for each person who took part in
        this group's brews opened since ``since`` and asked for news; return (poll, queued)."""
        if len(options) < 2 or any("\n" in o or not o for o in options):
            raise ValueError("a poll needs two or more one-line options")
        now = self._stamp()

        async def work(db: Connection) -> tuple[int, int]:
            group_id = await _ensure_group(db, group_chat_id, now)
            poll_id = await insert(
                db,
                "INSERT INTO idea_polls (group_id, options, created_at) VALUES (?, ?, ?)",
                (group_id, "\n".join(options), now),
            )
            queued = await run(db, _VOTERS, (poll_id, group_id, iso(since)))
            return poll_id, queued

        return await self._write(work)

    async def pending_idea_polls(
        self, limit: int, *, after: tuple[int, str] = (0, "")
    ) -> list[PollToSend]:
        """List copies still to send to people who still want news, oldest poll first (only
        those after the copy ``after``: its poll and person)."""
        poll, person = after
        found = await self._all(PENDING_POLLS, (poll, poll, person, limit))
        return [
            PollToSend(
                int(r["poll_id"]),
                str(r["participant_id"]),
                int(r["chat_id"]),
                bool(r["easy"]),
                _options(str(r["options"])),
                rows.optional_str(r["language"]),
            )
            for r in found
        ]

    async def idea_poll_sent(self, poll_id: int, participant_id: str, ballot: str | None) -> None:
        """Take a copy off the queue, keeping its poll id (if it surely went) without who."""

        async def work(db: Connection) -> None:
            await run(
                db,
                "DELETE FROM idea_poll_queue WHERE poll_id = ? AND participant_id = ?",
                (poll_id, participant_id),
            )
            if ballot is not None:
                await run(
                    db,
                    "INSERT INTO idea_poll_ballots (ballot, poll_id) VALUES (?, ?)"
                    " ON CONFLICT (ballot) DO NOTHING",
                    (ballot, poll_id),
                )

        await self._write(work)

    async def record_ballot(self, ballot: str, votes: Sequence[int]) -> bool:
        """Keep a copy's latest votes per option; False if it is not one of ours."""
        counts = ",".join(str(int(v)) for v in votes)
        changed = await self._write(
            lambda db: run(
                db, "UPDATE idea_poll_ballots SET votes = ? WHERE ballot = ?", (counts, ballot)
            )
        )
        return changed == 1

    async def latest_idea_poll(self, group_chat_id: int) -> PollTally | None:
        """Return the group's newest poll with its votes added up, or None."""

        async def work(db: Connection) -> PollTally | None:
            poll = await fetch_one(
                db,
                "SELECT i.id, i.options FROM idea_polls AS i JOIN groups AS g"
                " ON g.id = i.group_id WHERE g.chat_id = ? ORDER BY i.id DESC LIMIT 1",
                (group_chat_id,),
            )
            if poll is None:
                return None
            options = _options(str(poll["options"]))
            totals = [0] * len(options)
            ballots = await fetch_all(
                db, "SELECT votes FROM idea_poll_ballots WHERE poll_id = ?", (int(poll["id"]),)
            )
            for row in ballots:
                for index, count in enumerate(str(row["votes"]).split(",")):
                    if count.isdigit() and index < len(totals):
                        totals[index] += int(count)
            waiting = await fetch_one(
                db, "SELECT COUNT(*) AS n FROM idea_poll_queue WHERE poll_id = ?", (poll["id"],)
            )
            return PollTally(
                poll_id=int(poll["id"]),
                options=options,
                votes=tuple(totals),
                sent=len(ballots),
                waiting=int(waiting["n"]) if waiting else 0,
            )

        return await self._snapshot(work)

    async def idea_poll_options(self, poll_id: int) -> tuple[int, tuple[str, ...]] | None:
        """Return a poll's group chat id and options, or None."""
        row = await self._one(
            "SELECT g.chat_id, i.options FROM idea_polls AS i JOIN groups AS g"
            " ON g.id = i.group_id WHERE i.id = ?",
            (poll_id,),
        )
        return None if row is None else (int(row["chat_id"]), _options(str(row["options"])))
