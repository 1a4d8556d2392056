"""The weekly digest for co-producers: the week's brews, trends, themes and "we said, we did".

One digest is one facilitators' group's: the bot gives it that group's brews only.

The privacy rules are every report's (:mod:`conversations.shown`), and start where a
summary does: nothing from a brew too small for its own summary (:func:`enough_people`)
counts here, in any figure, trend, theme or quote; such a brew is only named, as "fewer than
``min_group`` so far". From the brews that are big enough: a brew's count this week shows
only when at least ``min_group`` answered; a principle's point in a week is plotted only
when at least ``min_group`` people answered it that week; themes and quotes are as in a
summary. Its words are the ``messages`` it is given (the group's language), dates too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from babel.dates import format_date

from conversations.blocks import (
    Bullets,
    Chunk,
    Heading,
    Para,
    Span,
    Topic,
    fill,
    say_span,
    to_html,
    to_markdown,
)
from conversations.messages import Messages
from conversations.model import Principle, Stage
from conversations.reporting import (
    LABEL_LIMIT,
    ChartSpec,
    TrendChart,
    TrendLine,
    clean,
    nearest_stage,
    principle_name,
    stage_words,
    trim,
)
from conversations.shown import FreeText, enough_people
from conversations.summary import ThemeFinder, group_themes, theme_topic

WEEKS_SHOWN = 6
UPDATE_LIMIT = 300  # each half of a "we said, we did"
STEADY = 0.3  # a change in average stage smaller than this is "about the same"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")

# (week 'YYYY-Www', brew id, principle, stage, count)
StageCount = tuple[str, int, Principle, Stage, int]


class BadWeek(ValueError):
    """A week key is not of the form 'YYYY-Www'."""


# ------------------------------------------------------------------ weeks


def week_key(when: date | datetime) -> str:
    """Name the ISO week a day falls in, e.g. '2025-W03'."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(key: str) -> date:
    """Return the Monday that starts an ISO week key."""
    match = _WEEK.match(key)
    if not match:
        raise BadWeek(f"not a week like 2025-W03: {key!r}")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise BadWeek(f"no such week: {key!r}") from error


def recent_weeks(last: str, count: int = WEEKS_SHOWN) -> tuple[str, ...]:
    """List ``count`` week keys, oldest first, ending with ``last``."""
    monday = week_start(last)
    return tuple(week_key(monday - timedelta(weeks=n)) for n in range(count - 1, -1, -1))


def week_words(key: str, *, messages: Messages) -> str:
    """Say a week in plain words, e.g. 'the week of Monday 13 January 2025'."""
    day = format_date(week_start(key), "d MMMM y", locale=messages.language)
    return messages.text("digest_week", date=day)


# ------------------------------------------------------------------ inputs and outputs


@dataclass(frozen=True)
class BrewLine:
    """One brew held this week: ``took_part`` counts the people who answered this week."""

    theme: str
    took_part: int
    brew: int


@dataclass(frozen=True)
class BrewText:
    """One free-text answer and the brew it was given in."""

    brew: int
    answer: FreeText


@dataclass(frozen=True)
class Update:
    """One "we said, we did": what people said, and what was done about it."""

    said: str
    did: str


@dataclass(frozen=True)
class WeekResults:
    """What the digest is built from, as plain data the bot maps from storage rows.

    All of it is one facilitators' group's. ``stage_counts`` covers the recent weeks (older
    weeks are ignored); ``answers`` are this week's free-text answers, concerns left out.
    ``people`` maps each brew named in any of them to everyone who took part in it, as its
    summary counts them (``BrewCounts.people``); a brew missing from it counts as nobody.
    """

    week: str
    brews: tuple[BrewLine, ...] = ()
    stage_counts: tuple[StageCount, ...] = ()
    answers: tuple[BrewText, ...] = ()
    updates: tuple[Update, ...] = ()
    people: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Trend:
    """One principle's path over the weeks and a sentence about it."""

    principle: Principle
    line: TrendLine
    sentence: str


@dataclass(frozen=True)
class Digest:
    """The digest as Telegram HTML messages, chart specs and a Markdown report."""

    sections: tuple[str, ...]
    charts: tuple[ChartSpec, ...]
    markdown: str


# ------------------------------------------------------------------ trends


def shared_brews(results: WeekResults, *, min_group: int) -> frozenset[int]:
    """Name the brews big enough for their own summary: only these count in a digest."""
    return frozenset(
        brew
        for brew, people in results.people.items()
        if enough_people(people, min_group=min_group)
    )


def shareable(results: WeekResults, *, min_group: int) -> WeekResults:
    """Leave out every stage count and answer from a brew too small for its own summary."""
    shared = shared_brews(results, min_group=min_group)
    return replace(
        results,
        stage_counts=tuple(c for c in results.stage_counts if c[1] in shared),
        answers=tuple(a for a in results.answers if a.brew in shared),
    )


def trend_points(
    counts: Sequence[StageCount], weeks: Sequence[str], *, min_group: int
) -> dict[Principle, tuple[float | None, ...]]:
    """Average the stage chosen per principle per week; None where too few answered."""
    totals: dict[tuple[Principle, str], list[int]] = defaultdict(lambda: [0, 0])
    for week, _brew, principle, stage, count in counts:
        if week in weeks and principle is not Principle.THEME and count > 0:
            cell = totals[principle, week]
            cell[0] += int(stage) * count
            cell[1] += count
    points: dict[Principle, tuple[float | None, ...]] = {}
    for principle in Principle:
        if not any((principle, week) in totals for week in weeks):
            continue
        row = []
        for week in weeks:
            score, people = totals.get((principle, week), (0, 0))
            row.append(score / people if enough_people(people, min_group=min_group) else None)
        points[principle] = tuple(row)
    return points


