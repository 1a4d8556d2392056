"""Find themes in free-text answers: explainable, offline and repeatable for a seed.

How it works, in plain steps:

1. Words. Each answer is cut into lowercase words. English stop words and care
   filler ("really", "just", "would make it better") are dropped, but words
   that carry meaning in care answers are kept ("same", "alone", "out",
   "nothing", "never"). A light stemmer joins "carer"/"carers" and
   "waiting"/"waited" for matching; people always see the words as written.
2. Features. Words and two-word phrases, weighted by sublinear TF-IDF, plus
   character pieces of the kept words (so "listend" still meets "listened").
   Words used by only one answer are ignored, so an answer that shares no
   word with any other has no theme (``None``).
3. Grouping. The features are squeezed to at most 100 directions (LSA), put on
   the unit sphere, and grouped with k-means (fixed seed). Given each answer's
   meaning vector (a sentence embedding, ``vectors``), k-means groups the meaning
   (its 32 main directions, weighted twice) beside those directions, so "lonely"
   meets "no company"; the words still choose k, name the themes and say why.
4. How many themes. Unless ``k`` is given, every k from 2 up to a cap (one theme
   per eight answers, never more than 12, since people read the list) is tried on
   a sample of at most 3,000 answers and scored by cosine silhouette (how far apart
   the themes are). Silhouette creeps up with k on text, so the smallest k scoring
   at least 90% of the best wins.
5. Names. A theme's words are those its answers use far more than the other
   answers (share of the theme's answers using it, times log lift). Its label
   is the top word or phrase; its examples are short answers using the label,
   nearest the theme's centre.
   A group whose top word is used by fewer than two of its answers is not a
   theme: its answers get ``None``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from conversations.coding import CODEBOOK, NEW, spread_people
from conversations.text_words import normalise, stem, stop_words

__all__ = ["CODEBOOK", "NEW", "Theme", "Themes", "find_themes"]

STOP = stop_words()


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_CLAUSE = re.compile(r"[.,;:!?()\n\r\t]+|\s-\s|\s+and\s+|\s+but\s+")
_MAX_THEMES = 12
_ANSWERS_PER_THEME = 8
_SVD_DIMS = 100
_CHAR_WEIGHT = 1.0
_MEANING_WEIGHT = 2.0  # meaning vectors against word directions, each of unit length
_MEANING_DIMS = 32  # main directions of the meaning vectors kept
_N_INIT = 4
_SAMPLE = 3000
_CLOSE = 0.9  # a smaller k wins if its silhouette is within 10% of the best
_WHY_WORDS = 3
_SHARED = 1e-3  # why: words shared with the theme count a little even with no lift
_EXAMPLE_TERMS = 24  # longer answers make poor examples
_PHRASE_SHARE = 0.5  # a phrase names a theme if used by half as many as its top word


@dataclass(frozen=True)
class Theme:
    """One theme: a short label, how many answers, the words behind it, examples."""

    label: str
    size: int
    words: tuple[str, ...]
    examples: tuple[int, ...]  # indices of representative texts
    origin: str = NEW  # CODEBOOK: one of the council's own themes; NEW: found in the answers
    language: str = ""  # the language of its answers ("en", "cy"), once a report has read them


@dataclass(frozen=True)
class Themes:
    """Themes found, and each text's theme index (``None``: no theme)."""

    themes: tuple[Theme, ...]
    assignments: tuple[int | None, ...]
    reasons: tuple[tuple[str, ...], ...] = ()
    by_meaning: bool = False  # grouped by meaning vectors as well as words
    scores: tuple[float, ...] = ()  # how close each text is to its theme (cosine), if known

    def why(self, i: int) -> tuple[str, ...]:
        """Return the words that put text ``i`` in its theme (empty if none)."""
        if not 0 <= i < len(self.assignments):
            raise IndexError(f"no text number {i}: there are {len(self.assignments)}")
        if self.assignments[i] is None or i >= len(self.reasons):
            return ()
        return self.reasons[i]


@dataclass(frozen=True)
class _Doc:
    """One answer cut into matching keys, with the surface form of each key."""

    terms: tuple[str, ...]  # unigram keys then bigram keys
    surface: dict[str, str]  # key -> words as written in this answer


