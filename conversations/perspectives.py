"""Perspectives side by side: what people who draw on care and support, unpaid carers and
staff said, each shown apart only where the group is big enough that nobody can be picked out.

Each participant may say which fits them best (the packs' ``about_you`` prompt). Those
answers map onto three perspectives (:data:`PERSPECTIVE_OF`); anything else ("something
else", "I would rather not say", no answer, an answer brought in from paper) is ``other``,
which is never shown on its own.

The rule, for one question (a principle's stages, or one theme), with ``min_group`` as
elsewhere in the summary:

* A perspective is shown apart only when at least ``min_group`` different people of it
  answered that question. Its counts are then shown whole, small ones included, as the
  summary does for everyone together.
* Everyone not shown apart (small perspectives and ``other``) is "the rest". The summary
  shows the total for the question, so a reader can work the rest out by subtraction.
  That is safe only when the rest is nobody or at least ``min_group`` people. When the rest
  is 1 to ``min_group - 1`` people, the smallest perspective shown is folded into the rest
  too (ties: the later one in :data:`SHOWN`). A shown group has at least ``min_group``
  people, so one fold always makes the rest big enough.
* When what is left to show is one perspective that is everybody, nothing is split.
* A group below the minimum is never named as such: the summary says only, in one line,
  that everyone else is in the total.

Quotes are never tied to a perspective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from conversations.messages import Messages
from conversations.model import Principle, Stage
from conversations.reporting import esc, md, stage_counts, stage_label


class Perspective(StrEnum):
    """Whose point of view an answer comes from."""

    DRAWS_ON_CARE = "draws_on_care"
    CARER = "unpaid_carer"
    STAFF = "works_in_care"
    OTHER = "other"  # everyone else: never shown on its own


SHOWN = (Perspective.DRAWS_ON_CARE, Perspective.CARER, Perspective.STAFF)

# The packs' self-description option ids, and the perspective each belongs to.
PERSPECTIVE_OF: Mapping[str, Perspective] = {
    "draws_on_care": Perspective.DRAWS_ON_CARE,
    "unpaid_carer": Perspective.CARER,
    "works_in_care": Perspective.STAFF,
}

# The message key naming each perspective shown (conversations/messages/summary.yaml).
NAME_KEYS: Mapping[Perspective, str] = {
    Perspective.DRAWS_ON_CARE: "perspective_draws_on_care",
    Perspective.CARER: "perspective_carer",
    Perspective.STAFF: "perspective_staff",
}
MESSAGE_KEYS = (
    *NAME_KEYS.values(),
    "perspective_heading",
    "perspective_group",
    "perspective_rest",
    "perspective_stage_column",
)


def perspective_of(self_description: str | None) -> Perspective:
    """Map a self-description option id (or none) to its perspective."""
    return PERSPECTIVE_OF.get(self_description or "", Perspective.OTHER)


# ------------------------------------------------------------------ plain data


@dataclass(frozen=True)
class DescribedStages:
    """For one principle and one self-description: how many different people answered,
    and how many different people chose each stage. Storage gives one per pair."""

    principle: Principle
    self_description: str | None
    people: int
    stages: Mapping[Stage, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One perspective shown apart: its people, and (for a principle) its stage counts."""

    perspective: Perspective
    people: int
    counts: tuple[tuple[Stage, int], ...] = ()  # every Stage once, in order; () for a theme


@dataclass(frozen=True)
class Split:
    """The perspectives safe to show side by side, and how many people stay only in the total."""

    parts: tuple[Part, ...] = ()
    rest: int = 0

    def __bool__(self) -> bool:
        return bool(self.parts)


NO_SPLIT = Split()


# ------------------------------------------------------------------ the rule


