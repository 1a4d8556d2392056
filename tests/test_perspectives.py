"""Perspectives side by side: who is shown apart, folding so no small group can be worked out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.loader import load_packs
from conversations.messages import load_messages
from conversations.model import Keeps, Principle, Stage
from conversations.perspectives import (
    MESSAGE_KEYS,
    PERSPECTIVE_OF,
    SHOWN,
    DescribedStages,
    Perspective,
    html_split,
    markdown_split,
    people_split,
    perspective_of,
    principle_splits,
    safe_parts,
)

CARE, CARER, STAFF, OTHER = (
    Perspective.DRAWS_ON_CARE,
    Perspective.CARER,
    Perspective.STAFF,
    Perspective.OTHER,
)
MESSAGES = load_messages()


def test_every_pack_option_maps_to_a_perspective_or_to_other() -> None:
    for pack in load_packs().values():
        about = [p for p in pack.prompts if p.keeps is Keeps.SELF_DESCRIPTION]
        ids = {o.id for p in about for o in p.options}
        assert set(PERSPECTIVE_OF) <= ids, pack.title
        assert {perspective_of(i) for i in ids} == {CARE, CARER, STAFF, OTHER}
    for other in ("other", "rather_not_say", None, "", "anything"):
        assert perspective_of(other) is OTHER
    assert OTHER not in PERSPECTIVE_OF.values() and OTHER not in SHOWN


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # every group big enough, nobody else: all side by side
        ({CARE: 5, CARER: 6, STAFF: 7}, (CARE, CARER, STAFF)),
        # one group small, with everyone else it makes a rest of 5 or more: fine
        ({CARE: 5, CARER: 5, STAFF: 2, OTHER: 3}, (CARE, CARER)),
        # one group small and alone in the rest: it would show by subtraction, so the
        # smallest group shown is folded in with it
        ({CARE: 6, CARER: 5, STAFF: 2}, (CARE,)),
        ({CARE: 5, CARER: 5, STAFF: 1}, (CARE,)),  # a tie folds the later one
        ({CARE: 7, CARER: 9, OTHER: 4}, (CARER,)),
        # "other" is never shown on its own, however big
        ({CARE: 5, OTHER: 9}, (CARE,)),
        ({OTHER: 12}, ()),
        # one group that is everybody: nothing to set side by side
        ({STAFF: 8}, ()),
        ({STAFF: 8, CARE: 0}, ()),
        # a small group and nothing safe: nothing
        ({CARE: 4, CARER: 4, STAFF: 4}, ()),
        ({CARE: 5, STAFF: 4}, ()),
        ({}, ()),
    ],
)
def test_safe_parts(people: dict[Perspective, int], expected: tuple[Perspective, ...]) -> None:
    assert safe_parts(people, min_group=5) == expected


def _described(
    principle: Principle, described: str | None, stages: dict[Stage, int]
) -> DescribedStages:
    return DescribedStages(principle, described, sum(stages.values()), stages)


def test_principle_splits_keep_whole_counts_for_each_part_shown() -> None:
    rows = [
        _described(Principle.ASSETS, "draws_on_care", {Stage.NOT_YET: 1, Stage.BASICS: 4}),
        _described(Principle.ASSETS, "unpaid_carer", {Stage.DOING_WELL: 5}),
        _described(Principle.ASSETS, "works_in_care", {Stage.BASICS: 2}),
        _described(Principle.ASSETS, "other", {Stage.BASICS: 2}),
        _described(Principle.ASSETS, None, {Stage.GETTING_THERE: 1}),
        # for work, staff (2) would be the only one left out: carers fold in with them
        _described(Principle.WORK, "draws_on_care", {Stage.BASICS: 6}),
        _described(Principle.WORK, "unpaid_carer", {Stage.BASICS: 5}),
        _described(Principle.WORK, "works_in_care", {Stage.BASICS: 2}),
        _described(Principle.NETWORKS, "unpaid_carer", {Stage.BASICS: 4}),
    ]
    splits = principle_splits(rows, min_group=5)
    assets = splits[Principle.ASSETS]
    assert [(p.perspective, p.people) for p in assets.parts] == [(CARE, 5), (CARER, 5)]
    assert dict(assets.parts[0].counts) == {
        Stage.NOT_YET: 1,
        Stage.BASICS: 4,
        Stage.GETTING_THERE: 0,
        Stage.DOING_WELL: 0,
    }
    assert assets.rest == 5
    work = splits[Principle.WORK]
    assert [(p.perspective, p.people) for p in work.parts] == [(CARE, 6)]
    assert work.rest == 7
    assert Principle.NETWORKS not in splits


def test_people_split_counts_each_person_once() -> None:
    authors = [(f"c{n}", "unpaid_carer") for n in range(5)] * 3
    authors += [(f"s{n}", "works_in_care") for n in range(5)]
    authors += [("x1", None), ("x2", "rather_not_say")]  # a rest of 2 alone: fold staff (a tie)
    split = people_split(authors, min_group=5)
    assert [(p.perspective, p.people) for p in split.parts] == [(CARER, 5)]
    assert split.rest == 7
    assert not people_split(authors[:-2], min_group=6)


# ------------------------------------------------------------------ the safety property

PEOPLE = st.lists(
    st.tuples(
        st.sampled_from(["draws_on_care", "unpaid_carer", "works_in_care", "other", None]),
        st.sampled_from(list(Stage)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(people=PEOPLE, min_group=st.integers(min_value=2, max_value=8))
def test_no_shown_cell_is_from_a_small_group_and_no_hidden_group_can_be_worked_out(
    people: list[tuple[str | None, Stage]], min_group: int
) -> None:
    """Whatever the mix: each part shown has min_group people or more, and what a reader
    gets by taking the parts from the total (the summary shows the total) is either nobody
    or a group of min_group people or more, never one small group's answers."""
    rows: dict[str | None, dict[Stage, int]] = {}
    for described, chosen in people:
        stages = rows.setdefault(described, {})
        stages[chosen] = stages.get(chosen, 0) + 1
    split = principle_splits(
        [_described(Principle.ASSETS, d, s) for d, s in rows.items()], min_group=min_group
    ).get(Principle.ASSETS)
    if split is None:
        return
    for part in split.parts:
        assert part.perspective is not OTHER
        assert part.people >= min_group
        mine = [s for d, s in people if perspective_of(d) is part.perspective]
        assert part.people == len(mine)
        assert dict(part.counts) == {s: mine.count(s) for s in Stage}
    shown = {part.perspective for part in split.parts}
    hidden = [s for d, s in people if perspective_of(d) not in shown]
    assert split.rest == len(hidden)
    assert split.rest == 0 or split.rest >= min_group
    # the rest worked out by subtraction, stage by stage, is exactly the hidden people's answers
    for stage in Stage:
        total = sum(1 for _, s in people if s is stage)
        parts = sum(dict(p.counts)[stage] for p in split.parts)
        assert total - parts == hidden.count(stage)
    # a side by side view needs two columns: never one group that is everybody
    assert not (len(split.parts) == 1 and split.rest == 0)


