"""Facilitators' groups and the brews (sessions) they open."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import timedelta

from conversations.model import Pace
from storage import rows
from storage.base import StoreBase
from storage.errors import NotFound, Rejected, StorageError
from storage.records import Brew, BrewCounts, Group
from storage.sql import Connection, fetch_one, run
from storage.times import iso

# Who took part, who finished (or, in a live brew, answered every question asked live), and
# answers brought in. Each subquery names the brew itself: none refers to another's rows.
BREW_COUNTS = """
SELECT
    (SELECT COUNT(*) FROM progress WHERE brew_id = ?) AS took_part,
    (SELECT COUNT(*) FROM progress WHERE brew_id = ? AND status = 'finished') AS finished,
    (SELECT COUNT(*) FROM (
        SELECT a.participant_id
        FROM answers AS a
        JOIN live_questions AS q ON q.brew_id = a.brew_id AND q.prompt_id = a.prompt_id
        WHERE a.brew_id = ? AND a.participant_id IS NOT NULL
        GROUP BY a.participant_id
        HAVING COUNT(DISTINCT a.prompt_id)
            = (SELECT COUNT(DISTINCT prompt_id) FROM live_questions WHERE brew_id = ?)
    ) AS everyone) AS answered_all,
    (SELECT COUNT(*) FROM answers WHERE brew_id = ? AND imported = 1) AS imported,
    (SELECT COUNT(*) FROM brews WHERE id = ? AND (pace = 'live' OR live_ended_at IS NOT NULL))
        AS live
"""

CODE_BYTES = 12  # 16 characters of A-Za-z0-9_-: unguessable, and fits a deep link


def new_code() -> str:
    """Make an unguessable brew code that fits a Telegram deep link.

    Never one starting with "-": on a command line (``brewbot export CODE``) it would be read
    as an option.
    """
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if not code.startswith("-"):
            return code


def _check_group_chat(chat_id: int) -> None:
    """Refuse a chat id that is not a group's (Telegram group ids are negative)."""
    if chat_id >= 0:
        raise Rejected(f"Chat {chat_id} is not a group chat: group chat ids are negative.")


async def _ensure_group(db: Connection, chat_id: int, now: str) -> int:
    """Add the group if new and return its row id (inside a write)."""
    _check_group_chat(chat_id)
    await run(
        db,
        "INSERT INTO groups (chat_id, created_at) VALUES (?, ?) ON CONFLICT (chat_id) DO NOTHING",
        (chat_id, now),
    )
    row = await fetch_one(db, "SELECT id FROM groups WHERE chat_id = ?", (chat_id,))
    if row is None:
        raise StorageError(f"Group chat {chat_id} vanished while being added.")
    return int(row["id"])


async def _group(db: Connection, chat_id: int) -> Group:
    """Read the group with this chat id (inside a write that has just ensured it)."""
    row = await fetch_one(
        db, f"SELECT {rows.GROUP_COLUMNS} FROM groups AS g WHERE g.chat_id = ?", (chat_id,)
    )
    if row is None:
        raise NotFound(f"Group chat {chat_id} is not known.")
    return rows.group(row)


async def _brew(db: Connection, brew_id: int) -> Brew | None:
    row = await fetch_one(
        db, f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM} WHERE b.id = ?", (brew_id,)
    )
    return None if row is None else rows.brew(row)


