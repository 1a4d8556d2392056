"""The themed summary of one brew that brewbot posts to its facilitator group.

What it may show is decided by the privacy rules every report follows
(:mod:`conversations.shown`): the minimum group, who took part, themes, consent to quote,
redaction and label words. Here is only how the summary applies them and words the result:

* Fewer than ``min_group`` people took part: the whole summary is one short, kind message
  saying how many more are needed.
* A principle's stages are shown when at least ``min_group`` people answered it, split by
  perspective where :mod:`conversations.perspectives` allows and never by theme; with fewer,
  the summary says only that there are not enough answers yet.
* What people said is shown by theme, with quotes, once enough people wrote something
  (``THEMES_FROM``), and question by question below that. Ideas for change follow the theme
  rule, except that an idea its author agreed to share may be shown in its own words.
* Where people answered in two languages, each language has its own themes
  (:mod:`conversations.reading`): the summary shows them side by side, each language's under
  a small line naming it, the group's own language first.

Everything is in the words of the ``messages`` it is given: the facilitators' group's
language. Everything a participant wrote is cleaned of layout-changing characters and
HTML-escaped (:mod:`conversations.blocks`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

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
from conversations.coding import CODEBOOK, NEW
from conversations.messages import Messages
from conversations.model import Principle, Stage
from conversations.nothing_to_add import says_nothing
from conversations.perspectives import (
    NO_SPLIT,
    DescribedStages,
    Split,
    people_split,
    principle_splits,
)
from conversations.redaction import unmarked
from conversations.reporting import (
    LABEL_LIMIT,
    POLL_OPTION_LIMIT,
    ChartSpec,
    StageChart,
    StageRow,
    clean,
    principle_name,
    stage_counts,
    stage_words,
    trim,
)
from conversations.shown import (
    OTHER,
    FreeText,
    LabelCheck,
    consented_quotes,
    enough_in,
    enough_people,
    label_check,
    people_in,
    quote,
    redacted,
    self_description_mix,
    too_few,
)

THEMES_SHOWN = 5
THEMES_FROM = 20  # people: below this, a summary goes question by question (measured)
MMR_ALIKE = 0.7  # a second typical answer must differ from the first: likeness counts against
IDEAS_SHOWN = 10  # a Telegram poll takes up to 10 options on every client


class ThemeLike(Protocol):
    """What a summary reads from one theme (``conversations.themes.Theme`` fits)."""

    @property
    def label(self) -> str: ...
    @property
    def examples(self) -> Sequence[int]: ...
    @property
    def origin(self) -> str: ...
    @property
    def language(self) -> str: ...


class ThemesLike(Protocol):
    """What a summary reads from found themes (``conversations.themes.Themes`` fits)."""

    @property
    def themes(self) -> Sequence[ThemeLike]: ...
    @property
    def assignments(self) -> Sequence[int | None]: ...


class ThemeFinder(Protocol):
    """How a report reads answers (``conversations.reading.Reader`` fits): into themes, given
    who wrote each (opaque ids), and into vectors, to find the answers most like the rest."""

    def __call__(
        self, texts: Sequence[str], people: Sequence[str], *, min_group: int
    ) -> ThemesLike: ...

    def meanings(self, texts: Sequence[str]) -> np.ndarray: ...


def default_finder() -> ThemeFinder:
    """Return a reader by words alone, loaded (with scikit-learn) only when needed."""
    from conversations.reading import Reader

    return Reader()


# ------------------------------------------------------------------ inputs


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
    questions: Mapping[str, str] = field(default_factory=dict)  # prompt id -> its words
    live: bool = False  # run live: ``finished`` counts who answered every question asked


def taking_part(results: BrewResults, *, messages: Messages) -> str:
    """Say how many took part, how many finished here, and how many answered elsewhere."""
    say = messages
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
    quotes: tuple[str, ...]
    split: Split = NO_SPLIT  # its people by perspective, where safe
    origin: str = NEW  # CODEBOOK: the council's own theme; NEW: found in the answers
    language: str = ""  # the language of its answers, when the reader told it


@dataclass(frozen=True)
class ThemeGroups:
    """The themes safe to show, and how many answers went into "other things".

    ``coded``: a codebook was read, so themes found beyond it are marked as new."""

    shown: tuple[ThemeView, ...]
    other: int
    coded: bool = False


@dataclass(frozen=True)
class QuestionView:
    """One question of a small brew: how many answered, and its most typical answers.

    ``quotes`` is empty, and ``shared`` False, when fewer than the minimum group answered."""

    question: str
    answers: int
    people: int
    quotes: tuple[str, ...]
    shared: bool


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


# ------------------------------------------------------------------ stages


def stage_sentence(principle: Principle, counts: Mapping[Stage, int], *, messages: Messages) -> str:
    """Say in one plain sentence what most people chose for a principle."""
    say = messages
    name = principle_name(principle, messages=say)
    total = sum(counts.values())
    ranked = sorted(((n, stage) for stage, n in counts.items() if n > 0), key=lambda t: -t[0])
    if not ranked:
        return say.text("summary_stage_none", principle=name)
    top_n, top = ranked[0]
    tied = [stage for n, stage in ranked if n == top_n]
    if len(tied) == 2:
        first, second = (stage_words(stage, messages=say) for stage in sorted(tied))
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
    return say.text(key, stage=stage_words(top, messages=say), principle=name)


def principle_views(
    stages: Mapping[Principle, Mapping[Stage, int]], *, min_group: int, messages: Messages
) -> tuple[PrincipleView, ...]:
    """Describe each principle anyone answered, in the usual order."""
    views = []
    for principle in Principle:
        counts = stages.get(principle, {})
        full = tuple((stage, max(0, counts.get(stage, 0))) for stage in Stage)
        total = sum(n for _, n in full)
        if total == 0:
            continue
        shared = enough_people(total, min_group=min_group)
        sentence = (
            stage_sentence(principle, dict(full), messages=messages)
            if shared
            else messages.text(
                "summary_stage_too_few", principle=principle_name(principle, messages=messages)
            )
        )
        views.append(PrincipleView(principle, full if shared else (), sentence, shared))
    return tuple(views)


# ------------------------------------------------------------------ themes


def _quote_order(theme: ThemeLike, members: Sequence[int]) -> list[int]:
    """Order a theme's answers for quoting: its own examples (the most typical) first."""
    return [*theme.examples, *(i for i in members if i not in theme.examples)]


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

    ``answers`` are already redacted: the finder reads them with each marker as a break, so
    no phrase runs across a name that was taken out. An answer saying only that there is
    nothing to say ("No", "Not sure") is in no theme (:mod:`conversations.nothing_to_add`).
    """
    meant = [i for i, a in enumerate(answers) if not says_nothing(a.text)]
    if not enough_in([answers[i] for i in meant], min_group=min_group):
        return None
    texts = [clean(unmarked(answers[i].text, gap=" ; ")) for i in meant]
    people = [answers[i].person for i in meant]
    found = (find or default_finder())(texts, people, min_group=min_group)
    return found if len(meant) == len(answers) else _Among(found, meant, len(answers))


@dataclass(frozen=True)
class _Theme:
    label: str
    examples: Sequence[int]
    origin: str
    language: str


class _Among:
    """Themes found among some of a report's answers, told by the indices of them all."""

    def __init__(self, found: ThemesLike, meant: Sequence[int], count: int) -> None:
        self.themes = [
            _Theme(t.label, [meant[e] for e in t.examples], t.origin, t.language)
            for t in found.themes
        ]
        assignments: list[int | None] = [None] * count
        for local, theme in enumerate(found.assignments):
            assignments[meant[local]] = theme
        self.assignments = assignments


