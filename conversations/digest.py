"""The weekly digest for co-producers: the week's brews, trends, themes and "we said, we did".

One digest is one facilitators' group's: the bot gives it that group's brews only.

The small-group rules are those of :mod:`conversations.summary`, and start where a summary
does: nothing from a brew too small for its own summary (:func:`enough_people`) counts
here, in any figure, trend, theme or quote; such a brew is only named, as "fewer than
``min_group`` so far". From the brews that are big enough: a brew's count this week shows
only when at least ``min_group`` answered; a principle's point in a week is plotted only
when at least ``min_group`` people answered it that week; a theme is shown only when at
least ``min_group`` different people's answers are in it, and quotes need consent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from conversations.model import Principle, Stage
from conversations.reporting import (
    LABEL_LIMIT,
    ChartSpec,
    TrendChart,
    TrendLine,
    clean,
    esc,
    esc_iso,
    md,
    nearest_stage,
    pack,
    plural,
    principle_name,
    stage_words,
    trim,
)
from conversations.summary import (
    FreeText,
    ThemeFinder,
    ThemeGroups,
    enough_people,
    group_themes,
    html_themes,
    markdown_themes,
)

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


def week_words(key: str) -> str:
    """Say a week in plain words, e.g. 'the week of Monday 13 January 2025'."""
    monday = week_start(key)
    return f"the week of Monday {monday.day} {monday:%B %Y}"


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
            row.append(score / people if people >= min_group else None)
        points[principle] = tuple(row)
    return points


def trend_sentence(principle: Principle, points: Sequence[float | None]) -> str:
    """Say in one plain sentence how a principle has moved over the weeks."""
    name = principle_name(principle)
    known = [p for p in points if p is not None]
    if not known:
        return f"Not enough answers yet to show how {name} is moving."
    last = nearest_stage(known[-1])
    if len(known) == 1:
        return f"Only one week so far with enough answers about {name}: about {stage_words(last)}."
    change = known[-1] - known[0]
    first = nearest_stage(known[0])
    if abs(change) < STEADY:
        return f"Answers about {name} are holding steady at about {stage_words(last)}."
    way = "up" if change > 0 else "down"
    if first == last:
        return f"Answers about {name} moved {way} a little, still about {stage_words(last)}."
    return (
        f"Answers about {name} moved {way}, "
        f"from about {stage_words(first)} to about {stage_words(last)}."
    )


def trends(
    counts: Sequence[StageCount], weeks: Sequence[str], *, min_group: int
) -> tuple[Trend, ...]:
    """Describe each principle's path over the weeks."""
    return tuple(
        Trend(
            p,
            TrendLine(principle_name(p)[:1].upper() + principle_name(p)[1:], row),
            trend_sentence(p, row),
        )
        for p, row in trend_points(counts, weeks, min_group=min_group).items()
    )


def trend_chart(
    found: Sequence[Trend], weeks: Sequence[str], *, min_group: int
) -> tuple[ChartSpec, ...]:
    """Make the trend chart, if any principle has a point to plot."""
    if not any(p is not None for t in found for p in t.line.points):
        return ()
    alt = " ".join(t.sentence for t in found)
    lines = tuple(t.line for t in found)
    gaps = any(p is None for line in lines for p in line.points)
    note = f"A gap means fewer than {min_group} people answered that week." if gaps else ""
    title = "How answers have moved, week by week"
    return (TrendChart(title, tuple(weeks), lines, alt, note),)


# ------------------------------------------------------------------ text


def _brew_words(brew: BrewLine, shared: frozenset[int], min_group: int) -> str:
    """Say how many took part in a brew, or only that it was fewer than ``min_group``."""
    if brew.brew in shared and brew.took_part >= min_group:
        return f"{plural(brew.took_part, 'person', 'people')} took part"
    return f"fewer than {min_group} so far"


def _html(
    results: WeekResults,
    found: Sequence[Trend],
    groups: ThemeGroups,
    min_group: int,
) -> tuple[str, ...]:
    """Write the digest as Telegram HTML messages."""
    head = (
        f"<b>☕ Over a Brew: {esc(week_words(results.week))}</b>\n"
        "Here is what happened this week. Thank you for reading.\n\n<b>This week's brews</b>"
    )
    shared = shared_brews(results, min_group=min_group)
    brews = [
        f"• {esc_iso(trim(clean(b.theme), LABEL_LIMIT))}: {_brew_words(b, shared, min_group)}"
        for b in results.brews
    ] or ["No brews this week."]
    brews[0] = f"{head}\n{brews[0]}"
    moving = [
        ("<b>How things are moving</b>\n" if i == 0 else "") + esc(trend.sentence)
        for i, trend in enumerate(found)
    ]
    updates = []
    for i, update in enumerate(results.updates):
        head = "<b>We said, we did</b>\n\n" if i == 0 else ""
        said = esc_iso(trim(clean(update.said), UPDATE_LIMIT))
        did = esc_iso(trim(clean(update.did), UPDATE_LIMIT))
        updates.append(f"{head}<i>We said:</i> {said}\n<i>We did:</i> {did}")
    return (
        *pack(brews, joiner="\n"),
        *pack(moving),
        *pack(html_themes(groups, "What people said this week")),
        *pack(updates),
    )


def _markdown(
    results: WeekResults, found: Sequence[Trend], groups: ThemeGroups, min_group: int
) -> str:
    """Write the same digest as a Markdown report."""
    lines = [f"# Over a Brew: {week_words(results.week)}", "", "## This week's brews", ""]
    shared = shared_brews(results, min_group=min_group)
    lines += [
        f"- {md(trim(clean(b.theme), LABEL_LIMIT))}: {_brew_words(b, shared, min_group)}"
        for b in results.brews
    ] or ["No brews this week."]
    lines.append("")
    if found:
        lines += ["## How things are moving", "", *(f"- {t.sentence}" for t in found), ""]
    lines += markdown_themes(groups, "What people said this week")
    if results.updates:
        lines += ["## We said, we did", ""]
        for update in results.updates:
            lines.append(f"- *We said:* {md(trim(clean(update.said), UPDATE_LIMIT))}")
            lines.append(f"  *We did:* {md(trim(clean(update.did), UPDATE_LIMIT))}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def build_digest(
    results: WeekResults,
    *,
    weeks: int = WEEKS_SHOWN,
    min_group: int,
    find: ThemeFinder | None = None,
) -> Digest:
    """Build the weekly digest, sharing only what keeps everyone safe."""
    shown = recent_weeks(results.week, weeks)
    results = shareable(results, min_group=min_group)
    found = trends(results.stage_counts, shown, min_group=min_group)
    said = [a.answer for a in results.answers]
    groups = group_themes(said, find=find, min_group=min_group, limit=3, quotes=1)
    return Digest(
        sections=_html(results, found, groups, min_group),
        charts=trend_chart(found, shown, min_group=min_group),
        markdown=_markdown(results, found, groups, min_group),
    )
