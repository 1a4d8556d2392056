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

One language at a time. The bundled model reads English only: a Welsh answer and its own
English twin are unrelated to it, and adding its meaning made Welsh themes worse than words
alone (docs/benchmarks.md, "Themes in Welsh"). So each answer's language is told
(:func:`conversations.language.language_of`; one too short to tell goes with the brew's most
common language), Welsh answers are read by their words alone, and a brew with answers in
both languages is read as one part per language, side by side: its themes are the English
part's and the Welsh part's, each knowing its language (``Theme.language``). Read together,
the two languages share no words, so every theme split by language and each pulled the other's
groups apart (0.18 against 0.26, same bench). A language whose answers come from fewer than
``min_group`` people gets no themes of its own, since none could be shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from conversations.codebook import Codebook
from conversations.coding import CODEBOOK, NEW, code_answers, unit
from conversations.labels import Embed, LabelWords, as_written, label_themes
from conversations.language import ENGLISH, language_of

if TYPE_CHECKING:
    from conversations.themes import Theme, Themes

__all__ = ["BY_MEANING", "Reader", "languages_of", "read_themes"]

EXAMPLES_KEPT = 3
BY_MEANING = frozenset({ENGLISH})  # the languages the bundled model reads


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
        """Return one unit vector per text: by meaning, or by words without the model, or
        where any text is in a language the model does not read (they must share a space)."""
        if not texts:
            return np.zeros((0, 1))
        if self.embed is not None and BY_MEANING.issuperset(languages_of(texts)):
            return unit(self.embed(list(texts)))
        return word_meanings(texts)


def languages_of(texts: Sequence[str]) -> list[str]:
    """Tell each text's language; one too short to tell goes with the most common language
    of the rest (English when none can be told, or on a tie)."""
    told = [language_of(text) for text in texts]
    known = Counter(language for language in told if language is not None)
    usual = max(sorted(known), key=lambda x: (known[x], x == ENGLISH), default=ENGLISH)
    return [language or usual for language in told]


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
    """Code texts against the codebook (if any), group the rest into new themes, name them:
    one language at a time, side by side (see the module's note).

    ``k`` fixes how many new themes (in each language; chosen by the answers when not given)."""
    if len(people) != len(texts):
        raise ValueError(f"{len(people)} people for {len(texts)} texts")
    told = languages_of(texts)
    parts = {language: [i for i, x in enumerate(told) if x == language] for language in told}
    read: list[tuple[list[int], Themes]] = []
    for language in sorted(parts, key=lambda x: (x != ENGLISH, x)):
        rows = parts[language]
        if len(parts) > 1 and len({people[i] for i in rows}) < min_group:
            continue  # too few people in this language for any theme of its own
        if len(parts) > 1 and progress is not None:
            progress(f"Reading the {len(rows):,} answers in {language!r} on their own")
        found = _read_one(
            [texts[i] for i in rows],
            [people[i] for i in rows],
            min_group=min_group,
            embed=embed if language in BY_MEANING else None,
            codebook=codebook,
            seed=seed,
            progress=progress,
            k=k,
        )
        themes = tuple(replace(theme, language=language) for theme in found.themes)
        read.append((rows, replace(found, themes=themes)))
    return _side_by_side(len(texts), read)


def _side_by_side(count: int, parts: Sequence[tuple[Sequence[int], Themes]]) -> Themes:
    """Put each language's themes into one Themes for all ``count`` texts, in part order;
    a text of no part read is in no theme."""
    from conversations.themes import Themes

    if len(parts) == 1 and len(parts[0][0]) == count:
        return parts[0][1]  # one language: read as it is
    themes: list[Theme] = []
    assignments: list[int | None] = [None] * count
    reasons: list[tuple[str, ...]] = [()] * count
    scores = [0.0] * count
    for rows, found in parts:
        first = len(themes)
        themes += [
            replace(theme, examples=tuple(rows[e] for e in theme.examples))
            for theme in found.themes
        ]
        for local, i in enumerate(rows):
            theme_index = found.assignments[local]
            assignments[i] = None if theme_index is None else first + theme_index
            reasons[i] = found.reasons[local] if local < len(found.reasons) else ()
            scores[i] = found.scores[local] if local < len(found.scores) else 0.0
    return Themes(
        themes=tuple(themes),
        assignments=tuple(assignments),
        reasons=tuple(reasons),
        by_meaning=any(found.by_meaning for _, found in parts),
        scores=tuple(scores),
    )


def _read_one(
    texts: Sequence[str],
    people: Sequence[str],
    *,
    min_group: int,
    embed: Embed | None,
    codebook: Codebook | None,
    seed: int,
    progress: Callable[[str], None] | None,
    k: int | None,
) -> Themes:
    """Read the texts of one language: code them, find new themes in the rest, name them."""
    from conversations.themes import find_themes  # scikit-learn loads only when needed

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
        texts,
        groups,
        counts,
        min_group=min_group,
        embed=embed,
        named=frozenset(wanted),
        people=people,
    )
    for g in wanted:
        label = as_written(labels[g] or "", [texts[i] for i in groups[g]])
        themes[g] = replace(themes[g], label=label, origin=NEW)
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
