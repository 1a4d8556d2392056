"""Tell a Welsh answer from an English one, by the small words each language cannot do without.

Themes need to know: the bundled meaning model reads English only, so a Welsh answer is
grouped by its words alone, and a brew with answers in both languages is themed one language
at a time, side by side (docs/benchmarks.md, "Themes in Welsh"). A person's chosen language
is not enough: people who chose Welsh may type English, and answers brought in from paper
have no chooser. Function words are: "mae", "yn", "ddim" against "the", "and", "is".
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH", "WELSH", "language_of"]

WELSH = "cy"
ENGLISH = "en"

# Words common in one language and (nearly) never written in the other.
_WELSH_WORDS = frozenset(
    [
        "mae",
        "yn",
        "yr",
        "ac",
        "ni",
        "chi",
        "fy",
        "ei",
        "eu",
        "ein",
        "eich",
        "nhw",
        "fi",
        "dydw",
        "rydw",
        "roedd",
        "oedd",
        "wedi",
        "ddim",
        "dim",
        "gyda",
        "heb",
        "neb",
        "beth",
        "sy",
        "sydd",
        "does",
        "ond",
        "hefyd",
        "iawn",
        "gan",
        "drwy",
        "pan",
        "fel",
        "bod",
        "cael",
        "gwneud",
        "y'n",
        "mewn",
        "gallu",
        "eisiau",
        "hoffi",
        "gormod",
        "llai",
        "mwy",
        "pobl",
        "amser",
        "diolch",
        "ydy",
        "ydw",
        "rydyn",
        "dydyn",
        "maen",
        "fydd",
        "bydd",
        "byddai",
        "dweud",
        "gweld",
        "gofal",
        "helpu",
        "wrth",
        "ar",
        "y",
        "o",
        "yw",
        "nid",
        "cyn",
        "eto",
        "rhaid",
        "pob",
        "sut",
        "pwy",
        "ble",
        "erbyn",
        "yma",
        "yno",
        "nawr",
        "tua",
        "hwn",
        "hyn",
        "hynny",
        "dros",
        "rhywun",
        "rhywbeth",
        "popeth",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "to",
        "of",
        "is",
        "it",
        "you",
        "we",
        "my",
        "in",
        "for",
        "that",
        "was",
        "with",
        "not",
        "they",
        "be",
        "are",
        "have",
        "this",
        "but",
        "from",
        "our",
        "their",
        "your",
        "would",
        "should",
        "could",
        "there",
        "what",
        "when",
        "who",
        "can",
        "will",
        "been",
        "at",
        "me",
        "us",
        "about",
        "him",
        "than",
        "any",
        "as",
        "all",
        "some",
        "so",
        "very",
        "really",
        "had",
        "has",
        "were",
        "them",
        "more",
        "everything",
        "nothing",
        "good",
        "well",
    ]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_WELSH_MARKS = re.compile(r"[ŵŷâêîôû]", re.IGNORECASE)  # only Welsh writes these
_WELSH_LETTERS = re.compile(r"dd|ll|wy|ch\b", re.IGNORECASE)  # English has them too: all, much


def language_of(text: str) -> str | None:
    """Return "cy" or "en" for a text, or None when it says too little to tell.

    Letter pairs Welsh uses often (dd, ll) only add to a Welsh word or a circumflex: alone,
    they are as likely English ("Everything well.", "Full stop.")."""
    words = [w.lower() for w in _WORD.findall(text.replace("’", "'").replace("'", " "))]
    welsh: float = sum(w in _WELSH_WORDS for w in words) + len(_WELSH_MARKS.findall(text))
    if welsh:
        welsh += 0.5 * len(_WELSH_LETTERS.findall(text))
    english = sum(w in _ENGLISH_WORDS for w in words)
    if welsh == english:
        return None
    return WELSH if welsh > english else ENGLISH