def find_themes(
    texts: Sequence[str],
    *,
    k: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    vectors: np.ndarray | None = None,
    people: Sequence[str] | None = None,
    most: int | None = None,
) -> Themes:
    """Group texts into explainable themes; k is chosen when not given (at most ``most``).

    ``vectors`` (one row per text, from a sentence-embedding model) group by meaning; the
    words still name each theme and say why. Without them, the words group too, and a text
    that shares no word with another has no theme. ``people`` (an opaque id per text, as in a
    brew's report) pull one person's answers towards each other. k is chosen on the words
    (it was the better choice on every planted brew measured, docs/benchmarks.md).
    """
    if vectors is not None and len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} meaning vectors for {len(texts)} texts")
    if people is not None and len(people) != len(texts):
        raise ValueError(f"{len(people)} people for {len(texts)} texts")
    say = progress or (lambda _message: None)
    say(f"Reading {len(texts):,} answers")
    docs = [_cut(text) for text in texts]
    nothing = Themes(themes=(), assignments=(None,) * len(texts))
    if sum(1 for d in docs if d.terms) < 2 and vectors is None:
        return nothing
    say("Weighing words and phrases")
    words, vocab, char = _features(docs)
    worded = np.asarray(words.getnnz(axis=1)).ravel() > 0
    written = np.array([bool(t.strip()) for t in texts], dtype=bool)
    rows = np.flatnonzero(worded if vectors is None else written)
    if rows.size < 2:
        return nothing
    points = _points(_both(words[rows], char[rows]), seed)
    by_words = points
    if people is not None:
        if vectors is not None:
            points = _meaning(points, vectors, rows, seed)
        points = spread_people(points, [people[int(r)] for r in rows])
    if k is None:
        say("Choosing how many themes")
        k = _choose_k(by_words, seed, say, most)
    k = max(1, min(int(k), rows.size, rows.size if most is None else most))
    if vectors is not None and people is None:
        say("Grouping by meaning, naming by words")
        points = _meaning(points, vectors, rows, seed)
    say(f"Grouping into {k} themes")
    groups = _group(points, k, seed)
    say("Naming the themes")
    found = _describe(
        docs, words[rows], vocab, rows, points, groups, len(texts), keep=vectors is not None
    )
    return replace(found, by_meaning=vectors is not None)


def _cut(text: str) -> _Doc:
    """Cut one answer into unigram and bigram keys (bigrams stay within a clause)."""
    unigrams: list[str] = []
    bigrams: list[str] = []
    surface: dict[str, str] = {}
    for clause in _CLAUSE.split(normalise(text)):
        kept = []
        for raw in _WORD.findall(clause):
            word = (raw[:-2] if raw.endswith("'s") else raw).replace("'", "")
            if len(word) < 2 or word in STOP:
                continue
            key = stem(word)
            surface.setdefault(key, raw)
            kept.append((key, raw))
        unigrams.extend(key for key, _ in kept)
        for (k1, w1), (k2, w2) in itertools.pairwise(kept):
            if k1 != k2:
                bigrams.append(f"{k1} {k2}")
                surface.setdefault(f"{k1} {k2}", f"{w1} {w2}")
    return _Doc(terms=tuple(unigrams + bigrams), surface=surface)


def _features(docs: Sequence[_Doc]) -> tuple[sparse.csr_matrix, list[str], sparse.csr_matrix]:
    """Return word/phrase TF-IDF, its vocabulary, and character TF-IDF."""
    min_df = 2
    vectoriser = TfidfVectorizer(
        analyzer=_identity, min_df=min_df, sublinear_tf=True, dtype=np.float32
    )
    try:
        words = vectoriser.fit_transform([d.terms for d in docs]).tocsr()
    except ValueError:  # no word is shared by two answers
        empty = sparse.csr_matrix((len(docs), 0), dtype=np.float32)
        return empty, [], empty
    vocab = list(vectoriser.get_feature_names_out())
    kept = set(vocab)
    joined = [" ".join(d.surface[t] for t in d.terms if " " not in t and t in kept) for d in docs]
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True, dtype=np.float32
    )
    try:
        chars = char.fit_transform(joined).tocsr()
    except ValueError:
        chars = sparse.csr_matrix((len(docs), 0), dtype=np.float32)
    return words, vocab, chars


