"""How well the redactor takes out names, numbers and addresses, and how fast.

Reads the labelled answers in ``tests/data/redaction/`` (``planted.txt``: identifiers
written ``{kind:words}``; ``clean.txt``: none; ``holdout*.txt``: more with identifiers,
each written after the rules of its time were settled, scored on their own), runs
:func:`conversations.redaction.redact` over them, and prints per kind:

* recall: of the identifiers planted, the share whose every letter and digit was taken out;
* precision: of the pieces taken out (by the kind brewbot gave them), the share that
  touch a planted identifier, over the planted and clean answers together (and over each
  held-out set), so a word taken out of a clean answer counts against it;
* the speed in answers a second, for the clean and the planted answers side by side.

.venv/bin/python -m bench.redaction [--misses] [--repeats 3] [--data FILE | --no-real]
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.feedback import DATA as FEEDBACK
from conversations.redaction import Found, Kind, find_identifiers, redact

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "redaction"
_PLANT = re.compile(r"\{(\w+):([^{}]+)\}")
KINDS = ("name", "phone", "email", "web", "postcode", "address", "nhs", "ni", "birth")
TARGETS = {"phone": 0.98, "email": 0.98, "postcode": 0.98, "nhs": 0.98, "ni": 0.98}
NAME_LIKE_TARGET = 0.90  # names, addresses, web addresses and dates of birth
PRECISION_TARGET = 0.95


@dataclass(frozen=True)
class Planted:
    """One identifier written into a test answer: where it is and its kind."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Labelled:
    """One test answer and the identifiers planted in it."""

    text: str
    planted: tuple[Planted, ...]


def parse(line: str) -> Labelled:
    """Turn a line with ``{kind:words}`` marks into its plain text and labels."""
    text, planted, last = [], [], 0
    length = 0
    for match in _PLANT.finditer(line):
        before = line[last : match.start()]
        text.append(before)
        length += len(before)
        words = match.group(2)
        planted.append(Planted(length, length + len(words), match.group(1)))
        text.append(words)
        length += len(words)
        last = match.end()
    text.append(line[last:])
    return Labelled("".join(text), tuple(planted))


