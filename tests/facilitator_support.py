"""Helpers for facilitator tests: commands, replies and taps in a group, and people who
take part in a brew (through the whole pack on their phones, or straight through the store)."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from typing import Any

import segno
from PIL import Image

from bot.facilitators.reports import brew_summary, post_summary
from conversations.model import Answer, Kind, Outcome, Principle, Progress, Stage, Status
from standin import Call, StandIn
from standin.inject import command_entities
from standin.records import SEND_METHODS
from storage.records import Brew
from tests.running import FACILITATORS, Running

ADMIN = 880001
MEMBER = 880002
STRANGERS = -100777  # a group nobody registered
LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")

STAGES = ("stage_getting_there", "stage_basics", "stage_not_yet", "stage_doing_well")


def _admins(brewbot: Running) -> None:
    """Make ADMIN the facilitators' group admin, unless a test chose its own."""
    group = brewbot.standin.world.chats.get(FACILITATORS)
    if group is None or not group.admins:
        brewbot.standin.set_admins(FACILITATORS, [ADMIN])


async def in_group(
    brewbot: Running, text: str, *, user: int = ADMIN, chat_id: int = FACILITATORS
) -> None:
    """Someone sends a command in a group; wait until brewbot has handled it."""
    _admins(brewbot)
    brewbot.standin.command(user, text, chat_id=chat_id)
    await brewbot.standin.wait_idle()


async def reply_in_group(
    brewbot: Running,
    text: str,
    reply_to: int,
    *,
    user: int = ADMIN,
    chat_id: int = FACILITATORS,
    wait: bool = True,
) -> None:
    """Someone sends a command in a group as a reply to one of its messages (and, unless
    told not to, waits until brewbot is idle again)."""
    _admins(brewbot)
    world = brewbot.standin.world
    state = world.group_chat(chat_id)
    state.members.add(user)
    target = world.message(chat_id, reply_to)
    assert target is not None, f"no message {reply_to} in {chat_id}"
    quoted = {k: v for k, v in target.items() if k != "reply_to_message"}
    message = world.new_message(
        state, world.user(user), text=text, entities=command_entities(text), reply_to_message=quoted
    )
    brewbot.standin.updates.push("message", copy.deepcopy(message))
    if wait:
        await brewbot.standin.wait_idle()


async def tap_in_group(
    brewbot: Running, label: str, *, user: int = ADMIN, chat_id: int = FACILITATORS
) -> None:
    """Someone taps the newest button with these words in a group."""
    brewbot.standin.tap(user, label, chat_id=chat_id)
    await brewbot.standin.wait_idle()


def group_calls(brewbot: Running, chat_id: int = FACILITATORS) -> list[Call]:
    """Every message, photo, document or poll brewbot got into a group, oldest first."""
    return [c for c in brewbot.standin.sent_to(chat_id) if c.method in SEND_METHODS]


def group_texts(brewbot: Running, chat_id: int = FACILITATORS) -> list[str]:
    """The plain text or caption of each of those."""
    return [c.text for c in group_calls(brewbot, chat_id) if c.text is not None]


def last_in_group(brewbot: Running, chat_id: int = FACILITATORS) -> str:
    """The newest text brewbot sent to a group."""
    texts = group_texts(brewbot, chat_id)
    assert texts, "brewbot has said nothing in the group"
    return texts[-1]


def shown_now(brewbot: Running, message_id: int, chat_id: int = FACILITATORS) -> dict[str, Any]:
    """A message as the group sees it now, after any edits."""
    found = brewbot.standin.message(chat_id, message_id)
    assert found is not None
    return found


def news_to(brewbot: Running, chat: int) -> list[str]:
    """The "we said, we did" news a person got, as they see it."""
    return [t for t in brewbot.texts(chat) if t.startswith(("News from", "News about"))]


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
    about: Sequence[str] | None = None,
) -> None:
    """Take several people through a whole pack together, one question at a time for all.

    ``about`` is the "which fits you best" option each person taps (default: I work in care).
    """
    standin, services = brewbot.standin, brewbot.services
    agree = quote or [True] * len(people)
    steps = 4 if pack == "over-a-brew" else 8
    words = [(texts or {}).get(p) or answers_for(p, steps) for p in people]
    many = len(people)
    # A crowd's replies: Telegram holds them to each chat's pace, not to the bot's 30 a
    # second (tdlib/td#1834), so the stand-in only counts them meanwhile.
    flood = standin.flood
    overall, bulk = (flood.overall, flood.bulk) if flood is not None else (None, None)
    standin.limit_overall(None)
    try:
        await _each(standin, people, "say", [f"/start {code}"] * many)
        await _each(standin, people, "tap", list(about or ["I work in care"] * many))
        await _each(standin, people, "tap", ["Yes" if yes else "No" for yes in agree])
        if pack == "over-a-brew":
            for n in range(4):
                await _each(standin, people, "say", [w[n] for w in words])
        else:
            for n, stage in enumerate(STAGES):
                await _each(standin, people, "tap", [services.text(stage)] * many)
                await _each(standin, people, "say", [w[2 * n] for w in words])
                await _each(standin, people, "say", [w[2 * n + 1] for w in words])
        await _each(standin, people, "tap", ["No, thanks"] * many)
    finally:
        standin.limit_overall(overall, bulk)


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


async def took_part(
    brewbot: Running,
    brew: Brew,
    chats: Sequence[int],
    *,
    news: bool = True,
    words: Sequence[str] = (),
    prompt: str = "what_matters",
    stage: Stage | None = Stage.GETTING_THERE,
    consent: bool = True,
    concern: bool = False,
) -> list[str]:
    """People answer a brew (a stage and, if given, typed words each); return their ids."""
    store = brewbot.services.store
    ids = []
    for i, chat in enumerate(chats):
        brewbot.standin.world.private_chat(chat)  # they have talked to brewbot, so it can reply
        person = await store.join(chat)
        answers = []
        if stage is not None:
            answers.append(Answer("assets_stage", Principle.ASSETS, Kind.STAGE, stage=stage))
        if words:
            said = words[i % len(words)]
            answers.append(Answer(prompt, Principle.THEME, Kind.TEXT, text=said))
        outcome = Outcome(
            progress=Progress(brew.pack_id, status=Status.FINISHED),
            answers=tuple(answers),
            quote_consent=consent,
            concern=concern,
        )
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=outcome, update_id=None
        )
        if news:
            await store.set_preferences(person.id, news=True)
        ids.append(person.id)
    return ids


async def post_brew_summary(brewbot: Running, brew: Brew) -> int:
    """Post a brew's summary to the group as /summary does; return its first message's id."""
    _admins(brewbot)
    before = len(group_calls(brewbot))
    summary = await brew_summary(brewbot.services, brew)
    store, messages = brewbot.services.store, brewbot.services.messages
    await post_summary(brewbot.app.bot, FACILITATORS, summary, store, brew, messages=messages)
    await brewbot.standin.wait_idle()
    first = group_calls(brewbot)[before]
    return int(first.result["message_id"])
