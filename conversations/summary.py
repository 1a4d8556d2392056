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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from conversations.blocks import (
    Block,
    Bullets,
    Chunk,
    Heading,
    Line,
    Numbered,
    Para,
    Perspectives,
    Quote,
    Span,
    Topic,
    fill,
    say_span,
    to_html,
    to_markdown,
)
from conversations.messages import Messages, shipped_messages
from conversations.model import Principle, Stage
from conversations.perspectives import (
    NO_SPLIT,
    DescribedStages,
    Split,
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
    principle_name,
    quote,
    stage_counts,
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
    live: bool = False  # run live: ``finished`` counts who answered every question asked


def taking_part(results: BrewResults) -> str:
    """Say how many took part, how many finished here, and how many answered elsewhere."""
    say = shipped_messages()
    online = results.took_part - results.imported
    people = say.count("count_people", results.took_part)
    if not results.imported:
        key = "summary_took_part_live" if results.live else "summary_took_part"
        return say.text(key, people=people, finished=results.finished)
    if not online:
        return say.text("summary_took_part_on_paper", people=people)
    return say.text(
        "summary_took_part_both_live" if results.live else "summary_took_part_both",
        people=people,
        online=online,
        finished=results.finished,
        imported=results.imported,
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
    say = shipped_messages()
    more = say.count("count_more_people", max(1, min_group - took_part))
    return say.text("summary_too_few", min_group=min_group, more=more)


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
    say = shipped_messages()
    name = principle_name(principle)
    total = sum(counts.values())
    ranked = sorted(((n, stage) for stage, n in counts.items() if n > 0), key=lambda t: -t[0])
    if not ranked:
        return say.text("summary_stage_none", principle=name)
    top_n, top = ranked[0]
    tied = [stage for n, stage in ranked if n == top_n]
    if len(tied) == 2:
        first, second = (stage_words(stage) for stage in sorted(tied))
        return say.text("summary_stage_split", first=first, second=second, principle=name)
    if len(tied) > 2:
        return say.text("summary_stage_mixed", principle=name)
    if top_n == total:
        key = "summary_stage_everyone"
    elif top_n * 4 >= total * 3:
        key = "summary_stage_nearly_all"
    elif top_n * 2 > total:
        key = "summary_stage_most"
    else:
        key = "summary_stage_top"
    return say.text(key, stage=stage_words(top), principle=name)


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
            else shipped_messages().text(
                "summary_stage_too_few", principle=principle_name(principle)
            )
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
    mixed = shipped_messages().text("summary_theme_mixed")
    return _cap(trim(label, limit)) or _cap(", ".join(extra[:3])) or mixed


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
    return (StageChart(shipped_messages().text("summary_where_we_are"), rows, alt),)


def _cap(text: str) -> str:
    """Start a phrase with a capital letter."""
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ the report, once


def _headline(results: BrewResults, mix: Sequence[tuple[str, int]], say: Messages) -> Topic:
    """Say what the brew was and how many took part (and who, when safe)."""
    theme = Span(trim(clean(results.theme), LABEL_LIMIT), theirs=True)
    title = Span(trim(clean(results.pack_title), LABEL_LIMIT), italic=True)
    head: Chunk = (
        Heading(fill(say, "summary_title", theme=theme), level=1),
        Para(((title,),)),
        Para(((Span(taking_part(results)), Span(" "), say_span(say, "summary_thanks")),)),
    )
    if not mix:
        return Topic((head,))
    who: Chunk = (
        Heading((say_span(say, "summary_who_took_part"),)),
        Para(((say_span(say, "summary_described_as"),),)),
        Bullets(
            tuple(
                fill(say, "summary_group", group=_group_name(label, say), count=n)
                for label, n in mix
            )
        ),
    )
    return Topic((head, who))


def _group_name(label: str, say: Messages) -> Span:
    """Name a way people described themselves: as they chose it, or our word for the rest."""
    return say_span(say, "summary_group_other") if label == OTHER else Span(label, theirs=True)


def _principles(
    views: Sequence[PrincipleView], splits: Mapping[Principle, Split], say: Messages
) -> Topic:
    """Show the stages chosen for each principle, in words, and by perspective where safe."""
    chunks: list[Chunk] = []
    for i, view in enumerate(views):
        blocks: list[Block] = [Heading((say_span(say, "summary_where_we_are"),))] if i == 0 else []
        blocks += [
            Heading((Span(_cap(principle_name(view.principle))),), level=3),
            Para(((Span(view.sentence),),)),
        ]
        counts = stage_counts(view.counts) if view.shared else ""
        blocks += [Para(((Span(counts),),))] if counts else []
        split = splits.get(view.principle, NO_SPLIT) if view.shared else NO_SPLIT
        blocks += [Perspectives(split, say)] if split else []
        chunks.append(tuple(blocks))
    return Topic(tuple(chunks))


def theme_topic(groups: ThemeGroups, heading: str, *, messages: Messages | None = None) -> Topic:
    """Show the themes found in people's own words, quotes only with consent.

    A theme's people are also shown by perspective where safe. ``heading`` is already in
    words; ``messages`` gives the rest (default: the shipped message files).
    """
    say = messages or shipped_messages()
    title = Heading((Span(heading),))
    chunks: list[Chunk] = []
    for i, view in enumerate(groups.shown):
        blocks: list[Block] = [title] if i == 0 else []
        answers = say.count("count_answers", view.answers)
        label = Span(view.label, theirs=True)
        blocks.append(Heading(fill(say, "summary_theme", theme=label, answers=answers), level=3))
        if view.words:
            linking = say_span(say, "summary_linking_words", italic=True)
            blocks.append(Para(((linking, Span(" "), Span(", ".join(view.words), theirs=True)),)))
        blocks += [Quote(q) for q in view.quotes]
        blocks += [Perspectives(view.split, say)] if view.split else []
        chunks.append(tuple(blocks))
    if groups.other:
        what = say_span(say, "summary_other_said" if chunks else "summary_own_words")
        count = say.text("summary_other_count", answers=say.count("count_answers", groups.other))
        line: Line = (what, Span(" "), Span(count))
        if not chunks:
            line += (Span(" "), say_span(say, "summary_own_words_private"))
        chunks.append(((title,) if not chunks else ()) + (Para((line,)),))
    return Topic(tuple(chunks))


def _ideas(ideas: Sequence[Idea], private: int, say: Messages) -> Topic:
    """List ideas for change, most mentioned first, with a nudge to pick a few."""
    if not ideas and not private:
        return Topic(())
    title = Heading((say_span(say, "summary_ideas_heading"),))
    chunks: list[Chunk] = []
    for i, idea in enumerate(ideas, start=1):
        blocks: list[Block] = [title, Para(((say_span(say, "summary_ideas_order"),),))]
        blocks = blocks if i == 1 else []
        mentions = say.count("count_mentions", idea.count)
        label = Span(idea.label, theirs=True, bold=True)
        blocks.append(Numbered(i, fill(say, "summary_idea", idea=label, mentions=mentions)))
        other = [e for e in idea.examples if e != idea.label]
        blocks += [Quote(other[0])] if other else []
        chunks.append(tuple(blocks))
    if private:
        privately = Para(((Span(say.count("summary_ideas_private", private)),),))
        chunks.append(((title,) if not chunks else ()) + (privately,))
    if ideas:
        chunks.append((Para(((say_span(say, "summary_ideas_poll"),),)),))
    return Topic(tuple(chunks))


def _too_few(results: BrewResults, min_group: int, say: Messages) -> Topic:
    """Say only that too few took part to share anything yet."""
    theme = Span(trim(clean(results.theme), LABEL_LIMIT), theirs=True)
    body = too_few(results.took_part, min_group=min_group)
    return Topic(
        (
            (
                Heading(fill(say, "summary_too_few_title", theme=theme), level=1),
                Para(((Span(body),),)),
            ),
        )
    )


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
    words = messages or shipped_messages()
    if not enough_people(results.took_part, min_group=min_group):
        kind = (_too_few(results, min_group, words),)
        return Summary(to_html(kind), (), (), to_markdown(kind), shared=False)
    mix = self_description_mix(results.self_description, min_group=min_group)
    views = principle_views(results.stages, min_group=min_group)
    said = [a for a in results.answers if a.prompt_id not in results.idea_prompts]
    wished = [a for a in results.answers if a.prompt_id in results.idea_prompts]
    groups = group_themes(said, find=find, min_group=min_group)
    ideas, private = group_ideas(wished, find=find, min_group=min_group)
    splits = principle_splits(results.described_stages, min_group=min_group)
    topics = (
        _headline(results, mix, words),
        _principles(views, splits, words),
        theme_topic(groups, words.text("summary_said_heading"), messages=words),
        _ideas(ideas, private, words),
    )
    return Summary(
        sections=to_html(topics),
        charts=stage_chart(views),
        ideas=ideas,
        markdown=to_markdown(topics),
    )
