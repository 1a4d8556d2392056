"""A brew's invite: its deep link, and a QR code of it big enough for a slide or a poster."""

from __future__ import annotations

import io

import segno

TARGET_PIXELS = 1000  # sharp on a projector, and prints well at A5 or bigger
BORDER = 4  # the quiet zone the QR standard asks for, in modules
ERROR_LEVEL = "m"  # still scans with a smudge or a glare on the screen


def invite_link(bot_username: str, code: str) -> str:
    """Return the link that opens brewbot and joins the brew with this code."""
    return f"https://t.me/{bot_username}?start={code}"


def qr_png(link: str) -> bytes:
    """Draw the link as a black-on-white QR code PNG, about TARGET_PIXELS wide."""
    code = segno.make(link, error=ERROR_LEVEL, micro=False)
    modules = int(code.symbol_size(scale=1, border=BORDER)[0])
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(8, TARGET_PIXELS // modules), border=BORDER)
    return out.getvalue()
