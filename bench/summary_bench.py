"""Time a brew's summary end to end, from the SQLite file to the finished messages.

A four-principles brew is filled through the Store as people really arrive: each person
joins, then keeps a stage, a reason and an idea for each principle (some skipped), says
whether they may be quoted and how they describe themselves; a few answers are held
back as a concern. Their words come from real feedback (../shared/feedback-data, or the
file ``--data`` names) or, if that is absent, the test answers. Then ``brew_results`` (the
SQL reads) and ``build_summary`` (themes, ideas, HTML, Markdown) are timed, side by side
for a small and a big brew, with the ratio, so the growth can be judged against the growth
in size.
Themes are timed before (by words) and after (by meaning): the bot reads each answer's
meaning once, as it arrives, so that is timed on its own line, and the summary after
reads the kept vectors (``brew_finder``) and only clusters.

.venv/bin/python -m bench.summary_bench [--small 500] [--big 50000] [--repeats 1] [--data FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bench.feedback import DATA, ROOT
from bot.callbacks import ButtonCodec
from bot.embedder import brew_reader, embed_pending
from bot.facilitators.reports import brew_results
from bot.services import Services
from bot.settings import Settings
from conversations.loader import load_pack_languages
from conversations.messages import load_catalogue
from conversations.model import Answer, Kind, Outcome, Principle, Progress, Stage, Status
from conversations.summary import BrewResults, Summary, build_summary
from storage import Store

T = TypeVar("T")
FALLBACK = ROOT / "tests" / "data" / "answers.csv"
PACK = "four-principles"
PRINCIPLES = (Principle.ASSETS, Principle.WORK, Principle.RECIPROCITY, Principle.NETWORKS)
DESCRIPTIONS = ("draws_on_care", "unpaid_carer", "works_in_care", "other", None)
SKIP = 0.15  # share of questions a person skips
QUOTE_OK = 0.6  # share of people who say yes to being quoted
CONCERN = 0.005  # share of people with an answer held back
READ_REPEATS = 5  # the SQL reads are quick: take the median of a few


@dataclass(frozen=True)
class Figures:
    """What one run measured."""

    answers: int
    people: int
    fill: float
    results: float
    summary: float
    texts: int
    sections: int
    embed: float = 0.0  # reading every typed answer's meaning, once, as the bot does
    meaning: float = 0.0  # build_summary by meaning, reading the kept vectors


def sentences(feedback: Path) -> tuple[Path, list[str]]:
    """Load real free-text answers to vary the words people type (the test answers when the
    feedback file is absent); return where they came from, and them."""
    path, column = (feedback, "feedback") if feedback.is_file() else (FALLBACK, "answer")
    with path.open(encoding="utf-8", newline="") as handle:
        found = [row[column].strip() for row in csv.DictReader(handle)]
    return path, [text for text in found if len(text) > 3]


def person_answers(rng: random.Random, words: list[str]) -> list[Answer]:
    """One person's answers to the four principles, with some questions skipped."""
    made: list[Answer] = []
    for principle in PRINCIPLES:
        name = principle.value
        if rng.random() > SKIP:
            stage = Stage(rng.choices((1, 2, 3, 4), weights=(2, 4, 5, 2))[0])
            made.append(Answer(f"{name}_stage", principle, Kind.STAGE, stage.key, stage=stage))
        for prompt in (f"{name}_why", f"{name}_better"):
            if rng.random() > SKIP:
                made.append(Answer(prompt, principle, Kind.TEXT, text=rng.choice(words)))
    return made


async def fill(store: Store, count: int, seed: int, words: list[str]) -> tuple[int, int]:
    """Write people's answers until ``count`` are kept; return the brew id and people."""
    rng = random.Random(seed)
    brew = await store.create_brew(theme="working together", pack_id=PACK, group_chat_id=-1)
    kept = people = 0
    while kept < count:
        answers = person_answers(rng, words)[: count - kept]
        if not answers:
            continue
        person = await store.join(10_000_000 + people)
        outcome = Outcome(
            progress=Progress(pack_id=PACK, status=Status.FINISHED),
            answers=tuple(answers),
            quote_consent=rng.random() < QUOTE_OK,
            self_description=rng.choice(DESCRIPTIONS),
            concern=rng.random() < CONCERN,
        )
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=outcome, update_id=None
        )
        kept += len(answers)
        people += 1
    return brew.id, people


