"""Bench coding against a codebook, and themes in small brews, side by side with baselines.

Run: .venv/bin/python -m bench.codebook_bench [--seeds 0 1 2] [--cache DIR] [--rows N]

Three tables:

1. **Codebook rows** on ``../shared/feedback-data`` (10,334 NHS comments labelled with 9
   categories and 44 subcategories). For each seed, a codebook is built from each
   subcategory's name plus 0, 5 or 10 of its comments chosen by the seed; only the other
   comments are scored. brewbot (``conversations.reading.read_themes``: centring, settling,
   the fits-well-enough threshold, new themes for what is left) is set beside the naive
   baseline the issue names: nearest centroid of each theme's name and examples, every
   answer coded. Accuracy counts an uncoded answer as wrong; precision is over coded ones;
   AMI is of the final themes (codebook and new).
2. **Planted brews** (``tests/data/brews``: 15 to 30 people, one voice each, no keyword
   running through a theme), through the same path as a brew's summary: themes found
   without a codebook (AMI, and the labels), and with each brew's two codebooks (names only,
   and described): share of answers under the right name, and AMI.
3. **Speed**: 10,000 comments coded against a 40-theme codebook (names and 5 examples),
   meanings read from nothing, on every core; and, for scale, how the time splits.

The meanings of the feedback comments take minutes to read; ``--cache DIR`` keeps them.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score, f1_score

from bot import embedder
from bot.settings import MIN_GROUP
from conversations.codebook import Codebook, CodebookTheme, load_codebook
from conversations.coding import unit
from conversations.reading import read_themes
from conversations.summary import THEMES_FROM

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "feedback-data" / "text_data.csv"
BREWS = ROOT / "tests" / "data" / "brews"
PLANTED = ("story", "home", "carers", "big")
SPEED_ROWS, SPEED_THEMES = 10_000, 40


@dataclass(frozen=True)
class Coding:
    """How one coding lines up with the people's labels."""

    accuracy: float
    precision: float
    coded: float
    macro_f1: float
    ami: float
    seconds: float


def score(
    gold: Sequence[str], named: Sequence[str | None], groups: Sequence[int], s: float
) -> Coding:
    """Score predicted names (None: uncoded) and final groups against the gold labels."""
    right = [n is not None and n == g for n, g in zip(named, gold, strict=True)]
    coded = [n is not None for n in named]
    labels = sorted(set(gold))
    return Coding(
        accuracy=sum(right) / len(gold),
        precision=sum(right) / max(1, sum(coded)),
        coded=sum(coded) / len(gold),
        macro_f1=float(
            f1_score(
                gold, [n or "" for n in named], labels=labels, average="macro", zero_division=0
            )
        ),
        ami=float(adjusted_mutual_info_score(gold, groups)),
        seconds=s,
    )


def mean(scores: Sequence[Coding]) -> Coding:
    """Average over seeds."""
    return Coding(
        *(statistics.fmean(getattr(s, f) for s in scores) for f in Coding.__dataclass_fields__)
    )


def row(name: str, c: Coding) -> str:
    """One line of the codebook table."""
    return (
        f"{name:<26} {c.accuracy:>8.3f} {c.precision:>9.3f} {c.coded:>6.0%} {c.macro_f1:>8.3f}"
        f" {c.ami:>6.3f} {c.seconds:>8.1f}"
    )


def ratio(ours: Coding, theirs: Coding) -> str:
    """How brewbot compares with the baseline (ours / theirs)."""
    return (
        f"{'  ratio':<26} {ours.accuracy / theirs.accuracy:>7.2f}x"
        f" {ours.precision / theirs.precision:>8.2f}x {'':>6}"
        f" {ours.macro_f1 / theirs.macro_f1:>7.2f}x"
        f" {ours.ami / theirs.ami:>5.2f}x"
    )


def load_feedback(path: Path, rows: int) -> tuple[list[str], list[str]]:
    """Read the comments and their subcategories."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        found = list(csv.DictReader(f))
    found = found[:rows] if rows else found
    return [r["feedback"] for r in found], [r["subcategory"].strip() for r in found]


def meanings(texts: list[str], cache: Path | None) -> np.ndarray:
    """Read every comment's meaning once (or from the cache folder)."""
    kept = cache / f"{embedder.MODEL_NAME}-{len(texts)}.npy" if cache else None
    if kept is not None and kept.exists():
        return np.load(kept)
    vectors = embedder.embed_many(texts)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        np.save(kept, vectors)
    return vectors


