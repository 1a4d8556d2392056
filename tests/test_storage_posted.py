"""A posted summary's messages name its brew, on either backend."""

from __future__ import annotations

from storage import Store

GROUP, OTHER_GROUP = -100, -200


async def test_each_message_of_a_summary_leads_back_to_its_brew(database: str) -> None:
    async with await Store.open(database) as store:
        one = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
        two = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
        await store.summary_posted(GROUP, [11, 12], one.id)
        await store.summary_posted(GROUP, [13], two.id)
        await store.summary_posted(GROUP, [11], two.id)  # a repeat changes nothing
        assert [await store.summary_brew(GROUP, m) for m in (11, 12, 13, 14)] == [
            one.id,
            one.id,
            two.id,
            None,
        ]
        assert await store.summary_brew(OTHER_GROUP, 11) is None


async def test_nothing_is_kept_for_a_chat_that_is_not_a_group(database: str) -> None:
    async with await Store.open(database) as store:
        brew = await store.create_brew(theme="reviews", pack_id="p", group_chat_id=GROUP)
        await store.summary_posted(OTHER_GROUP, [5], brew.id)
        await store.summary_posted(4242, [5], brew.id)  # a private chat
        assert await store.summary_brew(OTHER_GROUP, 5) is None
        assert await store.summary_brew(4242, 5) is None
