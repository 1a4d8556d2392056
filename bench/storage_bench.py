"""Time the summary queries over 100,000 answers against loading every row into Python.

python -m bench.storage_bench [--answers N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from conversations.model import Answer, Kind, Principle, Stage
from storage import Store
from storage.records import StageCount, StoredText

T = TypeVar("T")
PRINCIPLES = [Principle.ASSETS, Principle.WORK, Principle.RECIPROCITY, Principle.NETWORKS]
CHUNK = 10_000
REPEATS = 3


def _answers(count: int) -> list[Answer]:
    """Make a realistic mix: three stage answers for every two typed ones."""
    made: list[Answer] = []
    for n in range(count):
        principle = PRINCIPLES[n % len(PRINCIPLES)]
        if n % 5 < 3:
            stage = Stage((n * 7) % 4 + 1)
            made.append(Answer(f"s{n % 8}", principle, Kind.STAGE, option=stage.key, stage=stage))
        else:
            words = f"We would like more time to talk, number {n}, and people who listen."
            made.append(Answer(f"t{n % 8}", principle, Kind.TEXT, text=words))
    return made


async def _best(work: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    """Run ``work`` a few times; return the median seconds and the last result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


async def _naive_stage_counts(store: Store, brew_id: int) -> list[StageCount]:
    """Load every answer row into Python and count there."""
    counts = Counter(
        (a.principle, a.stage, a.rag)
        for a in await store.answers(brew_id)
        if a.stage is not None and a.rag is not None and not a.held
    )
    order = [Principle(p) for p in sorted(p.value for p in Principle)]
    return [
        StageCount(principle, stage, stage.rag, counts[(principle, stage, stage.rag)])
        for principle in order
        for stage in Stage
        if counts[(principle, stage, stage.rag)]
    ]


async def _naive_answer_texts(store: Store, brew_id: int) -> list[StoredText]:
    """Load every answer row into Python and keep the typed ones there."""
    return [
        StoredText(
            a.id,
            f"p:{a.participant_id}" if a.participant_id else f"a:{a.id}",
            a.prompt_id,
            a.principle,
            a.text,
            a.quote_consent,
        )
        for a in await store.answers(brew_id)
        if a.kind is Kind.TEXT and a.text is not None and not a.held
    ]


async def run(count: int, folder: Path) -> None:
    """Fill a fresh file with ``count`` answers and print the timings and ratios."""
    async with await Store.open(folder / "bench.db") as store:
        brew = await store.create_brew(theme="bench", pack_id="p", group_chat_id=-1)
        other = await store.create_brew(theme="other", pack_id="p", group_chat_id=-1)
        answers = _answers(count)
        start = time.perf_counter()
        for at in range(0, count, CHUNK):
            chunk = answers[at : at + CHUNK]
            digest = hashlib.sha256(f"bench {at}".encode()).hexdigest()
            await store.import_answers(brew_id=brew.id, sha256=digest, answers=chunk)
        await store.import_answers(brew_id=other.id, sha256="0" * 64, answers=answers[:CHUNK])
        inserted = time.perf_counter() - start
        print(f"storage bench: {count:,} answers in one brew (+{CHUNK:,} in another), SQLite file")
        print(f"  insert, {CHUNK:,} per transaction: {inserted:8.2f} s")

        fast, counted = await _best(lambda: store.stage_counts(brew.id))
        slow, naive = await _best(lambda: _naive_stage_counts(store, brew.id))
        assert counted == naive, "the naive count disagrees with SQL"
        _report("stage_counts", fast, slow)

        fast, texts = await _best(lambda: store.answer_texts(brew.id))
        slow, naive_texts = await _best(lambda: _naive_answer_texts(store, brew.id))
        assert texts == naive_texts, "the naive texts disagree with SQL"
        _report(f"answer_texts ({len(texts):,} rows returned)", fast, slow)


def _report(name: str, fast: float, slow: float) -> None:
    print(f"  {name}")
    print(f"    SQL over an index:              {fast * 1000:8.1f} ms")
    print(f"    naive, every row into Python:   {slow * 1000:8.1f} ms")
    print(f"    ratio naive / SQL:              {slow / fast:8.1f}x")


def main(argv: list[str] | None = None) -> int:
    """Run the storage bench in a throwaway folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.answers, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
