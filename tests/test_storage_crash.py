"""A writer killed with SIGKILL loses nothing it reported committed, and keeps it once."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from storage import Store

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
WRITER = ROOT / "tests" / "crash_writer.py"


async def _run_and_kill(path: Path, after: int) -> tuple[int, list[int]]:
    """Start the writer, kill it after ``after`` reported commits; return its brew and reports."""
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert writer.stdout is not None and writer.stderr is not None
    try:
        first = (await writer.stdout.readline()).decode()
        brew = re.fullmatch(r"brew (\d+)\n", first)
        reported: list[int] = []
        while brew and len(reported) < after:
            line = await writer.stdout.readline()
            if not line:
                break
            reported.append(int(line))
        if len(reported) < after:
            await writer.wait()
            problem = (await writer.stderr.read()).decode()
            pytest.fail(f"the writer stopped early: {first!r} {problem}")
        writer.send_signal(signal.SIGKILL)
        rest = (await writer.stdout.read()).decode()  # lines printed before the kill landed
        await writer.wait()
    finally:
        if writer.returncode is None:
            writer.kill()
            await writer.wait()
    assert writer.returncode == -signal.SIGKILL
    reported += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    assert brew is not None
    return int(brew.group(1)), reported


@pytest.mark.parametrize("after", [1, 40, 150])
async def test_a_killed_writer_keeps_every_reported_answer_once(tmp_path: Path, after: int) -> None:
    path = tmp_path / "crash.db"
    brew_id, reported = await _run_and_kill(path, after)
    assert len(reported) >= after and len(set(reported)) == len(reported)

    async with await Store.open(path) as store:
        assert await store.check() == []
        texts = [a.text for a in await store.answer_texts(brew_id)]
        kept = Counter(int(str(words).removeprefix("answer ")) for words in texts)
        stages = sum(c.count for c in await store.stage_counts(brew_id))
        person = await store.participant_by_chat(4242)
        assert person is not None
        progress = await store.progress(person.id, brew_id)

    assert all(kept[update_id] == 1 for update_id in reported), "a reported answer was lost"
    assert max(kept.values()) == 1, "an answer was kept twice"
    assert set(kept) - set(reported) <= {max(reported) + 1}  # at most one committed unreported
    assert stages == len(kept)  # each step's answers were kept together or not at all
    assert progress is not None and progress.current == f"after-{max(kept)}"
