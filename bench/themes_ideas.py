"""Try the ideas behind brewbot's themes one at a time, at a fixed k, on labelled comments.

Run: .venv/bin/python -m bench.themes_ideas [--k 9] [--seeds 0 1 2]

Each line adds one idea to the line above it (unless it says "instead"), so the table
shows what each idea gave. The last lines are the shipped code, through the CLI's path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bench.feedback import DATA, absent
from bench.themes_bench import TEXT, Score, load, score
from bot.cli.themes import analyse
from bot.settings import MIN_GROUP
from conversations import themes as brewbot_themes

Grouper = Callable[[list[str], int, int], list[int]]


def _english(texts: list[str], **options: object) -> sparse.csr_matrix:
    """TF-IDF with scikit-learn's English stop words and the given options."""
    return TfidfVectorizer(stop_words="english", **options).fit_transform(texts)


def _ours(texts: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """brewbot's word/phrase TF-IDF (care stop list, light stems) and character TF-IDF."""
    docs = [brewbot_themes._cut(t) for t in texts]
    words, _vocab, chars = brewbot_themes._features(docs)
    return words, chars


def _lsa(features: sparse.csr_matrix, seed: int) -> np.ndarray:
    """Squeeze to 100 directions and normalise."""
    return np.asarray(normalize(TruncatedSVD(100, random_state=seed).fit_transform(features)))


def _kmeans(points: object, k: int, seed: int, n_init: int = 10) -> list[int]:
    return [int(g) for g in KMeans(k, n_init=n_init, random_state=seed).fit_predict(points)]


def plain(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_english(texts), k, seed, n_init=1)


def plain_ten_starts(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_english(texts), k, seed)


def sublinear_min_df(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_english(texts, sublinear_tf=True, min_df=2), k, seed)


def with_bigrams(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_english(texts, sublinear_tf=True, min_df=2, ngram_range=(1, 2)), k, seed)


def care_words(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_ours(texts)[0], k, seed)


def care_words_lsa(texts: list[str], k: int, seed: int) -> list[int]:
    return _kmeans(_lsa(_ours(texts)[0], seed), k, seed)


def care_words_chars_lsa(texts: list[str], k: int, seed: int) -> list[int]:
    words, chars = _ours(texts)
    both = sparse.hstack([normalize(words), normalize(chars)]).tocsr()
    return _kmeans(_lsa(both, seed), k, seed)


def minibatch_instead(texts: list[str], k: int, seed: int) -> list[int]:
    words, chars = _ours(texts)
    points = _lsa(sparse.hstack([normalize(words), normalize(chars)]).tocsr(), seed)
    found = MiniBatchKMeans(k, n_init=10, random_state=seed, batch_size=2048).fit_predict(points)
    return [int(g) for g in found]


def nmf_instead(texts: list[str], k: int, seed: int) -> list[int]:
    weights = NMF(k, init="nndsvda", random_state=seed, max_iter=400).fit_transform(_ours(texts)[0])
    return [int(g) for g in weights.argmax(axis=1)]


IDEAS: list[tuple[str, Grouper]] = [
    ("plain TF-IDF + k-means, 1 start (baseline)", plain),
    ("  10 k-means starts", plain_ten_starts),
    ("  sublinear tf, min_df=2", sublinear_min_df),
    ("  word pairs (1-2 grams)", with_bigrams),
    ("  care stop list, light stems, pairs in a clause", care_words),
    ("  LSA 100 + unit length", care_words_lsa),
    ("  character 3-5 grams of kept words", care_words_chars_lsa),
    ("  instead: MiniBatchKMeans", minibatch_instead),
    ("  instead: NMF (argmax topic)", nmf_instead),
]


def main(argv: Sequence[str] | None = None) -> int:
    """Print one line per idea: mean scores over seeds at a fixed k."""
    parser = argparse.ArgumentParser(prog="python -m bench.themes_ideas", description=__doc__)
    parser.add_argument("--k", type=int, default=9)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    if absent(args.data, "themes ideas"):
        return 0
    texts, gold = load(args.data)
    print(f"k={args.k}, mean of seeds {' '.join(map(str, args.seeds))}, {len(texts):,} comments")
    print(
        f"{'idea':<50} {'AMI(label)':>10} {'AMI(sub)':>8} {'pur(lab)':>8} {'pur(sub)':>8} {'s':>6}"
    )
    for name, grouper in IDEAS:
        scores = []
        for seed in args.seeds:
            start = time.perf_counter()
            found = grouper(texts, args.k, seed)
            scores.append(score(found, gold, time.perf_counter() - start))
        _line(name, scores)
    for label, k in (("shipped, k given", args.k), ("shipped, k chosen", None)):
        scores = []
        for seed in args.seeds:
            start = time.perf_counter()
            # Words alone: grouping by meaning as well is bench.themes_bench's "meaning".
            _t, _f, themes = analyse(
                args.data, TEXT, k=k, seed=seed, quiet=True, meaning=False, min_group=MIN_GROUP
            )
            groups = [-1 if a is None else a for a in themes.assignments]
            scores.append(score(groups, gold, time.perf_counter() - start))
        _line(f"{label} ({scores[0].groups - 1} themes + no-theme group)", scores)
    return 0


def _line(name: str, scores: list[Score]) -> None:
    """Print one idea's mean scores."""
    m = [
        statistics.fmean(getattr(s, f) for s in scores)
        for f in ("ami_label", "ami_sub", "purity_label", "purity_sub", "seconds")
    ]
    print(f"{name:<50} {m[0]:>10.3f} {m[1]:>8.3f} {m[2]:>8.3f} {m[3]:>8.3f} {m[4]:>6.1f}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
