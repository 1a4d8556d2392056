"""Telegram's limits kept in storage (storage/sending.py): the bot's moments to send,
claimed by workers together, and a 429's wait for one chat, kept until it is over."""

from __future__ import annotations

import asyncio

from storage import Store
from tests.storage_support import Clock

EVERY = 0.035


async def test_claims_follow_one_another_evenly(database: str) -> None:
    async with await Store.open(database, now=Clock()) as one:
        async with await Store.open(database, now=Clock()) as two:
            first = await one.claim_sends([1, 2, 3], every=EVERY)
            second = await two.claim_sends([4], every=EVERY)
            third = await one.claim_sends([None, 5], every=EVERY)
    assert (first.count, second.count, third.count) == (3, 1, 2)
    assert first.wait < 0.02  # the allowance was free
    # The second worker's moment comes after the first's three, and so on (less the time
    # that passed between the claims).
    assert 3 * EVERY - 0.05 < second.wait <= 3 * EVERY
    assert 4 * EVERY - 0.1 < third.wait <= 4 * EVERY


async def test_a_held_chat_gets_no_moment_and_its_wait_is_kept_until_over(database: str) -> None:
    async with await Store.open(database, now=Clock()) as store:
        await store.hold_chat(77, 0.5)
        await store.hold_chat(77, 0.2)  # a shorter wait never cuts a longer one short
        claimed = await store.claim_sends([77, 78], every=EVERY)
        assert claimed.count == 1 and 0.3 < claimed.held[77] <= 0.5
        assert 0.3 < (await store.chat_holds())[77] <= 0.5
        await asyncio.sleep(0.55)
        assert await store.chat_holds() == {}  # over, and gone: no chat id stays behind
        assert (await store.claim_sends([77], every=EVERY)).held == {}


async def test_forgetting_someone_drops_their_chats_wait(database: str) -> None:
    async with await Store.open(database, now=Clock()) as store:
        person = await store.join(61)
        await store.hold_chat(61, 60.0)
        await store.forget(person.id)
        assert await store.chat_holds() == {}