def trend_sentence(
    principle: Principle, points: Sequence[float | None], *, messages: Messages
) -> str:
    """Say in one plain sentence how a principle has moved over the weeks."""
    say = messages
    name = principle_name(principle, messages=say)
    known = [p for p in points if p is not None]
    if not known:
        return say.text("digest_trend_none", principle=name)
    last = nearest_stage(known[-1])
    now = stage_words(last, messages=say)
    if len(known) == 1:
        return say.text("digest_trend_one_week", principle=name, stage=now)
    change = known[-1] - known[0]
    first = nearest_stage(known[0])
    if abs(change) < STEADY:
        return say.text("digest_trend_steady", principle=name, stage=now)
    way = "up" if change > 0 else "down"
    if first == last:
        return say.text(f"digest_trend_{way}_a_little", principle=name, stage=now)
    then = stage_words(first, messages=say)
    return say.text(f"digest_trend_{way}", principle=name, first=then, last=now)


def trends(
    counts: Sequence[StageCount], weeks: Sequence[str], *, min_group: int, messages: Messages
) -> tuple[Trend, ...]:
    """Describe each principle's path over the weeks."""
    found = []
    for p, row in trend_points(counts, weeks, min_group=min_group).items():
        name = principle_name(p, messages=messages)
        line = TrendLine(name[:1].upper() + name[1:], row)
        found.append(Trend(p, line, trend_sentence(p, row, messages=messages)))
    return tuple(found)


def trend_chart(
    found: Sequence[Trend], weeks: Sequence[str], *, min_group: int, messages: Messages
) -> tuple[ChartSpec, ...]:
    """Make the trend chart, if any principle has a point to plot."""
    if not any(p is not None for t in found for p in t.line.points):
        return ()
    alt = " ".join(t.sentence for t in found)
    lines = tuple(t.line for t in found)
    gaps = any(p is None for line in lines for p in line.points)
    say = messages
    note = say.text("digest_chart_gap", min_group=min_group) if gaps else ""
    title = say.text("digest_chart_title")
    return (TrendChart(title, tuple(weeks), lines, alt, note),)


# ------------------------------------------------------------------ the report, once


def _brew_words(brew: BrewLine, shared: frozenset[int], min_group: int, say: Messages) -> str:
    """Say how many took part in a brew, or only that it was fewer than ``min_group``."""
    if brew.brew in shared and enough_people(brew.took_part, min_group=min_group):
        return say.text("digest_brew_people", people=say.count("count_people", brew.took_part))
    return say.text("digest_brew_too_few", min_group=min_group)


def _brews(results: WeekResults, min_group: int, say: Messages) -> Topic:
    """Name the week and each of its brews, with how many took part where safe."""
    week = week_words(results.week, messages=say)
    head: Chunk = (
        Heading(fill(say, "digest_title", week=week), level=1),
        Para(((say_span(say, "digest_intro"),),)),
        Heading((say_span(say, "digest_brews_heading"),)),
    )
    shared = shared_brews(results, min_group=min_group)
    lines = [
        fill(
            say,
            "digest_brew",
            theme=Span(trim(clean(b.theme), LABEL_LIMIT), theirs=True),
            people=_brew_words(b, shared, min_group, say),
        )
        for b in results.brews
    ] or [(say_span(say, "digest_no_brews"),)]
    rest: tuple[Chunk, ...] = tuple((Bullets((line,)),) for line in lines[1:])
    return Topic(((*head, Bullets((lines[0],))), *rest), joiner="\n")


def _moving(found: Sequence[Trend], say: Messages) -> Topic:
    """Say in a sentence each how the principles have moved."""
    heading = Heading((say_span(say, "digest_moving_heading"),))
    return Topic(
        tuple(
            ((heading,) if i == 0 else ()) + (Para(((Span(trend.sentence),),)),)
            for i, trend in enumerate(found)
        )
    )


def _updates(updates: Sequence[Update], say: Messages) -> Topic:
    """Show each "we said, we did" in its own words."""
    heading = Heading((say_span(say, "digest_updates_heading"),))
    chunks: list[Chunk] = []
    for i, update in enumerate(updates):
        said = Span(trim(clean(update.said), UPDATE_LIMIT), theirs=True)
        did = Span(trim(clean(update.did), UPDATE_LIMIT), theirs=True)
        lines = (
            (say_span(say, "digest_we_said", italic=True), Span(" "), said),
            (say_span(say, "digest_we_did", italic=True), Span(" "), did),
        )
        chunks.append(((heading,) if i == 0 else ()) + (Para(lines),))
    return Topic(tuple(chunks))


def build_digest(
    results: WeekResults,
    *,
    weeks: int = WEEKS_SHOWN,
    min_group: int,
    find: ThemeFinder | None = None,
    messages: Messages,
) -> Digest:
    """Build the weekly digest, sharing only what keeps everyone safe, in ``messages``' words
    (the facilitators' group's language)."""
    say = messages
    shown = recent_weeks(results.week, weeks)
    results = shareable(results, min_group=min_group)
    found = trends(results.stage_counts, shown, min_group=min_group, messages=say)
    said = [a.answer for a in results.answers]
    groups = group_themes(said, find=find, min_group=min_group, limit=3, quotes=1, messages=say)
    topics = (
        _brews(results, min_group, say),
        _moving(found, say),
        theme_topic(groups, say.text("digest_said_heading"), messages=say),
        _updates(results.updates, say),
    )
    return Digest(
        sections=to_html(topics),
        charts=trend_chart(found, shown, min_group=min_group, messages=say),
        markdown=to_markdown(topics),
    )
