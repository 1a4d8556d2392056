"""Each typed answer's meaning vector, kept beside the answer so a summary only clusters.

A vector is the answer's sentence embedding as little-endian float32 bytes, tagged with the
model that made it. It lives in its own table keyed to the answer (ON DELETE CASCADE), so
/forget takes it with the answer, and retention drops it when it clears the answer's words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storage.base import StoreBase
from storage.sql import Connection, fetch_all, run_many

# Typed answers still waiting for a vector from ``model``, oldest first, after a given id
# (the bot's worker remembers how far it got, so it does not walk every answer each time).
WITHOUT_VECTOR = """
SELECT a.id, a.text
FROM answers AS a
LEFT JOIN answer_vectors AS v ON v.answer_id = a.id AND v.model = ?
WHERE a.id > ? AND a.kind = 'text' AND a.text IS NOT NULL AND v.answer_id IS NULL
ORDER BY a.id
LIMIT ?
"""

COUNT_WITHOUT_VECTOR = """
SELECT COUNT(*) AS n
FROM answers AS a
LEFT JOIN answer_vectors AS v ON v.answer_id = a.id AND v.model = ?
WHERE a.kind = 'text' AND a.text IS NOT NULL AND v.answer_id IS NULL
"""

SAVE_VECTOR = """
INSERT INTO answer_vectors (answer_id, model, vector) VALUES (?, ?, ?)
ON CONFLICT (answer_id) DO UPDATE SET model = excluded.model, vector = excluded.vector
"""

# Only answers whose words are still kept: a vector never outlives its answer's text.
BREW_VECTORS = """
SELECT v.answer_id, v.vector
FROM answer_vectors AS v JOIN answers AS a ON a.id = v.answer_id
WHERE a.brew_id = ? AND v.model = ? AND a.text IS NOT NULL
ORDER BY v.answer_id
"""


class VectorStore(StoreBase):
    """Meaning vectors of typed answers."""

    async def texts_without_vector(
        self, model: str, limit: int, *, after: int = 0
    ) -> list[tuple[int, str]]:
        """Return up to ``limit`` (answer id, text) pairs with an id above ``after`` that have
        no vector from ``model``."""
        found = await self._all(WITHOUT_VECTOR, (model, after, limit))
        return [(int(row["id"]), str(row["text"])) for row in found]

    async def count_without_vector(self, model: str) -> int:
        """Count the typed answers that have no vector from ``model``."""
        found = await self._one(COUNT_WITHOUT_VECTOR, (model,))
        return int(found["n"]) if found else 0

    async def save_vectors(self, model: str, vectors: Iterable[tuple[int, bytes]]) -> int:
        """Keep vectors made by ``model``; skip answers deleted meanwhile; return how many."""
        pairs = list(vectors)

        async def work(db: Connection) -> int:
            ids = [answer_id for answer_id, _ in pairs]
            alive = await _still_there(db, ids)
            kept = [(i, model, blob) for i, blob in pairs if i in alive]
            await run_many(db, SAVE_VECTOR, kept)
            return len(kept)

        return await self._write(work) if pairs else 0

    async def brew_vectors(self, brew_id: int, model: str) -> dict[int, bytes]:
        """Map each of a brew's typed answers that has a vector from ``model`` to it."""
        found = await self._all(BREW_VECTORS, (brew_id, model))
        return {int(row["answer_id"]): bytes(row["vector"]) for row in found}


async def _still_there(db: Connection, ids: Sequence[int]) -> set[int]:
    """Return which of these answers still exist with their words."""
    alive: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = await fetch_all(
            db, f"SELECT id FROM answers WHERE text IS NOT NULL AND id IN ({marks})", chunk
        )
        alive.update(int(row["id"]) for row in rows)
    return alive
