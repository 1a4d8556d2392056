"""Bench brewbot's themes against people's labels, next to plain TF-IDF + k-means.

Run: .venv/bin/python -m bench.themes_bench [--seeds 0 1 2] [--k 9 --k 20] [--scale 5]

Data: ../shared/feedback-data/text_data.csv beside the repo (10,334 NHS comments, each
labelled by people with a category and a subcategory). brewbot runs through the same
code as ``brewbot themes FILE --text-column feedback``. Answers brewbot leaves without a
theme count as one more group, and the baseline is given the same number of groups.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score

from bot.commands.themes import analyse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "feedback-data" / "text_data.csv"
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


def brewbot(path: Path, k: int | None, seed: int, gold: tuple[list[str], list[str]]) -> Score:
    """Run brewbot's themes the CLI's way and score them."""
    start = time.perf_counter()
    _texts, _first, themes = analyse(path, TEXT, k=k, seed=seed, quiet=True)
    seconds = time.perf_counter() - start
    return score([-1 if a is None else a for a in themes.assignments], gold, seconds)


def baseline(texts: list[str], groups: int, seed: int, gold: tuple[list[str], list[str]]) -> Score:
    """Run plain TF-IDF (English stop words) + k-means with the same number of groups."""
    start = time.perf_counter()
    features = TfidfVectorizer(stop_words="english").fit_transform(texts)
    found = KMeans(n_clusters=groups, random_state=seed).fit_predict(features)
    seconds = time.perf_counter() - start
    return score([int(g) for g in found], gold, seconds)


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
    )


def row(k: str, name: str, s: Score) -> str:
    """Format one line of the table."""
    return (
        f"{k:>5} {name:<9} {s.groups:>6} {s.ami_label:>10.3f} {s.ami_sub:>8.3f} "
        f"{s.purity_label:>12.3f} {s.purity_sub:>10.3f} {s.covered:>8.1%} {s.seconds:>8.2f}"
    )


def ratio(ours: Score, theirs: Score) -> str:
    """Format the ratio line (brewbot / baseline; time: how many times slower)."""
    r = [
        ours.ami_label / theirs.ami_label,
        ours.ami_sub / theirs.ami_sub,
        ours.purity_label / theirs.purity_label,
        ours.purity_sub / theirs.purity_sub,
        ours.seconds / theirs.seconds,
    ]
    return (
        f"{'':>5} {'ratio':<9} {'':>6} {r[0]:>9.2f}x {r[1]:>7.2f}x "
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
    """Print brewbot's scores next to the baseline's, with ratios."""
    parser = argparse.ArgumentParser(prog="python -m bench.themes_bench", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--k", type=int, action="append", help="fixed k to bench too")
    parser.add_argument("--scale", type=int, default=5, help="also time N copies (0: skip)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"themes bench: no data at {args.data}; it lives in shared/feedback-data/")
        return 1
    texts, gold = load(args.data)
    print(
        f"Themes: {len(texts):,} labelled comments, {len(set(gold[0]))} categories, "
        f"{len(set(gold[1]))} subcategories; mean of seeds {' '.join(map(str, args.seeds))}"
    )
    print(
        f"{'k':>5} {'method':<9} {'groups':>6} {'AMI(label)':>10} {'AMI(sub)':>8} "
        f"{'purity(lab)':>12} {'purity(sub)':>10} {'covered':>8} {'seconds':>8}"
    )
    for k in [None, *(args.k or [9])]:
        ours = [brewbot(args.data, k, seed, gold) for seed in args.seeds]
        pairs = zip(ours, args.seeds, strict=True)
        theirs = [baseline(texts, s.groups, seed, gold) for s, seed in pairs]
        name = "auto" if k is None else str(k)
        print(row(name, "brewbot", mean(ours)))
        print(row(name, "baseline", mean(theirs)))
        print(ratio(mean(ours), mean(theirs)))
        sys.stdout.flush()
    if args.scale > 1:
        with tempfile.TemporaryDirectory() as folder:
            big = scaled(args.data, args.scale, Path(folder))
            start = time.perf_counter()
            _t, _f, themes = analyse(big, TEXT, k=None, seed=0, quiet=True)
            seconds = time.perf_counter() - start
        print(
            f"At {len(texts) * args.scale:,} comments ({args.scale} copies): "
            f"{len(themes.themes)} themes in {seconds:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
