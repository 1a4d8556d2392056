"""brewbot running for real against the Bot API stand-in: the end-to-end harness."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from bot.app import SHUTDOWN_GRACE, serve, still_working
from bot.services import KEY, App, Services
from bot.settings import Secret, Settings
from standin import StandIn
from standin.records import SEND_METHODS
from storage.records import Brew
from storage.times import utc_now

FACILITATORS = -1001234567890


# brewbot finishes the updates in hand for up to SHUTDOWN_GRACE, then closes its jobs, its
# workers and the database: on a loaded machine with three workers stopping at once, that
# can take a while longer.
STOP_WITHIN = SHUTDOWN_GRACE + 20


@dataclass
class Clock:
    """A clock the tests move by hand (brewbot's jobs read it through Services.clock)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 11, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class Running:
    """brewbot's real Application, polling the stand-in, with a real SQLite file."""

    def __init__(
        self,
        standin: StandIn,
        db: Path | str,
        *,
        lease_clock: Callable[[], datetime] = utc_now,
        **overrides: Any,
    ) -> None:
        self.standin = standin
        self.clock = Clock()
        # The leases shared with other workers follow the wall clock unless a test gives one
        # it moves by hand (tests/storage_support.Clock), to run a lease out when it says.
        self.lease_clock = lease_clock
        self.settings = replace(
            Settings(
                token=Secret(standin.token),
                api_url=standin.base_url,
                db=db,
                facilitator_chats=(FACILITATORS,),
                # Pacing has its own test; elsewhere it would only make the suite slow.
                person_rate=30.0,
                group_per_minute=600.0,
                # Themes by meaning load a model and embed in the background: the tests
                # about themes by meaning switch it on (tests/test_meaning_journey.py).
                meaning=False,
            ),
            **overrides,
        )
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        assert self._services is not None, "brewbot is not running"
        return self._services

    async def start(self) -> Running:
        """Start brewbot and wait until it is polling."""
        ready = asyncio.Event()

        async def on_ready(app: App) -> None:
            self.app = app
            self._services = app.bot_data[KEY]
            self.standin.busy_elsewhere = self.busy
            ready.set()

        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            serve(
                self.settings,
                self._stop,
                clock=self.clock,
                lease_clock=self.lease_clock,
                ready=on_ready,
            )
        )
        waiter = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            waiter.cancel()
            self._task.result()  # raises what stopped it
            raise AssertionError("brewbot stopped before it was ready")
        return self

    def busy(self) -> bool:
        """Say whether brewbot still has updates to handle or calls waiting for their turn."""
        return self._services is not None and still_working(self.app)

    async def stop(self) -> None:
        """Ask brewbot to stop, as SIGTERM would, and wait until it has."""
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_WITHIN)
            except TimeoutError:
                stuck = f"brewbot did not stop within {STOP_WITHIN:.0f} s; where it waits:"
                raise AssertionError(f"{stuck}\n{_stacks()}") from None
            self._task = None
        self._services = None

    async def kill(self) -> None:
        """Stop brewbot abruptly, mid-whatever, as a crash would."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self._services = None

    async def run_job(self, callback: Any) -> None:
        """Run one of brewbot's scheduled jobs now, through the real job queue."""
        queue = self.app.job_queue
        assert queue is not None
        done = asyncio.Event()

        async def job(context: Any) -> None:
            try:
                await callback(context)
            finally:
                done.set()

        queue.run_once(job, when=0)
        await asyncio.wait_for(done.wait(), 10)
        await self.standin.wait_idle()

    async def restart(self) -> None:
        """Stop and start again on the same database file."""
        await self.stop()
        await self.start()

    # -- people ---------------------------------------------------------------------------

    async def new_brew(
        self, theme: str = "getting help at home", pack: str = "over-a-brew"
    ) -> Brew:
        """Open a brew in the facilitators' group, straight through the store."""
        return await self.services.store.create_brew(
            theme=theme, pack_id=pack, group_chat_id=FACILITATORS
        )

    async def send(self, user: int, text: str) -> None:
        """A person types a message (or a command) in their private chat; wait until handled."""
        if text.startswith("/"):
            self.standin.command(user, text)
        else:
            self.standin.private_message(user, text)
        await self.standin.wait_idle()

    async def tap(self, user: int, label: str) -> None:
        """A person taps the button with these words on the newest message that shows it."""
        message_id = self.message_with_button(user, label)
        self.standin.press_label(user, message_id, label)
        await self.standin.wait_idle()

    def message_with_button(self, user: int, label: str) -> int:
        """Return the id of the newest message in this chat with a button of these words."""
        mine = [m for (chat, _), m in self.standin.world.messages.items() if chat == user]
        for message in sorted(mine, key=lambda m: -int(m["message_id"])):
            markup = message.get("reply_markup") or {}
            for row in markup.get("inline_keyboard", []):
                if any(b.get("text") == label for b in row):
                    return int(message["message_id"])
        raise AssertionError(f"no message to {user} shows a {label!r} button")

    def texts(self, user: int) -> list[str]:
        """Every new message brewbot has sent this person, in order (edits left out)."""
        return [
            c.text
            for c in self.standin.sent_to(user)
            if c.method in SEND_METHODS and c.text is not None
        ]

    def typed_answers(self, user: int) -> list[str]:
        """The typed answers kept from one person, in the order they were kept."""
        with sqlite3.connect(self.settings.db) as con:
            rows = con.execute(
                "SELECT a.text FROM answers AS a JOIN participants AS p"
                " ON p.id = a.participant_id WHERE p.chat_id = ? AND a.kind = 'text'"
                " ORDER BY a.id",
                (user,),
            )
            return [r[0] for r in rows]

    def last(self, user: int) -> str:
        return self.texts(user)[-1]


def _stacks() -> str:
    """Where every task of this loop is waiting, to say why brewbot did not stop."""
    lines = []
    for task in asyncio.all_tasks():
        where, coro = [], cast(Any, task.get_coro())
        while coro is not None and hasattr(coro, "cr_frame"):
            frame = coro.cr_frame
            if frame is not None:
                where.append(f"{frame.f_code.co_filename.rsplit('/', 2)[-1]}:{frame.f_lineno}")
            coro = coro.cr_await
        lines.append(f"{task.get_name()}: {' -> '.join(where)} ({coro!r})")
    return "\n".join(sorted(lines))
