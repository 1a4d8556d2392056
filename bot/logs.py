"""Logging set-up that can never leak the bot token."""

from __future__ import annotations

import logging
import re

# Any Telegram bot token (digits, a colon, 30+ url-safe characters), wherever it appears.
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")


class RedactingFormatter(logging.Formatter):
    """Format a record, then blank out the token and anything shaped like one."""

    def __init__(self, fmt: str, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        """Return text with every secret and token-shaped string replaced."""
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return TOKEN_PATTERN.sub("<token>", text)


def setup_logging(*, token: str = "", level: int = logging.INFO, also: str = "") -> None:
    """Log to stderr through the redacting formatter; keep httpx's URL lines out.

    ``also`` is one more secret to blank out (the webhook's secret token).
    """
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", (token, also))
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
