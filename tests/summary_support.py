"""Test helpers for summaries and digests: a keyword theme finder and a Telegram HTML check."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from conversations.reading import word_meanings
from standin.limits import check_text, parse_html

TELEGRAM_LIMIT = 4096
OUR_TAGS = {"b", "i"}  # the summaries use only these of Telegram's tags
_TAG = re.compile(r"<(/?)([a-z-]+)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot);")
_ENTITY_TEXT = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass(frozen=True)
class FakeTheme:
    label: str
    size: int
    words: tuple[str, ...]
    examples: tuple[int, ...]
    origin: str = "codebook"  # named by the test, as a council's codebook names its themes
    language: str = ""  # not told: the keyword finder reads every language alike


@dataclass(frozen=True)
class FakeThemes:
    themes: tuple[FakeTheme, ...]
    assignments: tuple[int | None, ...]


@dataclass(frozen=True)
class KeywordFinder:
    """Put each text in the first rule whose keyword starts a word in it: predictable themes."""

    rules: tuple[tuple[str, tuple[str, ...]], ...]  # (label, keywords)
    origin: str = "codebook"  # "new": its labels must pass the report's word rule

    def meanings(self, texts: Sequence[str]) -> np.ndarray:
        """Read texts by words, as brewbot does without its meaning model."""
        return word_meanings(texts)

    def __call__(
        self, texts: Sequence[str], people: Sequence[str] = (), *, min_group: int = 0
    ) -> FakeThemes:
        assignments: list[int | None] = []
        for text in texts:
            lowered = text.casefold()
            hit = next(
                (
                    i
                    for i, (_, words) in enumerate(self.rules)
                    if any(re.search(rf"\b{re.escape(w)}", lowered) for w in words)
                ),
                None,
            )
            assignments.append(hit)
        themes = []
        for i, (label, words) in enumerate(self.rules):
            members = [j for j, a in enumerate(assignments) if a == i]
            themes.append(
                FakeTheme(label, len(members), words, tuple(members[:2]), origin=self.origin)
            )
        return FakeThemes(tuple(themes), tuple(assignments))


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, as Telegram does."""
    return len(text.encode("utf-16-le")) // 2


def visible_text(markup: str) -> str:
    """Check markup is well-formed Telegram HTML using only our tags; return what shows.

    Raises AssertionError naming the first problem: an unknown or unbalanced tag, a bare
    '<', '>' or '&', an entity Telegram does not know, or a message over 4096.
    """
    assert utf16_len(markup) <= TELEGRAM_LIMIT, f"message is {utf16_len(markup)} long"
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    while pos < len(markup):
        ch = markup[pos]
        if ch == "<":
            tag = _TAG.match(markup, pos)
            assert tag, f"bad tag at {pos}: {markup[pos : pos + 30]!r}"
            closing, name = tag.groups()
            assert name in OUR_TAGS, f"tag {name!r} is not one we use"
            if closing:
                assert stack and stack[-1] == name, f"</{name}> closes nothing at {pos}"
                stack.pop()
            else:
                stack.append(name)
            pos = tag.end()
        elif ch == "&":
            entity = _ENTITY.match(markup, pos)
            assert entity, f"bare or unknown entity at {pos}: {markup[pos : pos + 12]!r}"
            out.append(_ENTITY_TEXT[entity[1]])
            pos = entity.end()
        else:
            assert ch != ">", f"bare '>' at {pos}"
            out.append(ch)
            pos += 1
    assert not stack, f"unclosed tags: {stack}"
    return "".join(out)


def without_isolates(text: str) -> str:
    """Check every bidi isolate is closed on its line, then drop them for easy matching."""
    for line in text.splitlines():
        depth = 0
        for ch in line:
            depth += {"\u2068": 1, "\u2069": -1}.get(ch, 0)
            assert depth >= 0, f"isolate closed before it opened: {line!r}"
        assert depth == 0, f"isolate left open: {line!r}"
    return text.replace("\u2068", "").replace("\u2069", "")


def shown(markup: str) -> str:
    """Check markup both here and with the stand-in's Telegram parser; return what shows."""
    plain = visible_text(markup)
    parsed, _ = parse_html(markup)  # raises ApiError where Telegram would refuse
    check_text(parsed)
    assert parsed == plain
    return without_isolates(plain)
