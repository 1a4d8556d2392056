"""Telegram's limits kept in storage (storage/sending.py): the bot's moments to send,
claimed by workers together, and a 429's wait for one chat, kept until it is over."""

from __future__ import annotations

import asyncio

import pytest

from storage import Store
from storage.sending import Rule
from tests.storage_support import Clock

RULE = Rule(count=3, window=1.0, spacing=0.01)


async def test_claims_by_two_workers_follow_one_rule(database: str) -> None:
    one, two = [await Store.open(database, now=Clock()) for _ in range(2)]
    async with one, two:
        first = await one.claim_sends([1, 2, 3], RULE)
        second = await two.claim_sends([4], RULE)
        third = await one.claim_sends([None, 5], RULE)
    assert [len(c.waits) for c in (first, second, third)] == [3, 1, 2]
    assert first.waits[0] < 0.02 and first.waits[2] - first.waits[0] == pytest.approx(0.02)
    # Three in any second: the second worker's moment is a second after the first's first,
    # less the time that passed between the claims; the third's follow on.
    assert 0.9 < second.waits[0] <= 1.0
    assert 0.9 < third.waits[0] <= 1.01
    assert third.waits[1] - third.waits[0] == pytest.approx(0.01)


async def test_a_held_chat_gets_no_moment_and_its_wait_is_kept_until_over(database: str) -> None:
    async with await Store.open(database, now=Clock()) as store:
        await store.hold_chat(77, 0.5)
        await store.hold_chat(77, 0.2)  # a shorter wait never cuts a longer one short
        claimed = await store.claim_sends([77, 78], RULE)
        assert len(claimed.waits) == 1 and 0.3 < claimed.held[77] <= 0.5
        assert 0.3 < (await store.chat_holds())[77] <= 0.5
        await asyncio.sleep(0.55)
        assert await store.chat_holds() == {}  # over, and gone: no chat id stays behind
        assert (await store.claim_sends([77], RULE)).held == {}


async def test_forgetting_someone_drops_their_chats_wait(database: str) -> None:
    async with await Store.open(database, now=Clock()) as store:
        person = await store.join(61)
        await store.hold_chat(61, 60.0)
        await store.forget(person.id)
        assert await store.chat_holds() == {}
