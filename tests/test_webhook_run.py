"""``brewbot run --webhook URL`` as a real process: it serves, and no log line holds a secret."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from standin import StandIn
from storage.store import Store
from tests.webhook_support import free_port, get_json

pytestmark = pytest.mark.subprocess

GUS = 7001


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREWBOT_")}
    env.update(extra)
    return env


async def test_run_with_webhook_serves_and_logs_no_secret(standin: StandIn, tmp_path: Path) -> None:
    db = tmp_path / "brewbot.db"
    async with await Store.open(db) as store:
        brew = await store.create_brew(
            theme="the right support", pack_id="over-a-brew", group_chat_id=None
        )
    port = free_port()
    env = _env(
        BREWBOT_TOKEN=standin.token,
        BREWBOT_API_URL=standin.base_url,
        BREWBOT_DB=str(db),
        BREWBOT_PERSON_RATE="30",
        BREWBOT_LISTEN=f"127.0.0.1:{port}",
    )
    url = f"http://127.0.0.1:{port}/hook"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook",
        url,
        "--verbose",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await standin.wait_for(lambda: standin.webhook.active, timeout=30)
        standin.command(GUS, f"/start {brew.code}")
        await standin.wait_for(lambda: any("fits you best" in t for t in standin.texts(GUS)), 30)
        status, body = await get_json(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and body["ok"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    log = err.decode()
    assert process.returncode == 0, log
    secret = standin.webhook.hook.secret_token
    assert secret and len(secret) >= 32  # made for this start
    assert secret not in log
    assert standin.token not in log and standin.token.split(":", 1)[1] not in log
    assert "setWebhook" in log  # python-telegram-bot's debug line was there, blanked
    assert standin.calls_to("getUpdates") == []


async def test_a_bad_listen_setting_is_named(tmp_path: Path) -> None:
    env = _env(BREWBOT_TOKEN="123:abc", BREWBOT_LISTEN="localhost")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--webhook",
        "https://bot.example.org/telegram",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().strip().splitlines() == [
        "brewbot: BREWBOT_LISTEN should be a host and port like 127.0.0.1:8443, not 'localhost'"
    ]
