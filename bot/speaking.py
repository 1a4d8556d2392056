"""The language brewbot is speaking while it handles one update or one person in a job.

A person's language is kept with their settings (``participants.language``); a facilitators'
group's in its settings (``{"language": "cy"}``). While brewbot handles an update it speaks
that chat's language; a job speaks each person's or group's in turn (``speaking_in``). This is
how Django's ``translation.override`` works, and for the same reason: every text is found
through ``services.text`` and ``services.messages``, which follow it, so no handler passes a
language along by hand (and one that forgot would speak English to a Welsh speaker).

The language a new person starts in: the brew's own (``/newbrew lang=cy``), else the
deployment's (``BREWBOT_LANGUAGE``), else what their Telegram app is set to (its
``language_code``) if brewbot speaks it, else English. Their first message offers both
languages as buttons either way (the Welsh Language Standards' "active offer").
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from bot.runtime.scoped import scoped
from conversations.messages import ENGLISH, Catalogue

_SPEAKING: ContextVar[str] = ContextVar("brewbot_speaking", default=ENGLISH)
GROUP_LANGUAGE = "language"  # the key in a group's settings


def speaking() -> str:
    """Return the language brewbot is speaking now."""
    return _SPEAKING.get()


def speak(language: str) -> None:
    """Speak ``language`` for the rest of this update (or until told otherwise)."""
    _SPEAKING.set(language)


def speaking_in(language: str) -> contextlib.AbstractContextManager[None]:
    """Speak ``language`` inside the block (a job, to one person or group), then as before."""
    return scoped(_SPEAKING, language)


def hinted(catalogue: Catalogue, code: str | None) -> str | None:
    """Read Telegram's ``language_code`` ("cy", "en-GB") as a language brewbot speaks, or None."""
    if not code:
        return None
    language = code.replace("_", "-").split("-")[0].casefold()
    return language if catalogue.speaks(language) else None


def starting_language(
    catalogue: Catalogue,
    *,
    brew: str | None = None,
    deployment: str | None = None,
    hint: str | None = None,
) -> str:
    """Return the language a new person starts in (the module's note gives the order)."""
    for language in (brew, deployment, hinted(catalogue, hint)):
        if language is not None and catalogue.speaks(language):
            return language
    return ENGLISH


def group_language(settings: dict[str, object], deployment: str | None) -> str:
    """Return a facilitators' group's language: its own choice, else the deployment's."""
    chosen = settings.get(GROUP_LANGUAGE)
    return chosen if isinstance(chosen, str) else deployment or ENGLISH
