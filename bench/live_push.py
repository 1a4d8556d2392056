"""A live push and a "we said, we did" broadcast reach a whole room, within Telegram's limits,
and people answering meanwhile are not held up.

brewbot's real Application runs in this process against the Bot API stand-in at Telegram's
own limits, which the stand-in enforces too with a 429: one message a second per person, 20
a minute per group, and, from the push on, 30 sends and edits from the whole bot in any one
second, replies and bulk alike (``--overall 0`` switches the last off in the stand-in, to
see what brewbot alone does). The room joins before that: Telegram's 30 a second is for
bulk notifications, and replies to people writing to the bot are held to each chat's pace
(tdlib/td#1834), so 300 people joining at once are answered at once.
N people join a live brew and the facilitator sends /ask; then N others who asked for news
get a "we said, we did". Printed, side by side for the push and the news:

- reached: how many got it exactly once, and the 429s Telegram (the stand-in) answered;
- pace: messages a second from the first to the last, as a share of 30 a second, and the
  most sends and edits from the whole bot in any one second;
- seconds from the start until each person has it (p50, p95, last);
- replies: seconds from a typed answer to brewbot's reply, for K people answering while it
  goes out, and for K people once it has gone;
- the counts message: edits made, and the most in any 60 seconds (Telegram allows 20).

.venv/bin/python -m bench.live_push [--people 300] [--answering 20]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.jobs import broadcast
from standin import API_JSON, StandIn
from standin.flood import OVERALL_WINDOW, most_in_one_second
from standin.records import EDIT_METHODS, SEND_METHODS, Call
from tests.facilitator_support import took_part
from tests.running import FACILITATORS, Running

QUESTION = "What is one thing that would make getting help at home better?"
NEWS = "We now ring back the same day."
ADMIN = 990001
ALLOWED = 30  # Telegram's sends a second for a whole bot


def _q(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _answer(brewbot: Running, people: Sequence[int]) -> list[float]:
    """Each person types an answer at once; return seconds until each got a reply."""
    standin, loop = brewbot.standin, asyncio.get_running_loop()
    sent: dict[int, float] = {}
    replied: dict[int, float] = {}

    def note(call: Call) -> None:
        chat = int(call.chat_id) if isinstance(call.chat_id, int | str) else 0
        if call.ok and call.method in SEND_METHODS and chat in sent and call.at > sent[chat]:
            replied.setdefault(chat, call.at)

    standin.listeners.append(note)
    for person in people:
        sent[person] = loop.time()
        standin.private_message(person, "Someone who rings back when they said they would")
    await standin.wait_for(lambda: len(replied) == len(people), 300)
    standin.listeners.remove(note)
    return [replied[person] - sent[person] for person in people]


@dataclass
class Reach:
    """How one bulk send went."""

    people: int
    once: int
    too_many: int  # 429s while it went out
    reached: list[float]  # seconds from the start to each person
    rate: float  # its messages a second, first to last
    rate_all: float  # all sends and edits a second meanwhile (replies too)
    refused: list[str]  # what got a 429, to see why
    during: list[float]  # reply seconds of people answering while it went out
    after: list[float]  # and once it had gone


async def _reach(
    brewbot: Running,
    room: Sequence[int],
    words: str,
    start: Callable[[], None],
    answering: tuple[Sequence[int], Sequence[int]],
) -> Reach:
    """Start a bulk send to ``room``; measure it, and replies during and after it."""
    standin = brewbot.standin
    loop = asyncio.get_running_loop()
    began, calls_before = loop.time(), len(standin.calls)
    wanted, got = set(room), {}  # when each person got it (noted as it goes: cheap to ask)

    def note(call: Call) -> None:
        chat = int(call.chat_id) if isinstance(call.chat_id, int | str) else 0
        if (
            call.ok
            and call.method in SEND_METHODS
            and chat in wanted
            and words in (call.text or "")
        ):
            got.setdefault(chat, []).append(call.at)

    standin.listeners.append(note)
    start()
    await standin.wait_for(lambda: len(got) >= len(room) // 10, 300)
    during = await _answer(brewbot, answering[0])
    await standin.wait_for(lambda: len(got) == len(room), 900)
    await standin.wait_idle(timeout=900)
    standin.listeners.remove(note)
    times = [got[p][0] for p in room]
    once = sum(1 for p in room if len(got[p]) == 1)
    refused = [
        f"{c.method} to {c.chat_id}" for c in standin.calls[calls_before:] if c.status == 429
    ]
    after = await _answer(brewbot, answering[1])
    first, last = min(times), max(times)
    spread = last - first
    rate = (len(times) - 1) / spread if spread > 0 else float("nan")
    meanwhile = sum(
        1
        for c in standin.calls[calls_before:]
        if c.ok and c.method in SEND_METHODS | EDIT_METHODS and first <= c.at <= last
    )
    rate_all = (meanwhile - 1) / spread if spread > 0 else float("nan")
    reached = [t - began for t in times]
    return Reach(len(room), once, len(refused), reached, rate, rate_all, refused, during, after)


async def run(people: int, answering: int, settle: float, overall: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with StandIn(spec_path=API_JSON) as standin:
            brewbot = Running(
                standin, Path(folder) / "bench.db", person_rate=1.0, group_per_minute=20.0
            )
            await brewbot.start()
            try:
                standin.set_admins(FACILITATORS, [ADMIN])
                standin.command(ADMIN, "/live getting help at home", chat_id=FACILITATORS)
                await standin.wait_idle()
                brew = (await brewbot.services.store.open_brews(FACILITATORS))[0]
                room = list(range(5_000_001, 5_000_001 + people))
                for person in room:
                    standin.command(person, f"/start {brew.code}")
                await standin.wait_idle(timeout=900)
                joining = (standin.busiest_second(), _refused(standin), len(standin.calls))
                await asyncio.sleep(OVERALL_WINDOW)  # the joining's last second goes by
                standin.limit_overall(overall or None)  # bulk from here on
                push = await _reach(
                    brewbot,
                    room,
                    QUESTION,
                    lambda: standin.command(ADMIN, f"/ask {QUESTION}", chat_id=FACILITATORS),
                    (room[:answering], room[answering : 2 * answering]),
                )
                await asyncio.sleep(settle)  # for the last counts edit
                edits = [
                    c.at for c in standin.sent_to(FACILITATORS) if c.method == "editMessageText"
                ]
                busiest = max((sum(1 for e in edits if s <= e < s + 60) for s in edits), default=0)
                told = list(range(6_000_001, 6_000_001 + people))
                done = await brewbot.new_brew("getting help at home")
                await took_part(brewbot, done, told, stage=None)
                await brewbot.services.store.record_wesaid(done.id, NEWS, "bench:news")
                news = await _reach(
                    brewbot,
                    told,
                    NEWS,
                    lambda: broadcast.start_sending(brewbot.app),
                    (room[2 * answering : 3 * answering], room[3 * answering : 4 * answering]),
                )
                second = most_in_one_second(
                    c.at
                    for c in standin.calls[joining[2] :]
                    if c.ok and c.method in SEND_METHODS | EDIT_METHODS
                )
                counted = sum(
                    1
                    for c in standin.calls[joining[2] :]
                    if c.method in SEND_METHODS | EDIT_METHODS
                )
                refused = _refused(standin) - joining[1]
            finally:
                await brewbot.stop()
    _report(people, answering, overall, push, news, second, (counted, refused))
    print(
        f"  joining, before: the busiest second held {joining[0]} sends and edits"
        f" (no overall window), {joining[1]} refused with a 429"
    )
    print(
        f"  counts message: {len(edits)} edits, at most {busiest} in any 60 s (Telegram allows 20)"
    )


def _refused(standin: StandIn) -> int:
    return sum(1 for c in standin.calls if c.status == 429)


def _report(
    people: int,
    answering: int,
    overall: int,
    push: Reach,
    news: Reach,
    second: int,
    calls: tuple[int, int],
) -> None:
    limit = f"the stand-in's overall limit {overall} a second" if overall else "no overall limit"
    print(f"live push and news to {people} people each, {answering} answering during and after")
    print(
        f"  ({limit} from the push on; {calls[0]} sends and edits in all, {calls[1]} of them"
        f" refused with a 429 from then on; at most {second} accepted in any one second)"
    )
    print(f"  {'':<34}{'push':>10}{'news':>10}")

    def row(name: str, values: Sequence[str]) -> None:
        print(f"  {name:<34}{values[0]:>10}{values[1]:>10}")

    both = (push, news)
    row("got it exactly once", [f"{r.once}/{r.people}" for r in both])
    row("429s meanwhile", [str(r.too_many) for r in both])
    row("its messages a second", [f"{r.rate:.1f}" for r in both])
    row("all sends and edits a second", [f"{r.rate_all:.1f}" for r in both])
    row("share of 30 a second", [f"{r.rate_all / ALLOWED:.0%}" for r in both])
    for name, q in (("p50", 0.5), ("p95", 0.95)):
        row(f"seconds to reach a person, {name}", [f"{_q(r.reached, q):.2f}" for r in both])
    row("seconds to reach the last", [f"{max(r.reached):.2f}" for r in both])
    for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        row(f"reply s while it goes, {name}", [f"{_q(r.during, q):.2f}" for r in both])
    for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        row(f"reply s after it, {name}", [f"{_q(r.after, q):.2f}" for r in both])
    for name, r in (("push", push), ("news", news)):
        if r.refused:
            print(f"  429s during the {name}: {', '.join(r.refused[:5])}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--answering", type=int, default=20)
    parser.add_argument("--settle", type=float, default=7.0, help="seconds to wait for edits")
    parser.add_argument(
        "--overall",
        type=int,
        default=ALLOWED,
        help="the stand-in's limit on the whole bot's sends and edits in any second (0: off)",
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.people, args.answering, args.settle, args.overall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
