"""``brewbot run`` as a real process: settings errors in one line, and no token in any log."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from standin import StandIn
from storage.store import Store

pytestmark = pytest.mark.subprocess

GUS = 7001


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREWBOT_")}
    env.update(extra)
    return env


async def _run(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_missing_token_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    process = await _run(env=_env(), cwd=tmp_path)
    _, err = await process.communicate()
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "BREWBOT_TOKEN" in lines[0]


async def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    env = _env(BREWBOT_TOKEN="123:abc", BREWBOT_MIN_GROUP="five")
    process = await _run(env=env, cwd=tmp_path)
    _, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "brewbot: BREWBOT_MIN_GROUP should be a whole number, not 'five'"
    ]


async def test_no_log_line_ever_holds_the_token(standin: StandIn, tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    async with await Store.open(db) as store:
        brew = await store.create_brew(
            theme="the right support", pack_id="over-a-brew", group_chat_id=None
        )
    env = _env(
        BREWBOT_TOKEN=standin.token,
        BREWBOT_API_URL=standin.base_url,
        BREWBOT_DB=str(db),
        BREWBOT_PERSON_RATE="30",
    )
    process = await _run("--verbose", env=env, cwd=tmp_path)
    try:
        await standin.wait_for(lambda: standin.updates.polls_waiting > 0, timeout=30)
        standin.fail_next("sendMessage", status=502, times=2)
        standin.command(GUS, f"/start {brew.code}")
        await standin.wait_for(lambda: any("fits you best" in t for t in standin.texts(GUS)), 30)
        standin.fail_next("getUpdates", status=500, times=1)
        standin.private_message(GUS, "hello")
        await standin.wait_idle(timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    log = err.decode()
    assert process.returncode == 0, log
    assert "brewbot is running" in log
    secret = standin.token.split(":", 1)[1]
    assert standin.token not in log and secret not in log
