"""Where a person stands: who is behind a private chat, and their place in a brew.

Every participant handler starts from one :class:`Place`, loaded here, rather than from its
own copy of "find the person, then the brew they last opened and their progress in it".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from conversations.model import Progress
from storage.records import Brew, Participant
from storage.store import Store


@dataclass(frozen=True)
class Place:
    """The person behind a chat (None: brewbot does not know them), a brew (None: none) and
    their progress in it (None: they have no place in it)."""

    participant: Participant | None = None
    brew: Brew | None = None
    progress: Progress | None = None

    @property
    def easy(self) -> bool:
        """Say whether to use easy words: the person's choice, and no for someone unknown."""
        return bool(self.participant and self.participant.easy)

    @property
    def found(self) -> tuple[Participant, Brew, Progress] | None:
        """Return the person, the brew and their progress in it, when all three are known."""
        if self.participant is None or self.brew is None or self.progress is None:
            return None
        return self.participant, self.brew, self.progress

    def moved(self, participant: Participant) -> Place:
        """The same place, with the person as they are after a change to their settings."""
        return replace(self, participant=participant)

    async def in_brew(self, store: Store, brew_id: int | None = None) -> Place:
        """Load this person's place in brew ``brew_id``: by default the brew they last opened
        (else were last active in)."""
        if self.participant is None:
            return self
        if brew_id is None:
            latest = await store.latest_progress(self.participant.id)
            brew, progress = latest if latest is not None else (None, None)
            return replace(self, brew=brew, progress=progress)
        brew = await store.brew(brew_id)
        progress = await store.progress(self.participant.id, brew_id) if brew else None
        return replace(self, brew=brew, progress=progress)


async def place_of(store: Store, chat_id: int | None, brew_id: int | None = None) -> Place:
    """Load the person behind a private chat and their place in brew ``brew_id`` (by default
    the brew they last opened); an empty Place for a chat brewbot knows no one in."""
    participant = await store.participant_by_chat(chat_id) if chat_id is not None else None
    return await Place(participant).in_brew(store, brew_id)
