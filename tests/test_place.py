"""A person's place, loaded once for every participant handler: who they are, the brew they
last opened (or one named) and their progress in it. Against a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.place import Place, place_of
from storage import Store
from tests.storage_support import step

GROUP = -1001234


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "brewbot.db") as opened:
        yield opened


async def test_someone_brewbot_does_not_know_has_an_empty_place(store: Store) -> None:
    for chat in (40, None):
        place = await place_of(store, chat)
        assert place == Place() and place.found is None and not place.easy


async def test_a_person_in_no_brew_is_known_but_has_no_brew(store: Store) -> None:
    person = await store.set_preferences((await store.join(41)).id, easy=True)
    place = await place_of(store, 41)
    assert place.participant == person and place.easy
    assert place.brew is None and place.progress is None and place.found is None


async def test_the_place_is_the_brew_last_opened_unless_one_is_named(store: Store) -> None:
    person = await store.join(42)
    one, two, other = [
        await store.create_brew(theme=theme, pack_id="p", group_chat_id=GROUP)
        for theme in ("one", "two", "not theirs")
    ]
    for brew, at in ((one, "a"), (two, "b")):
        await store.record_step(
            participant_id=person.id, brew_id=brew.id, outcome=step(current=at), update_id=None
        )
    await store.mark_opened(person.id, one.id)

    latest = await place_of(store, 42)
    assert latest.found is not None
    assert (latest.found[1].id, latest.found[2].current) == (one.id, "a")
    named = await place_of(store, 42, two.id)
    assert named.found is not None
    assert (named.found[1].id, named.found[2].current) == (two.id, "b")
    never_began = await place_of(store, 42, other.id)
    assert never_began.brew == other and never_began.found is None
    assert (await place_of(store, 42, 9999)).brew is None


async def test_a_moved_place_keeps_its_brew_with_the_person_as_changed(store: Store) -> None:
    person = await store.join(43)
    brew = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
    await store.record_step(
        participant_id=person.id, brew_id=brew.id, outcome=step(current="a"), update_id=None
    )
    place = await place_of(store, 43)
    stopped = await store.set_preferences(person.id, stopped=True)
    moved = place.moved(stopped)
    assert moved.found is not None and moved.found[0].stopped
    assert (moved.brew, moved.progress) == (place.brew, place.progress)