def load(name: str, folder: Path = DATA) -> list[Labelled]:
    """Read one file of labelled answers, skipping notes and blank lines."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return [parse(line) for line in lines if line.strip() and not line.startswith("#")]


def covered(text: str, planted: Planted, found: tuple[Found, ...]) -> bool:
    """Say whether every letter and digit of a planted identifier was taken out."""
    inside = [False] * len(text)
    for f in found:
        inside[f.start : f.end] = [True] * (f.end - f.start)
    return all(inside[i] for i in range(planted.start, planted.end) if text[i].isalnum())


@dataclass
class Score:
    """Counts behind recall and precision for one kind."""

    planted: int = 0
    caught: int = 0
    taken: int = 0
    right: int = 0

    def recall(self) -> float:
        return self.caught / self.planted if self.planted else 1.0

    def precision(self) -> float:
        return self.right / self.taken if self.taken else 1.0


def score(
    answers: list[Labelled],
) -> tuple[dict[str, Score], list[tuple[str, str]], list[tuple[str, str]]]:
    """Score the redactor on labelled answers; return scores, misses and wrong take-outs."""
    scores = {kind: Score() for kind in (*KINDS, Kind.NUMBER.value)}
    misses: list[tuple[str, str]] = []
    wrong: list[tuple[str, str]] = []
    for answer in answers:
        found = find_identifiers(answer.text)
        for p in answer.planted:
            scores[p.kind].planted += 1
            if covered(answer.text, p, found):
                scores[p.kind].caught += 1
            else:
                misses.append((p.kind, answer.text))
        for f in found:
            kind = scores[f.kind.value]
            kind.taken += 1
            if any(f.start < p.end and p.start < f.end for p in answer.planted):
                kind.right += 1
            else:
                wrong.append((f.kind.value, answer.text[f.start : f.end]))
    return scores, misses, wrong


def speed(answers: list[Labelled], repeats: int) -> float:
    """Return answers redacted a second (best of ``repeats``)."""
    texts = [a.text for a in answers]
    redact("warm up: ring 07700 900123, Sarah")
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        for text in texts:
            redact(text)
        best = min(best, time.perf_counter() - began)
    return len(texts) / best


def real_comments(path: Path = FEEDBACK) -> None:
    """Time the redactor on real comments, if they are here, and count what it took out.

    They are not labelled: the counts show how often it acts on real words, not whether
    it was right (docs/benchmarks.md looks at what it took out).
    """
    if not path.exists():
        print(f"\n(no feedback data at {path}: real comments skipped)")
        return
    with path.open(encoding="utf-8", errors="replace", newline="") as file:
        texts = [row["feedback"] for row in csv.DictReader(file) if row.get("feedback")]
    began = time.perf_counter()
    taken = Counter(f.kind.value for text in texts for f in find_identifiers(text))
    spent = time.perf_counter() - began
    counts = ", ".join(f"{kind} {n}" for kind, n in taken.most_common()) or "nothing"
    print(f"\n{len(texts):,} real comments (feedback data): {len(texts) / spent:,.0f} a second;")
    print(f"taken out: {counts}")


def target(kind: str) -> float:
    """Return the recall a kind should reach."""
    return TARGETS.get(kind, NAME_LIKE_TARGET)


def table(scores: dict[str, Score], total: int) -> None:
    """Print recall and precision per kind, and for all kinds together."""
    print(f"{'kind':<10}{'planted':>8}{'recall':>8}{'target':>8}{'taken':>8}{'precision':>10}")
    for kind, s in scores.items():
        if not s.planted and not s.taken:
            continue
        mark = "" if s.recall() >= target(kind) or not s.planted else "  below target"
        low = "" if s.precision() >= PRECISION_TARGET else "  precision below target"
        recall = f"{s.recall():.3f}" if s.planted else "-"
        goal = f"{target(kind):.2f}" if s.planted else "-"
        print(
            f"{kind:<10}{s.planted:>8}{recall:>8}{goal:>8}{s.taken:>8}"
            f"{s.precision():>10.3f}{mark}{low}"
        )
    all_taken = sum(s.taken for s in scores.values())
    all_right = sum(s.right for s in scores.values())
    caught = sum(s.caught for s in scores.values())
    print(f"{'all':<10}{total:>8}{caught / total:>8.3f}{'':>8}{all_taken:>8}", end="")
    print(f"{all_right / all_taken:>10.3f}")


def main(argv: list[str] | None = None) -> int:
    """Print recall, precision and speed per kind; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-real", action="store_true", help="skip the real comments")
    parser.add_argument("--data", type=Path, default=FEEDBACK, help="the real comments' file")
    args = parser.parse_args(argv)
    planted, clean = load("planted.txt"), load("clean.txt")
    scores, misses, wrong = score(planted + clean)
    total = sum(len(a.planted) for a in planted)
    print(f"{len(planted)} answers with {total} identifiers planted, {len(clean)} with none")
    table(scores, total)
    for name, notes in (
        ("holdout.txt", "written after the rules were settled; its misses then changed them"),
        ("holdout-2.txt", "written after that change; its misses then changed them too"),
        ("holdout-3.txt", "written after that change; its misses then changed them too"),
        ("holdout-4.txt", "written after the last change, and never used to change anything"),
    ):
        held = load(name)
        held_scores, held_misses, held_wrong = score(held)
        held_total = sum(len(a.planted) for a in held)
        print(f"\n{name}: {len(held)} answers with {held_total} identifiers, {notes}")
        table(held_scores, held_total)
        misses += [(kind, f"({name}) {text}") for kind, text in held_misses]
        wrong += held_wrong
    clean_speed, planted_speed = speed(clean, args.repeats), speed(planted, args.repeats)
    print(
        f"speed, answers a second: clean {clean_speed:,.0f} · with identifiers "
        f"{planted_speed:,.0f} · ratio {clean_speed / planted_speed:.2f}"
    )
    if not args.no_real:
        real_comments(args.data)
    shown = misses if args.misses else misses[:8]
    print(f"\n{len(misses)} planted identifiers missed" + (":" if shown else ""))
    for kind, text in shown:
        print(f"  {kind:<9} {text}")
    print(f"{len(wrong)} words taken out that were not identifiers" + (":" if wrong else ""))
    for kind, words in Counter(wrong).most_common(None if args.misses else 8):
        print(f"  {kind[0]:<9} {kind[1]!r} ×{words}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
