"""Try a job again soon after Telegram failed it: about 1 s, then doubling up to 30 s.

News and digests should not wait for their next scheduled check (minutes away) because
Telegram had a bad moment; nor should they hammer it. A success resets the wait.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, CallbackContext

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0
_KEY = "brewbot.again"

Job = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, object]]


def again_soon(app: Application[Any, Any, Any, Any, Any, Any], job: Job, name: str) -> float:
    """Run ``job`` again after a growing wait; return the wait in seconds."""
    waits: dict[str, float] = app.bot_data.setdefault(_KEY, {})
    wait = waits.get(name, FIRST_WAIT / 2) * 2
    waits[name] = min(LONGEST_WAIT, wait)
    if app.job_queue is not None:
        app.job_queue.run_once(job, when=waits[name], name=f"{name}-again")
    return waits[name]


def went_well(app: Application[Any, Any, Any, Any, Any, Any], name: str) -> None:
    """Forget the growing wait: the next failure starts again from about a second."""
    waits: dict[str, float] = app.bot_data.setdefault(_KEY, {})
    waits.pop(name, None)
