"""Small brews told well: below THEMES_FROM people a summary goes question by question."""

from __future__ import annotations

from dataclasses import replace

from bot import embedder
from conversations.codebook import load_codebook
from conversations.model import Principle
from conversations.reading import Reader
from conversations.shown import FreeText, quote
from conversations.summary import THEMES_FROM, BrewResults, the_question
from tests.brew_support import PlantedBrew, planted_brew
from tests.english import build_summary, question_views
from tests.summary_support import shown

MIN = 5
QUESTIONS = {
    "what_matters": "What matters most to you about getting an assessment?",
    "moment": "Which moment stays with you?",
    "better": "What is one thing that would make this better?",
    "tell_supporters": "What would you like the people who support you to know?",
}


def _reader(codebook: str | None = None, brew: PlantedBrew | None = None) -> Reader:
    embed = embedder.embedding()  # as a summary reads: short texts read once
    assert embed is not None, "the meaning model is installed by make"
    book = load_codebook(brew.codebook(codebook)) if brew and codebook else None
    return Reader(embed, book)


def _results(brew: PlantedBrew, **changes: object) -> BrewResults:
    answers = tuple(
        FreeText(person, prompt, Principle.THEME, text, consent, answer_id=i)
        for i, (person, prompt, text, consent) in enumerate(
            zip(brew.people, brew.prompts, brew.texts, brew.consent, strict=True)
        )
    )
    people = len(set(brew.people))
    base = BrewResults(
        theme="getting an assessment",
        pack_title="Over a brew",
        took_part=people,
        finished=people,
        answers=answers,
        questions=QUESTIONS,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_small_brew_gives_each_question_its_own_part() -> None:
    brew = planted_brew("story")
    assert len(set(brew.people)) < THEMES_FROM
    summary = build_summary(_results(brew), min_group=MIN, find=_reader())
    seen = "\n".join(shown(s) for s in summary.sections)
    for prompt, words in QUESTIONS.items():
        asked = [p for p, q in zip(brew.people, brew.prompts, strict=True) if q == prompt]
        if len(set(asked)) >= MIN:
            assert words in seen
            assert f"{len(asked)} answers from {len(set(asked))} people." in seen
    assert "Words that link them" not in seen
    quoted = [t for t, ok in zip(brew.texts, brew.consent, strict=True) if t in seen]
    assert quoted, "typical answers are quoted"
    for text, consent in zip(brew.texts, brew.consent, strict=True):
        if not consent:
            assert text not in seen and text not in summary.markdown
    for section in summary.sections:
        assert len(shown(section)) <= 1500  # about one phone screen a part


def test_typical_answers_are_central_and_differ() -> None:
    brew = planted_brew("home")
    results = _results(brew)
    views = question_views(results.answers, QUESTIONS, find=_reader(), min_group=MIN)
    assert [v.question for v in views] == [
        q for q in QUESTIONS.values() if any(v.question == q for v in views)
    ]
    for view in views:
        prompt = next(p for p, q in QUESTIONS.items() if q == view.question)
        mine = {
            t
            for t, q, ok in zip(brew.texts, brew.prompts, brew.consent, strict=True)
            if q == prompt and ok
        }
        assert 1 <= len(view.quotes) <= 2 and len(set(view.quotes)) == len(view.quotes)
        assert set(view.quotes) <= {quote(t, 200) for t in mine}


def test_a_question_fewer_than_five_answered_stays_private() -> None:
    brew = planted_brew("story")
    few = [i for i, p in enumerate(brew.people) if p in {"p01", "p02", "p03"}]
    answers = _results(brew).answers
    lonely = tuple(replace(answers[i], prompt_id="extra") for i in few[:3])
    results = _results(brew, answers=answers + lonely, questions={**QUESTIONS, "extra": "Odd?"})
    seen = "\n".join(
        shown(s) for s in build_summary(results, min_group=MIN, find=_reader()).sections
    )
    part = seen.split("Odd?", 1)[1]
    assert "Fewer than 5 people answered this one" in part.split("\n\n")[0] + part[:200]
    for i in few[:3]:
        assert brew.texts[i] not in part[:300]


def test_a_question_heads_its_part_without_what_it_says_to_the_person() -> None:
    brew = planted_brew("home")
    aside = "It can be a good one or a hard one."
    asked = {**QUESTIONS, "moment": f"Which moment stays with you? {aside}"}
    views = question_views(_results(brew).answers, asked, find=_reader(), min_group=MIN)
    assert "Which moment stays with you?" in [v.question for v in views]
    assert not any(aside in v.question for v in views)
    assert the_question("Tell us about your week") == "Tell us about your week"
    assert the_question("Beth sy'n bwysig? Dim ond os hoffech chi.") == "Beth sy'n bwysig?"


def test_quotes_have_names_and_numbers_taken_out() -> None:
    brew = planted_brew("story")
    texts = list(brew.texts)
    named = next(i for i, c in enumerate(brew.consent) if c)
    texts[named] = "Ring Margaret Jones on 07700 900123, she knows everything already"
    changed = replace(brew, texts=texts)
    summary = build_summary(_results(changed), min_group=MIN, find=_reader())
    seen = "\n".join(shown(s) for s in summary.sections) + summary.markdown
    assert "Margaret" not in seen and "07700" not in seen


def test_a_big_brew_shows_themes_with_answers_and_people() -> None:
    brew = planted_brew("big")
    assert len(set(brew.people)) >= THEMES_FROM
    summary = build_summary(_results(brew), min_group=MIN, find=_reader("described", brew))
    seen = "\n".join(shown(s) for s in summary.sections)
    assert "Night-time safety · " in seen and "answers from" in seen
    assert "What would you like the people who support you to know?" not in seen