def codebook_of(
    texts: list[str], gold: list[str], examples: int, seed: int, labels: Sequence[str]
) -> tuple[Codebook, set[int]]:
    """Build a codebook of each label's name plus ``examples`` of its comments (by seed)."""
    rng = np.random.default_rng(seed)
    themes, used = [], set()
    for label in labels:
        rows = [i for i, g in enumerate(gold) if g == label]
        chosen = [int(i) for i in rng.permutation(rows)[:examples]]
        used.update(chosen)
        themes.append(CodebookTheme(label, "", tuple(texts[i][:500] for i in chosen)))
    return Codebook("bench", "bench", tuple(themes)), used


def naive(vectors: np.ndarray, cues: list[np.ndarray], names: Sequence[str]) -> list[str | None]:
    """The baseline: nearest centroid of each theme's name and examples, all coded."""
    centres = unit(np.stack([unit(c).mean(axis=0) for c in cues]))
    return [names[j] for j in np.argmax(unit(vectors) @ centres.T, axis=1)]


def codebook_table(
    texts: list[str], gold: list[str], vectors: np.ndarray, seeds: list[int]
) -> None:
    """Print brewbot's coding beside the naive centroid, for 0, 5 and 10 examples a theme."""
    labels = sorted(set(gold))
    known = dict(zip(texts, vectors, strict=True))
    embed = embedder.embedding(known)
    assert embed is not None
    print(
        f"\nCodebook rows: {len(texts):,} comments, {len(labels)} themes (subcategories);"
        f" mean of seeds {' '.join(map(str, seeds))}"
    )
    print(
        f"{'codebook':<26} {'accuracy':>8} {'precision':>9} {'coded':>6} {'macro-F1':>8}"
        f" {'AMI':>6} {'seconds':>8}"
    )
    for examples in (0, 5, 10):
        ours, theirs = [], []
        for seed in seeds:
            codebook, used = codebook_of(texts, gold, examples, seed, labels)
            rest = [i for i in range(len(texts)) if i not in used]
            part, truth = [texts[i] for i in rest], [gold[i] for i in rest]
            start = time.perf_counter()
            found = read_themes(
                part,
                [f"row {i}" for i in rest],
                min_group=MIN_GROUP,
                embed=embed,
                codebook=codebook,
                seed=seed,
            )
            seconds = time.perf_counter() - start
            named = [
                None if a is None or found.themes[a].origin != "codebook" else found.themes[a].label
                for a in found.assignments
            ]
            groups = [-1 if a is None else a for a in found.assignments]
            ours.append(score(truth, named, groups, seconds))
            cues = [embed(list(t.cues)) for t in codebook.themes]
            start = time.perf_counter()
            plain = naive(vectors[rest], cues, codebook.names)
            seconds = time.perf_counter() - start
            theirs.append(score(truth, plain, [labels.index(n or "") for n in plain], seconds))
        name = "names only" if examples == 0 else f"names + {examples} examples"
        print(row(f"{name}: brewbot", mean(ours)))
        print(row(f"{name}: centroid", mean(theirs)))
        print(ratio(mean(ours), mean(theirs)))
        sys.stdout.flush()


