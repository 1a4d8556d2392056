"""What a person may see and wipe, and how long raw words are kept.

The export is data only: the words that explain it to the person (what the file is, each
stage in words) are added by the bot, in the person's own language (``/mydata``).
"""

from __future__ import annotations

from datetime import timedelta

from storage import rows
from storage.base import StoreBase
from storage.errors import NotFound
from storage.heard import forget_old_heard
from storage.people import find_participant
from storage.sql import Connection, Row, fetch_all, run
from storage.times import iso


async def _export(db: Connection, participant_id: str, suggester: str | None) -> dict[str, object]:
    """Gather everything kept about one person (inside a read)."""
    person = await find_participant(db, participant_id)
    if person is None:
        raise NotFound(f"There is no participant {participant_id}.")
    brews = await fetch_all(
        db,
        "SELECT pr.brew_id, b.theme, b.opened_at, b.closed_at, pr.state, pr.status,"
        " pr.updated_at, pr.last_activity_at, pr.nudged_at, pr.news_answered"
        " FROM progress AS pr JOIN brews AS b ON b.id = pr.brew_id"
        " WHERE pr.participant_id = ? ORDER BY pr.brew_id",
        (participant_id,),
    )
    answers = await fetch_all(
        db,
        f"SELECT {rows.ANSWER_COLUMNS}, b.theme FROM answers AS a JOIN brews AS b"
        " ON b.id = a.brew_id WHERE a.participant_id = ? ORDER BY a.id",
        (participant_id,),
    )
    news = await fetch_all(
        db,
        "SELECT o.id, w.brew_id, w.text, o.sent_at FROM outbox AS o"
        " JOIN wesaid AS w ON w.id = o.wesaid_id WHERE o.participant_id = ? ORDER BY o.id",
        (participant_id,),
    )
    time_given = await fetch_all(
        db,
        "SELECT brew_id, seconds, first_at, last_at FROM time_given WHERE participant_id = ?"
        " ORDER BY brew_id",
        (participant_id,),
    )
    polls = await fetch_all(
        db,
        "SELECT poll_id FROM idea_poll_queue WHERE participant_id = ? ORDER BY poll_id",
        (participant_id,),
    )
    ideas = await fetch_all(
        db,
        "SELECT text, created_at FROM ideas WHERE suggester = ? ORDER BY id",
        (suggester or "",),
    )
    heard = await fetch_all(
        db,
        "SELECT brew_id, prompt_id, text, heard_at FROM heard WHERE participant_id = ?",
        (participant_id,),
    )
    deliveries = await fetch_all(
        db,
        "SELECT brew_id, what, queued_at, sent_at, shown_at FROM deliveries"
        " WHERE participant_id = ?"
        " ORDER BY id",
        (participant_id,),
    )
    return {
        "participant_id": person.id,
        "how_we_reach_you": {"telegram_chat_id": person.chat_id},
        "joined_at": iso(person.created_at),
        "preferences": {
            "easy_read": person.easy,
            "nudges": person.nudges,
            "news": person.news,
            "stopped": person.stopped,
            "language": person.language,
        },
        "self_description": person.self_description,
        "brews": [_brew_entry(b) for b in brews],
        "answers": [_answer_entry(a) for a in answers],
        "news": [
            {
                "outbox_id": int(n["id"]),
                "brew_id": int(n["brew_id"]),
                "text": str(n["text"]),
                "sent_at": rows.optional_str(n["sent_at"]),
            }
            for n in news
        ],
        "time_given": [
            {
                "brew_id": int(t["brew_id"]),
                "seconds": int(t["seconds"]),
                "first_at": str(t["first_at"]),
                "last_at": str(t["last_at"]),
            }
            for t in time_given
        ],
        "ideas": [{"text": str(i["text"]), "created_at": str(i["created_at"])} for i in ideas],
        "theme_polls_to_send": [{"poll_id": int(q["poll_id"])} for q in polls],
        "voice_note_words_waiting": [
            {
                "brew_id": int(h["brew_id"]),
                "prompt_id": str(h["prompt_id"]),
                "text": str(h["text"]),
                "heard_at": str(h["heard_at"]),
            }
            for h in heard
        ],
        "questions_sent": [
            {
                "brew_id": int(d["brew_id"]),
                "what": str(d["what"]),
                "queued_at": str(d["queued_at"]),
                "sent_at": rows.optional_str(d["sent_at"]),
                "shown_at": rows.optional_str(d["shown_at"]),
            }
            for d in deliveries
        ],
    }


