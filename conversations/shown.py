"""What a report may show of what people said: the privacy rules, each stated once.

Every report asks here (the brew summary, the weekly digest, the region's look, exports and
live counts), so none can show what another would hold back. The rules:

* **The minimum group** (``min_group``, from the settings). Nothing is shown that comes from
  fewer than ``min_group`` people (:func:`enough_people`). A brew with fewer says only,
  kindly, how many more are needed (:func:`too_few`), with no counts, themes or quotes, and
  counts nowhere else either (a digest names it, no more). Past that, a count stands only
  for at least ``min_group`` people too: a principle's stages, a week's point on a trend, a
  council's answers in the region, one question of a small brew. A count shown is then
  shown whole, small parts included ("1 said 'haven't got this yet'"): they describe one
  question asked of a group big enough that nobody can be picked out.
* **Who took part.** How people described themselves is shown only when every group shown
  has at least ``min_group`` people; small groups are merged into "other" only when that
  merged group reaches ``min_group`` itself, else the breakdown is left out without a word
  (:func:`self_description_mix`). Stages and themes split by perspective follow the same
  rule, with care for what a reader could subtract (:mod:`conversations.perspectives`).
* **Themes.** A theme is shown by itself only when it holds answers from at least
  ``min_group`` different people (:func:`enough_in`). Smaller themes, and answers in no
  theme, are folded into one "other" count, with no words and no quotes (:data:`OTHER`).
* **Consent to quote.** Someone's own words are shown only when they said yes to being
  quoted (:func:`consented_quotes`), cleaned and trimmed to about 200 characters on a word
  boundary (:func:`quote`). This holds for quotes, ideas shown in their own words and poll
  options alike.
* **Redaction.** Before anything people wrote is grouped, quoted or named in a theme, names,
  numbers and addresses are taken out (:func:`redacted`, :mod:`conversations.redaction`),
  each marked in the report's own language ("[name]", "[enw]").
* **Label words.** A theme found in the answers (a codebook's theme keeps the council's own
  name) is named with words people typed only when every such word was typed by at least
  ``min_group`` different people; words nobody typed (brewbot's own) may stand
  (:func:`label_check`). A theme with no such name gets a neutral one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from conversations.labels import LabelWords
from conversations.messages import Messages
from conversations.model import Principle
from conversations.redaction import markers_from, redact, unmarked
from conversations.reporting import clean, trim

__all__ = [
    "OTHER",
    "QUOTE_LIMIT",
    "FreeText",
    "LabelCheck",
    "consented_quotes",
    "enough_in",
    "enough_people",
    "label_check",
    "people_in",
    "quote",
    "redacted",
    "self_description_mix",
    "too_few",
]

OTHER = "other"  # where small groups go: self-descriptions and themes alike
QUOTE_LIMIT = 200


@dataclass(frozen=True)
class FreeText:
    """One answer in someone's own words, as every report reads it.

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
    answer_id: int = 0  # storage's id, so an export can name each answer's theme


# ------------------------------------------------------------------ the minimum group


def enough_people(people: int, *, min_group: int) -> bool:
    """Say whether a count of people is big enough for what it counts to be shown.

    For a brew, ``people`` counts everyone whose words count (``BrewCounts.people``):
    summaries, exports, the digest and live counts all ask this, so they cannot disagree.
    """
    return people >= min_group


def too_few(took_part: int, *, min_group: int, messages: Messages) -> str:
    """Say kindly, in plain text, that too few people have answered to share anything yet."""
    more = messages.count("count_more_people", max(1, min_group - took_part))
    return messages.text("summary_too_few", min_group=min_group, more=more)


def people_in(answers: Sequence[FreeText], members: Iterable[int] | None = None) -> int:
    """Count the different people who wrote some answers (``members``: their indices)."""
    chosen = answers if members is None else [answers[i] for i in members]
    return len({a.person for a in chosen})


def enough_in(
    answers: Sequence[FreeText], members: Iterable[int] | None = None, *, min_group: int
) -> bool:
    """Say whether some answers (a theme's, a question's: ``members``) come from enough
    different people to be shown by themselves."""
    return enough_people(people_in(answers, members), min_group=min_group)


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


# ------------------------------------------------------------------ consent to quote


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Make a short plain-text quote from someone's answer."""
    return trim(clean(text), limit)


def consented_quotes(
    answers: Sequence[FreeText], order: Iterable[int], *, limit: int, length: int = QUOTE_LIMIT
) -> tuple[str, ...]:
    """Pick up to ``limit`` different quotes, in ``order``, from answers with consent."""
    picked: list[str] = []
    for i in order:
        if len(picked) == limit:
            break
        if 0 <= i < len(answers) and answers[i].quote_consent:
            text = quote(answers[i].text, length)
            if text and text not in picked:
                picked.append(text)
    return tuple(picked)


# ------------------------------------------------------------------ redaction and labels


def redacted(answers: Iterable[FreeText], *, messages: Messages) -> list[FreeText]:
    """Return the answers with words, each with its names, numbers and addresses taken out
    and marked in the report's language."""
    markers = markers_from(messages)
    return [replace(a, text=redact(a.text, markers)) for a in answers if clean(a.text)]


LabelCheck = Callable[[str], bool]


def label_check(answers: Sequence[FreeText], *, min_group: int) -> LabelCheck:
    """Return the check a new theme's label must pass in a report of these (redacted) answers:
    every word anyone typed was typed by at least ``min_group`` different people."""
    counts = LabelWords.of([clean(unmarked(a.text)) for a in answers], [a.person for a in answers])
    return lambda label: counts.shareable(label, min_group=min_group, ours=True)
