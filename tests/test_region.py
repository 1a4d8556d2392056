"""The region's comparison: councils big enough are named, small ones fold into one row."""

from __future__ import annotations

from conversations.model import Principle, Stage
from conversations.region import Council, RegionLine, compare

BIG = Council("Northshire", {Principle.ASSETS: {Stage.GETTING_THERE: 4, Stage.DOING_WELL: 2}})
MID = Council("Eastshire", {Principle.ASSETS: {Stage.NOT_YET: 5}})
SMALL_A = Council("Tiny A", {Principle.ASSETS: {Stage.BASICS: 2}})
SMALL_B = Council("Tiny B", {Principle.ASSETS: {Stage.BASICS: 2, Stage.NOT_YET: 1}})


def test_small_councils_fold_into_other_councils() -> None:
    found = compare([BIG, MID, SMALL_A, SMALL_B], min_group=5)
    assert found == {
        Principle.ASSETS: [
            RegionLine("Northshire", 6, Stage.GETTING_THERE),
            RegionLine("Eastshire", 5, Stage.NOT_YET),
            RegionLine(None, 5, Stage.BASICS),
        ]
    }


def test_the_folded_row_shows_no_stage_when_still_too_small() -> None:
    found = compare([BIG, SMALL_A], min_group=5)
    assert found[Principle.ASSETS][-1] == RegionLine(None, 2, None)
    assert all(line.council != "Tiny A" for line in found[Principle.ASSETS])
