"""Suggested themes group by their folded words, and only those enough people made show."""

from __future__ import annotations

from conversations.suggestions import Suggested, normalise, visible


def test_alike_words_fold_to_one() -> None:
    forms = ("Getting out and about", "getting  out, and about!", "GETTING OUT AND ABOUT.")
    assert {normalise(f) for f in forms} == {"getting out and about"}
    assert normalise("Getting out") != normalise("Getting out and about")
    assert normalise("?!…") == ""


def test_only_suggestions_from_enough_people_are_shown() -> None:
    listed = visible(
        [Suggested("Loneliness", 5), Suggested("Buses", 4), Suggested("Respite", 7)], min_group=5
    )
    assert [s.text for s in listed.shown] == ["Respite", "Loneliness"]
    assert listed.others == 1


def test_with_nothing_big_enough_only_a_count_remains() -> None:
    listed = visible([Suggested("a", 1), Suggested("b", 2)], min_group=3)
    assert listed.shown == () and listed.others == 2
