"""Name a theme with a short phrase a reader recognises, never with a word few people typed.

A theme's label is 2 to 5 words. It comes, in this order of preference, from:

1. **People's own words**: a run of 2 to 5 words from one of the theme's answers (within a
   clause, never across a removed name or number), such as "waiting for a call back".
2. **brewbot's own words**: a phrase from a shipped list of everyday headings about life
   with care and support (``headings/everyday.txt``), such as "being kept informed", of
   headings in the words a report would use (``headings/report.txt``), such as "chasing
   for updates", or of each topic said in other words (``headings/other_words.txt``), such
   as "dining together", when no run of people's words may be shown.

The privacy rule for labels: every word in a label that anyone typed must have been typed
by at least ``min_group`` different people in the report (a word is counted by its light
stem, so "waited" and "waiting" count together). A word nobody typed (brewbot's own, in a
phrase from the list) reveals nothing anyone wrote. So in a brew of 15 people, where few
words but "the" and "me" were typed by five, labels mostly come from the list; in bigger
brews, from people.

Among the phrases allowed, the one chosen is the closest in meaning to the theme's centre
and the least close to the other themes' centres (the KeyBERT idea, with the bundled
sentence model, and a label used once per report), among those that fit what at least
``min_group`` of the theme's people wrote (not one person's many answers). Without the
model, people's phrases are weighed by their words instead, and a theme with none allowed is
named by its number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from conversations.coding import unit
from conversations.text_words import listed, normalise, stem, stop_words

__all__ = [
    "Embed",
    "LabelWords",
    "as_written",
    "candidate_phrases",
    "label_themes",
    "shipped_phrases",
]

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> one unit vector a row

HEADINGS = Path(__file__).resolve().parent / "headings"
PHRASES_FILES = tuple(HEADINGS / name for name in ("everyday.txt", "report.txt", "other_words.txt"))
SHORTEST, LONGEST = 2, 5
DISTINCT = 0.5  # how much closeness to another theme counts against a phrase
THEIR_WORDS = 0.05  # people's own words win over a list phrase within this much closeness
SAME_MEANING = 0.4  # a label must be this close (cosine) to the best phrase of all (measured)
FIT_SHARE = 0.7  # and fit the theme at least this share as well as the best phrase does (measured)
SUPPORT_TOP = 0.03  # a label fits min_group people as well as the best 3% of the list (measured)
CANDIDATES_EMBEDDED = 60  # per theme: the people's phrases weighed by meaning (cost)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]\"\n\r\t…]+|\s[-–—]\s")
# Words a heading does not start or end on ("for the", "and my", "was").
_EDGE = listed(
    """
a an the and or but so nor to of for in on at by with from as if than that which who whom
whose when while because is are was were be been am have has had do does did will would
can could should shall may might must i you he she it we they me him her us them my your
his its our their this these those not no very just really also too there here what how
why where im ive id ill dont doesnt didnt cant wont isnt wasnt arent werent
    """
)


@dataclass(frozen=True)
class LabelWords:
    """Who typed which word in a report: each light stem's number of different people."""

    people: dict[str, int]

    @classmethod
    def of(cls, texts: Sequence[str], people: Sequence[str]) -> LabelWords:
        """Count, for each word's stem, the different people whose answers use it."""
        users: dict[str, set[str]] = {}
        for text, person in zip(texts, people, strict=True):
            for word in words_of(text):
                users.setdefault(stem(word), set()).add(person)
        return cls({key: len(who) for key, who in users.items()})

    def typed_by(self, word: str) -> int:
        """How many different people typed this word (or another with its stem)."""
        return self.people.get(stem(normalise(word).replace("'", "")), 0)

    def shareable(self, phrase: str, *, min_group: int, ours: bool = False) -> bool:
        """Say whether every word of a phrase may be shown: typed by ``min_group`` people or
        more, or (for brewbot's own phrases, ``ours``) typed by nobody at all."""
        for word in words_of(phrase):
            count = self.typed_by(word)
            if count >= min_group or (ours and count == 0):
                continue
            return False
        return True


def words_of(text: str) -> list[str]:
    """Return a text's words, lower case, without apostrophes."""
    return [w.replace("'", "") for w in _WORD.findall(normalise(text))]


@cache
def shipped_phrases(paths: tuple[Path, ...] = PHRASES_FILES) -> tuple[str, ...]:
    """Read brewbot's lists of headings (one a line, ``#`` starts a comment)."""
    lines = [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]
    return tuple(dict.fromkeys(s for line in lines if (s := line.split("#", 1)[0].strip())))


_WRITTEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def as_written(label: str, texts: Sequence[str]) -> str:
    """Give a label's words back the accents people wrote them with ("yn ol" -> "yn ôl"):
    labels are found in words with accents dropped, and Welsh needs its circumflexes. Each
    word takes its most common accented form in ``texts`` (the theme's answers), if any."""
    written: dict[str, Counter[str]] = {}
    for text in texts:
        for token in _WRITTEN.findall(text.replace("\u2019", "'")):
            key = normalise(token)
            if token.lower() != key and "'" not in token:
                written.setdefault(key, Counter())[token.lower()] += 1
    return " ".join(
        written[word].most_common(1)[0][0] if word in written else word for word in label.split()
    )


def candidate_phrases(text: str) -> list[str]:
    """Return the runs of 2 to 5 words in one answer that could name a theme.

    Runs stay within a clause and start and end on a word that carries meaning (not a stop
    word). Redaction markers (``[name]``) break a clause.
    """
    found: list[str] = []
    for clause in _BREAK.split(text):
        words = words_of(clause)
        for size in range(SHORTEST, LONGEST + 1):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if _weak(run[0]) or _weak(run[-1]) or len(set(run)) < len(run):
                    continue
                found.append(" ".join(run))
    return found


def _weak(word: str) -> bool:
    """Say whether a word is too weak to start or end a heading ("the", "get", "own")."""
    return word in _EDGE or word in stop_words() or len(word) < 2


def label_themes(
    texts: Sequence[str],
    groups: Sequence[Sequence[int]],
    counts: LabelWords,
    *,
    min_group: int,
    embed: Embed | None = None,
    phrases: Sequence[str] | None = None,
    named: frozenset[int] | None = None,
    people: Sequence[str] | None = None,
) -> list[str | None]:
    """Name each group of texts (indices into ``texts``); None where no phrase may be shown.

    ``texts`` are the report's answers with names and numbers already taken out. Only the
    groups in ``named`` (default: all) are named; the others (a codebook's, which keep their
    own names) still count as themes a label should differ from.
    """
    named = frozenset(range(len(groups))) if named is None else named
    said = [sorted({p for i in members for p in candidate_phrases(texts[i])}) for members in groups]
    theirs = [[p for p in phrases if counts.shareable(p, min_group=min_group)] for phrases in said]
    if embed is None:
        return _by_words(texts, groups, theirs, named)
    listed = list(shipped_phrases() if phrases is None else phrases)
    ours = {p for p in listed if counts.shareable(p, min_group=min_group, ours=True)}
    return _by_meaning(texts, groups, said, theirs, listed, ours, embed, named, people, min_group)


def _by_meaning(
    texts: Sequence[str],
    groups: Sequence[Sequence[int]],
    said: Sequence[Sequence[str]],
    theirs: Sequence[Sequence[str]],
    listed: Sequence[str],
    ours: set[str],
    embed: Embed,
    named: frozenset[int],
    people: Sequence[str] | None,
    min_group: int,
) -> list[str | None]:
    """Pick, theme by theme, the allowed phrase most like its answers and least like the rest,
    if it means much the same as the best phrase of all (allowed or not); else None.

    A phrase's fit to a theme is its mean closeness (cosine) to the theme's answers, less
    ``DISTINCT`` times its mean closeness to the other answers (measured in docs/benchmarks.md,
    "Labels": better than closeness to a centre, with or without the others' centres). The
    best phrase of all may hold a word too few people typed; a label that may be shown must
    be close to it in meaning (``SAME_MEANING``), so a theme about meals is never headed
    "keeping clean" because every phrase about food held such a word; and fit the theme
    nearly as well (``FIT_SHARE``), so a theme about having a break is not headed "bedtime
    routines" only because that is near the best phrase (docs/benchmarks.md, "Labels").

    With ``people`` (who wrote each answer), a phrase may head a theme only if it fits the
    answers of at least ``min_group`` of the theme's people (``_backed``): a heading then says
    what five people said, never what one person said five times, and a phrase that fits a
    theme only by chance (a theme about having the same carer headed "meeting people") is
    left out (docs/benchmarks.md, "Labels", session 8)."""
    if not groups:
        return []
    shortlist = [
        _shortlist(phrases, texts, members) if g in named else []
        for g, (phrases, members) in enumerate(zip(said, groups, strict=True))
    ]
    pool = list(dict.fromkeys([*listed, *(p for s in shortlist for p in s)]))
    if not pool:
        return [None] * len(groups)
    ours_too = set(listed)
    in_list = np.array([p in ours_too for p in pool]) if listed else np.ones(len(pool), bool)
    vectors = unit(embed(pool))
    closeness = vectors @ unit(embed(list(texts))).T  # phrases x answers
    labels: list[str | None] = []
    taken: set[str] = set()
    for g, members in enumerate(groups):
        if g not in named:
            labels.append(None)
            continue
        inside = np.zeros(len(texts), dtype=bool)
        inside[list(members)] = True
        rest = closeness[:, ~inside].mean(axis=1) if (~inside).any() else 0.0
        score = closeness[:, inside].mean(axis=1) - DISTINCT * rest
        mine = set(shortlist[g])
        shown = mine & set(theirs[g])
        score = score + np.array([THEIR_WORDS if p in shown else 0.0 for p in pool])
        candidates = [i for i, p in enumerate(pool) if p in mine or p in ours_too]
        if people is not None:
            backed = _backed(closeness, members, people, min_group, ranked=in_list)
            candidates = [i for i in candidates if backed[i]]
            if not candidates:
                labels.append(None)
                continue
        ideal = max(candidates, key=lambda i: score[i])
        allowed = [
            i for i in candidates if pool[i] not in taken and (pool[i] in shown or pool[i] in ours)
        ]
        best = max(allowed, key=lambda i: score[i], default=None)
        if (
            best is None
            or float(vectors[best] @ vectors[ideal]) < SAME_MEANING
            or score[best] < FIT_SHARE * score[ideal]
        ):
            labels.append(None)
            continue
        taken.add(pool[best])
        labels.append(pool[best])
    return labels


