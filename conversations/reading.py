"""Read a report's answers into themes: the council's codebook first, then what is new.

This is the one way every report (summary, digest, region, exports, live counts, and
``brewbot themes``) turns answers into themes, so they all agree on each answer's theme:

1. With a codebook, each answer goes to the codebook theme it fits best, when it fits well
   enough (:mod:`conversations.coding`). A codebook theme keeps its own name.
2. The answers left are grouped into new themes by meaning and words
   (:mod:`conversations.themes`), never more than one theme per ``min_group`` people, since
   a smaller theme could not be shown.
3. Each new theme is named with a short phrase (:mod:`conversations.labels`), every word of
   which was typed by at least ``min_group`` people, or by nobody.

Meaning comes from ``embed`` (the bundled sentence model, handed in by the bot); without it,
answers are grouped by words, and codebook themes are matched by their words too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from conversations.codebook import Codebook
from conversations.coding import CODEBOOK, NEW, code_answers, unit
from conversations.labels import Embed, LabelWords, label_themes

if TYPE_CHECKING:
    from conversations.themes import Themes

__all__ = ["Reader", "read_themes"]

EXAMPLES_KEPT = 3


@dataclass(frozen=True)
class Reader:
    """How a report reads its answers: by meaning (``embed``) or not, with a codebook or not.

    Call it with the answers' texts (names and numbers already taken out) and an opaque id
    per answer for who wrote it.
    """

    embed: Embed | None = None
    codebook: Codebook | None = None

    def __call__(self, texts: Sequence[str], people: Sequence[str], *, min_group: int) -> Themes:
        return read_themes(
            texts, people, min_group=min_group, embed=self.embed, codebook=self.codebook
        )

    def meanings(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit vector per text: by meaning, or by words without the model."""
        if not texts:
            return np.zeros((0, 1))
        if self.embed is not None:
            return unit(self.embed(list(texts)))
        return word_meanings(texts)


def read_themes(
    texts: Sequence[str],
    people: Sequence[str],
    *,
    min_group: int,
    embed: Embed | None = None,
    codebook: Codebook | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    k: int | None = None,
) -> Themes:
    """Code texts against the codebook (if any), group the rest into new themes, name them.

    ``k`` fixes how many new themes (chosen by the answers when not given)."""
    from conversations.themes import find_themes  # scikit-learn loads only when needed

    if len(people) != len(texts):
        raise ValueError(f"{len(people)} people for {len(texts)} texts")
    say = progress or (lambda _message: None)
    vectors = unit(embed(list(texts))) if embed is not None and texts else None
    coded: list[int | None] = [None] * len(texts)
    scores = [0.0] * len(texts)
    if codebook is not None and texts:
        say(f"Coding against the codebook ({len(codebook.themes)} themes)")
        coded, scores = _code(texts, people, codebook, vectors, embed)
    rest = [i for i, theme in enumerate(coded) if theme is None]
    say(f"Looking for new themes in {len(rest):,} answers")
    # one theme per minimum group of people; two at least, so that one theme can stand
    # apart from what fits nothing (a single group of everything left is not a theme)
    most = max(2, len({people[i] for i in rest}) // max(1, min_group))
    found = find_themes(
        [texts[i] for i in rest],
        vectors=None if vectors is None else vectors[rest],
        people=[people[i] for i in rest],
        most=most if k is None else None,
        seed=seed,
        progress=progress,
        k=k,
    )
    if len(found.themes) < 2 and k is None:  # one group of everything left is not a theme
        found = replace(found, themes=(), assignments=(None,) * len(rest))
    return _together(texts, people, codebook, coded, scores, rest, found, vectors, embed, min_group)


def word_meanings(texts: Sequence[str]) -> np.ndarray:
    """Stand in for meaning with words: TF-IDF of words and letter groups, squeezed (LSA)."""
    from scipy import sparse  # type: ignore[import-untyped]
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    lowered = [t.casefold() for t in texts]
    parts = []
    for vectoriser in (
        TfidfVectorizer(sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
    ):
        try:
            parts.append(vectoriser.fit_transform(lowered))
        except ValueError:  # no words at all
            continue
    if not parts:
        return np.zeros((len(texts), 1))
    both = sparse.hstack(parts).tocsr()
    if min(both.shape) > 101:
        return unit(TruncatedSVD(n_components=100, random_state=0).fit_transform(both))
    return unit(both.toarray())


def _code(
    texts: Sequence[str],
    people: Sequence[str],
    codebook: Codebook,
    vectors: np.ndarray | None,
    embed: Embed | None,
) -> tuple[list[int | None], list[float]]:
    """Code each text against the codebook's themes, by meaning or else by words."""
    cues = [theme.cues for theme in codebook.themes]
    if vectors is not None and embed is not None:
        flat = unit(embed([c for group in cues for c in group]))
        answer_vectors = vectors
    else:
        both = word_meanings([*texts, *(c for group in cues for c in group)])
        answer_vectors, flat = both[: len(texts)], both[len(texts) :]
    split = np.cumsum([len(group) for group in cues])[:-1]
    result = code_answers(answer_vectors, np.split(flat, split), people=people)
    return list(result.themes), list(result.scores)


def _together(
    texts: Sequence[str],
    people: Sequence[str],
    codebook: Codebook | None,
    coded: Sequence[int | None],
    scores: Sequence[float],
    rest: Sequence[int],
    found: Themes,
    vectors: np.ndarray | None,
    embed: Embed | None,
    min_group: int,
) -> Themes:
    """Put codebook themes and new ones into one Themes, naming the new ones."""
    from conversations.themes import Theme, Themes

    themes: list[Theme] = []
    groups: list[list[int]] = []
    assignments: list[int | None] = [None] * len(texts)
    final_scores = list(scores)
    if codebook is not None:
        for j, entry in enumerate(codebook.themes):
            members = [i for i, theme in enumerate(coded) if theme == j]
            if not members:
                continue
            best = sorted(members, key=lambda i: -scores[i])[:EXAMPLES_KEPT]
            themes.append(Theme(entry.name, len(members), (), tuple(best), origin=CODEBOOK))
            groups.append(members)
    first_new = len(themes)
    for theme in found.themes:
        themes.append(replace(theme, examples=tuple(rest[e] for e in theme.examples)))
        groups.append([])
    for local, theme_index in enumerate(found.assignments):
        if theme_index is not None:
            groups[first_new + theme_index].append(rest[local])
    counts = LabelWords.of(texts, people)
    wanted = [g for g in range(first_new, len(themes))]
    labels = label_themes(
        texts, groups, counts, min_group=min_group, embed=embed, named=frozenset(wanted)
    )
    for g in wanted:
        themes[g] = replace(themes[g], label=labels[g] or "", origin=NEW)
    order = sorted(
        range(len(themes)), key=lambda g: (themes[g].origin != CODEBOOK, -len(groups[g]))
    )
    themes = [themes[g] for g in order]
    groups = [groups[g] for g in order]
    for g, members in enumerate(groups):
        for i in members:
            assignments[i] = g
    if vectors is not None:
        for g, members in enumerate(groups):
            if themes[g].origin == NEW and members:
                centre = unit(vectors[members].mean(axis=0, keepdims=True))[0]
                for i in members:
                    final_scores[i] = float(vectors[i] @ centre)
    reasons: list[tuple[str, ...]] = [()] * len(texts)
    for local, why in enumerate(found.reasons):
        reasons[rest[local]] = why
    return Themes(
        themes=tuple(themes),
        assignments=tuple(assignments),
        reasons=tuple(reasons),
        by_meaning=vectors is not None,
        scores=tuple(final_scores),
    )
