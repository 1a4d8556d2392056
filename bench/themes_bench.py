"""Bench brewbot's themes against people's labels, before and after meaning, side by side.

Run: .venv/bin/python -m bench.themes_bench [--seeds 0 1 2] [--k 10 --k 20] [--scale 5]

Data: ../shared/feedback-data/text_data.csv beside the repo (10,334 NHS comments, each
labelled by people with a category and a subcategory). brewbot runs through the same
code as ``brewbot themes FILE --text-column feedback``: "words" as before (words alone),
"meaning" as now (meaning vectors beside the words). The meanings are read once, as the
bot reads them when answers arrive, and that cost is printed on its own line. Answers
brewbot leaves without a theme count as one more group; the others (plain TF-IDF +
k-means, and k-means or Ward's agglomerative clustering on the meaning vectors alone) are
given the same number of groups as "meaning". Peak memory is Python's (tracemalloc).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from bench.feedback import DATA, absent
from bot import embedder
from bot.cli.themes import analyse
from bot.settings import MIN_GROUP

T = TypeVar("T")

TEXT, LABEL, SUBCATEGORY = "feedback", "label", "code"


@dataclass(frozen=True)
class Score:
    """How one grouping lines up with the people's labels, and how long it took."""

    groups: int
    ami_label: float
    ami_sub: float
    purity_label: float
    purity_sub: float
    covered: float
    seconds: float
    peak_mb: float = 0.0


def measured(work: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``work``; return its result, seconds taken and peak memory in MB."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = work()
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def purity(groups: Sequence[int], gold: Sequence[str]) -> float:
    """Share of answers whose group's most common label is their own."""
    by_group: dict[int, Counter[str]] = defaultdict(Counter)
    for g, label in zip(groups, gold, strict=True):
        by_group[g][label] += 1
    return sum(c.most_common(1)[0][1] for c in by_group.values()) / len(gold)


def score(groups: Sequence[int], gold: tuple[list[str], list[str]], seconds: float) -> Score:
    """Score a grouping (-1 is the no-theme group) against labels and subcategories."""
    labels, subs = gold
    return Score(
        groups=len(set(groups)),
        ami_label=float(adjusted_mutual_info_score(labels, groups)),
        ami_sub=float(adjusted_mutual_info_score(subs, groups)),
        purity_label=purity(groups, labels),
        purity_sub=purity(groups, subs),
        covered=sum(1 for g in groups if g >= 0) / len(groups),
        seconds=seconds,
    )


def brewbot(
    path: Path,
    k: int | None,
    seed: int,
    gold: tuple[list[str], list[str]],
    vectors: np.ndarray | None,
) -> Score:
    """Run brewbot's themes the CLI's way (by meaning when given vectors) and score them."""
    (_t, _f, themes), seconds, peak = measured(
        lambda: analyse(
            path,
            TEXT,
            k=k,
            seed=seed,
            quiet=True,
            meaning=vectors is not None,
            vectors=vectors,
            min_group=MIN_GROUP,
        )
    )
    found = score([-1 if a is None else a for a in themes.assignments], gold, seconds)
    return replace(found, peak_mb=peak)


def baseline(texts: list[str], groups: int, seed: int, gold: tuple[list[str], list[str]]) -> Score:
    """Run plain TF-IDF (English stop words) + k-means with the same number of groups."""
    found, seconds, peak = measured(
        lambda: KMeans(n_clusters=groups, random_state=seed).fit_predict(
            TfidfVectorizer(stop_words="english").fit_transform(texts)
        )
    )
    return replace(score([int(g) for g in found], gold, seconds), peak_mb=peak)


def meaning_only(
    vectors: np.ndarray, groups: int, seed: int, gold: tuple[list[str], list[str]], how: str
) -> Score:
    """Group the meaning vectors alone: k-means (10 starts) or Ward's agglomerative."""

    def work() -> np.ndarray:
        if how == "ward":
            return np.asarray(AgglomerativeClustering(n_clusters=groups).fit_predict(vectors))
        return np.asarray(
            KMeans(n_clusters=groups, n_init=10, random_state=seed).fit_predict(vectors)
        )

    found, seconds, peak = measured(work)
    return replace(score([int(g) for g in found], gold, seconds), peak_mb=peak)


def mean(scores: list[Score]) -> Score:
    """Average scores over seeds (groups: the most common count)."""
    return Score(
        groups=Counter(s.groups for s in scores).most_common(1)[0][0],
        ami_label=statistics.fmean(s.ami_label for s in scores),
        ami_sub=statistics.fmean(s.ami_sub for s in scores),
        purity_label=statistics.fmean(s.purity_label for s in scores),
        purity_sub=statistics.fmean(s.purity_sub for s in scores),
        covered=statistics.fmean(s.covered for s in scores),
        seconds=statistics.fmean(s.seconds for s in scores),
        peak_mb=max(s.peak_mb for s in scores),
    )


def row(k: str, name: str, s: Score) -> str:
    """Format one line of the table."""
    return (
        f"{k:>5} {name:<9} {s.groups:>6} {s.ami_label:>10.3f} {s.ami_sub:>8.3f} "
        f"{s.purity_label:>12.3f} {s.purity_sub:>10.3f} {s.covered:>8.1%} {s.seconds:>8.2f}"
        f" {s.peak_mb:>8.0f}"
    )


def ratio(ours: Score, theirs: Score, name: str = "ratio") -> str:
    """Format a ratio line (ours / theirs; time: how many times slower)."""
    r = [
        ours.ami_label / theirs.ami_label,
        ours.ami_sub / theirs.ami_sub,
        ours.purity_label / theirs.purity_label,
        ours.purity_sub / theirs.purity_sub,
        ours.seconds / theirs.seconds,
    ]
    return (
        f"{'':>5} {name:<9} {'':>6} {r[0]:>9.2f}x {r[1]:>7.2f}x "
        f"{r[2]:>11.2f}x {r[3]:>9.2f}x {'':>8} {r[4]:>7.1f}x"
    )


def load(path: Path) -> tuple[list[str], tuple[list[str], list[str]]]:
    """Read the comments and the people's labels and subcategories."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r[TEXT] for r in rows], ([r[LABEL] for r in rows], [r[SUBCATEGORY] for r in rows])


def scaled(path: Path, times: int, folder: Path) -> Path:
    """Write the file's rows ``times`` over, to time a bigger input."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    out = folder / f"x{times}.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(rows[0])
        for _ in range(times):
            writer.writerows(rows[1:])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print brewbot before and after next to the baseline and meaning alone, with ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.themes_bench", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--k", type=int, action="append", help="fixed k to bench too")
    parser.add_argument("--scale", type=int, default=5, help="also time N copies (0: skip)")
    parser.add_argument("--rows", type=int, default=0, help="only the first N rows (0: all)")
    args = parser.parse_args(argv)
    if absent(args.data, "themes bench"):
        return 0
    with tempfile.TemporaryDirectory() as folder:
        data = first_rows(args.data, args.rows, Path(folder)) if args.rows else args.data
        return _bench(data, args)


