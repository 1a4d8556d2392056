"""The themed summary of one brew that brewbot posts to its facilitator group.

Small-group protection (``min_group``, from the settings) decides what may be shown:

* Fewer than ``min_group`` people took part: the whole summary is one short, kind message
  saying how many more are needed. No counts per principle, no themes, no quotes.
* How people described themselves is shown only when every group shown has at least
  ``min_group`` people. Small groups are merged into "other" only when that merged group
  itself reaches ``min_group``; otherwise the breakdown is left out without a word.
* Stage counts for a principle are shown, small ones included, only when at least
  ``min_group`` people answered that principle. The numbers then describe one question asked
  of a group big enough that nobody can be picked out. They are split by perspective (people
  who draw on care and support, unpaid carers, staff) only under the rule of
  :mod:`conversations.perspectives`: each part shown has at least ``min_group`` people, and
  the rest, which a reader could work out from the total, is nobody or at least
  ``min_group`` people. They are never split by theme. A small count ("1 said 'haven't got
  this yet'") is part of the whole picture, and hiding it would make the picture untrue. A
  principle with fewer answers says only that there are not enough answers yet.
* A theme in the free text is shown by itself only when it holds answers from at least
  ``min_group`` different people. Smaller themes, and answers that fit no theme, are folded
  into one "other things people said" count, with no words and no quotes. A theme shown is
  split by perspective under the same rule as the stages, as counts of people only.
* Quotes come only from answers whose author said yes to being quoted, trimmed to about
  200 characters on a word boundary. Ideas for change follow the theme rule, except that
  an idea its author agreed to share may be shown in its own words.

Everything a participant wrote is cleaned of layout-changing characters and HTML-escaped.
Before any of it is grouped, quoted or named in a theme, names, numbers and addresses are
taken out (:mod:`conversations.redaction`), so no quote, idea, poll option, theme label or
word shows one; the themes are found in the words that are left.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from conversations.messages import Messages, load_messages
from conversations.model import Principle, Stage
from conversations.perspectives import (
    NO_SPLIT,
    DescribedStages,
    Split,
    html_split,
    markdown_split,
    people_split,
    principle_splits,
)
from conversations.redaction import redact, unmarked
from conversations.reporting import (
    LABEL_LIMIT,
    POLL_OPTION_LIMIT,
    WORD_LIMIT,
    ChartSpec,
    StageChart,
    StageRow,
    clean,
    esc,
    esc_iso,
    esc_quote,
    md,
    pack,
    plural,
    principle_name,
    quote,
    stage_words,
    trim,
)

THEMES_SHOWN = 5
IDEAS_SHOWN = 10  # a Telegram poll takes up to 10 options on every client
OTHER = "other"  # the bucket for small groups: self-descriptions and themes alike


class ThemeLike(Protocol):
    """What a summary reads from one theme (``conversations.themes.Theme`` fits)."""

    @property
    def label(self) -> str: ...
    @property
    def words(self) -> Sequence[str]: ...
    @property
    def examples(self) -> Sequence[int]: ...


class ThemesLike(Protocol):
    """What a summary reads from found themes (``conversations.themes.Themes`` fits)."""

    @property
    def themes(self) -> Sequence[ThemeLike]: ...
    @property
    def assignments(self) -> Sequence[int | None]: ...


ThemeFinder = Callable[[Sequence[str]], ThemesLike]


def default_finder() -> ThemeFinder:
    """Return ``conversations.themes.find_themes``, loaded (with scikit-learn) only when needed."""
    from conversations.themes import find_themes

    return find_themes


@functools.cache
def shipped_messages() -> Messages:
    """Load the shipped message files once, for callers that do not pass their own."""
    return load_messages()


# ------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class FreeText:
    """One answer in someone's own words.

    ``person`` is the opaque random id storage keeps for the participant; it is used only
    to count different people, never shown. ``self_description`` is the option id its
    author chose for "which fits you best", if any, to show perspectives side by side.
    """

    person: str
    prompt_id: str
    principle: Principle
    text: str
    quote_consent: bool = False
    self_description: str | None = None


@dataclass(frozen=True)
class BrewResults:
    """What one brew gathered, as plain data the bot maps from storage rows.

    ``took_part`` counts people who gave at least one answer. ``self_description`` maps an
    option's words to how many chose it. ``stages`` maps a principle to how many chose each
    stage. ``idea_prompts`` names the prompts that ask what would make things better; their
    answers become ideas for change. ``described_stages`` counts the same stages by the
    answerers' self-descriptions, in different people. Leave out answers held back as a concern.
    """

    theme: str
    pack_title: str
    took_part: int
    finished: int
    self_description: Mapping[str, int] = field(default_factory=dict)
    stages: Mapping[Principle, Mapping[Stage, int]] = field(default_factory=dict)
    answers: tuple[FreeText, ...] = ()
    idea_prompts: frozenset[str] = frozenset()
    imported: int = 0  # of took_part: answers brought in from paper or forms, one person each
    described_stages: tuple[DescribedStages, ...] = ()


def taking_part(results: BrewResults) -> str:
    """Say how many took part, how many finished here, and how many answered elsewhere."""
    online = results.took_part - results.imported
    if not results.imported:
        return (
            f"{plural(results.took_part, 'person', 'people')} took part and "
            f"{results.finished} got to the end."
        )
    if not online:
        return f"{plural(results.took_part, 'person', 'people')} answered on paper or a form."
    return (
        f"{plural(results.took_part, 'person', 'people')} took part: {online} here, "
        f"{results.finished} of them to the end, and {results.imported} on paper or a form."
    )


# ------------------------------------------------------------------ outputs


@dataclass(frozen=True)
class Idea:
    """An idea for change, ready for a poll: ``label`` fits a poll option (<= 100 chars).

    ``examples`` are plain-text quotes from people who agreed to be quoted: escape them
    before putting them in HTML.
    """

    label: str
    count: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    """A summary as Telegram HTML messages, chart specs, ideas and a Markdown report.

    ``shared`` is False when too few people took part and ``sections`` holds only the short
    message saying so.
    """

    sections: tuple[str, ...]
    charts: tuple[ChartSpec, ...]
    ideas: tuple[Idea, ...]
    markdown: str
    shared: bool = True


@dataclass(frozen=True)
class ThemeView:
    """One theme that is safe to show: plain text, not yet escaped."""

    label: str
    answers: int
    people: int
    words: tuple[str, ...]
    quotes: tuple[str, ...]
    split: Split = NO_SPLIT  # its people by perspective, where safe


@dataclass(frozen=True)
class ThemeGroups:
    """The themes safe to show, and how many answers went into "other things"."""

    shown: tuple[ThemeView, ...]
    other: int


@dataclass(frozen=True)
class PrincipleView:
    """The stages chosen for one principle and one sentence about them."""

    principle: Principle
    counts: tuple[tuple[Stage, int], ...]
    sentence: str
    shared: bool

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


# ------------------------------------------------------------------ the rules


def enough_people(people: int, *, min_group: int) -> bool:
    """Say whether a brew has enough people for anything from it to be shared.

    ``people`` counts everyone whose words count (``storage.records.BrewCounts.people``).
    Summaries, exports and the digest all ask this, so they cannot disagree.
    """
    return people >= min_group


def too_few(took_part: int, *, min_group: int) -> str:
    """Say kindly, in plain text, that too few people have answered to share anything yet."""
    more = max(1, min_group - took_part)
    return (
        "Thank you for running this brew. Not enough people have answered yet to share "
        f"a summary safely. We wait for at least {min_group}, so nobody can be picked out. "
        f"{plural(more, 'more person', 'more people')} needed."
    )


def self_description_mix(
    counts: Mapping[str, int], *, min_group: int
) -> tuple[tuple[str, int], ...]:
    """Return the groups safe to show, biggest first, or () when the mix must stay hidden."""
    items = [(trim(clean(label), 60), n) for label, n in counts.items() if n > 0]
    big = [(label, n) for label, n in items if n >= min_group]
    small = sum(n for _, n in items if n < min_group)
    other = sum(n for label, n in big if label.casefold() == OTHER) + small
    if not big or (small and other < min_group):
        return ()
    if small:
        big = [(label, n) for label, n in big if label.casefold() != OTHER] + [(OTHER, other)]
    return tuple(sorted(big, key=lambda kv: -kv[1]))


def stage_sentence(principle: Principle, counts: Mapping[Stage, int]) -> str:
    """Say in one plain sentence what most people chose for a principle."""
    name = principle_name(principle)
    total = sum(counts.values())
    ranked = sorted(((n, stage) for stage, n in counts.items() if n > 0), key=lambda t: -t[0])
    if not ranked:
        return f"Nobody picked a stage for {name} yet."
    top_n, top = ranked[0]
    tied = [stage for n, stage in ranked if n == top_n]
    if len(tied) == 2:
        first, second = sorted(tied)
        pair = f"{stage_words(first)} and {stage_words(second)}"
        return f"People were split between {pair} about {name}."
    if len(tied) > 2:
        return f"People gave mixed answers about {name}."
    if top_n == total:
        return f"Everyone said {stage_words(top)} about {name}."
    if top_n * 4 >= total * 3:
        return f"Nearly everyone said {stage_words(top)} about {name}."
    if top_n * 2 > total:
        return f"Most people said {stage_words(top)} about {name}."
    return f"The answer given most about {name} was {stage_words(top)}."


def principle_views(
    stages: Mapping[Principle, Mapping[Stage, int]], *, min_group: int
) -> tuple[PrincipleView, ...]:
    """Describe each principle anyone answered, in the usual order."""
    views = []
    for principle in Principle:
        counts = stages.get(principle, {})
        full = tuple((stage, max(0, counts.get(stage, 0))) for stage in Stage)
        total = sum(n for _, n in full)
        if total == 0:
            continue
        shared = total >= min_group
        sentence = (
            stage_sentence(principle, dict(full))
            if shared
            else f"Not enough answers about {principle_name(principle)} yet to share safely."
        )
        views.append(PrincipleView(principle, full if shared else (), sentence, shared))
    return tuple(views)


def _consented_quotes(
    answers: Sequence[FreeText], order: Sequence[int], limit: int, length: int
) -> tuple[str, ...]:
    """Pick up to ``limit`` different quotes, in ``order``, from answers with consent."""
    picked: list[str] = []
    for i in order:
        if 0 <= i < len(answers) and answers[i].quote_consent:
            text = quote(answers[i].text, length)
            if text and text not in picked:
                picked.append(text)
        if len(picked) == limit:
            break
    return tuple(picked)


def _quote_order(theme: ThemeLike, members: Sequence[int], texts: Sequence[str]) -> list[int]:
    """Order a theme's answers for quoting: its own examples, then those using most of its words."""
    words = [w.casefold() for w in (theme.label, *theme.words) if w]

    def fit(i: int) -> int:
        text = texts[i].casefold()
        return sum(word in text for word in words)

    rest = sorted((i for i in members if i not in theme.examples), key=lambda i: -fit(i))
    return [*theme.examples, *rest]