def _theme_label(theme: ThemeLike, limit: int, seen: LabelCheck, say: Messages) -> str:
    """Name a theme, capitalised: a codebook's own name, or a new theme's label when every
    word of it people typed was typed by at least the minimum group (else a neutral name)."""
    label = clean(theme.label)
    if theme.origin != CODEBOOK and not seen(label):
        label = ""
    return _cap(trim(label, limit)) or say.text("summary_theme_unnamed")


def _shown_labels(
    themes: ThemesLike,
    answers: Sequence[FreeText],
    members: Sequence[Sequence[int]],
    *,
    min_group: int,
    say: Messages,
) -> list[str | None]:
    """Name each theme that may be shown (None: from fewer than ``min_group`` people), the
    same way for a summary and an export; themes no phrase could name are numbered apart."""
    seen = label_check(answers, min_group=min_group)
    labels: list[str | None] = []
    for theme, inside in zip(themes.themes, members, strict=True):
        big = enough_in(answers, inside, min_group=min_group)
        labels.append(_theme_label(theme, LABEL_LIMIT, seen, say) if big else None)
    unnamed = say.text("summary_theme_unnamed")
    if sum(label == unnamed for label in labels) > 1:
        numbers = iter(range(1, len(labels) + 1))
        labels = [
            say.text("summary_theme_unnamed_numbered", number=next(numbers))
            if label == unnamed
            else label
            for label in labels
        ]
    return labels


