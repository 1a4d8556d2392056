"""Shared pytest fixtures: paths, and a running Bot API stand-in checked against the spec."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from bot.standin import StandIn
from tests.running import Running

# Speed belongs in bench/: no per-example deadline, so a busy CI machine can't fail a property.
settings.register_profile("brewbot", deadline=None)
settings.load_profile("brewbot")

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_SPEED = 30.0  # pacing and the stand-in's flood limits, scaled together
# python-telegram-bot's opt-in to timedelta retry_after, as brewbot's CLI sets it too.
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture
def shared_dir(repo_root: Path) -> Path:
    """../shared beside the repository (DOMAIN.md, the Bot API spec, feedback data)."""
    shared = (repo_root.parent / "shared").resolve()
    if not shared.is_dir():
        pytest.skip(f"shared/ is absent: expected it at {shared}")
    return shared


@pytest.fixture
def bot_api_spec(shared_dir: Path) -> Path:
    """The machine-readable Bot API spec, api.json."""
    path = shared_dir / "telegram-bot-api-spec" / "api.json"
    if not path.is_file():
        pytest.skip(f"the Bot API spec is absent: expected it at {path}")
    return path


@pytest.fixture
async def standin(bot_api_spec: Path) -> AsyncIterator[StandIn]:
    """A started Bot API stand-in on 127.0.0.1 that checks every call against api.json.

    Its flood limits run 30 times Telegram's speed, as brewbot's pacing does in tests
    (tests/running.py), so the suite keeps the rule without waiting through real seconds.
    """
    async with StandIn(spec_path=bot_api_spec, speed=TEST_SPEED) as server:
        yield server


@pytest.fixture
async def brewbot(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot itself, running against the stand-in with a fresh SQLite file."""
    running = Running(standin, tmp_path / "brewbot.db")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