def _bench(data: Path, args: argparse.Namespace) -> int:
    """Run the table on one file."""
    texts, gold = load(data)
    model = embedder.model()
    if model is None:
        print(f"themes bench: {embedder.MISSING}")
        return 1
    start = time.perf_counter()  # not under tracemalloc, which slows numpy's many arrays
    vectors = model.embed(texts)
    seconds = time.perf_counter() - start
    print(
        f"Themes: {len(texts):,} labelled comments, {len(set(gold[0]))} categories, "
        f"{len(set(gold[1]))} subcategories; mean of seeds {' '.join(map(str, args.seeds))}\n"
        f"Reading their meanings once ({model.name}, numpy): {seconds:.1f} s, "
        f"{seconds / len(texts) * 1000:.1f} ms an answer"
    )
    print(
        f"{'k':>5} {'method':<9} {'groups':>6} {'AMI(label)':>10} {'AMI(sub)':>8} "
        f"{'purity(lab)':>12} {'purity(sub)':>10} {'covered':>8} {'seconds':>8} {'peak MB':>8}"
    )
    for k in [None, *(args.k or [10])]:
        before = mean([brewbot(data, k, seed, gold, None) for seed in args.seeds])
        now = [brewbot(data, k, seed, gold, vectors) for seed in args.seeds]
        pairs = list(zip(now, args.seeds, strict=True))
        theirs = mean([baseline(texts, s.groups, seed, gold) for s, seed in pairs])
        km = mean([meaning_only(vectors, s.groups, seed, gold, "kmeans") for s, seed in pairs])
        ward = meaning_only(vectors, now[0].groups, 0, gold, "ward")  # no seed to vary
        name = "auto" if k is None else str(k)
        print(row(name, "words", before))
        print(row(name, "meaning", mean(now)))
        print(row(name, "baseline", theirs))
        print(row(name, "embed-km", km))
        print(row(name, "embed-ward", ward))
        print(ratio(mean(now), before, "vs words"))
        print(ratio(mean(now), theirs, "vs base"))
        sys.stdout.flush()
    if args.scale > 1:
        with tempfile.TemporaryDirectory() as folder:
            big = scaled(data, args.scale, Path(folder))
            many = np.tile(vectors, (args.scale, 1))
            for label, given in (("words", None), ("meaning", many)):
                start = time.perf_counter()
                _t, _f, themes = analyse(
                    big,
                    TEXT,
                    k=None,
                    seed=0,
                    quiet=True,
                    meaning=given is not None,
                    vectors=given,
                    min_group=MIN_GROUP,
                )
                seconds = time.perf_counter() - start
                print(
                    f"At {len(texts) * args.scale:,} comments ({args.scale} copies), {label}: "
                    f"{len(themes.themes)} themes in {seconds:.1f} s"
                )
    return 0


def first_rows(path: Path, count: int, folder: Path) -> Path:
    """Write the file's first ``count`` rows, for a quick run."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    out = folder / f"first{count}.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[: count + 1])
    return out


if __name__ == "__main__":
    sys.exit(main())
