"""A voice note's words wait for the person's Keep: one at a time, a day at most, theirs only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import Store
from tests.storage_support import Clock

GROUP = -100300


@pytest.fixture
async def store(database: str) -> AsyncIterator[tuple[Store, Clock]]:
    clock = Clock()
    async with await Store.open(database, now=clock) as opened:
        yield opened, clock


async def test_words_wait_for_their_person_until_dropped(store: tuple[Store, Clock]) -> None:
    store_, _ = store
    brew = await store_.create_brew(theme="Reviews", pack_id="p", group_chat_id=GROUP)
    person, other = await store_.join(11), await store_.join(12)
    heard = await store_.save_heard(person.id, brew.id, "what_matters", "Same carer.", helped=True)

    found = await store_.heard(heard.id, person.id)
    assert found == heard
    assert (found.text, found.prompt_id, found.helped) == ("Same carer.", "what_matters", True)
    assert await store_.heard(heard.id, other.id) is None  # someone else's button finds nothing
    await store_.drop_heard(heard.id)
    assert await store_.heard(heard.id, person.id) is None


async def test_a_new_voice_note_replaces_the_words_waiting(store: tuple[Store, Clock]) -> None:
    store_, _ = store
    brew = await store_.create_brew(theme="Reviews", pack_id="p", group_chat_id=GROUP)
    person = await store_.join(11)
    first = await store_.save_heard(person.id, brew.id, "q1", "First go.", helped=False)
    second = await store_.save_heard(person.id, brew.id, "q1", "Second go.", helped=False)
    assert await store_.heard(first.id, person.id) is None
    assert (await store_.export(person.id))["voice_note_words_waiting"] == [
        {"brew_id": brew.id, "prompt_id": "q1", "text": "Second go.", "heard_at": _iso(second)}
    ]


async def test_words_not_chosen_within_a_day_are_deleted(store: tuple[Store, Clock]) -> None:
    store_, clock = store
    brew = await store_.create_brew(theme="Reviews", pack_id="p", group_chat_id=GROUP)
    person, other = await store_.join(11), await store_.join(12)
    old = await store_.save_heard(person.id, brew.id, "q1", "Old words.", helped=False)
    clock.advance(hours=25)
    assert await store_.heard(old.id, person.id) is None  # too old to keep, even if asked
    assert await store_.apply_retention(365) == 1  # and the daily tidy deletes them
    assert (await store_.export(person.id))["voice_note_words_waiting"] == []
    # Someone else's new voice note tidies old words too.
    stale = await store_.save_heard(person.id, brew.id, "q1", "Stale words.", helped=False)
    clock.advance(hours=25)
    await store_.save_heard(other.id, brew.id, "q1", "Fresh words.", helped=False)
    assert (await store_.export(person.id))["voice_note_words_waiting"] == []
    assert await store_.heard(stale.id, person.id) is None


def _iso(heard: object) -> str:
    from storage.times import iso

    return iso(heard.heard_at)  # type: ignore[attr-defined]
