"""What counting time given costs each kept step: record_step with and without it, side by side.

python -m bench.timegiven_bench [--people N] [--steps N]

Each person takes ``--steps`` steps in one brew, a stage answer each, into a fresh SQLite
file (WAL, synchronous FULL, as brewbot runs). The two ways alternate, three rounds each, so
a busy machine slows both alike; the median per step is printed for each.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

import storage.steps
from conversations.model import Answer, Kind, Outcome, Principle, Progress, Stage
from storage import Store

ROUNDS = 3


async def _without(
    db: aiosqlite.Connection, participant_id: str, brew_id: int, moment: datetime
) -> None:
    """Stand-in for count_time that does nothing: the step as it was before time was counted."""


async def _round(folder: Path, people: int, steps: int, *, counting: bool) -> float:
    """Keep every step of every person; return seconds per step."""
    clock = [datetime(2026, 11, 23, 10, 0, tzinfo=UTC)]
    original = storage.steps.count_time
    storage.steps.count_time = original if counting else _without  # type: ignore[assignment]
    try:
        path = folder / f"bench-{counting}-{time.monotonic_ns()}.db"
        async with await Store.open(path, now=lambda: clock[0]) as store:
            brew = await store.create_brew(theme="t", pack_id="p", group_chat_id=-100)
            ids = [(await store.join(n + 1)).id for n in range(people)]
            answer = Answer("s", Principle.ASSETS, Kind.STAGE, option="basics", stage=Stage.BASICS)
            outcome = Outcome(progress=Progress("p"), answers=(answer,))
            started = time.perf_counter()
            for _ in range(steps):
                clock[0] += timedelta(seconds=40)
                for pid in ids:
                    await store.record_step(
                        participant_id=pid, brew_id=brew.id, outcome=outcome, update_id=None
                    )
            return (time.perf_counter() - started) / (people * steps)
    finally:
        storage.steps.count_time = original  # type: ignore[assignment]


async def compare(people: int, steps: int) -> None:
    """Print the median time per kept step, with and without counting time given."""
    timings: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(ROUNDS):
            for counting in (False, True):
                timings[counting].append(
                    await _round(Path(folder), people, steps, counting=counting)
                )
    before = statistics.median(timings[False]) * 1000
    after = statistics.median(timings[True]) * 1000
    print(f"{people} people x {steps} steps, {ROUNDS} rounds each, median ms per kept step")
    print(f"  record_step without counting time : {before:.3f} ms")
    print(f"  record_step counting time given   : {after:.3f} ms")
    print(f"  ratio (counting / not)            : {after / before:.2f}")


def main(argv: list[str] | None = None) -> int:
    """Run the comparison from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args(argv)
    asyncio.run(compare(args.people, args.steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
