"""Code answers against a codebook by meaning: each goes to the theme it fits best, if well enough.

This is the deductive half of framework analysis (the inductive half, for what is left, is
:mod:`conversations.themes`). It reads meaning vectors only (one unit row per text, from the
bundled sentence model); it never reads files or the model itself, so it is plain maths.

How, in plain steps (each measured in docs/benchmarks.md, "Codebooks"):

1. Where answers sit. Every report's answers share its subject ("getting an assessment"),
   so their vectors lean one way together; that shared lean is taken off (centring on the
   answers' mean) so that what is left is what differs between them. One person's answers
   to a brew's questions mostly share one concern, so each answer is pulled towards the
   mean of the same person's other answers (``PERSON_PULL``), which helps most where
   people wrote in very different words.
2. Each theme's place. A theme's cues are its name with its description, and each of its
   examples; its place is the mean of their directions, centred the same way.
3. Settling in. Answers go to the nearest theme; each theme then moves towards the answers
   it holds, weighed against its cues by how many cues it has (a name alone moves a lot, a
   name with ten examples hardly at all), three times. This finds, for example, that
   "nobody rang back" belongs with "Waiting and updates" once other answers about waiting
   have joined it, though the name alone shares no word with it.
4. Well enough. An answer is coded only when its closeness to its theme (a cosine, on the
   centred scale) reaches ``FITS``, chosen by measurement: the best share of right
   decisions when a quarter of the themes are left out of the codebook, so that their
   answers should stay uncoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CODEBOOK", "FITS", "NEW", "Coded", "code_answers", "settle", "spread_people", "unit"]

CODEBOOK, NEW = "codebook", "new"  # where a theme came from: the council's codebook, or found
PERSON_PULL = 2.0  # an answer plus twice the mean of the same person's other answers
FITS = 0.15  # the least closeness (cosine, centred) at which an answer counts as coded
SETTLE_ROUNDS = 3


@dataclass(frozen=True)
class Coded:
    """Each answer's codebook theme (an index, or None: uncoded) and how well it fits."""

    themes: tuple[int | None, ...]
    scores: tuple[float, ...]


def unit(rows: np.ndarray) -> np.ndarray:
    """Scale each row to length one (a zero row stays zero)."""
    rows = np.asarray(rows, dtype=np.float64)
    size = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(size == 0, 1.0, size)


def spread_people(
    points: np.ndarray, people: Sequence[str], pull: float = PERSON_PULL
) -> np.ndarray:
    """Pull each answer towards the mean of the same person's other answers, on the unit sphere.

    A person with one answer keeps it as it is. ``people`` are opaque ids, used only here.
    """
    if len(people) != len(points):
        raise ValueError(f"{len(people)} people for {len(points)} answers")
    out = np.array(points, dtype=np.float64)
    by_person: dict[str, list[int]] = {}
    for i, person in enumerate(people):
        by_person.setdefault(person, []).append(i)
    for rows in by_person.values():
        if len(rows) < 2:
            continue
        total = points[rows].sum(axis=0)
        for i in rows:
            out[i] = points[i] + pull * (total - points[i]) / (len(rows) - 1)
    return unit(out)


def settle(points: np.ndarray, places: np.ndarray, trust: np.ndarray) -> np.ndarray:
    """Move each theme's place towards the answers nearest it; return the final places.

    ``trust`` weighs each theme's own place against its answers (one per cue it has).
    """
    for _ in range(SETTLE_ROUNDS):
        nearest = np.argmax(points @ places.T, axis=1)
        held = np.bincount(nearest, minlength=len(places)).astype(np.float64)
        sums = np.zeros_like(places)
        np.add.at(sums, nearest, points)
        places = unit(trust[:, None] * np.maximum(held, 1.0)[:, None] * places + sums)
    return places


def code_answers(
    vectors: np.ndarray,
    cues: Sequence[np.ndarray],
    *,
    people: Sequence[str] | None = None,
    fits: float = FITS,
) -> Coded:
    """Code each answer (a row of ``vectors``) to a theme (``cues[j]``: its cue rows), or not.

    ``people`` (an opaque id per answer) lets one person's answers inform each other.
    """
    count = len(vectors)
    if count == 0 or not cues:
        return Coded((None,) * count, (0.0,) * count)
    vectors = unit(np.asarray(vectors, dtype=np.float64))
    centre = vectors.mean(axis=0)
    points = unit(vectors - centre)
    if people is not None:
        points = spread_people(points, people)
    places = unit(np.stack([unit(unit(np.asarray(c)) - centre).sum(axis=0) for c in cues]))
    trust = np.array([float(len(c)) for c in cues])
    places = settle(points, places, trust)
    closeness = points @ places.T
    best = np.argmax(closeness, axis=1)
    score = closeness[np.arange(count), best]
    themes = tuple(int(j) if s >= fits else None for j, s in zip(best, score, strict=True))
    return Coded(themes, tuple(float(s) for s in score))
