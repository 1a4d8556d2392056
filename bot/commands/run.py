"""``brewbot run``: serve participants and facilitators on Telegram by long polling."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from bot.app import serve
from bot.logs import setup_logging
from bot.settings import SettingsError, load_settings
from storage.errors import StorageError


def register(subparsers: Any) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run the bot (needs BREWBOT_TOKEN)",
        description="Run brewbot on Telegram. Settings come from BREWBOT_* variables "
        "and an optional brewbot.yaml.",
    )
    parser.add_argument("--config", help="a YAML settings file (default: ./brewbot.yaml)")
    parser.add_argument("--verbose", action="store_true", help="log debugging detail too")


def run(args: argparse.Namespace) -> int:
    """Load settings, then serve until Ctrl+C or SIGTERM."""
    try:
        settings = load_settings(config_file=args.config)
        token = settings.require_token()
    except SettingsError as exc:
        print(f"brewbot: {exc}", file=sys.stderr)
        return 2
    setup_logging(token=token, level=logging.DEBUG if args.verbose else logging.INFO)
    try:
        asyncio.run(_serve_until_signalled(settings))
    except StorageError as exc:
        print(f"brewbot: {exc}", file=sys.stderr)
        return 2
    return 0


async def _serve_until_signalled(settings: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop)
