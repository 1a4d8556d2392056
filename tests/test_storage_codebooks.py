"""A group's codebook: chosen, kept, applied to its open and new brews, on either backend."""

from __future__ import annotations

from storage import Store
from storage.records import StoredCodebook
from tests.storage_support import Peek

GROUP, OTHER_GROUP = -100300, -100400
WAITING = "themes:\n  - name: Waiting\n"
HEARD = "title: Being heard\nthemes:\n  - name: Listened to\n  - name: Not listened to\n"


async def test_a_group_codebook_applies_to_its_open_and_new_brews(database: str) -> None:
    async with await Store.open(database) as store:
        closed = await store.create_brew(theme="old", pack_id="p", group_chat_id=GROUP)
        await store.close_brew(closed.id)
        one = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
        two = await store.create_brew(theme="two", pack_id="p", group_chat_id=GROUP)
        elsewhere = await store.create_brew(theme="x", pack_id="p", group_chat_id=OTHER_GROUP)
        assert await store.group_codebook(GROUP) is None
        assert one.codebook_id is None and await store.brew_codebook(one.id) is None

        changed = await store.set_group_codebook(GROUP, WAITING, "waiting.yaml")

        chosen = await store.group_codebook(GROUP)
        assert chosen is not None
        assert (chosen.name, chosen.source) == ("waiting.yaml", WAITING)
        assert [(b.id, b.codebook_id) for b in changed] == [
            (one.id, chosen.id),
            (two.id, chosen.id),
        ]
        for brew in (one, two):
            assert await store.brew_codebook(brew.id) == chosen
        assert await store.brew_codebook(closed.id) is None  # read as it was when it closed
        assert await store.brew_codebook(elsewhere.id) is None
        assert await store.group_codebook(OTHER_GROUP) is None

        three = await store.create_brew(theme="three", pack_id="p", group_chat_id=GROUP)
        assert three.codebook_id == chosen.id
        assert await store.brew_codebook(three.id) == chosen
        assert (await store.brew(three.id)) == three


async def test_a_new_choice_replaces_the_old_and_off_stops_it(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
        await store.set_group_codebook(GROUP, WAITING, "waiting.yaml")
        first = await store.brew_codebook(brew.id)
        await store.close_brew(
            (await store.create_brew(theme="t", pack_id="p", group_chat_id=GROUP)).id
        )

        changed = await store.set_group_codebook(GROUP, HEARD, "making-it-real")
        second = await store.group_codebook(GROUP)
        assert second is not None and first is not None and second.id != first.id
        assert (second.name, second.source) == ("making-it-real", HEARD)
        assert [b.id for b in changed] == [brew.id]
        assert await store.brew_codebook(brew.id) == second

        assert await store.set_group_codebook(GROUP, HEARD, "making-it-real") == []  # no change
        assert await store.group_codebook(GROUP) == second  # the same text is kept once

        stopped = await store.set_group_codebook(GROUP, None, "")
        assert [(b.id, b.codebook_id) for b in stopped] == [(brew.id, None)]
        assert await store.group_codebook(GROUP) is None
        assert await store.brew_codebook(brew.id) is None
        later = await store.create_brew(theme="later", pack_id="p", group_chat_id=GROUP)
        assert later.codebook_id is None
        assert await store.set_group_codebook(GROUP, None, "") == []


async def test_a_group_new_to_brewbot_can_choose_a_codebook_first(database: str) -> None:
    async with await Store.open(database) as store:
        assert await store.set_group_codebook(GROUP, WAITING, "waiting.yaml") == []
        brew = await store.create_brew(theme="first", pack_id="p", group_chat_id=GROUP)
        assert (await store.brew_codebook(brew.id)) == await store.group_codebook(GROUP)


async def test_one_brew_can_have_its_own_codebook(database: str) -> None:
    async with await Store.open(database) as store:
        await store.set_group_codebook(GROUP, WAITING, "waiting.yaml")
        group_choice = await store.group_codebook(GROUP)
        one = await store.create_brew(theme="one", pack_id="p", group_chat_id=GROUP)
        two = await store.create_brew(theme="two", pack_id="p", group_chat_id=GROUP)

        switched = await store.set_brew_codebook(one.id, HEARD, "making-it-real")
        assert switched is not None and switched.id == one.id
        own = await store.brew_codebook(one.id)
        assert own is not None and (own.name, own.source) == ("making-it-real", HEARD)
        assert switched.codebook_id == own.id == (await store.brew(one.id) or one).codebook_id
        assert await store.brew_codebook(two.id) == group_choice  # the others stay
        assert await store.group_codebook(GROUP) == group_choice

        none = await store.set_brew_codebook(two.id, None, "")
        assert none is not None and none.codebook_id is None
        assert await store.brew_codebook(two.id) is None
        assert await store.group_codebook(GROUP) == group_choice

        await store.close_brew(one.id)
        assert await store.set_brew_codebook(one.id, WAITING, "waiting.yaml") is None
        assert await store.brew_codebook(one.id) == own  # a closed brew keeps its own
        assert await store.set_brew_codebook(9999, WAITING, "waiting.yaml") is None


async def test_a_brew_without_a_group_can_have_a_codebook(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="cli", pack_id="p", group_chat_id=None)
        assert brew.codebook_id is None
        switched = await store.set_brew_codebook(brew.id, WAITING, "waiting.yaml")
        assert switched is not None
        assert await store.brew_codebook(brew.id) == StoredCodebook(
            switched.codebook_id or 0, "waiting.yaml", WAITING
        )


async def test_kept_codebooks_are_the_groups_and_hold_no_person(database: str) -> None:
    async with await Store.open(database) as store:
        await store.set_group_codebook(GROUP, WAITING, "waiting.yaml")
        await store.set_group_codebook(GROUP, HEARD, "heard.yaml")
        await store.set_group_codebook(OTHER_GROUP, WAITING, "waiting.yaml")
    async with Peek(database) as db:
        assert await db.columns("codebooks") == [
            "id",
            "group_id",
            "origin",
            "source",
            "created_at",
        ]
        kept = await db.rows(
            "SELECT g.chat_id, c.origin FROM codebooks c JOIN groups g ON g.id = c.group_id"
            " ORDER BY c.id"
        )
        assert kept == [
            (GROUP, "waiting.yaml"),
            (GROUP, "heard.yaml"),
            (OTHER_GROUP, "waiting.yaml"),
        ]