def _typical_short_answer(answers: Sequence[FreeText], examples: Sequence[int]) -> str:
    """Return the first of a theme's examples its author lets us quote that fits a poll, or ''."""
    for i in examples:
        if 0 <= i < len(answers) and answers[i].quote_consent:
            text = clean(answers[i].text)
            if 0 < len(text) <= POLL_OPTION_LIMIT:
                return text
    return ""


def _members(themes: ThemesLike, count: int) -> list[list[int]]:
    """List the answer indices in each theme."""
    members: list[list[int]] = [[] for _ in themes.themes]
    for i, theme in enumerate(themes.assignments[:count]):
        if theme is not None and 0 <= theme < len(members):
            members[theme].append(i)
    return members


def _run_finder(
    answers: Sequence[FreeText], find: ThemeFinder | None, *, min_group: int
) -> ThemesLike | None:
    """Find themes, unless too few people wrote anything for any theme to be shown.

    ``answers`` are already redacted: the finder reads them without the markers.
    """
    if len({a.person for a in answers}) < min_group:
        return None
    return (find or default_finder())([clean(unmarked(a.text)) for a in answers])


def redacted(answers: Sequence[FreeText]) -> list[FreeText]:
    """Return the answers with words, each with its names, numbers and addresses taken out."""
    return [replace(a, text=redact(a.text)) for a in answers if clean(a.text)]


