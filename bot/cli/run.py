"""``brewbot run``: run the bot (needs BREWBOT_TOKEN).

Run brewbot on Telegram. Settings come from BREWBOT_* variables and an optional
brewbot.yaml.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from dataclasses import replace
from typing import Any

from bot.app import serve
from bot.cli import refused
from bot.logs import setup_logging
from bot.runtime.webhook import new_secret
from bot.settings import Secret, Settings, SettingsError, every_setting, load_settings
from storage.errors import StorageError


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot run``'s options, and list the settings under them."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = settings_list()
    parser.add_argument("--config", help="a YAML settings file (default: ./brewbot.yaml)")
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="receive updates at this public HTTPS URL (behind a reverse proxy) instead of "
        "polling; brewbot listens on BREWBOT_LISTEN (default 127.0.0.1:8443)",
    )
    parser.add_argument("--verbose", action="store_true", help="log debugging detail too")


def settings_list() -> str:
    """List each setting with its line on what it does (``brewbot run --help`` ends with it)."""
    rows = [(s.env if s.in_environment else f"{s.key}:", s.help) for s in every_setting()]
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name.ljust(width)}  {what}" for name, what in rows]
    return "\n".join(["settings (environment, or brewbot.yaml in lower case):", *lines])


def run(args: argparse.Namespace) -> int:
    """Load settings, then serve until Ctrl+C or SIGTERM."""
    try:
        settings = with_webhook(load_settings(config_file=args.config), args.webhook)
        token = settings.require_token()
    except SettingsError as exc:
        return refused(exc)
    secret = settings.webhook_secret.reveal()
    setup_logging(token=token, level=logging.DEBUG if args.verbose else logging.INFO, also=secret)
    try:
        asyncio.run(_serve_until_signalled(settings))
    except StorageError as exc:
        return refused(exc)
    return 0


def with_webhook(settings: Settings, url: str | None) -> Settings:
    """Apply ``--webhook URL`` (it wins over BREWBOT_WEBHOOK_URL) and settle the secret.

    Without BREWBOT_WEBHOOK_SECRET a new secret is made for this start; it is made here so
    that the log can blank it out like the token.
    """
    if url is not None:
        if not url.startswith(("https://", "http://")):
            raise SettingsError(f"--webhook should be a URL starting with https://, not {url!r}")
        settings = replace(settings, webhook_url=url)
    if settings.webhook_url is not None and not settings.webhook_secret:
        settings = replace(settings, webhook_secret=Secret(new_secret()))
    return settings


async def _serve_until_signalled(settings: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop)
