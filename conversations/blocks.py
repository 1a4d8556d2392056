"""A report written once as plain blocks, then rendered to Telegram HTML and to Markdown.

Summaries and digests say each thing once, as :class:`Topic` s of blocks; :func:`to_html`
and :func:`to_markdown` lay the same words out for a chat and for a file. Words come in
:class:`Span` s: our own (from the message files) or ``theirs`` (what someone typed, already
cleaned), which HTML also isolates so right-to-left text stays in its place. Both renderers
escape every span, so no one's words can become markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conversations.messages import Messages
from conversations.perspectives import Split, html_split, markdown_split
from conversations.reporting import esc, esc_iso, md, pack

_MARK = "\x00"  # splits a filled template at its values; never in a message file


@dataclass(frozen=True)
class Span:
    """A run of words: ``theirs`` when someone typed them; bold or italic if asked."""

    text: str
    theirs: bool = False
    bold: bool = False
    italic: bool = False


Line = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 names the report, 2 a part of it, 3 one thing in a part."""

    line: Line
    level: int = 2


@dataclass(frozen=True)
class Para:
    """A paragraph of one or more lines."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one line per item."""

    items: tuple[Line, ...]


@dataclass(frozen=True)
class Numbered:
    """One item of a numbered list, with its number."""

    number: int
    line: Line


@dataclass(frozen=True)
class Quote:
    """Someone's own words, quoted with their consent (plain text, not yet escaped)."""

    text: str


@dataclass(frozen=True)
class Perspectives:
    """A group's people or stages by perspective (:mod:`conversations.perspectives`)."""

    split: Split
    messages: Messages


Block = Heading | Para | Bullets | Numbered | Quote | Perspectives
Chunk = tuple[Block, ...]  # blocks that stay together in one message


@dataclass(frozen=True)
class Topic:
    """A part of a report that starts a new message; ``joiner`` goes between its chunks."""

    chunks: tuple[Chunk, ...]
    joiner: str = "\n\n"


# ------------------------------------------------------------------ words into spans


def fill(messages: Messages, key: str, **values: object) -> Line:
    """Fill a message's placeholders, keeping each value its own span.

    A value given as a :class:`Span` keeps its kind (e.g. ``theirs``); anything else is our
    own words. Nothing is escaped here: the renderers do that.
    """
    marks = {name: f"{_MARK}{name}{_MARK}" for name in values}
    template = messages.entry(key).variants()[0]
    try:
        marked = template.format_map(marks)
    except KeyError as exc:
        raise KeyError(f"message {key!r} needs a value for {{{exc.args[0]}}}") from None
    spans: list[Span] = []
    for i, piece in enumerate(marked.split(_MARK)):
        if i % 2 == 0:
            spans += [Span(piece)] if piece else []
            continue
        value = values[piece]
        spans.append(value if isinstance(value, Span) else Span(str(value)))
    return tuple(spans)


def say_span(messages: Messages, key: str, *, bold: bool = False, italic: bool = False) -> Span:
    """Return one message (without placeholders) as a span."""
    return Span(messages.text(key), bold=bold, italic=italic)


def words(text: str) -> Line:
    """Wrap our own words (already in a message's wording) as a line."""
    return (Span(text),)


# ------------------------------------------------------------------ HTML


def _html_span(span: Span) -> str:
    text = esc_iso(span.text) if span.theirs else esc(span.text)
    text = f"<i>{text}</i>" if span.italic else text
    return f"<b>{text}</b>" if span.bold else text


def _html_line(line: Line) -> str:
    return "".join(_html_span(span) for span in line)


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        plain = tuple(Span(s.text, s.theirs, italic=s.italic) for s in block.line)
        return f"<b>{_html_line(plain)}</b>"
    if isinstance(block, Para):
        return "\n".join(_html_line(line) for line in block.lines)
    if isinstance(block, Bullets):
        return "\n".join(f"• {_html_line(item)}" for item in block.items)
    if isinstance(block, Numbered):
        return f"{block.number}. {_html_line(block.line)}"
    if isinstance(block, Quote):
        return f"“{esc_iso(block.text)}”"
    return html_split(block.split, block.messages)


def _html_chunk(chunk: Chunk) -> str:
    """Join a chunk's blocks a line apart; a part's heading, and a paragraph's next point,
    stand a blank line clear."""
    text = ""
    last: Block | None = None
    for block in chunk:
        rendered = _html_block(block)
        if not rendered:
            continue
        part = isinstance(block, Heading) and block.level == 2  # a new part, a line apart
        opens = isinstance(last, Heading) and last.level < 3  # a part over its first thing
        after_para = isinstance(last, Para) and isinstance(block, Para | Numbered)  # new point
        gap = "\n\n" if part or after_para or (opens and isinstance(block, Heading)) else "\n"
        text = f"{text}{gap}{rendered}" if text else rendered
        last = block
    return text


def to_html(topics: Sequence[Topic]) -> tuple[str, ...]:
    """Render a report as Telegram HTML messages, each topic starting a new one."""
    sections: list[str] = []
    for topic in topics:
        chunks = [_html_chunk(chunk) for chunk in topic.chunks]
        sections += pack([c for c in chunks if c], joiner=topic.joiner)
    return tuple(sections)


# ------------------------------------------------------------------ Markdown


def _md_span(span: Span) -> str:
    text = md(span.text)
    text = f"*{text}*" if span.italic and text else text
    return f"**{text}**" if span.bold and text else text


def _md_line(line: Line) -> str:
    return "".join(_md_span(span) for span in line)


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        plain = tuple(Span(s.text, s.theirs) for s in block.line)
        return [f"{'#' * block.level} {_md_line(plain)}"]
    if isinstance(block, Para):
        return [_md_line(line) for line in block.lines]
    if isinstance(block, Bullets):
        return [f"- {_md_line(item)}" for item in block.items]
    if isinstance(block, Numbered):
        return [f"{block.number}. {_md_line(block.line)}"]
    if isinstance(block, Quote):
        return [f"> “{md(block.text)}”"]
    return markdown_split(block.split, block.messages)[:-1]  # it ends with its own blank


def to_markdown(topics: Sequence[Topic]) -> str:
    """Render a report as one Markdown document: the same words, laid out for a file."""
    lines: list[str] = []
    last: Block | None = None
    for block in (block for topic in topics for chunk in topic.chunks for block in chunk):
        rendered = _md_block(block)
        if not rendered:
            continue
        if lines and not (isinstance(block, Bullets) and isinstance(last, Bullets)):
            lines.append("")  # a blank line between blocks; a list's items stay together
        lines += rendered
        last = block
    return "\n".join(lines).rstrip() + "\n"
