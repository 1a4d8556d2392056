"""Participants: a random id, how to reach them, and their choices. Never a name."""

from __future__ import annotations

import secrets

from storage import rows
from storage.base import StoreBase
from storage.errors import NotFound, Rejected
from storage.records import Participant
from storage.sql import Connection, fetch_one, run

ID_BYTES = 16  # 32 hex characters


def new_participant_id() -> str:
    """Make a random participant id that says nothing about the person."""
    return secrets.token_hex(ID_BYTES)


async def find_participant(db: Connection, participant_id: str) -> Participant | None:
    """Read one participant by their random id (inside a read or write)."""
    row = await fetch_one(
        db,
        f"SELECT {rows.PARTICIPANT_COLUMNS} FROM participants AS p WHERE p.id = ?",
        (participant_id,),
    )
    return None if row is None else rows.participant(row)


async def _by_chat(db: Connection, chat_id: int) -> Participant | None:
    """Read the participant reached through this private chat (inside a read or write)."""
    row = await fetch_one(
        db,
        f"SELECT {rows.PARTICIPANT_COLUMNS} FROM participants AS p WHERE p.chat_id = ?",
        (chat_id,),
    )
    return None if row is None else rows.participant(row)


class PeopleStore(StoreBase):
    """Participants and their preferences."""

    async def participant_by_chat(self, chat_id: int) -> Participant | None:
        """Find the participant reached through this private chat."""
        return await self._read(lambda db: _by_chat(db, chat_id))

    async def participant(self, participant_id: str) -> Participant | None:
        """Find a participant by their random id."""
        return await self._read(lambda db: find_participant(db, participant_id))

    async def join(self, chat_id: int, *, language: str | None = None) -> Participant:
        """Return the participant for this private chat, creating them if new.

        ``language`` is the one they start in, kept if they have none yet (a choice stays).
        """
        if chat_id <= 0:
            raise Rejected(f"Chat {chat_id} is not a private chat: a person's chat id is positive.")
        now = self._stamp()

        async def work(db: Connection) -> Participant:
            await run(
                db,
                "INSERT INTO participants (id, chat_id, created_at, language) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE"
                " SET language = COALESCE(participants.language, excluded.language)",
                (new_participant_id(), chat_id, now, language),
            )
            found = await _by_chat(db, chat_id)
            if found is None:
                raise NotFound(f"The participant for chat {chat_id} vanished while joining.")
            return found

        return await self._write(work)

    async def set_preferences(
        self,
        participant_id: str,
        *,
        easy: bool | None = None,
        nudges: bool | None = None,
        news: bool | None = None,
        stopped: bool | None = None,
        language: str | None = None,
    ) -> Participant:
        """Change the given preferences, leave the others, and return the participant."""
        values = [None if flag is None else int(flag) for flag in (easy, nudges, news, stopped)]

        async def work(db: Connection) -> Participant:
            await run(
                db,
                "UPDATE participants SET easy = COALESCE(?, easy), nudges = COALESCE(?, nudges),"
                " news = COALESCE(?, news), stopped = COALESCE(?, stopped),"
                " language = COALESCE(?, language) WHERE id = ?",
                (*values, language, participant_id),
            )
            found = await find_participant(db, participant_id)
            if found is None:
                raise NotFound(f"There is no participant {participant_id}.")
            return found

        return await self._write(work)

    async def keep_news_choice(self, participant_id: str, brew_id: int, wanted: bool) -> None:
        """Keep a person's yes or no to news, and that they answered the question in this brew
        (so it is not asked again there), in one transaction."""

        async def work(db: Connection) -> None:
            await run(
                db, "UPDATE participants SET news = ? WHERE id = ?", (int(wanted), participant_id)
            )
            await run(
                db,
                "UPDATE progress SET news_answered = 1 WHERE participant_id = ? AND brew_id = ?",
                (participant_id, brew_id),
            )

        await self._write(work)

    async def news_answered(self, participant_id: str, brew_id: int) -> bool:
        """Say whether this person answered the news question at the end of this brew."""
        row = await self._one(
            "SELECT news_answered FROM progress WHERE participant_id = ? AND brew_id = ?",
            (participant_id, brew_id),
        )
        return row is not None and bool(row["news_answered"])
