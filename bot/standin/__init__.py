"""A local Telegram Bot API stand-in for tests, the demo and benchmarks (never imports telegram)."""

from __future__ import annotations

from bot.standin.inject import StandInError, tiny_png
from bot.standin.limits import ApiError, parse_html
from bot.standin.params import Upload
from bot.standin.records import Call, StandInTimeout, buttons
from bot.standin.server import StandIn
from bot.standin.spec import Spec

__all__ = [
    "ApiError",
    "Call",
    "Spec",
    "StandIn",
    "StandInError",
    "StandInTimeout",
    "Upload",
    "buttons",
    "parse_html",
    "tiny_png",
]