def group_themes(
    answers: Sequence[FreeText],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    limit: int = THEMES_SHOWN,
    quotes: int = 2,
    messages: Messages,
) -> ThemeGroups:
    """Group answers into themes, keeping only themes from at least ``min_group`` people."""
    say = messages
    answers = redacted(answers, messages=say)
    themes = _run_finder(answers, find, min_group=min_group)
    if themes is None:
        return ThemeGroups((), len(answers))
    grouped = _members(themes, len(answers))
    labels = _shown_labels(themes, answers, grouped, min_group=min_group, say=say)
    views = []
    for theme, members, label in zip(themes.themes, grouped, labels, strict=True):
        if label is None:
            continue
        people = people_in(answers, members)
        order = _quote_order(theme, members)
        quoted = consented_quotes(answers, order, limit=quotes)
        authors = ((answers[i].person, answers[i].self_description) for i in members)
        split = people_split(authors, min_group=min_group)
        views.append(
            ThemeView(label, len(members), people, quoted, split, theme.origin, theme.language)
        )
    views.sort(key=lambda v: (v.origin != CODEBOOK, -v.answers))
    shown = _each_language(views, limit, first=say.language)
    coded = any(t.origin == CODEBOOK for t in themes.themes)
    return ThemeGroups(shown, len(answers) - sum(v.answers for v in shown), coded)


def _each_language(views: Sequence[ThemeView], limit: int, *, first: str) -> tuple[ThemeView, ...]:
    """Keep up to ``limit`` themes of each language, in order, the report's language first."""
    languages = sorted({v.language for v in views}, key=lambda x: (x != first, x))
    return tuple(v for x in languages for v in [w for w in views if w.language == x][:limit])


def question_views(
    answers: Sequence[FreeText],
    questions: Mapping[str, str],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    quotes: int = 2,
    messages: Messages,
) -> tuple[QuestionView, ...]:
    """Give each question its own short part, in the pack's order: a small brew's summary.

    A question answered by at least ``min_group`` people shows its answers most like the
    rest (the most central, and different from each other), quoted only with consent."""
    answers = redacted(answers, messages=messages)
    asked = list(dict.fromkeys([*questions, *(a.prompt_id for a in answers)]))
    views = []
    for prompt_id in asked:
        members = [i for i, a in enumerate(answers) if a.prompt_id == prompt_id]
        if not members:
            continue
        people = people_in(answers, members)
        shared = enough_people(people, min_group=min_group)
        picked = _typical(answers, members, find, quotes) if shared else ()
        words = the_question(questions.get(prompt_id, prompt_id))
        views.append(QuestionView(words, len(members), people, picked, shared))
    return tuple(views)


def the_question(words: str) -> str:
    """Keep a prompt's question, up to its first question mark, and leave out what it says
    after that to the person answering ("It can be a good one or a hard one."): a heading in
    the summary is read on a phone."""
    asked, mark, _aside = words.partition("?")
    return f"{asked}{mark}".strip() if mark else words


