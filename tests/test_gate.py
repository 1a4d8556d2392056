"""Which groups brewbot stays in, and who may run facilitator commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin import StandIn
from tests.running import FACILITATORS, Running

DIGEST = -1009999999999
STRANGERS = -1008888888888
ADMIN = 9001


@pytest.fixture
async def with_digest_chat(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    running = Running(standin, tmp_path / "brewbot.db", digest_chat=DIGEST)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_the_digest_chat_is_kept_but_runs_no_commands(with_digest_chat: Running) -> None:
    standin = with_digest_chat.standin
    standin.set_admins(DIGEST, [ADMIN])
    standin.bot_added_to_group(DIGEST, ADMIN)
    await standin.wait_idle()
    assert "look back" in (standin.last_text(DIGEST) or "")
    standin.command(ADMIN, "/newbrew a good review", chat_id=DIGEST)
    await standin.wait_idle()
    assert "facilitators' group" in (standin.last_text(DIGEST) or "")
    assert not standin.calls_to("leaveChat")


async def test_an_unregistered_group_is_left_after_one_kind_word(brewbot: Running) -> None:
    standin = brewbot.standin
    standin.bot_added_to_group(STRANGERS, ADMIN)
    await standin.wait_idle()
    assert len(standin.texts(STRANGERS)) == 1
    assert [c.params["chat_id"] for c in standin.calls_to("leaveChat")] == [STRANGERS]


async def test_a_registered_group_is_greeted(brewbot: Running) -> None:
    brewbot.standin.bot_added_to_group(FACILITATORS, ADMIN)
    await brewbot.standin.wait_idle()
    assert "/newbrew" in (brewbot.standin.last_text(FACILITATORS) or "")
