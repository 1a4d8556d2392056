"""Telegram's limits kept in storage (storage/sending.py): the bot's moments to send,
claimed by workers together, and a 429's wait for one chat, kept until it is over."""

from __future__ import annotations

import asyncio

import pytest

from storage import Store
from storage.sending import Claimed, Rule
from tests.storage_support import Clock

RULE = Rule(count=3, window=1.0, spacing=0.01)


async def test_claims_by_two_workers_follow_one_rule(database: str) -> None:
    one, two = [await Store.open(database, now=Clock()) for _ in range(2)]
    async with one, two:
        first = await one.claim_sends([1, 2, 3], RULE)
        assert await two.claim_sends([4], RULE) == Claimed(
            pytest.approx(first.now, abs=0.5), [], {}
        )  # three calls under way: the fourth waits for their answers
        tokens = [token for token, _ in first.moments]
        assert len(set(tokens)) == 3
        starts = [start - first.now for _, start in first.moments]
        assert starts == pytest.approx([0.0, 0.01, 0.02], abs=0.005)
        answered = first.now + 0.1
        await one.report_sends([(token, answered) for token in tokens], RULE)
        second = await two.claim_sends([4, None], RULE)
    # A second after the first call's answer, then spread out.
    assert [start for _, start in second.moments] == pytest.approx(
        [answered + 1.0, answered + 1.01], abs=0.005
    )


async def test_a_held_chat_gets_no_moment_and_its_wait_is_kept_until_over(database: str) -> None:
    async with await Store.open(database, now=Clock()) as store:
        await store.hold_chat(77, 0.5)
        await store.hold_chat(77, 0.2)  # a shorter wait never cuts a longer one short
        claimed = await store.claim_sends([77, 78], RULE)
        assert len(claimed.moments) == 1 and 0.3 < claimed.held[77] <= 0.5
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