def _theme_label(theme: ThemeLike, limit: int, words: int = 0) -> str:
    """Name a theme from its label (and, if asked, a few of its words), capitalised."""
    label = clean(theme.label)
    extra = [clean(w) for w in theme.words if clean(w) and clean(w).casefold() != label.casefold()]
    if words and extra:
        label = ", ".join([label, *extra[:words]] if label else extra[:words])
    return _cap(trim(label, limit)) or _cap(", ".join(extra[:3])) or "Mixed"


def group_themes(
    answers: Sequence[FreeText],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    limit: int = THEMES_SHOWN,
    quotes: int = 2,
) -> ThemeGroups:
    """Group answers into themes, keeping only themes from at least ``min_group`` people."""
    answers = redacted(answers)
    themes = _run_finder(answers, find, min_group=min_group)
    if themes is None:
        return ThemeGroups((), len(answers))
    views = []
    for theme, members in zip(themes.themes, _members(themes, len(answers)), strict=True):
        people = len({answers[i].person for i in members})
        if people < min_group:
            continue
        order = _quote_order(theme, members, [a.text for a in answers])
        label = _theme_label(theme, LABEL_LIMIT)
        words = tuple(
            trim(clean(w), WORD_LIMIT)
            for w in theme.words[:6]
            if clean(w) and clean(w).casefold() != label.casefold()
        )[:5]
        quoted = _consented_quotes(answers, order, quotes, 200)
        authors = ((answers[i].person, answers[i].self_description) for i in members)
        split = people_split(authors, min_group=min_group)
        views.append(ThemeView(label, len(members), people, words, quoted, split))
    views.sort(key=lambda v: -v.answers)
    shown = tuple(views[:limit])
    return ThemeGroups(shown, len(answers) - sum(v.answers for v in shown))


