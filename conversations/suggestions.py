"""Themes people suggest for future brews: how alike ones are grouped, and which may be shown.

Pure: plain data in, plain data out. Who suggested what is never here, only how many people
(counted once each by the store) suggested each grouped text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_IDEA_CHARS = 200
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Fold case, accents' width forms, spacing and punctuation, so alike words group."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).replace("_", " ").split())


@dataclass(frozen=True)
class Suggested:
    """One grouped suggestion as the store counts it: its words and how many people gave it."""

    text: str
    people: int


@dataclass(frozen=True)
class IdeaList:
    """What facilitators may see: suggestions enough people made, and how many others there are."""

    shown: tuple[Suggested, ...]
    others: int


def visible(suggested: Iterable[Suggested], *, min_group: int) -> IdeaList:
    """Keep suggestions made by at least ``min_group`` people, most made first; count the rest."""
    shown: list[Suggested] = []
    others = 0
    for item in suggested:
        if item.people >= min_group:
            shown.append(item)
        else:
            others += 1
    shown.sort(key=lambda item: (-item.people, item.text.casefold()))
    return IdeaList(shown=tuple(shown), others=others)
