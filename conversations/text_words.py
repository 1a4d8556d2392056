"""Words as brewbot reads them in answers: lower case, stop words known, a light stem.

Shared by the theme finder (:mod:`conversations.themes`) and the labeller
(:mod:`conversations.labels`), so both count a word the same way.
"""

from __future__ import annotations

import unicodedata
from functools import cache

__all__ = ["listed", "normalise", "stem", "stop_words"]


def listed(text: str) -> frozenset[str]:
    """Return the set of words in a whitespace-separated list."""
    return frozenset(text.split())


# Words in the English stop list that carry meaning in answers about care.
_MEANINGFUL = listed(
    """
same alone together out never nobody nothing none noone enough back call first move
name interest find see part system bill fire cry empty full detail amount front side
home
    """
)
# Filler in answers to prompts such as "what would make it better?".
_FILLER = listed(
    """
really just think maybe bit lot lots things thing stuff got also would make makes
making made better improve improved improvement improvements anything something ok
okay yes yeah yep thanks thank please like want wants wanted need needs needed feel
feels felt feeling etc na n/a im ive id ill youre theyre thats dont doesnt didnt
cant wont isnt wasnt arent werent havent hasnt couldnt wouldnt shouldnt its lets
theres whats weve wed hes shes ur ya oh able way sure actually quite
    """
)


@cache
def stop_words() -> frozenset[str]:
    """English stop words and care filler, less the stop words that carry meaning in care.

    scikit-learn's list is read on first use, so reading a message need not load it."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset((ENGLISH_STOP_WORDS - _MEANINGFUL) | _FILLER)


def normalise(text: str) -> str:
    """Lowercase, unify apostrophes and drop accents."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def stem(word: str) -> str:
    """Return a light stem, so carers/carer and waiting/waited/wait meet."""
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: len(word) - len(suffix)] + keep
            if keep == "" and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            return stem
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word
