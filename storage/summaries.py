"""Counts and texts for summaries, computed by the database over indexes, never row by row in
Python.

The SQL is kept in named constants so tests can ask SQLite how it runs them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from conversations.model import Principle, Rag, Stage
from conversations.perspectives import DescribedStages
from storage import rows
from storage.base import StoreBase
from storage.records import (
    StageCount,
    StoredAnswer,
    StoredText,
    WeeklyBrewStageCount,
    WeeklyStageCount,
)
from storage.sql import Connection, Row, fetch_all, fetch_one
from storage.times import iso, parse

STAGE_COUNTS = """
SELECT principle, stage, rag, COUNT(*) AS n
FROM answers
WHERE brew_id = ? AND held = 0 AND stage IS NOT NULL
GROUP BY principle, stage, rag
ORDER BY principle, stage
"""

# Answers counted by ISO week ("2026-W47"), in UTC: each week is a row of ``{weeks}`` (label,
# first instant, first instant of the next week), worked out in Python (iso_weeks), so the
# SQL is the same on SQLite and PostgreSQL and finds answers through answers_weekly.
# ``{brew}`` is empty, or "brew_id, " to count brew by brew.
_ISO_WEEK = """
SELECT w.column1 AS week, {brew}principle, stage, COUNT(*) AS n
FROM answers AS a
JOIN (VALUES {{weeks}}) AS w ON a.created_at >= w.column2 AND a.created_at < w.column3
{join}
WHERE a.created_at >= ? AND a.held = 0 AND a.stage IS NOT NULL {where}
GROUP BY w.column1, {brew}principle, stage
ORDER BY w.column1, {brew}principle, stage
"""
WEEK_ROW = "(?, ?, ?)"  # one week of ``{weeks}``: label, start, end
_IN_GROUP = "JOIN brews AS b ON b.id = a.brew_id JOIN groups AS g ON g.id = b.group_id"
WEEKLY_STAGE_COUNTS = _ISO_WEEK.format(join="", where="", brew="")
WEEKLY_STAGE_COUNTS_FOR_GROUP = _ISO_WEEK.format(join=_IN_GROUP, where="AND g.chat_id = ?", brew="")
# The digest's: one group's, brew by brew, so brews too small to share can be left out.
WEEKLY_BREW_STAGE_COUNTS = _ISO_WEEK.format(
    join=_IN_GROUP, where="AND g.chat_id = ?", brew="a.brew_id, "
)
ANSWER_SPAN = "SELECT MIN(created_at), MAX(created_at) FROM answers WHERE created_at >= ?"


def iso_weeks(first: datetime, last: datetime) -> list[tuple[str, str, str]]:
    """Every ISO week from ``first``'s to ``last``'s (UTC): its label, start and end."""
    monday = first.astimezone(UTC).date() - timedelta(days=first.astimezone(UTC).weekday())
    weeks: list[tuple[str, str, str]] = []
    while datetime.combine(monday, time(), UTC) <= last:
        year, week, _ = monday.isocalendar()
        start = datetime.combine(monday, time(), UTC)
        weeks.append((f"{year}-W{week:02d}", iso(start), iso(start + timedelta(days=7))))
        monday += timedelta(days=7)
    return weeks


ANSWER_TEXTS = f"""
SELECT id, {rows.PERSON} AS person, prompt_id, principle, text, quote_consent
FROM answers
WHERE brew_id = ? AND kind = 'text' AND text IS NOT NULL AND held <= ?
ORDER BY id
"""

SELF_DESCRIPTIONS = """
SELECT p.self_description, COUNT(*) AS n
FROM progress AS pr JOIN participants AS p ON p.id = pr.participant_id
WHERE pr.brew_id = ? AND p.self_description IS NOT NULL
GROUP BY p.self_description
ORDER BY p.self_description
"""

# Stages by the answerers' self-descriptions, in different people: one row per stage chosen,
# and one (stage NULL) for everyone who answered the principle. Imported answers have no one
# to ask, so their self-description is NULL, like that of anyone who did not say.
DESCRIBED_STAGES = f"""
SELECT a.principle, p.self_description, a.stage, COUNT(DISTINCT {rows.A_PERSON}) AS people
FROM answers AS a LEFT JOIN participants AS p ON p.id = a.participant_id
WHERE a.brew_id = ? AND a.held = 0 AND a.stage IS NOT NULL
GROUP BY a.principle, p.self_description, a.stage
UNION ALL
SELECT a.principle, p.self_description, NULL, COUNT(DISTINCT {rows.A_PERSON}) AS people
FROM answers AS a LEFT JOIN participants AS p ON p.id = a.participant_id
WHERE a.brew_id = ? AND a.held = 0 AND a.stage IS NOT NULL
GROUP BY a.principle, p.self_description
ORDER BY 1, 2, 3
"""

# How each person who typed an answer (as ANSWER_TEXTS keys them) describes themselves.
ANSWERER_DESCRIPTIONS = f"""
SELECT DISTINCT {rows.A_PERSON} AS person, p.self_description
FROM answers AS a JOIN participants AS p ON p.id = a.participant_id
WHERE a.brew_id = ? AND a.kind = 'text' AND a.text IS NOT NULL AND a.held <= ?
  AND p.self_description IS NOT NULL
