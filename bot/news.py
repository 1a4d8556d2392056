"""The words of a "we said, we did": as a facilitator typed them, for people and the digest.

A facilitator may write just what was done, or what people said, a ``|``, and what was done.
"""

from __future__ import annotations

from bot.services import Services
from conversations.digest import Update
from conversations.reporting import LABEL_LIMIT, clean, trim

WORDS_LIMIT = 1000  # fits a phone screen or two, and Telegram's 4,096 with room to spare


def said_and_did(text: str) -> tuple[str, str]:
    """Split 'what people said | what was done'; ('', text) when there is no '|'."""
    said, bar, did = text.partition("|")
    if not bar or not said.strip() or not did.strip():
        return "", text.strip()
    return said.strip(), did.strip()


def digest_update(theme: str, text: str) -> Update:
    """Make the digest's "we said, we did" from a brew's theme and the facilitator's words."""
    said, did = said_and_did(text)
    return Update(said=said or trim(clean(theme), LABEL_LIMIT), did=did)


def news_message(services: Services, *, theme: str, text: str, easy: bool) -> str:
    """Word the message a participant gets: whose news it is, the words, and a way out."""
    said, did = said_and_did(text)
    words = services.text("wesaid_said_did", said=said, did=did) if said else did
    return services.text(
        "wesaid_news", easy=easy, theme=trim(clean(theme), LABEL_LIMIT), words=words
    )