def answer_themes(
    answers: Sequence[FreeText], *, find: ThemeFinder | None = None, min_group: int
) -> tuple[str, ...]:
    """Name each answer's theme, as the summary would show it (for exports).

    A theme from fewer than ``min_group`` people, or an answer in no theme, is "other";
    an empty answer gets "". With too few people overall, every answer is "other".
    """
    answers = [replace(a, text=redact(a.text)) for a in answers]
    kept = [i for i, a in enumerate(answers) if clean(a.text)]
    labels = ["" if not clean(a.text) else OTHER for a in answers]
    themes = _run_finder([answers[i] for i in kept], find, min_group=min_group)
    if themes is None:
        return tuple(labels)
    for theme, members in zip(themes.themes, _members(themes, len(kept)), strict=True):
        if len({answers[kept[i]].person for i in members}) >= min_group:
            label = _theme_label(theme, LABEL_LIMIT)
            for i in members:
                labels[kept[i]] = label
    return tuple(labels)


def group_ideas(
    answers: Sequence[FreeText],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    limit: int = IDEAS_SHOWN,
) -> tuple[tuple[Idea, ...], int]:
    """Rank ideas for change, most mentioned first; return them and how many stay private."""
    answers = redacted(answers)
    themes = _run_finder(answers, find, min_group=min_group)
    ideas: list[Idea] = []
    used: set[int] = set()
    if themes is not None:
        for theme, members in zip(themes.themes, _members(themes, len(answers)), strict=True):
            if len({answers[i].person for i in members}) < min_group:
                continue
            order = _quote_order(theme, members, [a.text for a in answers])
            quoted = _consented_quotes(answers, order, 2, 200)
            label = _typical_short_answer(answers, theme.examples) or _theme_label(
                theme, POLL_OPTION_LIMIT, words=2
            )
            ideas.append(Idea(label, len(members), quoted))
            used.update(members)
    own: dict[str, Idea] = {}
    private = 0
    for i, answer in enumerate(answers):
        if i in used:
            continue
        if not answer.quote_consent:
            private += 1
            continue
        label = quote(answer.text, POLL_OPTION_LIMIT)
        key = label.casefold()
        seen = own.get(key)
        own[key] = Idea(label, 1 + (seen.count if seen else 0), (quote(answer.text),))
    ideas.extend(own.values())
    ideas.sort(key=lambda idea: -idea.count)
    private += sum(idea.count for idea in ideas[limit:])
    return tuple(ideas[:limit]), private


def stage_chart(views: Sequence[PrincipleView]) -> tuple[ChartSpec, ...]:
    """Make the stage chart for the principles that are safe to show, if any."""
    shown = [v for v in views if v.shared]
    if not shown:
        return ()
    rows = tuple(StageRow(_cap(principle_name(v.principle)), v.counts) for v in shown)
    alt = " ".join(v.sentence for v in shown)
    return (StageChart("Where people think we are", rows, alt),)


