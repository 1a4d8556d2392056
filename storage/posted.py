"""Which brew each posted summary is about, by the group and message it was posted as."""

from __future__ import annotations

from collections.abc import Iterable

from storage.base import StoreBase
from storage.sql import Connection, run


class PostedStore(StoreBase):
    """Link the messages of a posted summary to their brew, and find the brew again."""

    async def summary_posted(self, chat_id: int, message_ids: Iterable[int], brew_id: int) -> None:
        """Record that these messages in a group's chat are the summary of ``brew_id``.

        Nothing is kept for a chat that is not a registered group.
        """
        ids, now = sorted(set(message_ids)), self._stamp()

        async def work(db: Connection) -> None:
            for message_id in ids:
                await run(
                    db,
                    "INSERT INTO summary_posts (group_id, message_id, brew_id, posted_at)"
                    " SELECT id, ?, ?, ? FROM groups WHERE chat_id = ?"
                    " ON CONFLICT (group_id, message_id) DO NOTHING",
                    (message_id, brew_id, now, chat_id),
                )

        await self._write(work)

    async def summary_brew(self, chat_id: int, message_id: int) -> int | None:
        """Return the brew whose summary this message in a group's chat is part of, if any."""
        row = await self._one(
            "SELECT p.brew_id FROM summary_posts p JOIN groups g ON g.id = p.group_id"
            " WHERE g.chat_id = ? AND p.message_id = ?",
            (chat_id, message_id),
        )
        return None if row is None else int(row["brew_id"])
