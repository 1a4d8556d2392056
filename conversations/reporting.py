"""Shared pieces of summaries and digests: safe text, plain words and chart specs.

Everything a participant typed passes through :func:`clean` and then :func:`esc` (for
Telegram HTML) or :func:`md` (for the Markdown export) before it is shown.

Plain words come from the ``messages`` each function is given (the report's language): the
core reads no message file itself.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.messages import Messages
from conversations.model import Principle, Rag, Stage

SECTION_SOFT = 1000  # aim: one phone screen per message
TELEGRAM_LIMIT = 4096  # Bot API limit for one message, counted in UTF-16 code units
POLL_OPTION_LIMIT = 100  # Bot API limit for one poll option
QUOTE_LIMIT = 200
WORD_LIMIT = 30  # one "word" from the theme finder, shown as a hint
LABEL_LIMIT = 100


class SectionTooLong(ValueError):
    """A block of a summary is longer than Telegram allows in one message."""


# ------------------------------------------------------------------ chart specs


@dataclass(frozen=True)
class StageRow:
    """One bar of a stage chart: how many chose each stage for one principle."""

    label: str
    counts: tuple[tuple[Stage, int], ...]  # every Stage once, in order

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass(frozen=True)
class StageChart:
    """Bars per principle, split by stage. ``alt`` says the same in words."""

    title: str
    rows: tuple[StageRow, ...]
    alt: str


@dataclass(frozen=True)
class TrendLine:
    """One principle over the weeks: the average stage (1 to 4), None when too few answered."""

    label: str
    points: tuple[float | None, ...]  # one per week of the chart


@dataclass(frozen=True)
class TrendChart:
    """Lines per principle over weeks. ``alt`` says the same in words."""

    title: str
    weeks: tuple[str, ...]  # 'YYYY-Www'
    lines: tuple[TrendLine, ...]
    alt: str
    note: str = ""  # a footnote, e.g. what a gap in a line means


ChartSpec = StageChart | TrendChart


# ------------------------------------------------------------------ plain words


def principle_name(principle: Principle, *, messages: Messages) -> str:
    """Name a principle in plain words, as inside a sentence (``principle_name_`` keys)."""
    return messages.text(f"principle_name_{principle.value}")


def colour_words(rag: Rag, *, messages: Messages) -> str:
    """Name a colour in words, e.g. amber."""
    return messages.text(f"colour_{rag.value}")


def stage_name(stage: Stage, *, messages: Messages) -> str:
    """Name a stage in plain words, e.g. getting there (``stage_name_`` keys)."""
    return messages.text(f"stage_name_{stage.key}")


def stage_words(stage: Stage, *, messages: Messages) -> str:
    """Name a stage with its colour as a word, e.g. ‘getting there’ (amber)."""
    return messages.text(
        "report_stage",
        stage=stage_name(stage, messages=messages),
        colour=colour_words(stage.rag, messages=messages),
    )


def stage_label(stage: Stage, *, messages: Messages) -> str:
    """Label a stage with its colour as a word, e.g. getting there (amber)."""
    return messages.text(
        "report_stage_label",
        stage=stage_name(stage, messages=messages),
        colour=colour_words(stage.rag, messages=messages),
    )


def stage_counts(counts: Sequence[tuple[Stage, int]], *, messages: Messages) -> str:
    """List the stages chosen with their colour words, e.g. getting there (amber): 6."""
    return " · ".join(
        messages.text("report_stage_count", stage=stage_label(s, messages=messages), count=n)
        for s, n in counts
        if n
    )


def nearest_stage(mean: float) -> Stage:
    """Round an average stage to the stage it is closest to."""
    return Stage(min(4, max(1, int(mean + 0.5))))


# ------------------------------------------------------------------ safe text

# Characters that change how the rest of a message is laid out or hide text:
# bidi embeddings, overrides and isolates, zero-width space, word joiner, BOM.
_DROP = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"),
    None,
)
_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
_FSI, _PDI = "\u2068", "\u2069"  # first-strong isolate: keeps a right-to-left quote in its box


def clean(text: str) -> str:
    """Drop control and layout-changing characters and fold all whitespace to single spaces."""
    kept = (
        ch
        for ch in text.translate(_DROP)
        if unicodedata.category(ch) not in {"Cc", "Cs", "Co"} or ch in "\n\t"
    )
    return _SPACES.sub(" ", "".join(kept)).strip()


def trim(text: str, limit: int) -> str:
    """Shorten cleaned text to at most ``limit`` characters, on a word boundary, with '…'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.-\u200c\u200d")
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut + "…"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Make a short plain-text quote from someone's answer."""
    return trim(clean(text), limit)


def esc(text: str) -> str:
    """Escape plain text for Telegram HTML (only &amp; &lt; &gt; are produced)."""
    return html.escape(text, quote=False)


def esc_iso(text: str) -> str:
    """Escape someone's words for Telegram HTML, isolated so right-to-left text stays put."""
    return f"{_FSI}{esc(text)}{_PDI}"


def esc_quote(text: str) -> str:
    """Escape a quote for Telegram HTML, in quote marks and isolated."""
    return f"“{esc_iso(text)}”"


def md(text: str) -> str:
    """Escape plain text for Markdown so it shows as typed."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def tg_len(text: str) -> int:
    """Count length the way Telegram does: in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def pack(blocks: Sequence[str], soft: int = SECTION_SOFT, joiner: str = "\n\n") -> tuple[str, ...]:
    """Join blocks into messages of about ``soft`` characters, never splitting a block."""
    sections: list[str] = []
    current = ""
    for block in blocks:
        if tg_len(block) > TELEGRAM_LIMIT:
            raise SectionTooLong(f"a summary block is {tg_len(block)} long")
        joined = f"{current}{joiner}{block}" if current else block
        if current and tg_len(joined) > soft:
            sections.append(current)
            current = block
        else:
            current = joined
    if current:
        sections.append(current)
    return tuple(sections)
