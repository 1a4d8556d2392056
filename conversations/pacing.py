"""Live and paced brews as plain data: a pack's parts, the next part, one-off live questions.

A live brew sends a question when the facilitator pushes it; a paced brew sends one part a
day. Both keep, in a person's progress, the questions sent to them so far (``released``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum

from conversations.model import Kind, Pack, Principle, Progress, Prompt

__all__ = [
    "FASTEST_TYPING",
    "TYPING_GRACE",
    "Written",
    "asked_prompt",
    "live_pack",
    "next_part",
    "parts",
    "written_for",
]

ASKED_PREFIX = "live_"

# When the facilitator moves a live brew on, words someone sends a moment later may have been
# written for the question before. How long a moment, from how fast people read and type:
# - Adults read English silently at 175 to 300 words a minute (Brysbaert 2019, a review of
#   190 studies). The shortest question in the shipped packs, "What makes you say that?"
#   (5 words), takes a fast reader 1 s.
# - 37,000 people typing on their phones (Palin et al., MobileHCI 2019) averaged 36 words a
#   minute (3 characters a second); three in four typed under 44, the fastest about 80
#   (6.7 characters a second, counting five characters a word).
# - Telegram dates messages in whole seconds, so the gap between two dates is up to 1 s out.
# Reading that shortest question and typing a one-word answer ("Kindness") takes the fastest
# of them 1 + 1.2 s; allowing Telegram's second, about 3 s. Words sent within TYPING_GRACE
# of the next question reaching someone were written while the question before was on their
# screen.
TYPING_GRACE = 3.0
# After that, words too long to have been typed since the next question arrived, even at the
# fastest rate, were begun while the one before was on screen, unless they were spoken or
# pasted in: brewbot asks which question they are for rather than guess.
FASTEST_TYPING = 80 * 5 / 60  # characters a second


class Written(StrEnum):
    """Which question words typed just after a live push were written for."""

    BEFORE = "before"  # the question open before the push: it was on screen as they typed
    UNSURE = "unsure"  # perhaps either: ask them
    NOW = "now"  # the question pushed last


def written_for(text: str, at: float | None, shown_at: float | None) -> Written:
    """Say which question words sent at ``at`` were for, the next one having reached the
    person's screen at ``shown_at`` (None: it has not, so the one before is still there)."""
    if shown_at is None:
        return Written.BEFORE
    if at is None:
        return Written.NOW
    since = at - shown_at
    if since <= TYPING_GRACE:
        return Written.BEFORE
    if since < TYPING_GRACE + len(text.strip()) / FASTEST_TYPING:
        return Written.UNSURE
    return Written.NOW


def parts(pack: Pack) -> tuple[tuple[str, ...], ...]:
    """Split a pack into the parts a paced brew sends, one a day, as tuples of prompt ids.

    Prompts in a row about the same principle make one part (one principle a day); a
    button question that sets things up (who you are, may we quote you) goes with the
    part after it; any other theme question is a part of its own.
    """
    found: list[list[str]] = []
    waiting: list[str] = []  # set-up questions, for the next part
    last: Principle | None = None
    for prompt in pack.prompts:
        if prompt.keeps is not None:
            waiting.append(prompt.id)
            continue
        joins = found and not waiting and prompt.principle is last
        if joins and prompt.principle is not Principle.THEME:
            found[-1].append(prompt.id)
        else:
            found.append([*waiting, prompt.id])
            waiting = []
        last = prompt.principle
    if waiting:
        found.append(waiting)
    return tuple(tuple(part) for part in found)


def next_part(pack: Pack, progress: Progress) -> tuple[str, ...]:
    """Return the first part with a question neither sent nor answered (empty: none left)."""
    seen = set(progress.released) | set(progress.done)
    for part in parts(pack):
        if any(prompt_id not in seen for prompt_id in part):
            return part
    return ()


def asked_prompt(number: int, text: str) -> Prompt:
    """Make the one-off question a facilitator typed after /ask into a prompt of its own."""
    safe = text.replace("{", "{{").replace("}", "}}")  # the facilitator's words, not a template
    return Prompt(
        id=f"{ASKED_PREFIX}{number}",
        principle=Principle.THEME,
        kind=Kind.TEXT,
        text=safe,
        easy=safe,
    )


def live_pack(pack: Pack, asked: Iterable[Prompt]) -> Pack:
    """Return the pack a live brew asks from: the questions pushed in it, in the order pushed
    (the pack's own and one-offs), and no other. After the live part, what someone missed is
    what they may still answer: never a question of the pack that nobody was asked."""
    return replace(pack, prompts=tuple(asked))
