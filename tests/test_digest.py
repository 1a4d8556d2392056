"""The weekly digest: weeks, trends, themes across the week and "we said, we did"."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from conversations.digest import (
    BadWeek,
    BrewLine,
    BrewText,
    Update,
    WeekResults,
    recent_weeks,
    trend_points,
    week_key,
    week_start,
)
from conversations.model import Principle, Stage
from conversations.reporting import TrendChart, tg_len
from conversations.shown import FreeText
from tests.english import build_digest, trend_sentence, week_words
from tests.summary_support import KeywordFinder, shown

FINDER = KeywordFinder(
    (
        ("Waiting a long time", ("wait", "weeks", "months")),
        ("Being listened to", ("listen", "heard")),
    )
)
WEEKS = ("2024-W50", "2024-W51", "2024-W52", "2025-W01", "2025-W02", "2025-W03")
MIN = 5
BIG, SMALL = 1, 2  # a brew of 9 people this week, and one of 3
PEOPLE = {BIG: 9, SMALL: 3}


def _counts() -> tuple[tuple[str, int, Principle, Stage, int], ...]:
    """Assets climbs from 'got the basics' to 'getting there'; work stays low; networks is thin."""
    rows = []
    for n, week in enumerate(WEEKS):
        rows += [
            (week, BIG, Principle.ASSETS, Stage.BASICS, 6 - n),
            (week, BIG, Principle.ASSETS, Stage.GETTING_THERE, n),
            (week, BIG, Principle.ASSETS, Stage.DOING_WELL, n // 2),
            (week, BIG, Principle.WORK, Stage.NOT_YET, 4),
            (week, BIG, Principle.WORK, Stage.BASICS, 2),
            (week, BIG, Principle.NETWORKS, Stage.DOING_WELL, 2),
            (week, BIG, Principle.THEME, Stage.DOING_WELL, 9),
        ]
    rows.append(("2024-W10", BIG, Principle.RECIPROCITY, Stage.NOT_YET, 50))  # too old to show
    return tuple(rows)


def _answers() -> tuple[BrewText, ...]:
    said = [
        ("a", "Waiting six weeks for a call back is too long.", True),
        ("b", "I waited months and nobody told me why.", False),
        ("c", "The wait made me feel forgotten.", True),
        ("d", "Weeks went by with no news at all.", False),
        ("e", "Still waiting for my carer's assessment.", False),
        ("f", "They listened to me this time.", True),
        ("g", "I felt heard at the meeting.", False),
    ]
    return tuple(BrewText(BIG, FreeText(p, "moments", Principle.THEME, t, c)) for p, t, c in said)


def week(**changes: object) -> WeekResults:
    base = WeekResults(
        week="2025-W03",
        brews=(
            BrewLine("Going through an assessment", 9, BIG),
            BrewLine("Skills we want from the people who support us", 3, SMALL),
        ),
        stage_counts=_counts(),
        answers=_answers(),
        updates=(
            Update(
                said="Letters about reviews felt frightening.",
                did="We rewrote the review letter with six people who get it.",
            ),
        ),
        people=PEOPLE,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def seen(sections: tuple[str, ...]) -> str:
    return "\n".join(shown(s) for s in sections)


# ------------------------------------------------------------------ weeks


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2025, 1, 1), "2025-W01"),
        (date(2024, 12, 30), "2025-W01"),
        (date(2021, 1, 3), "2020-W53"),
        (datetime(2025, 3, 9, 23, 59), "2025-W10"),
    ],
)
def test_week_key_is_the_iso_week(day: date, key: str) -> None:
    assert week_key(day) == key


def test_recent_weeks_cross_the_new_year() -> None:
    assert recent_weeks("2025-W02", 4) == ("2024-W51", "2024-W52", "2025-W01", "2025-W02")
    assert recent_weeks("2021-W01", 2) == ("2020-W53", "2021-W01")


def test_week_start_and_words() -> None:
    assert week_start("2025-W03") == date(2025, 1, 13)
    assert week_words("2025-W03") == "the week of Monday 13 January 2025"


@pytest.mark.parametrize("bad", ["2025-W54", "2025-3", "", "2025W03", "2023-W53"])
def test_bad_week_keys_are_refused(bad: str) -> None:
    with pytest.raises(BadWeek):
        week_start(bad)


# ------------------------------------------------------------------ trends


def test_trend_points_skip_small_weeks_old_weeks_and_the_theme() -> None:
    points = trend_points(_counts(), WEEKS, min_group=MIN)
    assert set(points) == {Principle.ASSETS, Principle.WORK, Principle.NETWORKS}
    assert points[Principle.NETWORKS] == (None,) * 6
    assert points[Principle.WORK] == pytest.approx((8 / 6,) * 6)
    assets = points[Principle.ASSETS]
    assert assets[0] == pytest.approx(2.0)
    assert assets[-1] == pytest.approx((1 * 2 + 5 * 3 + 2 * 4) / 8)


@pytest.mark.parametrize(
    ("points", "sentence"),
    [
        (
            (2.0, None, 3.1),
            "Answers about people as assets moved up, from about ‘got the basics’ (amber) "
            "to about ‘getting there’ (amber).",
        ),
        (
            (3.9, 2.2),
            "Answers about people as assets moved down, from about ‘doing really well’ "
            "(green) to about ‘got the basics’ (amber).",
        ),
        (
            (2.0, 2.1, 2.1),
            "Answers about people as assets are holding steady at about ‘got the basics’ (amber).",
        ),
        (
            (2.6, 3.3),
            "Answers about people as assets moved up a little, "
            "still about ‘getting there’ (amber).",
        ),
        (
            (None, 1.2),
            "Only one week so far with enough answers about people as assets: "
            "about ‘haven't got this yet’ (red).",
        ),
        ((None, None), "Not enough answers yet to show how people as assets is moving."),
    ],
)
def test_trend_sentences(points: tuple[float | None, ...], sentence: str) -> None:
    assert trend_sentence(Principle.ASSETS, points) == sentence


# ------------------------------------------------------------------ the digest


def test_digest_lists_brews_trends_themes_and_updates() -> None:
    digest = build_digest(week(), min_group=MIN, find=FINDER)
    text = seen(digest.sections)
    assert "Over a Brew: the week of Monday 13 January 2025" in text
    assert "• Going through an assessment: 9 people took part" in text
    assert "• Skills we want from the people who support us: fewer than 5 so far" in text
    assert "3 people" not in text
    assert "Answers about people as assets moved up" in text
    assert "holding steady at about ‘haven't got this yet’ (red)" in text
    assert "Not enough answers yet to show how staying connected is moving." in text
    assert "Waiting a long time · 5 answers" in text
    assert "Being listened to" not in text
    assert "Other things people said: 2 answers." in text
    assert "We said: Letters about reviews felt frightening." in text
    assert "We did: We rewrote the review letter with six people who get it." in text


def test_digest_quotes_one_consented_answer_per_theme() -> None:
    text = seen(build_digest(week(), min_group=MIN, find=FINDER).sections)
    assert "“Waiting six weeks for a call back is too long.”" in text
    for private in ("nobody told me why", "no news at all", "carer's assessment", "felt heard"):
        assert private not in text
    assert "The wait made me feel forgotten." not in text  # one quote per theme


def test_digest_trend_chart_spec() -> None:
    (chart,) = build_digest(week(), min_group=MIN, find=FINDER).charts
    assert isinstance(chart, TrendChart)
    assert chart.weeks == WEEKS
    assert [line.label for line in chart.lines] == [
        "People as assets",
        "Valuing work differently",
        "Staying connected",
    ]
    assert chart.lines[2].points == (None,) * 6
    assert chart.note == "A gap means fewer than 5 people answered that week."
    assert "moved up" in chart.alt


def test_digest_without_enough_answers_shares_no_theme_or_chart() -> None:
    thin = week(
        stage_counts=(("2025-W03", BIG, Principle.ASSETS, Stage.BASICS, 4),),
        brews=(),
        answers=_answers()[:4],
    )
    digest = build_digest(thin, min_group=MIN, find=FINDER)
    text = seen(digest.sections)
    assert digest.charts == ()
    assert "No brews this week." in text
    assert "Not enough answers yet to show how people as assets is moving." in text
    assert "People wrote in their own words: 4 answers." in text
    assert "Waiting" not in text


def test_nothing_from_a_brew_too_small_for_its_own_summary_counts() -> None:
    said = "The wait for the weekend lunch club is too long."
    lunch = tuple(
        BrewText(SMALL, FreeText(p, "moments", Principle.THEME, said, True)) for p in "xyz"
    )
    stages = tuple((w, SMALL, Principle.WORK, Stage.DOING_WELL, 3) for w in WEEKS)
    with_small = week(answers=_answers() + lunch, stage_counts=_counts() + stages)
    digest = build_digest(with_small, min_group=MIN, find=FINDER)
    assert "lunch club" not in seen(digest.sections) + digest.markdown
    assert digest == build_digest(week(), min_group=MIN, find=FINDER)


def test_a_brew_big_this_week_but_too_small_for_a_summary_shows_no_count() -> None:
    digest = build_digest(week(people={BIG: 4, SMALL: 3}), min_group=MIN, find=FINDER)
    text = seen(digest.sections)
    assert "• Going through an assessment: fewer than 5 so far" in text
    assert "9 people" not in text and "Waiting" not in text and digest.charts == ()
    assert "We said: Letters about reviews felt frightening." in text


def test_digest_escapes_updates_and_themes() -> None:
    hostile = week(
        brews=(BrewLine("<b>Tea</b> & cake", 7, BIG),),
        updates=(Update(said="<script>x</script> &amp;", did="Fixed it " + "&" * 2000),),
    )
    digest = build_digest(hostile, min_group=MIN, find=FINDER)
    text = seen(digest.sections)
    assert "• <b>Tea</b> & cake: 7 people took part" in text
    assert "We said: <script>x</script> &amp;" in text
    assert "&" * 301 not in text
    assert all(tg_len(s) <= 4096 for s in digest.sections)
    assert "\\<script\\>x\\</script\\> \\&amp;" in digest.markdown


def test_digest_markdown_holds_the_same_numbers() -> None:
    digest = build_digest(week(), min_group=MIN, find=FINDER)
    for fact in (
        "- Going through an assessment: 9 people took part",
        "fewer than 5 so far",
        "Waiting a long time · 5 answers",
        "Other things people said: 2 answers.",
        "Answers about people as assets moved up",
        "*We said:* Letters about reviews felt frightening.",
    ):
        assert fact in digest.markdown, fact


def test_digest_sections_fit_a_phone_screen() -> None:
    digest = build_digest(week(), min_group=MIN, find=FINDER)
    assert len(digest.sections) >= 2
    assert all(tg_len(s) <= 1000 for s in digest.sections)


def test_digest_with_the_real_theme_finder() -> None:
    from conversations.reading import Reader

    digest = build_digest(week(), min_group=MIN, find=Reader())
    text = seen(digest.sections)
    for private in ("nobody told me why", "no news at all", "carer's assessment", "felt heard"):
        assert private not in text
    assert "We said, we did" in text