def _typical(
    answers: Sequence[FreeText], members: Sequence[int], find: ThemeFinder | None, limit: int
) -> tuple[str, ...]:
    """Pick up to ``limit`` quotable answers that say most of what the others say, and differ.

    Closeness is to the centre of all the question's answers that say something (maximal
    marginal relevance: each next pick is central but unlike those already picked)."""
    members = [i for i in members if not says_nothing(answers[i].text)]
    if not members:
        return ()
    vectors = (find or default_finder()).meanings(
        [clean(unmarked(answers[i].text)) for i in members]
    )
    centre = vectors.mean(axis=0)
    central = vectors @ centre / max(float(np.linalg.norm(centre)), 1e-9)
    open_to_quote = [k for k, i in enumerate(members) if answers[i].quote_consent]
    picked: list[int] = []
    texts: list[str] = []
    while open_to_quote and len(picked) < limit:

        def worth(k: int) -> float:
            alike = max((float(vectors[k] @ vectors[p]) for p in picked), default=0.0)
            return float(central[k]) - MMR_ALIKE * alike

        best = max(open_to_quote, key=worth)
        open_to_quote.remove(best)
        text = quote(answers[members[best]].text)
        if text and text not in texts:
            picked.append(best)
            texts.append(text)
    return tuple(texts)


def report_themes(
    answers: Sequence[FreeText],
    idea_prompts: frozenset[str],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    messages: Messages,
) -> tuple[AnswerTheme, ...]:
    """Name each answer's theme exactly as the brew's summary groups them (for exports):
    what people said, and their ideas for change, each read on its own."""
    found: list[AnswerTheme] = [AnswerTheme("", "")] * len(answers)
    for wanted in (False, True):
        part = [i for i, a in enumerate(answers) if (a.prompt_id in idea_prompts) == wanted]
        named = answer_themes(
            [answers[i] for i in part], find=find, min_group=min_group, messages=messages
        )
        for i, theme in zip(part, named, strict=True):
            found[i] = theme
    return tuple(found)


@dataclass(frozen=True)
class AnswerTheme:
    """One answer's theme as a report shows it: its label, and where the theme came from
    (``codebook``, ``new``, or ``other`` for an answer in no theme shown; "" if empty)."""

    label: str
    origin: str


def answer_themes(
    answers: Sequence[FreeText],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    messages: Messages,
) -> tuple[AnswerTheme, ...]:
    """Name each answer's theme, as the summary would show it (for exports).

    A theme from fewer than ``min_group`` people, or an answer in no theme, is "other";
    an empty answer gets "". With too few people overall, every answer is "other".
    """
    say = messages
    kept = [i for i, a in enumerate(answers) if clean(a.text)]
    labels = [
        AnswerTheme("", "") if not clean(a.text) else AnswerTheme(OTHER, OTHER) for a in answers
    ]
    said = redacted((answers[i] for i in kept), messages=say)
    themes = _run_finder(said, find, min_group=min_group)
    if themes is None:
        return tuple(labels)
    grouped = _members(themes, len(kept))
    names = _shown_labels(themes, said, grouped, min_group=min_group, say=say)
    for theme, members, name in zip(themes.themes, grouped, names, strict=True):
        if name is not None:
            for i in members:
                labels[kept[i]] = AnswerTheme(name, theme.origin)
    return tuple(labels)


def group_ideas(
    answers: Sequence[FreeText],
    *,
    find: ThemeFinder | None = None,
    min_group: int,
    limit: int = IDEAS_SHOWN,
    messages: Messages,
) -> tuple[tuple[Idea, ...], int]:
    """Rank ideas for change, most mentioned first; return them and how many stay private."""
    say = messages
    answers = redacted(answers, messages=say)
    themes = _run_finder(answers, find, min_group=min_group)
    ideas: list[Idea] = []
    used: set[int] = set()
    if themes is not None:
        shareable = label_check(answers, min_group=min_group)
        for theme, members in zip(themes.themes, _members(themes, len(answers)), strict=True):
            if not enough_in(answers, members, min_group=min_group):
                continue
            order = _quote_order(theme, members)
            quoted = consented_quotes(answers, order, limit=2)
            label = _typical_short_answer(answers, theme.examples) or _theme_label(
                theme, POLL_OPTION_LIMIT, shareable, say
            )
            ideas.append(Idea(label, len(members), quoted))
            used.update(members)
    own: dict[str, Idea] = {}
    private = 0
    for i, answer in enumerate(answers):
        if i in used or says_nothing(answer.text):
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


