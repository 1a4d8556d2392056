"""No orphans: a real ``brewbot run``, killed with SIGKILL while its meaning worker runs,
leaves no process of its own behind (the worker, and whatever else it started, exit too)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

import pytest

from standin import StandIn, StandInTimeout
from storage.store import Store

pytestmark = [
    pytest.mark.subprocess,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)"),
]

GONE_WITHIN = 5.0  # seconds


def _stat(pid: int) -> tuple[int, str] | None:
    """A live process's parent id and state, or None once it has gone (or is a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    state, parent = fields[0], int(fields[1])
    return None if state in ("Z", "X") else (parent, state)


def descendants(root: int) -> set[int]:
    """Every live process started by ``root``, or by those it started, and so on."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = found[0]
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family - {root}


async def test_a_killed_brewbot_leaves_no_process_behind(standin: StandIn, tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    async with await Store.open(db) as store:
        await store.create_brew(
            theme="the right support", pack_id="over-a-brew", group_chat_id=None
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREWBOT_")}
    env.update(
        BREWBOT_TOKEN=standin.token,
        BREWBOT_API_URL=standin.base_url,
        BREWBOT_DB=str(db),
        BREWBOT_MEANING="yes",  # the meaning worker: a process of its own
        PTB_TIMEDELTA="1",
    )
    brewbot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await standin.wait_for(lambda: standin.updates.polls_waiting > 0, timeout=60)
        # The meaning worker starts as soon as brewbot looks for answers to read (about 1 s).
        await standin.wait_for(lambda: descendants(brewbot.pid), timeout=60)
        await asyncio.sleep(1.0)  # let it settle in (and start anything it starts)
        family = descendants(brewbot.pid)
    finally:
        brewbot.send_signal(signal.SIGKILL)
        await asyncio.wait_for(brewbot.wait(), 30)
    assert family, "brewbot started no meaning worker to leave behind"

    def left() -> set[int]:
        return {pid for pid in family if _stat(pid) is not None}

    with contextlib.suppress(StandInTimeout):
        await standin.wait_for(lambda: not left(), timeout=GONE_WITHIN)
    assert not left(), f"still running {GONE_WITHIN:.0f} s after brewbot was killed: {left()}"