def _backed(
    closeness: np.ndarray,
    members: Sequence[int],
    people: Sequence[str],
    min_group: int,
    *,
    ranked: np.ndarray,
) -> np.ndarray:
    """Say, for each phrase, whether it fits the answers of at least ``min_group`` of the
    theme's people as well as the best ``SUPPORT_TOP`` of brewbot's own phrases (``ranked``:
    the same yardstick for every person, whatever their own words) fit them."""
    from scipy import sparse  # type: ignore[import-untyped]

    if not members:
        return np.zeros(closeness.shape[0], dtype=bool)
    who = {person: n for n, person in enumerate(dict.fromkeys(people[i] for i in members))}
    column = np.array([who[people[i]] for i in members], dtype=np.int64)
    share = 1.0 / np.bincount(column)[column]  # each person's answers weigh one in all
    mean = sparse.csr_matrix((share, (np.arange(len(members)), column)))
    fit = np.asarray(mean.T @ closeness[:, list(members)].T).T  # phrases x people
    enough = np.quantile(fit[ranked], 1.0 - SUPPORT_TOP, axis=0)
    backed: np.ndarray = (fit >= enough).sum(axis=1) >= min_group
    return backed


def _shortlist(phrases: Sequence[str], texts: Sequence[str], members: Sequence[int]) -> list[str]:
    """Keep the theme's phrases used by the most of its answers, so few need reading by meaning."""
    lowered = [" ".join(words_of(texts[i])) for i in members]
    ranked = sorted(phrases, key=lambda p: (-sum(p in t for t in lowered), -len(p), p))
    return ranked[:CANDIDATES_EMBEDDED]


def _by_words(
    texts: Sequence[str],
    groups: Sequence[Sequence[int]],
    theirs: Sequence[Sequence[str]],
    named: frozenset[int],
) -> list[str | None]:
    """Without the model: the phrase whose words the theme uses most, and the others least."""
    share = [_word_share(texts, m) for m in groups]
    labels: list[str | None] = []
    taken: set[str] = set()
    for g, phrases in enumerate(theirs):
        if g not in named:
            labels.append(None)
            continue
        weight = _weigher(share, g)
        ranked = sorted((p for p in phrases if p not in taken), key=lambda p: (-weight(p), p))
        label = ranked[0] if ranked and weight(ranked[0]) > 0 else None
        if label is not None:
            taken.add(label)
        labels.append(label)
    return labels


def _weigher(share: Sequence[dict[str, float]], g: int) -> Callable[[str], float]:
    """Weigh a phrase by how many of theme ``g``'s answers use its words, less the others'."""

    def weight(phrase: str) -> float:
        keys = [stem(w) for w in words_of(phrase) if w not in stop_words()]
        here = sum(share[g].get(k, 0.0) for k in keys)
        elsewhere = (sum(s.get(k, 0.0) for k in keys) for h, s in enumerate(share) if h != g)
        return here - DISTINCT * max(elsewhere, default=0.0)

    return weight


def _word_share(texts: Sequence[str], members: Sequence[int]) -> dict[str, float]:
    """Share of a theme's answers using each word's stem."""
    seen: dict[str, int] = {}
    for i in members:
        for key in {stem(w) for w in words_of(texts[i])}:
            seen[key] = seen.get(key, 0) + 1
    return {key: n / max(1, len(members)) for key, n in seen.items()}