def stage_chart(views: Sequence[PrincipleView], *, messages: Messages) -> tuple[ChartSpec, ...]:
    """Make the stage chart for the principles that are safe to show, if any."""
    shown = [v for v in views if v.shared]
    if not shown:
        return ()
    rows = tuple(
        StageRow(_cap(principle_name(v.principle, messages=messages)), v.counts) for v in shown
    )
    alt = " ".join(v.sentence for v in shown)
    return (StageChart(messages.text("summary_where_we_are"), rows, alt),)


def _cap(text: str) -> str:
    """Start a phrase with a capital letter."""
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ the report, once


def _headline(results: BrewResults, mix: Sequence[tuple[str, int]], say: Messages) -> Topic:
    """Say what the brew was and how many took part (and who, when safe)."""
    theme = Span(trim(clean(results.theme), LABEL_LIMIT), theirs=True)
    title = Span(trim(clean(results.pack_title), LABEL_LIMIT), italic=True)
    took_part = taking_part(results, messages=say)
    # the pack's title under the heading, unless the heading already says it ("Over a brew")
    named = clean(results.pack_title).casefold() in say.text("summary_title", theme="").casefold()
    head: Chunk = (
        Heading(fill(say, "summary_title", theme=theme), level=1),
        *(() if named else (Para(((title,),)),)),
        Para(((Span(took_part), Span(" "), say_span(say, "summary_thanks")),)),
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
            Heading((Span(_cap(principle_name(view.principle, messages=say))),), level=3),
            Para(((Span(view.sentence),),)),
        ]
        counts = stage_counts(view.counts, messages=say) if view.shared else ""
        blocks += [Para(((Span(counts),),))] if counts else []
        split = splits.get(view.principle, NO_SPLIT) if view.shared else NO_SPLIT
        blocks += [Perspectives(split, say)] if split else []
        chunks.append(tuple(blocks))
    return Topic(tuple(chunks))


def theme_topic(groups: ThemeGroups, heading: str, *, messages: Messages) -> Topic:
    """Show the themes found in people's own words, quotes only with consent.

    A theme's people are also shown by perspective where safe. ``heading`` is already in
    words; ``messages`` gives the rest.
    """
    say = messages
    title = Heading((Span(heading),))
    chunks: list[Chunk] = []
    both = len({view.language for view in groups.shown}) > 1
    for i, view in enumerate(groups.shown):
        blocks: list[Block] = [title] if i == 0 else []
        named = f"summary_language_{view.language}"
        if both and named in say and (i == 0 or groups.shown[i - 1].language != view.language):
            blocks.append(Para(((say_span(say, named, italic=True),),)))
        answers = say.count("count_answers", view.answers)
        people = say.count("count_people", view.people)
        key = "summary_theme_new" if groups.coded and view.origin != CODEBOOK else "summary_theme"
        label = Span(view.label, theirs=True)
        blocks.append(Heading(fill(say, key, theme=label, answers=answers, people=people), level=3))
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


def question_topic(
    views: Sequence[QuestionView], heading: str, *, min_group: int, messages: Messages
) -> Topic:
    """Show a small brew's answers question by question: counts, and typical quotes."""
    say = messages
    title = Heading((Span(heading),))
    chunks: list[Chunk] = []
    for i, view in enumerate(views):
        blocks: list[Block] = [title] if i == 0 else []
        blocks.append(Heading((Span(view.question, theirs=True),), level=3))
        if view.shared:
            count = say.text(
                "summary_question_count",
                answers=say.count("count_answers", view.answers),
                people=say.count("count_people", view.people),
            )
            blocks.append(Para(((Span(count),),)))
            blocks += [Quote(q) for q in view.quotes]
        else:
            private = say.text("summary_question_private", min_group=min_group)
            blocks.append(Para(((Span(private),),)))
        chunks.append(tuple(blocks))
    return Topic(tuple(chunks))


