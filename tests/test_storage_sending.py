"""Telegram's limits kept in storage (storage/sending.py): the bot's moments to send,
claimed by workers together, and a 429's wait for one chat, kept until it is over."""

from __future__ import annotations

import asyncio

import pytest

from storage import Store
from storage.sending import WAIT_MARK_S, Claimed, Kind, Rule
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


async def test_replies_are_claimed_at_once_and_the_other_workers_bulk_yields_to_them(
    database: str,
) -> None:
    one, two = [await Store.open(database, now=Clock()) for _ in range(2)]
    async with one, two:
        # Four replies where the rule counts three: at once all the same (no bulk in the
        # second), each its own moment, kept as "used now".
        replies = await one.claim_sends([1, 2, 3, 4], RULE, kind=Kind.REPLY)
        assert [start - replies.now for _, start in replies.moments] == pytest.approx(
            [0.0] * 4, abs=0.05
        )
        assert (await two.claim_sends([5], RULE)).moments == []  # bulk: their answers decide
        answered = replies.now + 0.05
        await one.report_sends([(token, answered) for token, _ in replies.moments], RULE)
        bulk = await two.claim_sends([5], RULE, kind=Kind.TIDY)
        assert [start for _, start in bulk.moments] == pytest.approx([answered + 1.0], abs=0.005)


async def test_a_reply_waits_only_for_a_place_in_a_second_bulk_has_filled(database: str) -> None:
    one, two = [await Store.open(database, now=Clock()) for _ in range(2)]
    async with one, two:
        news = await one.claim_sends([1, 2, 3], RULE)
        a = news.now + 0.05
        tokens = [token for token, _ in news.moments]
        await one.report_sends([(tokens[0], a), (tokens[1], a + 0.1)], RULE)
        reply = await two.claim_sends([4, 5, 6], RULE, kind=Kind.REPLY)
        # The places the news frees, one by one; the third reply's depends on the news
        # still under way, so it leaves a mark in its place.
        assert [start for _, start in reply.moments] == pytest.approx([a + 1.0, a + 1.1])
        await one.report_sends([(tokens[2], a + 0.2)], RULE)
        answers = [(reply.moments[0][0], a + 1.02), (reply.moments[1][0], a + 1.12)]
        await two.report_sends(answers, RULE)
        # The mark holds a place from bulk: a second after the second-latest answer, not
        # the third-latest.
        tidy = await one.claim_sends([7], RULE, kind=Kind.TIDY)
        assert [start for _, start in tidy.moments] == pytest.approx([a + 2.02])
        await asyncio.sleep(WAIT_MARK_S + 0.1)  # its worker stopped waiting: the mark goes
        tidy = await one.claim_sends([8], RULE, kind=Kind.TIDY)
        assert [start for _, start in tidy.moments] == pytest.approx([a + 2.03])


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
