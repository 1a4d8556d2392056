"""Helpers for facilitator tests: commands and taps in a group, and people who finish a pack."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import segno
from PIL import Image

from bot.standin import Call, StandIn
from bot.standin.records import SEND_METHODS
from tests.running import FACILITATORS, Running

ADMIN = 880001
MEMBER = 880002
STRANGERS = -100777  # a group nobody registered
LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")

STAGES = ("stage_getting_there", "stage_basics", "stage_not_yet", "stage_doing_well")


async def in_group(
    brewbot: Running, text: str, *, user: int = ADMIN, chat_id: int = FACILITATORS
) -> None:
    """Someone sends a command in a group; wait until brewbot has handled it."""
    group = brewbot.standin.world.chats.get(FACILITATORS)
    if group is None or not group.admins:
        brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.command(user, text, chat_id=chat_id)
    await brewbot.standin.wait_idle()


async def tap_in_group(
    brewbot: Running, label: str, *, user: int = ADMIN, chat_id: int = FACILITATORS
) -> None:
    """Someone taps the newest button with these words in a group."""
    brewbot.standin.tap(user, label, chat_id=chat_id)
    await brewbot.standin.wait_idle()


def group_calls(brewbot: Running, chat_id: int = FACILITATORS) -> list[Call]:
    """Every successful message, photo, document or poll brewbot sent to a group."""
    return [c for c in brewbot.standin.sent_to(chat_id) if c.method in SEND_METHODS]


def group_texts(brewbot: Running, chat_id: int = FACILITATORS) -> list[str]:
    """The plain text or caption of each of those, oldest first."""
    return [c.text for c in group_calls(brewbot, chat_id) if c.text is not None]


def since(calls: list[Call], mark: int) -> list[Call]:
    """The calls after the first ``mark`` of them."""
    return calls[mark:]


def answers_for(person: int, prompts: int) -> list[str]:
    """Plausible, different answers for one person."""
    pool = (
        "Being asked what matters to me, not just what I need.",
        "The carer who knew my name and remembered my garden.",
        "Fewer forms, and the same face each week.",
        "Someone to ring who picks up the phone.",
        "Time to talk, not just tick boxes.",
        "My neighbour and the lunch club keep me going.",
    )
    return [pool[(person + i) % len(pool)] + f" ({person % 97}/{i})" for i in range(prompts)]


async def _each(standin: StandIn, people: Sequence[int], act: str, words: Sequence[str]) -> None:
    """Everyone at once: each person taps their label or sends their words; then wait."""
    for person, word in zip(people, words, strict=True):
        if act == "tap":
            standin.tap(person, word)
        elif word.startswith("/"):
            standin.command(person, word)
        else:
            standin.private_message(person, word)
    await standin.wait_idle()


async def finish_pack(
    brewbot: Running,
    code: str,
    people: Sequence[int],
    *,
    pack: str = "over-a-brew",
    quote: Sequence[bool] | None = None,
    texts: dict[int, list[str]] | None = None,
) -> None:
    """Take several people through a whole pack together, one question at a time for all."""
    standin, found = brewbot.standin, brewbot.services
    agree = quote or [True] * len(people)
    steps = 4 if pack == "over-a-brew" else 8
    words = [(texts or {}).get(p) or answers_for(p, steps) for p in people]
    many = len(people)
    await _each(standin, people, "say", [f"/start {code}"] * many)
    await _each(standin, people, "tap", ["I work in care"] * many)
    await _each(standin, people, "tap", ["Yes" if yes else "No" for yes in agree])
    if pack == "over-a-brew":
        for n in range(4):
            await _each(standin, people, "say", [w[n] for w in words])
    else:
        for n, stage in enumerate(STAGES):
            await _each(standin, people, "tap", [found.text(stage)] * many)
            await _each(standin, people, "say", [w[2 * n] for w in words])
            await _each(standin, people, "say", [w[2 * n + 1] for w in words])
    await _each(standin, people, "tap", ["No, thanks"] * many)


def qr_text_matches(png: bytes, text: str) -> bool:
    """Read the QR code's modules off the picture and check they spell ``text``.

    Finds the module size from the top-left finder pattern, reads every module, and
    compares with the symbol for ``text`` at that version and any error level.
    """
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None

    def dark(x: int, y: int) -> bool:
        return int(pixels[x, y]) < 128  # type: ignore[arg-type]

    start = next(i for i in range(min(width, height)) if dark(i, i))
    run = next(i for i in range(start, width) if not dark(i, start)) - start
    scale = run / 7  # a finder pattern is seven modules wide
    count = round((width - 2 * start) / scale)
    grid = tuple(
        tuple(
            dark(int(start + (col + 0.5) * scale), int(start + (row + 0.5) * scale))
            for col in range(count)
        )
        for row in range(count)
    )
    version = (count - 17) // 4
    for level in "lmqh":
        try:
            symbol = segno.make(text, error=level, version=version, micro=False, boost_error=False)
        except segno.DataOverflowError:
            continue
        if tuple(tuple(bool(m) for m in row) for row in symbol.matrix) == grid:
            return True
    return False