ORDER BY person
"""

ALL_ANSWERS = f"SELECT {rows.ANSWER_COLUMNS} FROM answers AS a WHERE a.brew_id = ? ORDER BY a.id"


class SummaryStore(StoreBase):
    """Aggregates for summaries and digests."""

    async def stage_counts(self, brew_id: int) -> list[StageCount]:
        """Count a brew's stage answers by principle and stage, leaving out held ones."""
        found = await self._all(STAGE_COUNTS, (brew_id,))
        return [
            StageCount(
                principle=Principle(str(row["principle"])),
                stage=Stage(int(row["stage"])),
                rag=Rag(str(row["rag"])),
                count=int(row["n"]),
            )
            for row in found
        ]

    async def weekly_stage_counts(
        self, *, since: datetime, group_chat_id: int | None = None
    ) -> list[WeeklyStageCount]:
        """Count stage answers by ISO week ("2026-W47"), principle and stage since ``since``."""
        if group_chat_id is None:
            found = await self._weekly(WEEKLY_STAGE_COUNTS, since)
        else:
            found = await self._weekly(WEEKLY_STAGE_COUNTS_FOR_GROUP, since, group_chat_id)
        return [
            WeeklyStageCount(
                week=str(row["week"]),
                principle=Principle(str(row["principle"])),
                stage=Stage(int(row["stage"])),
                count=int(row["n"]),
            )
            for row in found
        ]

    async def weekly_brew_stage_counts(
        self, *, since: datetime, group_chat_id: int
    ) -> list[WeeklyBrewStageCount]:
        """Count a group's stage answers by ISO week, brew, principle and stage since ``since``."""
        found = await self._weekly(WEEKLY_BREW_STAGE_COUNTS, since, group_chat_id)
        return [
            WeeklyBrewStageCount(
                week=str(row["week"]),
                brew_id=int(row["brew_id"]),
                principle=Principle(str(row["principle"])),
                stage=Stage(int(row["stage"])),
                count=int(row["n"]),
            )
            for row in found
        ]

    async def _weekly(self, sql: str, since: datetime, *params: object) -> list[Row]:
        """Run one of the weekly counts over the weeks that hold answers since ``since``."""

        async def work(db: Connection) -> list[Row]:
            span = await fetch_one(db, ANSWER_SPAN, (iso(since),))
            if span is None or span[0] is None:
                return []
            weeks = iso_weeks(parse(str(span[0])), parse(str(span[1])))
            values = ", ".join([WEEK_ROW] * len(weeks))
            flat = [value for week in weeks for value in week]
            return await fetch_all(db, sql.format(weeks=values), (*flat, iso(since), *params))

        return await self._snapshot(work)

    async def answer_texts(self, brew_id: int, *, include_held: bool = False) -> list[StoredText]:
        """List a brew's typed answers (not held ones unless asked), without who gave them."""
        found = await self._all(ANSWER_TEXTS, (brew_id, int(include_held)))
        return [rows.answer_text(row) for row in found]

    async def self_descriptions(self, brew_id: int) -> dict[str, int]:
        """Count a brew's participants by how they describe themselves (unsaid left out)."""
        found = await self._all(SELF_DESCRIPTIONS, (brew_id,))
        return {str(row["self_description"]): int(row["n"]) for row in found}

    async def described_stages(self, brew_id: int) -> list[DescribedStages]:
        """Count a brew's stage answers (not held ones) by principle and self-description, in
        different people: how many answered, and how many chose each stage."""
        people: dict[tuple[Principle, str | None], int] = {}
        stages: dict[tuple[Principle, str | None], dict[Stage, int]] = defaultdict(dict)
        for row in await self._all(DESCRIBED_STAGES, (brew_id, brew_id)):
            key = (Principle(str(row["principle"])), rows.optional_str(row["self_description"]))
            if row["stage"] is None:
                people[key] = int(row["people"])
            else:
                stages[key][Stage(int(row["stage"]))] = int(row["people"])
        return [
            DescribedStages(principle, described, n, stages[(principle, described)])
            for (principle, described), n in people.items()
        ]

    async def answerer_descriptions(
        self, brew_id: int, *, include_held: bool = False
    ) -> dict[str, str]:
        """Map each person behind a brew's typed answers (as ``answer_texts`` keys them) to
        how they describe themselves; people who did not say are left out."""
        found = await self._all(ANSWERER_DESCRIPTIONS, (brew_id, int(include_held)))
        return {str(row["person"]): str(row["self_description"]) for row in found}

    async def answers(self, brew_id: int) -> list[StoredAnswer]:
        """Load every answer row of a brew (for exports and checks; summaries use the counts)."""
        return [rows.answer(row) for row in await self._all(ALL_ANSWERS, (brew_id,))]