def _both(words: sparse.csr_matrix, char: sparse.csr_matrix) -> sparse.csr_matrix:
    """Put word and letter-group features side by side, each row of each of unit length."""
    parts = [normalize(m) if m.shape[1] else m for m in (words, char)]
    parts[1] = _CHAR_WEIGHT * parts[1]
    if not any(m.shape[1] for m in parts):  # no word is shared: one empty column
        return sparse.csr_matrix((words.shape[0], 1), dtype=np.float32)
    return sparse.hstack(parts).tocsr()


def _identity(terms: tuple[str, ...]) -> tuple[str, ...]:
    """Hand pre-cut terms to the vectoriser unchanged."""
    return terms


def _points(features: sparse.csr_matrix, seed: int) -> np.ndarray:
    """Squeeze features with LSA and put each answer on the unit sphere."""
    features = normalize(features)
    if min(features.shape) <= _SVD_DIMS + 1:  # nothing to squeeze
        return np.asarray(features.toarray(), dtype=np.float64)
    svd = TruncatedSVD(n_components=_SVD_DIMS, random_state=seed)
    reduced: np.ndarray = svd.fit_transform(features)
    return np.asarray(normalize(reduced), dtype=np.float64)


def _meaning(points: np.ndarray, vectors: np.ndarray, rows: np.ndarray, seed: int) -> np.ndarray:
    """Put the answers' meaning vectors beside their word directions, on the unit sphere.

    The vectors are centred and squeezed to their main directions first (PCA): as good
    or a little better than all 384 numbers, and quicker to group (docs/benchmarks.md)."""
    meaning = np.asarray(vectors, dtype=np.float64)[rows]
    meaning = meaning - meaning.mean(axis=0)
    if min(meaning.shape) > _MEANING_DIMS:
        meaning = PCA(n_components=_MEANING_DIMS, random_state=seed).fit_transform(meaning)
    meaning = normalize(meaning)
    return np.asarray(normalize(np.hstack([_MEANING_WEIGHT * meaning, points])), dtype=np.float64)