def _brew_entry(row: Row) -> dict[str, object]:
    return {
        "brew_id": int(row["brew_id"]),
        "theme": str(row["theme"]),
        "opened_at": str(row["opened_at"]),
        "closed_at": rows.optional_str(row["closed_at"]),
        "status": str(row["status"]),
        "progress": rows.progress(str(row["state"])).to_dict(),
        "updated_at": str(row["updated_at"]),
        "last_activity_at": str(row["last_activity_at"]),
        "nudged_at": rows.optional_str(row["nudged_at"]),
        "answered_the_news_question": bool(row["news_answered"]),
    }


def _answer_entry(row: Row) -> dict[str, object]:
    answer = rows.answer(row)
    return {
        "answer_id": answer.id,
        "brew_id": answer.brew_id,
        "theme": str(row["theme"]),
        "prompt_id": answer.prompt_id,
        "principle": answer.principle.value,
        "kind": answer.kind.value,
        "stage": None if answer.stage is None else answer.stage.key,
        "rag": None if answer.rag is None else answer.rag.value,
        "option": answer.option,
        "text": answer.text,
        "may_quote": answer.quote_consent,
        "held_for_care": answer.held,
        "review": answer.review,
        "imported": answer.imported,
        "created_at": iso(answer.created_at),
    }


async def _forget(db: Connection, participant_id: str, suggester: str | None) -> None:
    """Delete one person and everything linked to them (inside a write)."""
    if suggester is not None:
        await run(db, "DELETE FROM ideas WHERE suggester = ?", (suggester,))
    for table in (
        "heard",
        "outbox",
        "deliveries",
        "answers",
        "time_given",
        "progress",
    ):  # fixed names; foreign keys cascade too
        await run(db, f"DELETE FROM {table} WHERE participant_id = ?", (participant_id,))
    await run(
        db,
        "DELETE FROM chat_holds WHERE chat_key = (SELECT chat_id FROM participants WHERE id = ?)",
        (participant_id,),
    )
    await run(db, "DELETE FROM participants WHERE id = ?", (participant_id,))


async def _clear_old_words(db: Connection, cutoff: str) -> int:
    """Clear old typed words with their meaning vectors, and old ideas (inside a write)."""
    old = "kind = 'text' AND text IS NOT NULL AND created_at < ?"
    await run(
        db,
        f"DELETE FROM answer_vectors WHERE answer_id IN (SELECT id FROM answers WHERE {old})",
        (cutoff,),
    )
    cleared = await run(db, f"UPDATE answers SET text = NULL WHERE {old}", (cutoff,))
    return cleared + await run(db, "DELETE FROM ideas WHERE created_at < ?", (cutoff,))


class PrivacyStore(StoreBase):
    """Export, forget, retention."""

    async def export(
        self, participant_id: str, *, suggester: str | None = None
    ) -> dict[str, object]:
        """Return everything kept about one person, ready for json.dumps; ``suggester`` (the
        keyed hash their ideas are kept under) finds the themes they suggested."""
        return await self._snapshot(lambda db: _export(db, participant_id, suggester))

    async def forget(self, participant_id: str, *, suggester: str | None = None) -> None:
        """Delete a person and everything linked to them, leaving no copy in the file;
        ``suggester`` (the keyed hash their ideas are kept under) deletes those too."""
        await self._write(lambda db: _forget(db, participant_id, suggester))
        await self._checkpoint()

    async def apply_retention(self, days: int = 365) -> int:
        """Clear typed words (answers and suggested themes) older than ``days``; stages and
        counts stay. Return the rows cleared."""
        cutoff, now = iso(self._now() - timedelta(days=days)), self._now()

        async def work(db: Connection) -> int:
            return await _clear_old_words(db, cutoff) + await forget_old_heard(db, now)

        cleared = await self._write(work)
        if cleared:
            await self._checkpoint()
        return cleared