async def median(work: Callable[[], Awaitable[T]], repeats: int) -> tuple[float, T]:
    """Run ``work`` ``repeats`` times; return the median seconds and the last result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


async def measure(count: int, folder: Path, repeats: int, words: list[str]) -> Figures:
    """Fill a fresh SQLite file with one brew of ``count`` answers and time its summary."""
    async with await Store.open(folder / f"summary-{count}.db") as store:
        start = time.perf_counter()
        brew_id, people = await fill(store, count, seed=count, words=words)
        filled = time.perf_counter() - start
        services = Services(
            settings=Settings(),
            store=store,
            pack_languages=load_pack_languages(),
            catalogue=load_catalogue(),
            buttons=ButtonCodec(b"bench"),
        )
        brew = await store.brew(brew_id)
        assert brew is not None
        reading, results = await median(lambda: brew_results(services, brew), READ_REPEATS)

        async def summarise() -> Summary:
            return await asyncio.to_thread(
                build_summary,
                results,
                min_group=services.settings.min_group,
                messages=services.messages,
            )

        building, summary = await median(summarise, repeats)
        check(results, summary, people)
        start = time.perf_counter()
        await embed_pending(store)
        embedded = time.perf_counter() - start

        async def by_meaning() -> Summary:
            find = await brew_reader(store, brew_id)
            return await asyncio.to_thread(
                build_summary,
                results,
                min_group=services.settings.min_group,
                find=find,
                messages=services.messages,
            )

        meaning, summary = await median(by_meaning, repeats)
        check(results, summary, people)
    return Figures(
        count,
        people,
        filled,
        reading,
        building,
        len(results.answers),
        len(summary.sections),
        embedded,
        meaning,
    )


def check(results: BrewResults, summary: Summary, people: int) -> None:
    """Make sure the timed work really built a full summary of everyone."""
    assert results.took_part == people, (results.took_part, people)
    assert summary.shared and summary.charts and summary.sections, "no full summary was built"


def report(small: Figures, big: Figures, repeats: int, words: Path) -> None:
    """Print both runs side by side, with the ratio big / small."""
    print(f"summary bench: one {PACK} brew in a SQLite file, written through the Store")
    print(f"answers' words from {os.path.relpath(words, ROOT)}")
    print(f"median of {READ_REPEATS} runs for the SQL reads, of {repeats} for building summaries")
    print(f"  {'':34}{small.answers:>12,}{big.answers:>12,}{'ratio':>9}")
    rows = [
        ("people who took part", small.people, big.people, "{:>12,}"),
        ("typed answers read for themes", small.texts, big.texts, "{:>12,}"),
        ("filling the file (s)", small.fill, big.fill, "{:>12.2f}"),
        ("brew_results: SQL reads (ms)", small.results * 1e3, big.results * 1e3, "{:>12.1f}"),
        ("build_summary: themes etc (ms)", small.summary * 1e3, big.summary * 1e3, "{:>12.1f}"),
        (
            "end to end (ms)",
            (small.results + small.summary) * 1e3,
            (big.results + big.summary) * 1e3,
            "{:>12.1f}",
        ),
        ("meanings, once as answers came (s)", small.embed, big.embed, "{:>12.1f}"),
        ("build_summary by meaning (ms)", small.meaning * 1e3, big.meaning * 1e3, "{:>12.1f}"),
        (
            "end to end by meaning (ms)",
            (small.results + small.meaning) * 1e3,
            (big.results + big.meaning) * 1e3,
            "{:>12.1f}",
        ),
        (
            "end to end per 1,000 answers (ms)",
            (small.results + small.summary) * 1e6 / small.answers,
            (big.results + big.summary) * 1e6 / big.answers,
            "{:>12.1f}",
        ),
        ("summary messages", small.sections, big.sections, "{:>12,}"),
    ]
    for name, a, b, shape in rows:
        ratio = b / a if a else float("nan")
        print(f"  {name:34}{shape.format(a)}{shape.format(b)}{ratio:>8.1f}x")
    size = big.answers / small.answers
    total = (big.results + big.summary) / (small.results + small.summary)
    verdict = "grows no faster than the brew" if total <= size * 1.25 else "grows faster"
    print(f"  {size:.0f}x the answers took {total:.1f}x the time end to end: {verdict}.")


def main(argv: list[str] | None = None) -> int:
    """Run the summary bench for a small and a big brew in a throwaway folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument(
        "--repeats", type=int, default=1, help="times to build each summary (median is shown)"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="feedback comments' file")
    args = parser.parse_args(argv)
    source, words = sentences(args.data)
    with tempfile.TemporaryDirectory() as folder:
        small = asyncio.run(measure(args.small, Path(folder), args.repeats, words))
        big = asyncio.run(measure(args.big, Path(folder), args.repeats, words))
    report(small, big, args.repeats, source)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
