"""brewbot in webhook mode against the stand-in: free ports, settings, and plain HTTP calls."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import aiohttp

from bot.settings import Secret
from standin import StandIn
from tests.running import Running

PATH = "/telegram"
SECRET = "the-right-secret_123"


def free_port() -> int:
    """A port nothing listens on just now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_running(
    standin: StandIn, db: Path, *, url: str | None = None, port: int | None = None
) -> Running:
    """brewbot in webhook mode: listening on its own port, and Telegram told ``url``."""
    port = port or free_port()
    return Running(
        standin,
        db,
        webhook_url=url or f"http://127.0.0.1:{port}{PATH}",
        listen=("127.0.0.1", port),
        webhook_secret=Secret(SECRET),
    )


def local_url(running: Running, path: str = PATH) -> str:
    """The address brewbot's own webhook server answers at (not through any proxy)."""
    host, port = running.settings.listen
    return f"http://{host}:{port}{path}"


async def post(url: str, body: Any, headers: dict[str, str] | None = None) -> int:
    """POST a body (JSON, or raw bytes) as Telegram would; return the status."""
    async with aiohttp.ClientSession() as session:
        if isinstance(body, bytes):
            sent = session.post(url, data=body, headers=headers)
        else:
            sent = session.post(url, json=body, headers=headers)
        async with sent as answer:
            return answer.status


async def get_json(url: str) -> tuple[int, Any]:
    """GET a URL; return the status and its JSON."""
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status, await answer.json()