def planted(name: str) -> tuple[list[str], list[str], list[str]]:
    """Read a planted brew: answers, who wrote each, and their planted themes."""
    with (BREWS / f"{name}.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["answer"] for r in rows], [r["person"] for r in rows], [r["theme"] for r in rows]


def planted_table(seeds: list[int]) -> None:
    """Print themes found in the planted brews, without a codebook and with each of two."""
    import json

    mapping: dict[str, dict[str, str]] = json.loads((BREWS / "mapping.json").read_text())
    embed = embedder.embedding()
    assert embed is not None
    print(
        f"\nPlanted brews (tests/data/brews), minimum group {MIN_GROUP};"
        f" summaries show themes from {THEMES_FROM} people"
    )
    print(
        f"{'brew':<8} {'people':>6} {'answers':>7} {'codebook':<10} {'right name':>10}"
        f" {'AMI':>6}  labels"
    )
    for brew in PLANTED:
        texts, people, gold = planted(brew)
        amis, labels = [], []
        for seed in seeds:
            found = read_themes(texts, people, min_group=MIN_GROUP, embed=embed, seed=seed)
            amis.append(
                adjusted_mutual_info_score(
                    gold, [-1 if a is None else a for a in found.assignments]
                )
            )
            labels = [t.label or "(unnamed)" for t in found.themes]
        print(
            f"{brew:<8} {len(set(people)):>6} {len(texts):>7} {'none':<10} {'':>10}"
            f" {statistics.fmean(amis):>6.2f}  {'; '.join(labels)}"
        )
        for kind in ("names", "described"):
            codebook = load_codebook(BREWS / f"{brew}-{kind}.yaml")
            found = read_themes(texts, people, min_group=MIN_GROUP, embed=embed, codebook=codebook)
            named = [None if a is None else found.themes[a].label for a in found.assignments]
            cues = [embed(list(t.cues)) for t in codebook.themes]
            plain = naive(embed(texts), cues, codebook.names)
            ours, theirs = (
                sum(
                    n is not None and n in mapping[brew] and mapping[brew][n] == g for n, g in pairs
                )
                / len(gold)
                for pairs in (zip(named, gold, strict=True), zip(plain, gold, strict=True))
            )
            ami = adjusted_mutual_info_score(
                gold, [-1 if a is None else a for a in found.assignments]
            )
            base = adjusted_mutual_info_score(gold, plain)
            new = "; ".join(t.label for t in found.themes if t.origin == "new")
            print(
                f"{'':<8} {'':>6} {'':>7} {kind:<10} {ours:>10.0%} {ami:>6.2f}"
                f"  centroid: {theirs:.0%}, AMI {base:.2f}" + (f"; new: {new}" if new else "")
            )
        sys.stdout.flush()


def speed_table(texts: list[str], gold: list[str]) -> None:
    """Time 10,000 comments against a 40-theme codebook, meanings read from nothing."""
    texts, gold = texts[:SPEED_ROWS], gold[:SPEED_ROWS]
    common = [
        label for label, _ in sorted(((g, gold.count(g)) for g in set(gold)), key=lambda p: -p[1])
    ]
    codebook, _ = codebook_of(texts, gold, 5, 0, common[:SPEED_THEMES])
    start = time.perf_counter()
    vectors = embedder.embed_many(texts)
    read = time.perf_counter() - start
    embed = embedder.embedding(dict(zip(texts, vectors, strict=True)))
    assert embed is not None
    start = time.perf_counter()
    read_themes(
        texts,
        [f"row {i}" for i in range(len(texts))],
        min_group=MIN_GROUP,
        embed=embed,
        codebook=codebook,
    )
    coding = time.perf_counter() - start
    print(
        f"\nSpeed: {len(texts):,} comments, a codebook of {len(codebook.themes)} themes"
        " (names + 5 examples):"
        f" {read + coding:.1f} s in all = {read:.1f} s reading meanings on every core"
        f" + {coding:.1f} s coding, finding new themes and naming them (target: under 60 s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the three tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.codebook_bench", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--cache", type=Path, help="keep the comments' meanings here")
    parser.add_argument("--rows", type=int, default=0, help="only the first N comments (0: all)")
    parser.add_argument("--no-speed", action="store_true", help="skip the 10,000-comment timing")
    args = parser.parse_args(argv)
    if embedder.model() is None:
        print(f"codebook bench: {embedder.MISSING}")
        return 1
    planted_table(args.seeds)
    if not args.data.exists():
        print(
            f"\ncodebook bench: no feedback data at {args.data}, so no codebook rows"
            " (it lives in shared/feedback-data/)"
        )
        return 0
    texts, gold = load_feedback(args.data, args.rows)
    codebook_table(texts, gold, meanings(texts, args.cache), args.seeds)
    if not args.no_speed and len(texts) >= SPEED_ROWS:
        speed_table(texts, gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
