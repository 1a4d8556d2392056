"""A group's recently closed brews, against a real SQLite file and a clock moved by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from storage import Store
from storage.brews import new_code
from tests.storage_support import Clock

GROUP = -1001234
MONTH = timedelta(days=30)


@pytest.fixture
async def clocked(database: str) -> AsyncIterator[tuple[Store, Clock]]:
    clock = Clock()
    async with await Store.open(database, now=clock) as opened:
        yield opened, clock


async def test_closed_brews_are_the_groups_recent_ones_newest_first(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    old, first, second, still_open = [
        await store.create_brew(theme=theme, pack_id="p", group_chat_id=GROUP)
        for theme in ("old", "first", "second", "open")
    ]
    elsewhere = await store.create_brew(theme="elsewhere", pack_id="p", group_chat_id=GROUP - 1)
    await store.close_brew(old.id)
    clock.advance(days=31)
    await store.close_brew(first.id)
    clock.advance(hours=1)
    await store.close_brew(second.id)
    await store.close_brew(elsewhere.id)

    found = await store.closed_brews(GROUP, within=MONTH)

    assert [b.id for b in found] == [second.id, first.id]
    assert all(b.closed_at is not None for b in found)
    assert still_open.id in [b.id for b in await store.open_brews(GROUP)]


async def test_a_brew_closed_exactly_at_the_edge_is_still_recent(
    clocked: tuple[Store, Clock],
) -> None:
    store, clock = clocked
    brew = await store.create_brew(theme="edge", pack_id="p", group_chat_id=GROUP)
    await store.close_brew(brew.id)
    clock.advance(days=30)
    assert [b.id for b in await store.closed_brews(GROUP, within=MONTH)] == [brew.id]
    clock.advance(seconds=1)
    assert await store.closed_brews(GROUP, within=MONTH) == []


async def test_an_unknown_group_has_no_closed_brews(clocked: tuple[Store, Clock]) -> None:
    store, _ = clocked
    assert await store.closed_brews(GROUP, within=MONTH) == []


async def test_a_pack_can_change_only_before_anyone_begins(clocked: tuple[Store, Clock]) -> None:
    from conversations.model import Answer, Kind, Principle

    store, _ = clocked
    fresh = await store.create_brew(theme="t", pack_id="over-a-brew", group_chat_id=GROUP)
    switched = await store.switch_pack(fresh.id, "four-principles")
    assert switched is not None and switched.pack_id == "four-principles"
    imported = await store.create_brew(theme="t", pack_id="over-a-brew", group_chat_id=GROUP)
    answer = Answer("what_matters", Principle.THEME, Kind.TEXT, text="x")
    await store.import_answers(brew_id=imported.id, sha256="a" * 64, answers=[answer])
    assert await store.switch_pack(imported.id, "four-principles") is None
    closed = await store.create_brew(theme="t", pack_id="over-a-brew", group_chat_id=GROUP)
    await store.close_brew(closed.id)
    assert await store.switch_pack(closed.id, "four-principles") is None
    assert (await store.brew(closed.id)).pack_id == "over-a-brew"  # type: ignore[union-attr]


def test_a_brew_code_never_starts_like_a_command_line_option() -> None:
    # One random code in 64 used to start with "-", and `brewbot export CODE` read it as an
    # option (a fresh clone's CI met one).
    codes = [new_code() for _ in range(2000)]
    assert not [code for code in codes if code.startswith("-")]
    assert len(set(codes)) == len(codes)
