"""Answers that say there is nothing to say are counted, never made a theme, idea or quote."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conversations.model import Principle
from conversations.nothing_to_add import says_nothing
from conversations.shown import FreeText
from conversations.summary import BrewResults
from tests.english import answer_themes, build_summary, question_views
from tests.summary_support import shown

NOTHING = [
    "No",
    "nope.",
    "Nothing really",
    "Not sure tbh",
    "N/A",
    "I don't know",
    "Can't think of anything",
    "Nothing at the moment, thanks",
    "I'd rather not say",
    "No thanks!",
    "Dim byd",
    "Dwi ddim yn siŵr",
]
SOMETHING = [
    "No one listens",
    "Nothing changes",
    "Not being rushed",
    "Thank you",
    "Dim digon o staff",
    "No more waiting",
    "Don't rush me",
    "None of the staff know my name",
    "Not having to explain everything again, no",
]


@pytest.mark.parametrize("text", NOTHING)
def test_saying_there_is_nothing_to_say_is_recognised(text: str) -> None:
    assert says_nothing(text)


@pytest.mark.parametrize("text", SOMETHING)
def test_a_short_answer_that_says_something_is_an_answer(text: str) -> None:
    assert not says_nothing(text)


WANTED = [
    "A carer who turns up when they say they will",
    "Carers who stay the whole visit",
    "The same carer each week so I am not starting again",
    "A carer who knows how I like my tea",
    "Carers with time to talk, not just rush in and out",
    "More time with my carer on a Friday",
]
NO = ["No", "no.", "Nope", "No thanks", "no", "NO!"]


def _brew(prompt: str) -> BrewResults:
    said = [
        FreeText(f"p{n}", prompt, Principle.THEME, text, quote_consent=True)
        for n, text in enumerate(WANTED + NO)
    ]
    people = len(said)
    return BrewResults(
        "getting support at home",
        "Over a brew",
        took_part=people,
        finished=people,
        answers=tuple(said),
        idea_prompts=frozenset({"better"}),
        questions={"what_matters": "What matters most?"},
    )


def test_six_people_saying_no_are_never_an_idea_for_change() -> None:
    summary = build_summary(_brew("better"), min_group=5, themes_from=5)
    labels = [idea.label.casefold() for idea in summary.ideas]
    assert labels, "the carers' ideas are there"
    assert not any(label.strip(".!") in {"no", "nope", "no thanks"} for label in labels), labels
    seen = "\n".join(shown(s) for s in summary.sections)
    assert "“No" not in seen and "“Nope" not in seen
    assert "6 people said they had nothing to add." in seen
    assert "6 people said they had nothing to add." in summary.markdown


def test_fewer_saying_no_than_the_minimum_group_are_not_told_apart() -> None:
    results = _brew("better")
    fewer = tuple(a for a in results.answers if a.person not in {"p10", "p11"})
    summary = build_summary(replace(results, answers=fewer), min_group=5, themes_from=5)
    assert "nothing to add" not in summary.markdown


def test_saying_no_makes_no_theme_and_no_quote_but_is_counted() -> None:
    results = _brew("what_matters")
    summary = build_summary(results, min_group=5, themes_from=5)
    seen = "\n".join(shown(s) for s in summary.sections)
    assert "“No" not in seen and "“Nope" not in seen
    themes = answer_themes(results.answers, min_group=5)
    assert {themes[len(WANTED) + n].origin for n in range(len(NO))} == {"other"}
    (view,) = question_views(results.answers, results.questions, min_group=5)
    assert view.answers == len(WANTED) + len(NO), "everyone who answered is counted"
    assert view.quotes and not any(says_nothing(q.strip("“”")) for q in view.quotes)
