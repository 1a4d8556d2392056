"""The region's look across councils: each principle's stage, council by council.

Pure. Under the minimum group rule of every report (:mod:`conversations.shown`), a council
whose answers to a principle are fewer than the minimum group is not named for it: its
answers are folded into "other councils", whose stage is itself shown only when the folded
answers reach the minimum group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from conversations.model import Principle, Stage
from conversations.reporting import nearest_stage
from conversations.shown import enough_people

StageTally = Mapping[Principle, Mapping[Stage, int]]


@dataclass(frozen=True)
class Council:
    """One council's stage answers over the period, by principle."""

    name: str
    stages: StageTally


@dataclass(frozen=True)
class RegionLine:
    """One row of a principle's comparison: a council (None: the other councils folded
    together), its number of answers, and the stage they average to (None: too few)."""

    council: str | None
    answers: int
    stage: Stage | None


def _average(tally: Mapping[Stage, int]) -> Stage:
    total = sum(tally.values())
    return nearest_stage(sum(int(stage) * n for stage, n in tally.items()) / total)


def compare(councils: Sequence[Council], *, min_group: int) -> dict[Principle, list[RegionLine]]:
    """Compare each principle across councils, folding small ones into "other councils"."""
    found: dict[Principle, list[RegionLine]] = {}
    for principle in Principle:
        if principle is Principle.THEME:
            continue
        lines: list[RegionLine] = []
        folded: Counter[Stage] = Counter()
        for council in councils:
            tally = {s: n for s, n in council.stages.get(principle, {}).items() if n > 0}
            answers = sum(tally.values())
            if enough_people(answers, min_group=min_group):
                lines.append(RegionLine(council.name, answers, _average(tally)))
            else:
                folded.update(tally)
        lines.sort(key=lambda line: (-line.answers, line.council or ""))
        rest = sum(folded.values())
        if rest:
            shown = enough_people(rest, min_group=min_group)
            lines.append(RegionLine(None, rest, _average(folded) if shown else None))
        if lines:
            found[principle] = lines
    return found