# ------------------------------------------------------------------ words


def test_the_words_are_in_the_message_files_with_easy_versions() -> None:
    for key in MESSAGE_KEYS:
        entry = MESSAGES.entry(key)
        assert entry.path.endswith("summary.yaml")
    for key in ("perspective_draws_on_care", "perspective_carer", "perspective_staff"):
        assert MESSAGES.entry(key).easy
    joined = " ".join(MESSAGES.text(key, people=5, group="g") for key in MESSAGE_KEYS)
    assert "service user" not in joined.casefold()


def test_html_and_markdown_show_the_same_parts() -> None:
    rows = [
        _described(Principle.ASSETS, "draws_on_care", {Stage.NOT_YET: 1, Stage.BASICS: 4}),
        _described(Principle.ASSETS, "unpaid_carer", {Stage.DOING_WELL: 6}),
        _described(Principle.ASSETS, "works_in_care", {Stage.BASICS: 2}),
        _described(Principle.ASSETS, "other", {Stage.BASICS: 3}),
    ]
    split = principle_splits(rows, min_group=5)[Principle.ASSETS]
    html = html_split(split, MESSAGES)
    assert html.splitlines() == [
        "<i>Side by side:</i>",
        "• People who draw on care and support, 5 people: haven't got this yet (red): 1"
        " · got the basics (amber): 4",
        "• Unpaid carers, 6 people: doing really well (green): 6",
        "Everyone else is only in the total, so nobody can be picked out.",
    ]
    markdown = markdown_split(split, MESSAGES)
    assert "| What they said | People who draw on care and support, 5 people |" in markdown[2]
    assert "| haven't got this yet (red) | 1 | 0 |" in markdown
    assert "| doing really well (green) | 0 | 6 |" in markdown
    assert "work in care" not in (html + "\n".join(markdown)).casefold()
    assert html_split(people_split([], min_group=5), MESSAGES) == ""
    assert markdown_split(people_split([], min_group=5), MESSAGES) == []
