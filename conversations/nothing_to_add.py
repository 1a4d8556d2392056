"""Answers that say there is nothing to say: "No", "Not sure", "Nothing really", "Dim byd".

People often type one of these to move on, and they are welcome to. A report counts them
with the rest, but never makes a theme or an idea for change of them, nor quotes them as
what a question's answers say: a co-producer would not write "No · 6 mentions".

An answer is taken to say nothing only when every word of it comes from a short list of
such words and at least one of them says no, none or not sure. So "No one listens",
"Nothing changes", "Not being rushed" and "Thank you" are answers like any other.
"""

from __future__ import annotations

import re

from conversations.text_words import listed, normalise

__all__ = ["says_nothing"]

# Words that carry the "no", "none" or "don't know" (English and Welsh).
_CORE = listed(
    """
no nope nah nothing none nil na n/a not unsure dunno idk pass dont cant
dim ddim nac naddo
    """
)
# Words that may stand beside them in such an answer ("not really", "nothing at the moment",
# "I'd rather not say", "no thanks"; "dim byd", "dwi ddim yn siwr", "dim syniad").
_AROUND = listed(
    """
sure really i im id ive do know cannot can think of anything at the moment
right now sorry thanks thank you comment comments rather say would to add else more
thats it that all just any other nothings this time for me a lot much tbh honestly
byd syniad yn siwr gwybod dwi dw fi diolch sori sylw arall unrhyw beth gen gennyf wir
    """
)
_WORD = re.compile(r"n/a|[a-z]+")
_LONGEST = 8  # words: anything longer says something


def says_nothing(text: str) -> bool:
    """Say whether an answer says only that there is nothing to say (or the person is not
    sure), in English or Welsh."""
    words = _WORD.findall(normalise(text).replace("'", ""))
    if not words or len(words) > _LONGEST:
        return False
    return all(w in _CORE or w in _AROUND for w in words) and any(w in _CORE for w in words)
