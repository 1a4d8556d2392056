"""Voice notes as answers: the rules that need no sound.

A voice note is turned into words on brewbot's own machine (bot/voice.py); the person then
sees what was heard and chooses to keep it, say it again or type instead. Kept words are an
answer exactly as if typed. This module says which notes are too long to listen to, and
tidies what the speech model heard into words to show back.
"""

from __future__ import annotations

import re
from enum import Enum

__all__ = ["MAX_BYTES", "MAX_SECONDS", "HeardChoice", "heard_words", "too_long"]

# Two minutes: a long answer said aloud, well within what one listen can hold in mind when it
# is read back. Longer notes get a kind word asking for a shorter one.
MAX_SECONDS = 120
# Telegram's voice notes are OGG/Opus at about 4 KB a second: two minutes is well under 1 MB.
# Anything far bigger is not a voice note we can listen to, whatever length it claims.
MAX_BYTES = 4 * 1024 * 1024
# Decoded sound may run a little past what the phone said (it rounds to whole seconds).
_GRACE_SECONDS = 5

# What a speech model writes for sounds that are not words: [BLANK_AUDIO], (music), *coughs*,
# ♪ ... ♪. Only whole bracketed runs go; words around them stay.
_NOT_WORDS = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)|\*[^*]{0,40}\*|[♪♫]+")
_SPACES = re.compile(r"\s+")


class HeardChoice(Enum):
    """What the person does with the words heard in their voice note."""

    KEEP = "keep"  # keep them as the answer, exactly as if typed
    AGAIN = "again"  # drop them; they will send another voice note
    TYPE = "type"  # drop them; they will type the answer instead


def too_long(seconds: float, size: int = 0, *, decoded: bool = False) -> bool:
    """Say whether a note is longer than brewbot listens to (its length, or its size in bytes).

    ``decoded`` is for the length measured from the sound itself, which may run a little past
    the whole seconds the phone declared.
    """
    limit = MAX_SECONDS + (_GRACE_SECONDS if decoded else 0)
    return seconds > limit or size > MAX_BYTES


def heard_words(text: str) -> str:
    """Tidy what the speech model heard into words to show back: no sound markers, single
    spaces, a capital first letter. An empty string means no words were heard."""
    words = _SPACES.sub(" ", _NOT_WORDS.sub(" ", text)).strip()
    if not any(ch.isalnum() for ch in words):
        return ""
    return words[0].upper() + words[1:]