class BrewStore(StoreBase):
    """Groups and brews."""

    async def ensure_group(self, chat_id: int) -> Group:
        """Return the facilitators' group with this (negative) chat id, adding it if new."""
        now = self._stamp()

        async def work(db: Connection) -> Group:
            await _ensure_group(db, chat_id, now)
            return await _group(db, chat_id)

        return await self._write(work)

    async def group(self, chat_id: int) -> Group | None:
        """Return the facilitators' group with this chat id, if brewbot knows it."""
        row = await self._one(
            f"SELECT {rows.GROUP_COLUMNS} FROM groups AS g WHERE g.chat_id = ?", (chat_id,)
        )
        return None if row is None else rows.group(row)

    async def set_group_settings(self, chat_id: int, settings: Mapping[str, object]) -> Group:
        """Replace a group's settings (JSON-serialisable values), adding the group if new."""
        text = json.dumps(dict(settings), sort_keys=True)
        now = self._stamp()

        async def work(db: Connection) -> Group:
            await _ensure_group(db, chat_id, now)
            await run(db, "UPDATE groups SET settings = ? WHERE chat_id = ?", (text, chat_id))
            return await _group(db, chat_id)

        return await self._write(work)

    async def create_brew(
        self,
        *,
        theme: str,
        pack_id: str,
        group_chat_id: int | None,
        pace: Pace = Pace.SELF,
        pace_at: str | None = None,
        language: str | None = None,
    ) -> Brew:
        """Open a new brew with a fresh unguessable code (live, or paced at ``pace_at``), the
        language new people start in, if the group chose one, and its group's codebook, if any."""
        now = self._stamp()

        async def work(db: Connection) -> Brew:
            group_id = (
                None if group_chat_id is None else await _ensure_group(db, group_chat_id, now)
            )
            while True:  # a clash of 96 random bits will not happen, but never reuse a code
                row = await fetch_one(
                    db,
                    "INSERT INTO brews"
                    " (code, theme, pack_id, group_id, opened_at, pace, pace_at, language,"
                    " codebook_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                    " (SELECT codebook_id FROM groups WHERE id = ?))"
                    " ON CONFLICT (code) DO NOTHING RETURNING id",
                    (
                        new_code(),
                        theme,
                        pack_id,
                        group_id,
                        now,
                        pace.value,
                        pace_at,
                        language,
                        group_id,
                    ),
                )
                if row is not None:
                    brew_id = int(row["id"])
                    break
            brew = await _brew(db, brew_id)
            if brew is None:
                raise StorageError(f"Brew {brew_id} vanished while being opened.")
            return brew

        return await self._write(work)

    async def brew_by_code(self, code: str) -> Brew | None:
        """Find a brew by its join code."""
        row = await self._one(
            f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM} WHERE b.code = ?", (code,)
        )
        return None if row is None else rows.brew(row)

    async def brew(self, brew_id: int) -> Brew | None:
        """Find a brew by its id."""
        return await self._read(lambda db: _brew(db, brew_id))

    async def open_brews(self, group_chat_id: int) -> list[Brew]:
        """List a group's brews that are not closed, oldest first."""
        found = await self._all(
            f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM}"
            " WHERE g.chat_id = ? AND b.closed_at IS NULL ORDER BY b.opened_at, b.id",
            (group_chat_id,),
        )
        return [rows.brew(row) for row in found]

    async def closed_brews(self, group_chat_id: int, *, within: timedelta) -> list[Brew]:
        """List a group's brews closed within ``within`` of now, most recently closed first."""
        since = iso(self._now() - within)
        found = await self._all(
            f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM}"
            " WHERE g.chat_id = ? AND b.closed_at IS NOT NULL AND b.closed_at >= ?"
            " ORDER BY b.closed_at DESC, b.id DESC",
            (group_chat_id, since),
        )
        return [rows.brew(row) for row in found]

    async def switch_pack(self, brew_id: int, pack_id: str) -> Brew | None:
        """Give an open brew another pack, only while nobody has begun it; None if too late."""

        async def work(db: Connection) -> Brew | None:
            changed = await run(
                db,
                "UPDATE brews SET pack_id = ? WHERE id = ? AND closed_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM progress WHERE brew_id = ?)"
                " AND NOT EXISTS (SELECT 1 FROM answers WHERE brew_id = ?)",
                (pack_id, brew_id, brew_id, brew_id),
            )
            return await _brew(db, brew_id) if changed == 1 else None

        return await self._write(work)

    async def switch_pace(self, brew_id: int, pace: Pace, pace_at: str | None) -> Brew | None:
        """Change how an open brew sends its questions, only while nobody has begun it."""

        async def work(db: Connection) -> Brew | None:
            changed = await run(
                db,
                "UPDATE brews SET pace = ?, pace_at = ? WHERE id = ? AND closed_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM progress WHERE brew_id = ?)",
                (pace.value, pace_at, brew_id, brew_id),
            )
            return await _brew(db, brew_id) if changed == 1 else None

        return await self._write(work)

    async def close_brew(self, brew_id: int) -> Brew:
        """Close a brew (closing twice keeps the first time)."""
        now = self._stamp()

        async def work(db: Connection) -> Brew:
            await run(
                db,
                "UPDATE brews SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                (now, brew_id),
            )
            brew = await _brew(db, brew_id)
            if brew is None:
                raise NotFound(f"There is no brew {brew_id}.")
            return brew

        return await self._write(work)

    async def brew_counts(self, brew_id: int) -> BrewCounts:
        """Count the people who began a brew, those who finished, and answers brought in.

        In a live brew, those who finished are those with an answer kept for every question
        asked live: everyone waits between questions, so nobody reaches a close while it runs.
        """
        row = await self._one(BREW_COUNTS, (brew_id,) * 6)
        if row is None:
            return BrewCounts(took_part=0, finished=0)
        return BrewCounts(
            took_part=int(row["took_part"]),
            finished=int(row["answered_all"] if row["live"] else row["finished"]),
            imported=int(row["imported"]),
        )