def _cap(text: str) -> str:
    """Start a phrase with a capital letter."""
    return text[:1].upper() + text[1:]


def _counts_line(counts: Sequence[tuple[Stage, int]]) -> str:
    """List the stages chosen with their colour words, e.g. getting there (amber): 6."""
    return " · ".join(f"{s.label} ({s.rag.value}): {n}" for s, n in counts if n)


# ------------------------------------------------------------------ HTML


def _html_headline(results: BrewResults, mix: Sequence[tuple[str, int]]) -> list[str]:
    """Say what the brew was and how many took part (and who, when safe)."""
    head = (
        f"<b>☕ Over a Brew: {esc_iso(trim(clean(results.theme), LABEL_LIMIT))}</b>\n"
        f"<i>{esc(trim(clean(results.pack_title), LABEL_LIMIT))}</i>\n\n"
        f"{esc(taking_part(results))} Thank you to everyone who joined in."
    )
    blocks = [head]
    if mix:
        lines = "\n".join(f"• {esc(label)}: {n}" for label, n in mix)
        blocks.append(f"<b>Who took part</b>\nPeople described themselves as:\n{lines}")
    return blocks


def _html_principles(
    views: Sequence[PrincipleView], splits: Mapping[Principle, Split], messages: Messages
) -> list[str]:
    """Show the stages chosen for each principle, in words, and by perspective where safe."""
    blocks = []
    for i, view in enumerate(views):
        head = f"<b>{esc(messages.text('summary_where_we_are'))}</b>\n\n" if i == 0 else ""
        body = f"<b>{esc(_cap(principle_name(view.principle)))}</b>\n{esc(view.sentence)}"
        if view.shared:
            body += f"\n{esc(_counts_line(view.counts))}"
            split = splits.get(view.principle, NO_SPLIT)
            body += f"\n{html_split(split, messages)}" if split else ""
        blocks.append(head + body)
    return blocks


def html_themes(
    groups: ThemeGroups, heading: str, *, messages: Messages | None = None
) -> list[str]:
    """Show the themes found in people's own words, quotes only with consent.

    A theme's people are also shown by perspective where safe. ``messages`` gives the
    words (default: the shipped message files).
    """
    say = messages or shipped_messages()
    blocks = []
    for i, view in enumerate(groups.shown):
        head = f"<b>{esc(heading)}</b>\n\n" if i == 0 else ""
        lines = [f"<b>{esc_iso(view.label)}</b> · {plural(view.answers, 'answer', 'answers')}"]
        if view.words:
            words = ", ".join(esc_iso(w) for w in view.words)
            lines.append(f"<i>{esc(say.text('summary_linking_words'))}</i> {words}")
        lines.extend(esc_quote(q) for q in view.quotes)
        if view.split:
            lines.append(html_split(view.split, say))
        blocks.append(head + "\n".join(lines))
    if groups.other:
        head = f"<b>{esc(heading)}</b>\n\n" if not blocks else ""
        what = say.text("summary_other_said" if blocks else "summary_own_words")
        tail = "" if blocks else " " + say.text("summary_own_words_private")
        count = plural(groups.other, "answer", "answers")
        blocks.append(f"{head}<i>{esc(what)}</i> {count}.{esc(tail)}")
    return blocks


def _html_ideas(ideas: Sequence[Idea], private: int) -> list[str]:
    """List ideas for change, most mentioned first, with a nudge to pick a few."""
    blocks = []
    for i, idea in enumerate(ideas, start=1):
        head = "<b>Ideas for change</b>\nMost mentioned first.\n\n" if i == 1 else ""
        line = f"{i}. <b>{esc_iso(idea.label)}</b> · {plural(idea.count, 'mention', 'mentions')}"
        other = [e for e in idea.examples if e != idea.label]
        if other:
            line += f"\n{esc_quote(other[0])}"
        blocks.append(head + line)
    if private:
        head = "<b>Ideas for change</b>\n\n" if not blocks else ""
        blocks.append(
            f"{head}{plural(private, 'more idea was', 'more ideas were')} shared privately."
        )
    if ideas:
        blocks.append("You could put these to a quick poll and pick 2 or 3 to work on together.")
    return blocks


