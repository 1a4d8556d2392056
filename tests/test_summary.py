"""The brew summary: small-group protection, consent, escaping, limits and the Markdown twin."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.model import Principle, Stage
from conversations.perspectives import DescribedStages
from conversations.reporting import StageChart, clean, quote, tg_len, trim
from conversations.shown import FreeText, self_description_mix
from conversations.summary import BrewResults
from tests.english import build_summary, stage_sentence
from tests.summary_support import KeywordFinder, shown, visible_text

CONSENT = {"p1", "p2", "p4", "p6", "p7"}  # p3, p5 and p8 said no to quotes
IDEAS = frozenset({"better"})

SAID = [
    ("p1", "I was waiting four months for my review and nobody rang to say why."),
    ("p2", "The waiting was the worst part. Weeks of not knowing if my hours would be cut."),
    ("p3", "I waited so long I stopped hoping anyone would come back to me."),
    ("p4", "Waiting for the assessment made my anxiety much worse."),
    ("p5", "Months of waiting, then it was all over in twenty minutes."),
    ("p6", "We were told six weeks and it took five months."),
    ("p2", "The form asked the same thing three times in different ways."),
    ("p3", "The letter frightened me. It read like I had done something wrong."),
    ("p5", "Too much paperwork, and I had to fill it in on my own."),
    ("p7", "The letter was full of words I did not understand."),
    ("p8", "I could not find where to write what matters to me on the form."),
    ("p1", "The worker really listened and let me talk about my garden."),
    ("p7", "I felt heard for once, she asked what a good day looks like."),
    ("p8", "Nobody listened to my daughter, who knows me best."),
    ("p4", "My dog came to the meeting and that helped."),
    ("p6", "It was fine in the end."),
]
WISHED = [
    ("p1", "Have one named worker who stays with you the whole way."),
    ("p2", "Let me see the same person each time so I don't repeat my story."),
    ("p4", "A named person I can ring when I'm worried."),
    ("p5", "Keep the same person, not a new face every visit."),
    ("p6", "One worker from start to end."),
    ("p3", "Send a text reminder the day before."),
    ("p7", "A reminder by text, not a letter."),
    ("p8", "Send the questions before the visit so I can think them through."),
    ("p4", "Meet in a café, not an office."),
]
FINDER = KeywordFinder(
    (
        ("Waiting a long time", ("wait", "weeks", "months")),
        ("Having one named person", ("named", "same person", "one worker")),
        ("Text reminders", ("text", "reminder")),
        ("Letters and forms", ("form", "letter", "paperwork")),
        ("Being listened to", ("listen", "heard")),
    )
)
STAGES = {
    Principle.ASSETS: {
        Stage.NOT_YET: 1,
        Stage.BASICS: 1,
        Stage.GETTING_THERE: 5,
        Stage.DOING_WELL: 1,
    },
    Principle.WORK: {Stage.NOT_YET: 4, Stage.BASICS: 3, Stage.GETTING_THERE: 1},
    Principle.RECIPROCITY: {Stage.BASICS: 3, Stage.GETTING_THERE: 3},
    Principle.NETWORKS: {Stage.BASICS: 1, Stage.DOING_WELL: 2},
}


def _answer(person: str, text: str, prompt: str, principle: Principle) -> FreeText:
    return FreeText(person, prompt, principle, text, quote_consent=person in CONSENT)


def brew(**changes: object) -> BrewResults:
    """Make the realistic brew of eight people, with any field changed."""
    base = BrewResults(
        theme="What it feels like to go through an assessment",
        pack_title="Over a Brew: assessments",
        took_part=8,
        finished=6,
        self_description={
            "someone who draws on care and support": 3,
            "an unpaid carer": 2,
            "someone who works in social care": 3,
        },
        stages=STAGES,
        answers=tuple(
            [_answer(p, t, "moments", Principle.THEME) for p, t in SAID]
            + [_answer(p, t, "better", Principle.THEME) for p, t in WISHED]
        ),
        idea_prompts=IDEAS,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def everything(summary_sections: tuple[str, ...]) -> str:
    """Join what a reader sees across all sections, checking each is valid Telegram HTML."""
    return "\n".join(shown(section) for section in summary_sections)


# ------------------------------------------------------------------ thresholds


def test_four_people_get_only_one_short_kind_message() -> None:
    summary = build_summary(brew(took_part=4, finished=4), min_group=5, themes_from=5, find=FINDER)
    assert not summary.shared
    assert len(summary.sections) == 1
    seen = visible_text(summary.sections[0])
    assert "1 more person needed" in seen
    assert "safely" in seen
    assert summary.charts == () and summary.ideas == ()
    for text in [t for _, t in SAID + WISHED] + ["Waiting a long time", "getting there", "4"]:
        assert text not in seen
        assert text not in summary.markdown
    assert len(seen) < 400


def test_too_few_message_counts_how_many_more_are_needed() -> None:
    seen = visible_text(
        build_summary(brew(took_part=2), min_group=5, themes_from=5, find=FINDER).sections[0]
    )
    assert "3 more people needed" in seen


def test_five_people_get_the_full_summary() -> None:
    summary = build_summary(brew(took_part=5, finished=5), min_group=5, themes_from=5, find=FINDER)
    assert summary.shared
    seen = everything(summary.sections)
    assert "5 people took part and 5 got to the end" in seen
    assert "Where people think we are" in seen
    assert "Waiting a long time" in seen
    assert summary.ideas
    assert summary.charts


def test_every_section_is_about_one_phone_screen() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    assert len(summary.sections) >= 3
    for section in summary.sections:
        assert tg_len(section) <= 1000, section


# ------------------------------------------------------------------ self-description


def test_self_description_hidden_when_small_groups_cannot_be_merged_safely() -> None:
    summary = build_summary(
        brew(self_description={"an unpaid carer": 6, "someone who works in social care": 3}),
        min_group=5,
        find=FINDER,
    )
    seen = everything(summary.sections)
    for hint in ("unpaid carer", "works in social care", "described themselves", "Who took"):
        assert hint not in seen
        assert hint not in summary.markdown


def test_self_description_hidden_in_the_realistic_brew_where_every_group_is_small() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    assert "described themselves" not in everything(summary.sections)
    assert "Who took part" not in summary.markdown


def test_self_description_shown_with_small_groups_merged_into_other() -> None:
    mix = {"an unpaid carer": 6, "staff": 3, "someone who draws on care and support": 2}
    summary = build_summary(
        brew(took_part=11, self_description=mix), min_group=5, themes_from=5, find=FINDER
    )
    seen = everything(summary.sections)
    assert "• an unpaid carer: 6" in seen
    assert "• other: 5" in seen
    assert "staff" not in seen and "draws on care" not in seen
    assert "- an unpaid carer: 6" in summary.markdown
    assert "- other: 5" in summary.markdown


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 6, "b": 5}, (("a", 6), ("b", 5))),
        ({"a": 9}, (("a", 9),)),
        ({"a": 6, "b": 4}, ()),
        ({"a": 4, "b": 4}, ()),
        ({"a": 6, "b": 3, "c": 2}, (("a", 6), ("other", 5))),
        ({"a": 6, "other": 5, "c": 2}, (("other", 7), ("a", 6))),
        ({"a": 6, "b": 0}, (("a", 6),)),
        ({}, ()),
    ],
)
def test_self_description_mix_rules(
    counts: dict[str, int], expected: tuple[tuple[str, int], ...]
) -> None:
    shown = self_description_mix(counts, min_group=5)
    assert shown == expected
    assert all(n >= 5 for _, n in shown)


# ------------------------------------------------------------------ principles


def test_each_principle_gets_one_plain_sentence_with_colour_words() -> None:
    seen = everything(build_summary(brew(), min_group=5, themes_from=5, find=FINDER).sections)
    assert "Most people said ‘getting there’ (amber) about people as assets." in seen
    assert (
        "The answer given most about valuing work differently was "
        "‘haven't got this yet’ (red)." in seen
    )
    assert (
        "People were split between ‘got the basics’ (amber) and ‘getting there’ (amber) "
        "about give and get." in seen
    )
    assert "haven't got this yet (red): 1 · got the basics (amber): 1" in seen
    assert "doing really well (green): 1" in seen


def test_principle_with_fewer_than_five_answers_shows_no_counts() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections)
    assert "Not enough answers about staying connected yet to share safely." in seen
    block = seen[seen.index("Staying connected") :].split("\n\n")[0]
    assert not re.search(r"\d", block)
    chart = summary.charts[0]
    assert isinstance(chart, StageChart)
    assert [row.label for row in chart.rows] == [
        "People as assets",
        "Valuing work differently",
        "Give and get",
    ]
    assert chart.rows[0].counts == (
        (Stage.NOT_YET, 1),
        (Stage.BASICS, 1),
        (Stage.GETTING_THERE, 5),
        (Stage.DOING_WELL, 1),
    )


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ({Stage.DOING_WELL: 5}, "Everyone said ‘doing really well’ (green) about give and get."),
        (
            {Stage.DOING_WELL: 6, Stage.BASICS: 2},
            "Nearly everyone said ‘doing really well’ (green) about give and get.",
        ),
        (
            {Stage.NOT_YET: 2, Stage.BASICS: 2, Stage.DOING_WELL: 2},
            "People gave mixed answers about give and get.",
        ),
    ],
)
def test_stage_sentences(counts: dict[Stage, int], sentence: str) -> None:
    assert stage_sentence(Principle.RECIPROCITY, counts) == sentence


# ------------------------------------------------------------------ themes and quotes


def test_themes_from_five_people_are_shown_with_words_and_count() -> None:
    seen = everything(build_summary(brew(), min_group=5, themes_from=5, find=FINDER).sections)
    assert "Waiting a long time · 6 answers from 6 people" in seen
    assert "Letters and forms · 5 answers from 5 people" in seen


def test_small_theme_folds_into_other_things_without_words() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections)
    assert "Being listened to" not in seen
    assert "Being listened to" not in summary.markdown
    # 3 listening answers and 2 that fit no theme
    assert "Other things people said: 5 answers." in seen
    assert "Other things people said: 5 answers." in summary.markdown


def test_theme_counts_people_not_answers() -> None:
    one_person = tuple(
        FreeText("p1", "moments", Principle.THEME, f"Waiting again, week {n}.", True)
        for n in range(6)
    )
    summary = build_summary(brew(answers=one_person), min_group=5, themes_from=1, find=FINDER)
    seen = everything(summary.sections)
    assert "Waiting a long time" not in seen
    assert "week 3" not in seen
    assert "6 answers" in seen


def test_quotes_only_from_people_who_said_yes() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections)
    for person, text in SAID + WISHED:
        if person not in CONSENT:
            assert text not in seen, text
            assert text[:30] not in summary.markdown, text
            assert all(text[:30] not in e for i in summary.ideas for e in i.examples)
    assert "I was waiting four months for my review and nobody rang to say why." in seen
    assert "waiting four months" in summary.markdown


def test_without_any_consent_no_participant_sentence_appears() -> None:
    answers = tuple(dataclasses.replace(a, quote_consent=False) for a in brew().answers)
    summary = build_summary(brew(answers=answers), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections) + summary.markdown
    for _, text in SAID + WISHED:
        assert text not in seen
        assert text[:25] not in seen
    assert "“" not in seen
    assert [(i.label, i.count, i.examples) for i in summary.ideas] == [
        ("Having one named person", 5, ())
    ]


def test_quotes_prefer_answers_that_use_the_theme_words() -> None:
    texts = [
        ("p3", False, "I waited and waited."),
        ("p5", False, "Months of waiting."),
        ("p1", True, "Wait."),
        ("p2", True, "Weeks and months of waiting for a call."),
        ("p4", True, "The wait was long."),
    ]
    answers = tuple(FreeText(p, "moments", Principle.THEME, t, c) for p, c, t in texts)
    seen = everything(
        build_summary(brew(answers=answers), min_group=5, themes_from=5, find=FINDER).sections
    )
    assert "“Weeks and months of waiting for a call.”" in seen
    assert "I waited" not in seen and "Months of waiting." not in seen
    assert "“Wait.”" in seen or "“The wait was long.”" in seen


def test_idea_label_is_never_an_untypical_answer() -> None:
    wished = [
        ("p3", False, "One named worker please."),
        ("p5", False, "The same person every time."),
        ("p1", True, "A named contact."),
        ("p2", True, "Same person."),
        ("p4", True, "Named worker."),
    ]
    answers = tuple(FreeText(p, "better", Principle.THEME, t, c) for p, c, t in wished)
    (idea,) = build_summary(brew(answers=answers), min_group=5, themes_from=5, find=FINDER).ideas
    assert idea.label == "Having one named person"
    assert idea.count == 5


# ------------------------------------------------------------------ ideas


def test_ideas_ranked_most_mentioned_first_and_fit_a_poll() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    assert [(i.label, i.count) for i in summary.ideas] == [
        ("Have one named worker who stays with you the whole way.", 5),
        ("A reminder by text, not a letter.", 1),
        ("Meet in a café, not an office.", 1),
    ]
    assert summary.ideas[0].examples == (
        "Have one named worker who stays with you the whole way.",
        "Let me see the same person each time so I don't repeat my story.",
    )
    assert all(1 <= len(i.label) <= 100 for i in summary.ideas)
    seen = everything(summary.sections)
    assert "1. Have one named worker who stays with you the whole way. · 5 mentions" in seen
    assert "“Let me see the same person each time so I don't repeat my story.”" in seen
    assert "2 more ideas were shared privately." in seen
    assert "think them through" not in seen and "day before" not in seen


def test_ideas_each_mentioned_once_say_so_once_not_on_every_line() -> None:
    once = [
        ("p1", "Have one named worker who stays with you the whole way."),
        ("p2", "A reminder by text, not a letter."),
        ("p4", "Meet in a café, not an office."),
    ]
    answers = tuple(FreeText(p, "better", Principle.THEME, t, True) for p, t in once)
    summary = build_summary(brew(answers=answers), min_group=5, themes_from=5, find=FINDER)
    assert [i.count for i in summary.ideas] == [1, 1, 1]
    seen = everything(summary.sections)
    assert "Each was mentioned once." in seen
    assert "Most mentioned first." not in seen and "mention" not in seen.replace("mentioned", "")
    assert "2. A reminder by text, not a letter.\n" in seen + "\n"
    one = build_summary(brew(answers=answers[:1]), min_group=5, themes_from=5, find=FINDER)
    seen = everything(one.sections)
    assert "1. Have one named worker" in seen and "once" not in seen and "first" not in seen


def test_the_pack_title_is_not_said_twice_under_the_heading() -> None:
    for title, shown_under in (("Over a brew", False), ("Over a Brew: assessments", True)):
        summary = build_summary(brew(pack_title=title), min_group=5, themes_from=5, find=FINDER)
        head = shown(summary.sections[0]).splitlines()
        assert head[0].startswith("☕ Over a Brew: ")
        assert (title in head[1:]) is shown_under, head


def test_long_consented_idea_is_trimmed_for_a_poll() -> None:
    long = "Please " + "let people bring a friend along to the visit " * 8
    answers = (FreeText("p1", "better", Principle.THEME, long, True),)
    summary = build_summary(brew(answers=answers), min_group=5, themes_from=5, find=FINDER)
    (idea,) = summary.ideas
    assert len(idea.label) <= 100 and idea.label.endswith("…")
    assert len(idea.examples[0]) <= 200


# ------------------------------------------------------------------ hostile text

HOSTILE = [
    "<b>hi</b><script>alert('x')</script> & <i>",
    "Fish &amp; chips &lt;3 &#x27; &nbsp; </b>",
    "x" * 4096,
    ("word " * 900).strip(),
    "Tea ☕🫖👨‍👩‍👧 with friends 🎉" * 3,
    "نحتاج إلى وقت أطول للحديث مع العاملين",
    "אנחנו צריכים יותר זמן לדבר",
    "zero\u200bwidth\u2060joins\ufeffand \u202eoverride\u202c and \u2067isolate",
    "line one\nline two\r\n\tthree\x00\x07",
    "$5 a week \\( maths \\) *bold* _under_ [link](http://x) `code` # head |pipe|",
]


def hostile_brew() -> BrewResults:
    people = [f"h{n}" for n in range(6)]
    answers = [
        FreeText(people[n % 6], prompt, Principle.THEME, text, True)
        for n, text in enumerate(HOSTILE)
        for prompt in ("moments", "better")
    ]
    return brew(
        theme="<b>Brew</b> & <script>",
        pack_title="Title with </i> and &amp;",
        took_part=6,
        finished=2,
        self_description={"<b>carer</b>": 6},
        answers=tuple(answers),
    )


ONE_BIG_THEME = KeywordFinder((("<script>all</script> &", ("", "<i>", "&amp;")),))
NO_THEMES = KeywordFinder((("never", ("zzzz-no-such-word",)),))


def test_hostile_theme_labels_words_and_quotes_are_escaped() -> None:
    summary = build_summary(hostile_brew(), min_group=5, themes_from=5, find=ONE_BIG_THEME)
    assert summary.shared
    seen = everything(summary.sections)  # raises on any tag or entity Telegram would reject
    assert "<b>Brew</b> & <script>" in seen
    assert "Title with </i> and &amp;" in seen
    assert "• <b>carer</b>: 6" in seen
    assert "<script>all</script> & · 10 answers from 6 people" in seen
    assert "<script>alert('x')</script>" in seen  # shown as typed, never as markup
    assert summary.ideas[0].label == "<b>hi</b><script>alert('x')</script> & <i>"


def test_hostile_answers_shown_one_by_one_are_escaped_and_within_limits() -> None:
    summary = build_summary(hostile_brew(), min_group=5, themes_from=5, find=NO_THEMES)
    seen = everything(summary.sections)
    assert len(summary.ideas) == 10
    assert "<b>hi</b><script>alert('x')</script> & <i>" in seen
    assert "Fish &amp; chips &lt;3 &#x27; &nbsp; </b>" in seen  # as typed, not decoded
    assert "نحتاج إلى وقت أطول للحديث مع العاملين" in seen
    assert "אנחנו צריכים יותר זמן לדבר" in seen
    assert "👨‍👩‍👧" in seen
    assert "zerowidthjoinsand override and isolate" in seen
    assert "line one line two three" in seen
    assert "$5 a week" in seen
    for bad in ("\u202e", "\u2067", "\u200b", "\ufeff", "\x00", "\x07", "\r", "\t"):
        assert bad not in seen
    assert "x" * 201 not in seen
    for section in summary.sections:
        assert tg_len(section) <= 1000 or (tg_len(section) <= 4096 and "\n\n" not in section)
    for line in seen.splitlines():
        if line.startswith("“"):
            assert len(line) <= 204, line  # quote marks, isolates and 200 characters
    assert all(1 <= len(i.label) <= 100 for i in summary.ideas)
    assert all(len(e) <= 200 for i in summary.ideas for e in i.examples)


def test_hostile_text_is_escaped_in_markdown() -> None:
    summary = build_summary(hostile_brew(), min_group=5, themes_from=5, find=NO_THEMES)
    assert "<script>" not in summary.markdown
    assert "\\<script\\>" in summary.markdown
    assert "\\*bold\\*" in summary.markdown
    assert "\u202e" not in summary.markdown


def test_too_few_message_escapes_the_theme() -> None:
    summary = build_summary(
        brew(theme="<b>x</b> & y", took_part=1), min_group=5, themes_from=5, find=FINDER
    )
    assert "<b>x</b> & y" in everything(summary.sections)
    assert "\\<b\\>x\\</b\\> \\& y" in summary.markdown


def test_trim_cuts_on_a_word_boundary() -> None:
    text = clean("The waiting was the worst part of the whole thing for me and my mum. " * 5)
    short = trim(text, 200)
    assert len(short) <= 200
    assert short.endswith("…")
    assert text.startswith(short[:-1])
    assert text[len(short) - 1] == " "
    assert quote("  spaced\n\nout  ") == "spaced out"


# ------------------------------------------------------------------ Markdown twin


def test_markdown_holds_the_same_numbers() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections)
    facts = [
        "8 people took part and 6 got to the end",
        "getting there (amber): 5",
        "haven't got this yet (red): 4",
        "got the basics (amber): 3",
        "Waiting a long time · 6 answers",
        "Letters and forms · 5 answers",
        "Other things people said: 5 answers.",
        "**Have one named worker who stays with you the whole way.** · 5 mentions",
        "2 more ideas were shared privately.",
        "Most people said ‘getting there’ (amber) about people as assets.",
    ]
    for fact in facts:
        assert fact in summary.markdown, fact
    assert "Waiting a long time · 6 answers" in seen
    assert "Have one named worker who stays with you the whole way. · 5 mentions" in seen
    html_numbers = sorted(int(n) for n in re.findall(r"\b\d+\b", _strip_quotes(seen)))
    md_numbers = sorted(int(n) for n in re.findall(r"\b\d+\b", _strip_quotes(summary.markdown)))
    assert md_numbers and set(md_numbers) <= set(html_numbers)


def _strip_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”", "", text)


# ------------------------------------------------------------------ the real theme finder


def test_summary_with_the_real_theme_finder() -> None:
    from conversations.reading import Reader

    summary = build_summary(brew(), min_group=5, themes_from=5, find=Reader())
    seen = everything(summary.sections)
    for person, text in SAID + WISHED:
        if person not in CONSENT:
            assert text not in seen
    assert summary.ideas and all(len(i.label) <= 100 for i in summary.ideas)


# ------------------------------------------------------------------ any text at all


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(min_size=0, max_size=600), min_size=1, max_size=14),
    theme=st.text(max_size=300),
    grouped=st.booleans(),
)
def test_any_text_gives_valid_sections_within_limits(
    texts: list[str], theme: str, grouped: bool
) -> None:
    answers = tuple(
        FreeText(f"p{n % 7}", ("moments", "better")[n % 2], Principle.THEME, text, n % 3 != 0)
        for n, text in enumerate(texts)
    )
    results = brew(theme=theme, answers=answers)
    summary = build_summary(
        results, min_group=5, themes_from=5, find=ONE_BIG_THEME if grouped else NO_THEMES
    )
    everything(summary.sections)
    assert all(tg_len(s) <= 4096 for s in summary.sections)
    assert all(1 <= len(i.label) <= 100 for i in summary.ideas)
    assert len(summary.ideas) <= 10


def test_answers_from_paper_are_counted_and_said_plainly() -> None:
    from conversations.summary import BrewResults
    from tests.english import taking_part

    both = BrewResults("t", "p", took_part=9, finished=3, imported=5)
    assert (
        taking_part(both)
        == "9 people took part: 4 here, 3 of them to the end, and 5 on paper or a form."
    )
    paper = BrewResults("t", "p", took_part=6, finished=0, imported=6)
    assert taking_part(paper) == "6 people answered on paper or a form."
    online = BrewResults("t", "p", took_part=1, finished=1)
    assert taking_part(online) == "1 person took part and 1 got to the end."


# ------------------------------------------------------------------ perspectives side by side


def _by_perspective() -> BrewResults:
    """Sixteen people: 5 who draw on care, 6 carers, 2 staff and 3 who did not say."""
    who = ["draws_on_care"] * 5 + ["unpaid_carer"] * 6 + ["works_in_care"] * 2 + [None] * 3
    rows = [
        DescribedStages(Principle.ASSETS, "draws_on_care", 5, {Stage.NOT_YET: 1, Stage.BASICS: 4}),
        DescribedStages(Principle.ASSETS, "unpaid_carer", 6, {Stage.GETTING_THERE: 6}),
        DescribedStages(Principle.ASSETS, "works_in_care", 2, {Stage.DOING_WELL: 2}),
        DescribedStages(Principle.ASSETS, None, 3, {Stage.BASICS: 3}),
    ]
    said = tuple(
        FreeText(f"q{n}", "moments", Principle.THEME, "The waiting was hard.", False, d)
        for n, d in enumerate(who)
    )
    return brew(
        took_part=16,
        stages={
            Principle.ASSETS: {
                Stage.NOT_YET: 1,
                Stage.BASICS: 7,
                Stage.GETTING_THERE: 6,
                Stage.DOING_WELL: 2,
            }
        },
        described_stages=tuple(rows),
        answers=said,
    )


def test_perspectives_are_shown_side_by_side_where_each_is_big_enough() -> None:
    summary = build_summary(_by_perspective(), min_group=5, themes_from=5, find=FINDER)
    seen = everything(summary.sections)
    assert (
        "• People who draw on care and support, 5 people: haven't got this yet (red): 1"
        " · got the basics (amber): 4" in seen
    )
    assert "• Unpaid carers, 6 people: getting there (amber): 6" in seen
    assert "Everyone else is only in the total, so nobody can be picked out." in seen
    assert "People who draw on care and support, 5 people · " not in seen
    # the theme from all 16 people is split the same way, as people only
    theme = next(s for s in seen.split("\n\n") if "Waiting a long time" in s)
    assert "• People who draw on care and support, 5 people" in theme
    assert "• Unpaid carers, 6 people" in theme
    for text in (seen, summary.markdown):
        assert "work in care" not in text.casefold()
        assert "doing really well (green): 2" in text  # only in the total, with everyone
    assert "| got the basics (amber) | 4 | 0 |" in summary.markdown
    assert "| getting there (amber) | 0 | 6 |" in summary.markdown
    assert "- Unpaid carers, 6 people" in summary.markdown


def test_a_small_group_alone_in_the_rest_folds_a_shown_group_in_with_it() -> None:
    results = _by_perspective()
    rows = tuple(r for r in results.described_stages if r.self_description is not None)
    answers = tuple(a for a in results.answers if a.self_description is not None)
    summary = build_summary(
        dataclasses.replace(results, took_part=13, described_stages=rows, answers=answers),
        min_group=5,
        find=FINDER,
    )
    seen = everything(summary.sections)
    assert "Unpaid carers, 6 people" in seen
    assert "draw on care and support, 5 people" not in seen
    assert "draw on care and support, 5 people" not in summary.markdown


def test_no_split_without_self_descriptions() -> None:
    summary = build_summary(brew(), min_group=5, themes_from=5, find=FINDER)
    assert "Side by side" not in everything(summary.sections)
    assert "Side by side" not in summary.markdown