def _group(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Run k-means with a fixed seed and return each point's group."""
    distinct = len(np.unique(points.round(6), axis=0))
    k = max(1, min(k, distinct))
    if k == 1:
        return np.zeros(points.shape[0], dtype=np.int64)
    model = KMeans(n_clusters=k, n_init=_N_INIT, random_state=seed)
    return np.asarray(model.fit_predict(points), dtype=np.int64)


def _choose_k(
    points: np.ndarray, seed: int, say: Callable[[str], None], most: int | None = None
) -> int:
    """Pick k in 2..cap by cosine silhouette on a sample, preferring fewer themes."""
    n = points.shape[0]
    distinct = len(np.unique(points.round(6), axis=0))
    cap = min(
        _MAX_THEMES, max(2, n // _ANSWERS_PER_THEME), distinct, n - 1, n if most is None else most
    )
    if cap < 2:
        return 1
    rng = np.random.default_rng(seed)
    sample = points if n <= _SAMPLE else points[rng.choice(n, _SAMPLE, replace=False)]
    scores: dict[int, float] = {}
    for k in range(2, cap + 1):
        groups = KMeans(n_clusters=k, n_init=2, random_state=seed).fit_predict(sample)
        if len(set(groups.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(sample, groups, metric="cosine"))
        say(f"  {k} themes: apartness {scores[k]:.3f}")
    if not scores:
        return 1
    best = max(scores.values())
    floor = best - (1 - _CLOSE) * abs(best)
    return min(k for k, s in scores.items() if s >= floor)


def _describe(
    docs: Sequence[_Doc],
    words: sparse.csr_matrix,
    vocab: Sequence[str],
    rows: np.ndarray,
    points: np.ndarray,
    groups: np.ndarray,
    total: int,
    *,
    keep: bool = False,
) -> Themes:
    """Name each group and explain each text; drop groups with no shared word unless ``keep``
    (grouped by meaning, a group may share no word and still be one theme)."""
    present = (words > 0).astype(np.float32).tocsc()
    overall = np.asarray(present.sum(axis=0)).ravel() / words.shape[0]
    found: list[tuple[Theme, np.ndarray, np.ndarray]] = []
    alone = np.unique(groups).size == 1  # one group: its words need no contrast
    for g in np.unique(groups):
        members = np.flatnonzero(groups == g)
        share = np.asarray(present[members].sum(axis=0)).ravel() / members.size
        weight = share if alone else _distinctiveness(share, overall)
        best = int(np.argmax(weight)) if weight.size else 0
        shared = weight.size > 0 and share[best] * members.size >= 2 and weight[best] > 0
        if not shared and not keep:
            continue
        chosen = _pick_words(weight, share, vocab) if shared else []
        names = [_surface(docs, rows[members], vocab[j]) for j in chosen]
        theme = Theme(
            label=names[0] if names else "",
            size=int(members.size),
            words=tuple(names),
            examples=_examples(docs, rows, members, points, vocab[chosen[0]] if chosen else ""),
        )
        found.append((theme, members, weight + _SHARED * share))
    found.sort(key=lambda item: (-item[0].size, item[0].label))
    assignments: list[int | None] = [None] * total
    reasons: list[tuple[str, ...]] = [()] * total
    for index, (_theme, members, weight) in enumerate(found):
        for m in members:
            row = int(rows[m])
            assignments[row] = index
            reasons[row] = _reasons(docs[row], words[m], weight, vocab)
    return Themes(
        themes=tuple(t for t, _, _ in found),
        assignments=tuple(assignments),
        reasons=tuple(reasons),
    )


def _distinctiveness(share: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """Score terms by how many of the theme's answers use them, times log lift."""
    lift = np.log2(np.maximum(share, 1e-12) / np.maximum(overall, 1e-12))
    return np.where(share > 0, share * np.maximum(lift, 0.0), 0.0)


def _pick_words(
    weight: np.ndarray, share: np.ndarray, vocab: Sequence[str], limit: int = 6
) -> list[int]:
    """Pick the label term first, then top terms that repeat no word already shown."""
    order = [int(j) for j in np.argsort(-weight, kind="stable") if weight[j] > 0]
    top = order[0]
    phrases = [j for j in order if " " in vocab[j] and vocab[top] in vocab[j].split()]
    if " " not in vocab[top] and phrases and share[phrases[0]] >= _PHRASE_SHARE * share[top]:
        top = phrases[0]
    chosen: list[int] = [top]
    seen: set[str] = set(vocab[top].split())
    for j in order:
        if len(chosen) >= limit:
            break
        parts = set(vocab[j].split())
        if not parts & seen:
            chosen.append(j)
            seen |= parts
    return chosen


def _surface(docs: Sequence[_Doc], members: np.ndarray, key: str) -> str:
    """Return the most common way the theme's answers write a key."""
    counts = Counter(docs[int(m)].surface[key] for m in members if key in docs[int(m)].surface)
    return min(counts, key=lambda s: (-counts[s], s)) if counts else key


def _examples(
    docs: Sequence[_Doc],
    rows: np.ndarray,
    members: np.ndarray,
    points: np.ndarray,
    label: str,
    limit: int = 3,
) -> tuple[int, ...]:
    """Return up to three different short answers using the label, nearest the centre."""
    centre = points[members].mean(axis=0)
    closeness = points[members] @ centre
    member_docs = [docs[int(rows[int(m)])] for m in members]
    uses = np.array([label in d.surface for d in member_docs])
    wordy = np.array([len(d.terms) > _EXAMPLE_TERMS for d in member_docs])
    order = members[np.lexsort((-closeness, wordy, ~uses))]
    picked: list[int] = []
    seen: set[tuple[str, ...]] = set()
    for m in order:
        row = int(rows[int(m)])
        if docs[row].terms in seen:
            continue
        seen.add(docs[row].terms)
        picked.append(row)
        if len(picked) == limit:
            break
    return tuple(picked)


def _reasons(
    doc: _Doc, row: sparse.csr_matrix, weight: np.ndarray, vocab: Sequence[str]
) -> tuple[str, ...]:
    """Return the text's own words that weigh most towards its theme."""
    scores: dict[str, float] = {}
    for j, value in zip(row.indices, row.data, strict=True):
        for part in vocab[j].split():
            gain = float(value) * float(weight[j])
            if gain > 0 and part in doc.surface:
                scores[part] = scores.get(part, 0.0) + gain
    ranked = sorted(scores, key=lambda key: (-scores[key], key))[:_WHY_WORDS]
    return tuple(doc.surface[key] for key in ranked)
