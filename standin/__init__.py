"""A local Telegram Bot API stand-in for tests, the demo and benchmarks.

It never imports telegram: it is an independent peer that the real python-telegram-bot
reaches over real HTTP on 127.0.0.1. Use it from the event loop's own thread::

    async with StandIn(spec_path=API_JSON) as standin:  # api.json, kept beside it
        app = (ApplicationBuilder().token(standin.token).base_url(standin.base_url)
               .base_file_url(standin.base_file_url).build())
        ...start polling...
        standin.command(42, "/start CODE")          # a person writes
        await standin.wait_idle()                   # updates confirmed, no call for a moment
        assert standin.last_text(42) == "Hello"     # plain text, HTML already parsed
        standin.tap(42, "Skip")                     # a person taps a button
        standin.assert_no_problems()                # limits, HTML, spec: all respected
"""

from __future__ import annotations

from standin.inject import StandInError, tiny_png
from standin.limits import ApiError, parse_html
from standin.params import Upload
from standin.records import Call, StandInTimeout, buttons
from standin.server import StandIn
from standin.spec import API_JSON, Spec

__all__ = [
    "API_JSON",
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
