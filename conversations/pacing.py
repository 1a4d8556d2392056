"""Live and paced brews as plain data: a pack's parts, the next part, one-off live questions.

A live brew sends a question when the facilitator pushes it; a paced brew sends one part a
day. Both keep, in a person's progress, the questions sent to them so far (``released``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from conversations.model import Kind, Pack, Principle, Progress, Prompt

__all__ = ["LATE_GRACE", "asked_prompt", "next_part", "parts", "with_asked"]

# Typed words that arrive this many seconds after the next question was pushed still
# answer the question before: the person was typing it when the new one came.
LATE_GRACE = 60.0
ASKED_PREFIX = "live_"


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


def with_asked(pack: Pack, asked: Iterable[Prompt]) -> Pack:
    """Return the pack with a brew's one-off live questions after its own."""
    extra = tuple(asked)
    return replace(pack, prompts=(*pack.prompts, *extra)) if extra else pack
