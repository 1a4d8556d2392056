"""The redacting log formatter: no token, and nothing shaped like one, reaches a log line."""

from __future__ import annotations

import logging

from bot.logs import RedactingFormatter

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijklmno"


def _format(message: str, *args: object, exc: BaseException | None = None) -> str:
    record = logging.LogRecord("httpx", logging.ERROR, __file__, 1, message, args, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    return RedactingFormatter("%(message)s", (TOKEN,)).format(record)


def test_a_url_with_the_token_is_redacted() -> None:
    line = _format("POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    assert TOKEN not in line and "<token>" in line


def test_a_traceback_with_the_token_is_redacted() -> None:
    try:
        raise RuntimeError(f"could not reach /bot{TOKEN}/sendMessage")
    except RuntimeError as error:
        line = _format("failed", exc=error)
    assert TOKEN not in line and "Traceback" in line


def test_other_token_shaped_strings_are_redacted_too() -> None:
    other = "987654321:BBHanotherFakeTokenForTests_abcdefghij"
    assert other not in _format("saw %s", other)
