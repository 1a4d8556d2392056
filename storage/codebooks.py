"""The codebook each facilitators' group, and each brew, reads its answers against.

A group chooses one (a shipped codebook, or its own YAML posted with /codebook); from then
on it applies to the group's open brews and to every brew opened after, until the group
chooses another or none. A brew's own choice (the button under its invite) changes that
brew only. A kept codebook row is never changed, so a closed brew keeps the one it was read
with.
"""

from __future__ import annotations

from dataclasses import replace

from storage import rows
from storage.base import StoreBase
from storage.brews import _brew, _ensure_group
from storage.records import Brew, StoredCodebook
from storage.sql import Connection, Row, fetch_all, fetch_one, insert, run

_CODEBOOK_COLUMNS = "c.id, c.origin, c.source"


def _stored(row: Row | None) -> StoredCodebook | None:
    """Build a StoredCodebook from a row selected with _CODEBOOK_COLUMNS."""
    if row is None:
        return None
    return StoredCodebook(id=int(row["id"]), name=str(row["origin"]), source=str(row["source"]))


async def _keep(db: Connection, group_id: int | None, source: str, name: str, now: str) -> int:
    """Return the id of this group's codebook with this text and name, keeping it if new."""
    same_group = "group_id IS NULL" if group_id is None else "group_id = ?"
    found = await fetch_one(
        db,
        f"SELECT id FROM codebooks WHERE {same_group} AND origin = ? AND source = ?"
        " ORDER BY id DESC LIMIT 1",
        (*(() if group_id is None else (group_id,)), name, source),
    )
    if found is not None:
        return int(found["id"])
    return await insert(
        db,
        "INSERT INTO codebooks (group_id, origin, source, created_at) VALUES (?, ?, ?, ?)",
        (group_id, name, source, now),
    )


class CodebookStore(StoreBase):
    """Which codebook a group, and each of its brews, uses."""

    async def set_group_codebook(self, chat_id: int, source: str | None, name: str) -> list[Brew]:
        """Make ``source`` (a codebook's YAML, which came as ``name``) the group's codebook,
        or stop using one (None), for its open brews and new ones; return the open brews
        it changed."""
        now = self._stamp()

        async def work(db: Connection) -> list[Brew]:
            group_id = await _ensure_group(db, chat_id, now)
            chosen = None if source is None else await _keep(db, group_id, source, name, now)
            await run(db, "UPDATE groups SET codebook_id = ? WHERE id = ?", (chosen, group_id))
            found = await fetch_all(
                db,
                f"SELECT {rows.BREW_COLUMNS} FROM {rows.BREW_FROM}"
                " WHERE b.group_id = ? AND b.closed_at IS NULL ORDER BY b.opened_at, b.id",
                (group_id,),
            )
            await run(
                db,
                "UPDATE brews SET codebook_id = ? WHERE group_id = ? AND closed_at IS NULL",
                (chosen, group_id),
            )
            return [
                replace(brew, codebook_id=chosen)
                for brew in map(rows.brew, found)
                if brew.codebook_id != chosen
            ]

        return await self._write(work)

    async def set_brew_codebook(self, brew_id: int, source: str | None, name: str) -> Brew | None:
        """Give one open brew this codebook (or none); None if the brew is closed or unknown."""
        now = self._stamp()

        async def work(db: Connection) -> Brew | None:
            brew = await _brew(db, brew_id)
            if brew is None or not brew.is_open:
                return None
            chosen = None if source is None else await _keep(db, brew.group_id, source, name, now)
            await run(db, "UPDATE brews SET codebook_id = ? WHERE id = ?", (chosen, brew_id))
            return replace(brew, codebook_id=chosen)

        return await self._write(work)

    async def brew_codebook(self, brew_id: int) -> StoredCodebook | None:
        """Return the codebook a brew's answers are read against, if it has one."""
        row = await self._one(
            f"SELECT {_CODEBOOK_COLUMNS} FROM brews AS b"
            " JOIN codebooks AS c ON c.id = b.codebook_id WHERE b.id = ?",
            (brew_id,),
        )
        return _stored(row)

    async def group_codebook(self, chat_id: int) -> StoredCodebook | None:
        """Return the codebook a group chose for its brews, if it chose one."""
        row = await self._one(
            f"SELECT {_CODEBOOK_COLUMNS} FROM groups AS g"
            " JOIN codebooks AS c ON c.id = g.codebook_id WHERE g.chat_id = ?",
            (chat_id,),
        )
        return _stored(row)
