"""A live push: /ask reaches a whole room, and people answering meanwhile are not held up.

brewbot's real Application runs in this process against the Bot API stand-in at Telegram's
own limits (one message a second per person, 20 a minute per group, 30 a second for bulk
sends, all enforced by the stand-in too). N people join a live brew; the facilitator sends
/ask. Printed, side by side:

- the push: seconds from /ask until each person has the question (p50, p95, last), and
  how many got it exactly once;
- replies: seconds from a typed answer to brewbot's reply, for K people answering while
  the push is still going out, and for K people answering once it is done;
- the counts message: edits made, and the most in any 60 seconds (Telegram allows 20);
- then a second /ask: replies to K people whose words, sent a second after it reached them,
  are filed under the first question (brewbot reads when it reached them), beside K people
  answering the second question, which needs no such look-up; and their ratio.

.venv/bin/python -m bench.live_push [--people 300] [--answering 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.standin import API_JSON, StandIn
from bot.standin.records import SEND_METHODS
from tests.running import FACILITATORS, Running

QUESTION = "What is one thing that would make getting help at home better?"
SECOND = "What gets in the way?"
ADMIN = 990001


def _q(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _first(brewbot: Running, chat: int, words: str, after: float = 0.0) -> float | None:
    for call in brewbot.standin.sent_to(chat):
        if call.method in SEND_METHODS and call.at >= after and words in (call.text or ""):
            return call.at
    return None


def _reply_after(brewbot: Running, chat: int, after: float) -> float | None:
    return next(
        (c.at for c in brewbot.standin.sent_to(chat) if c.method in SEND_METHODS and c.at > after),
        None,
    )


def _arrived(brewbot: Running, chat: int, words: str) -> int:
    """Telegram's date on the message that brought these words to this person."""
    found = [
        int(m["date"])
        for (c, _), m in brewbot.standin.world.messages.items()
        if c == chat and words in m.get("text", "")
    ]
    return found[-1]


async def _answer(
    brewbot: Running, people: Sequence[int], *, late: Sequence[int] = (), after: str = ""
) -> list[float]:
    """Each person types an answer at once; return seconds until each got a reply. Those in
    ``late`` date theirs a second after ``after`` reached them (Telegram's date)."""
    loop = asyncio.get_running_loop()
    sent = {}
    for person in people:
        sent[person] = loop.time()
        date = _arrived(brewbot, person, after) + 1 if person in late else None
        words = "Someone who rings back when they said they would"
        brewbot.standin.private_message(person, words, date=date)
    waits: list[float] = []
    for person in people:
        await brewbot.standin.wait_for(lambda p=person: _reply_after(brewbot, p, sent[p]), 120)  # type: ignore[misc]
        waits.append((_reply_after(brewbot, person, sent[person]) or 0.0) - sent[person])
    return waits


async def run(people: int, answering: int, settle: float) -> None:
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
                store = brewbot.services.store
                brew = (await store.open_brews(FACILITATORS))[0]
                room = list(range(5_000_001, 5_000_001 + people))
                for person in room:
                    standin.command(person, f"/start {brew.code}")
                await standin.wait_idle(timeout=600)
                loop = asyncio.get_running_loop()
                asked = loop.time()
                standin.command(ADMIN, f"/ask {QUESTION}", chat_id=FACILITATORS)
                await standin.wait_for(lambda: _first(brewbot, room[answering - 1], QUESTION), 120)
                during = await _answer(brewbot, room[:answering])  # while the push goes out
                await standin.wait_for(lambda: all(_first(brewbot, p, QUESTION) for p in room), 600)
                got = [(_first(brewbot, p, QUESTION) or asked) - asked for p in room]
                once = sum(
                    1
                    for p in room
                    if sum(
                        QUESTION in (c.text or "")
                        for c in standin.sent_to(p)
                        if c.method in SEND_METHODS
                    )
                    == 1
                )
                await standin.wait_idle(timeout=600)
                after = await _answer(brewbot, room[answering : 2 * answering])
                await asyncio.sleep(settle)  # for the last counts edit
                edits = [
                    c.at for c in standin.sent_to(FACILITATORS) if c.method == "editMessageText"
                ]
                busiest = max((sum(1 for e in edits if s <= e < s + 60) for s in edits), default=0)
                standin.command(ADMIN, f"/ask {SECOND}", chat_id=FACILITATORS)
                await standin.wait_for(lambda: all(_first(brewbot, p, SECOND) for p in room), 600)
                await standin.wait_idle(timeout=600)
                # Side by side: words for the first question and for the second, interleaved.
                before = room[2 * answering : 3 * answering]  # said nothing to the first
                fresh = room[answering : 2 * answering]  # answered the first, surely
                mixed = [p for pair in zip(before, fresh, strict=True) for p in pair]
                first = (await store.answered(brew.id, "live_1"))[0]
                waits = await _answer(brewbot, mixed, late=before, after=SECOND)
                late, now = waits[0::2], waits[1::2]
                filed = (await store.answered(brew.id, "live_1"))[0] - first
            finally:
                await brewbot.stop()
    print(f"live push to {people} people, {answering} answering during and after")
    print(f"  push: got it exactly once        {once} of {people}")
    p50, p95 = statistics.median(got), _q(got, 0.95)
    print(f"  push: seconds to reach a person  p50 {p50:.2f}  p95 {p95:.2f}  last {max(got):.2f}")
    print(f"  {'reply seconds':<31}  {'during the push':>16}  {'after it':>9}")
    for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        print(f"  {name:<31}  {_q(during, q):>16.2f}  {_q(after, q):>9.2f}")
    print(
        f"  counts message: {len(edits)} edits, at most {busiest} in any 60 s (Telegram allows 20)"
    )
    print(f"  after a second /ask: {'for the one before':>20}  {'for it':>7}  ratio")
    for name, q in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        ratio = _q(late, q) / _q(now, q)
        print(f"  {name:<19}  {_q(late, q):>20.2f}  {_q(now, q):>7.2f}  {ratio:>5.2f}")
    print(f"  words for the first question filed under it: {filed} of {len(late)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--answering", type=int, default=20)
    parser.add_argument("--settle", type=float, default=7.0, help="seconds to wait for edits")
    args = parser.parse_args(argv)
    asyncio.run(run(args.people, args.answering, args.settle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
