"""Keyed hashes made from the bot's secret (its token), like the signed buttons in callbacks.py.

- Who suggested an idea is kept as a keyed hash of their random id, so one person counts once
  and /forget finds theirs, while the file alone cannot link an idea to anyone.
- A receipt for time given is a signed code holding the minutes and the month, nothing else,
  which a time bank can check with ``brewbot receipt check CODE``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

_RECEIPT = re.compile(r"^BREW-(\d{1,5})-(\d{4})(\d{2})-([A-Z2-7]{10})$")
_TAG_CHARS = 10  # 50 bits of base32: plenty against guessing, short enough to read out


class NotOurReceipt(Exception):
    """A code brewbot did not sign (mistyped, changed, or made with another key)."""


@dataclass(frozen=True)
class Receipt:
    """Minutes of time given in one month; no one's name, id or brews."""

    minutes: int
    year: int
    month: int

    @property
    def month_name(self) -> str:
        """The month as YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"


def _key(purpose: bytes, secret: str) -> bytes:
    return hashlib.sha256(b"brewbot-" + purpose + b"\x00" + secret.encode()).digest()


def suggester(secret: str, participant_id: str) -> str:
    """Return the keyed hash an idea is kept under: the same person gives the same 64 hex."""
    return hmac.new(_key(b"ideas", secret), participant_id.encode(), hashlib.sha256).hexdigest()


def _tag(secret: str, body: str) -> str:
    digest = hmac.new(_key(b"receipts", secret), body.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:_TAG_CHARS]


def sign_receipt(secret: str, receipt: Receipt) -> str:
    """Return the code for a receipt, such as ``BREW-25-202611-ABCDEFGH23``."""
    body = f"BREW-{receipt.minutes}-{receipt.year:04d}{receipt.month:02d}"
    return f"{body}-{_tag(secret, body)}"


def check_receipt(secret: str, code: str) -> Receipt:
    """Return what a code vouches for, or raise NotOurReceipt."""
    cleaned = "".join(code.split()).upper()
    match = _RECEIPT.match(cleaned)
    if match is None:
        raise NotOurReceipt("that is not the shape of a brewbot receipt")
    body, _, tag = cleaned.rpartition("-")
    if not hmac.compare_digest(tag, _tag(secret, body)):
        raise NotOurReceipt("that receipt was not signed by this brewbot")
    month = int(match.group(3))
    if not 1 <= month <= 12:
        raise NotOurReceipt("that receipt names no real month")
    return Receipt(minutes=int(match.group(1)), year=int(match.group(2)), month=month)
