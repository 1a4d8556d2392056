"""The codebook a brew or a facilitators' group reads its answers against, as kept in storage.

A codebook was checked when it was posted (/codebook), so one that no longer reads (after a
change to what brewbot accepts, say) is logged and left out: themes are then found without it.
"""

from __future__ import annotations

import logging

from conversations.codebook import Codebook, parse_codebook
from conversations.yamlfile import PackError
from storage.records import StoredCodebook
from storage.store import Store

log = logging.getLogger(__name__)


def in_use(kept: StoredCodebook | None) -> Codebook | None:
    """Read a kept codebook; None if there is none, or if it no longer reads (logged)."""
    if kept is None:
        return None
    try:
        return parse_codebook(kept.source, kept.name)
    except PackError as error:
        log.warning("A kept codebook no longer reads (%s); finding themes without it", error)
        return None


async def of_brew(store: Store, brew_id: int) -> Codebook | None:
    """Return the codebook a brew's answers are read against, if any."""
    return in_use(await store.brew_codebook(brew_id))


async def of_group(store: Store, chat_id: int) -> Codebook | None:
    """Return the codebook a facilitators' group uses now (for its digest), if any."""
    return in_use(await store.group_codebook(chat_id))