def _ideas(ideas: Sequence[Idea], private: int, nothing: int, say: Messages) -> Topic:
    """List ideas for change, most mentioned first, with a nudge to pick a few; and say how
    many people had nothing to add (``nothing``: 0 unless they are enough to be shown)."""
    if not ideas and not private and not nothing:
        return Topic(())
    title = Heading((say_span(say, "summary_ideas_heading"),))
    # "Most mentioned first" and "· 1 mention" each time say nothing when every idea is one
    # person's: then the list says once that each was mentioned once (no order for one idea)
    once = all(idea.count == 1 for idea in ideas)
    order = say_span(say, "summary_ideas_once" if once else "summary_ideas_order")
    head: list[Block] = [title, Para(((order,),))] if len(ideas) > 1 else [title]
    chunks: list[Chunk] = []
    for i, idea in enumerate(ideas, start=1):
        blocks = list(head) if i == 1 else []
        mentions = say.count("count_mentions", idea.count)
        label = Span(idea.label, theirs=True, bold=True)
        said = (label,) if once else fill(say, "summary_idea", idea=label, mentions=mentions)
        blocks.append(Numbered(i, said))
        other = [e for e in idea.examples if e != idea.label]
        blocks += [Quote(other[0])] if other else []
        chunks.append(tuple(blocks))
    if private:
        privately = Para(((Span(say.count("summary_ideas_private", private)),),))
        chunks.append(((title,) if not chunks else ()) + (privately,))
    if nothing:
        people = say.count("count_people", nothing)
        nothing_to_add = Para(((Span(say.text("summary_ideas_nothing", people=people)),),))
        chunks.append(((title,) if not chunks else ()) + (nothing_to_add,))
    if ideas:
        chunks.append((Para(((say_span(say, "summary_ideas_poll"),),)),))
    return Topic(tuple(chunks))


def _too_few(results: BrewResults, min_group: int, say: Messages) -> Topic:
    """Say only that too few took part to share anything yet."""
    theme = Span(trim(clean(results.theme), LABEL_LIMIT), theirs=True)
    body = too_few(results.took_part, min_group=min_group, messages=say)
    return Topic(
        (
            (
                Heading(fill(say, "summary_too_few_title", theme=theme), level=1),
                Para(((Span(body),),)),
            ),
        )
    )


# ------------------------------------------------------------------ build


def _said(
    said: Sequence[FreeText],
    questions: Mapping[str, str],
    find: ThemeFinder | None,
    min_group: int,
    say: Messages,
    themes_from: int,
) -> Topic:
    """Show what people said: by theme in a big enough brew, else question by question."""
    heading = say.text("summary_said_heading")
    if len({a.person for a in said}) >= themes_from:
        groups = group_themes(said, find=find, min_group=min_group, messages=say)
        return theme_topic(groups, heading, messages=say)
    views = question_views(said, questions, find=find, min_group=min_group, messages=say)
    return question_topic(views, heading, min_group=min_group, messages=say)


def build_summary(
    results: BrewResults,
    *,
    min_group: int,
    find: ThemeFinder | None = None,
    messages: Messages,
    themes_from: int = THEMES_FROM,
) -> Summary:
    """Build the summary of one brew, sharing only what keeps everyone safe.

    ``messages`` gives its words: the facilitators' group's language.
    What people said is shown by theme once ``themes_from`` people wrote something, and
    question by question below that: ``THEMES_FROM`` was chosen by measurement
    (docs/benchmarks.md, "Small brews"), since below it themes found without a codebook
    matched the ones people meant too seldom to be worth showing.
    """
    words = messages
    if not enough_people(results.took_part, min_group=min_group):
        kind = (_too_few(results, min_group, words),)
        return Summary(to_html(kind), (), (), to_markdown(kind), shared=False)
    mix = self_description_mix(results.self_description, min_group=min_group)
    views = principle_views(results.stages, min_group=min_group, messages=words)
    said = [a for a in results.answers if a.prompt_id not in results.idea_prompts]
    wished = [a for a in results.answers if a.prompt_id in results.idea_prompts]
    ideas, private = group_ideas(wished, find=find, min_group=min_group, messages=words)
    nothing = people_in([a for a in wished if says_nothing(a.text)])
    nothing = nothing if enough_people(nothing, min_group=min_group) else 0
    splits = principle_splits(results.described_stages, min_group=min_group)
    topics = (
        _headline(results, mix, words),
        _principles(views, splits, words),
        _said(said, results.questions, find, min_group, words, themes_from),
        _ideas(ideas, private, nothing, words),
    )
    return Summary(
        sections=to_html(topics),
        charts=stage_chart(views, messages=words),
        ideas=ideas,
        markdown=to_markdown(topics),
    )