# ------------------------------------------------------------------ Markdown


def markdown_themes(
    groups: ThemeGroups, heading: str, *, messages: Messages | None = None
) -> list[str]:
    """Write the themes as Markdown, by perspective too where safe (words: ``messages``)."""
    if not groups.shown and not groups.other:
        return []
    say = messages or shipped_messages()
    lines = [f"## {heading}", ""]
    for view in groups.shown:
        lines.append(f"### {md(view.label)} ({plural(view.answers, 'answer', 'answers')})")
        if view.words:
            lines.append(f"{md(say.text('summary_linking_words'))} {md(', '.join(view.words))}")
        lines.extend(f"> “{md(q)}”" for q in view.quotes)
        lines.append("")
        lines += markdown_split(view.split, say)
    if groups.other:
        count = plural(groups.other, "answer", "answers")
        lines.append(f"{md(say.text('summary_other_said'))} {count}.")
        lines.append("")
    return lines


def _markdown(
    results: BrewResults,
    mix: Sequence[tuple[str, int]],
    views: Sequence[PrincipleView],
    groups: ThemeGroups,
    ideas: Sequence[Idea],
    private: int,
    splits: Mapping[Principle, Split],
    messages: Messages,
) -> str:
    """Write the same summary as a Markdown report."""
    lines = [
        f"# Over a Brew: {md(trim(clean(results.theme), LABEL_LIMIT))}",
        "",
        f"*{md(trim(clean(results.pack_title), LABEL_LIMIT))}*",
        "",
        md(taking_part(results)),
        "",
    ]
    if mix:
        lines += ["## Who took part", "", *(f"- {md(label)}: {n}" for label, n in mix), ""]
    if views:
        lines += [f"## {md(messages.text('summary_where_we_are'))}", ""]
        for view in views:
            lines += [f"### {_cap(principle_name(view.principle))}", "", view.sentence, ""]
            counts = [f"- {s.label} ({s.rag.value}): {n}" for s, n in view.counts if n]
            lines += [*counts, ""] if counts else []
            if view.shared:
                lines += markdown_split(splits.get(view.principle, NO_SPLIT), messages)
    lines += markdown_themes(groups, "What people said", messages=messages)
    if ideas or private:
        lines += ["## Ideas for change", "", "Most mentioned first.", ""]
        for i, idea in enumerate(ideas, start=1):
            lines.append(f"{i}. **{md(idea.label)}** ({plural(idea.count, 'mention', 'mentions')})")
            lines.extend(f"   > “{md(q)}”" for q in idea.examples if q != idea.label)
        if private:
            lines.append(
                f"\n{plural(private, 'more idea was', 'more ideas were')} shared privately."
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------ build


def build_summary(
    results: BrewResults,
    *,
    min_group: int,
    find: ThemeFinder | None = None,
    messages: Messages | None = None,
) -> Summary:
    """Build the summary of one brew, sharing only what keeps everyone safe.

    ``messages`` gives the words kept in the message files (default: the shipped ones).
    """
    if not enough_people(results.took_part, min_group=min_group):
        theme = trim(clean(results.theme), LABEL_LIMIT)
        body = too_few(results.took_part, min_group=min_group)
        message = f"<b>☕ {esc_iso(theme)}</b>\n{esc(body)}"
        return Summary((message,), (), (), f"# {md(theme)}\n\n{body}\n", shared=False)
    mix = self_description_mix(results.self_description, min_group=min_group)
    views = principle_views(results.stages, min_group=min_group)
    said = [a for a in results.answers if a.prompt_id not in results.idea_prompts]
    wished = [a for a in results.answers if a.prompt_id in results.idea_prompts]
    groups = group_themes(said, find=find, min_group=min_group)
    ideas, private = group_ideas(wished, find=find, min_group=min_group)
    words = messages or shipped_messages()
    splits = principle_splits(results.described_stages, min_group=min_group)
    topics = (
        _html_headline(results, mix),
        _html_principles(views, splits, words),
        html_themes(groups, "What people said", messages=words),
        _html_ideas(ideas, private),
    )
    return Summary(
        sections=tuple(section for blocks in topics for section in pack(blocks)),
        charts=stage_chart(views),
        ideas=ideas,
        markdown=_markdown(results, mix, views, groups, ideas, private, splits, words),
    )