def safe_parts(people: Mapping[Perspective, int], *, min_group: int) -> tuple[Perspective, ...]:
    """Return the perspectives safe to show apart, in :data:`SHOWN` order (see the module rule).

    ``people`` counts different people per perspective, ``other`` included; together they
    are the total a reader can see.
    """
    counts = {p: max(0, n) for p, n in people.items()}
    total = sum(counts.values())
    shown = [p for p in SHOWN if counts.get(p, 0) >= min_group]
    rest = total - sum(counts[p] for p in shown)
    if shown and 0 < rest < min_group:
        smallest = min(shown, key=lambda p: (counts[p], -SHOWN.index(p)))
        shown.remove(smallest)
    if len(shown) == 1 and counts[shown[0]] == total:
        return ()
    return tuple(shown)


def principle_splits(rows: Iterable[DescribedStages], *, min_group: int) -> dict[Principle, Split]:
    """Split each principle's stages by perspective, where the rule allows it."""
    people: dict[Principle, dict[Perspective, int]] = defaultdict(lambda: defaultdict(int))
    stages: dict[Principle, dict[Perspective, dict[Stage, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for row in rows:
        who = perspective_of(row.self_description)
        people[row.principle][who] += max(0, row.people)
        for stage, n in row.stages.items():
            stages[row.principle][who][stage] += max(0, n)
    splits = {}
    for principle, counts in people.items():
        shown = safe_parts(counts, min_group=min_group)
        if not shown:
            continue
        parts = tuple(
            Part(p, counts[p], tuple((s, stages[principle][p].get(s, 0)) for s in Stage))
            for p in shown
        )
        splits[principle] = Split(parts, sum(counts.values()) - sum(x.people for x in parts))
    return splits


def people_split(authors: Iterable[tuple[str, str | None]], *, min_group: int) -> Split:
    """Split the different people behind some answers (``(person, self_description)``)."""
    seen: dict[str, Perspective] = {}
    for person, described in authors:
        seen.setdefault(person, perspective_of(described))
    counts: dict[Perspective, int] = defaultdict(int)
    for who in seen.values():
        counts[who] += 1
    shown = safe_parts(counts, min_group=min_group)
    if not shown:
        return NO_SPLIT
    parts = tuple(Part(p, counts[p]) for p in shown)
    return Split(parts, len(seen) - sum(x.people for x in parts))


# ------------------------------------------------------------------ words


def _group(part: Part, messages: Messages) -> str:
    """Name a part with its count of people, e.g. 'Unpaid carers, 6 people'."""
    name = messages.text(NAME_KEYS[part.perspective])
    return messages.text("perspective_group", group=name, people=part.people)


def html_split(split: Split, messages: Messages) -> str:
    """Show a split as Telegram HTML lines (empty when there is nothing to show)."""
    if not split:
        return ""
    lines = [f"<i>{esc(messages.text('perspective_heading'))}</i>"]
    for part in split.parts:
        counts = stage_counts(part.counts, messages=messages)
        lines.append(f"• {esc(_group(part, messages))}" + (f": {esc(counts)}" if counts else ""))
    if split.rest:
        lines.append(esc(messages.text("perspective_rest")))
    return "\n".join(lines)


def markdown_split(split: Split, messages: Messages) -> list[str]:
    """Write a split as Markdown: a table for stages, a list for a theme; ends with a blank."""
    if not split:
        return []
    lines = [f"*{md(messages.text('perspective_heading'))}*", ""]
    if any(part.counts for part in split.parts):
        names = [md(_group(part, messages)) for part in split.parts]
        lines.append(f"| {md(messages.text('perspective_stage_column'))} | {' | '.join(names)} |")
        lines.append("|---" * (len(names) + 1) + "|")
        for stage in Stage:
            cells = [str(dict(part.counts).get(stage, 0)) for part in split.parts]
            label = stage_label(stage, messages=messages)
            lines.append(f"| {md(label)} | {' | '.join(cells)} |")
    else:
        lines.extend(f"- {md(_group(part, messages))}" for part in split.parts)
    lines.append("")
    if split.rest:
        lines += [md(messages.text("perspective_rest")), ""]
    return lines
