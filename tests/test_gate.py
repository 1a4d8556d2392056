"""Which groups brewbot stays in, and who may run facilitator commands: a registered
group's admins only; others get a kind no, an unregistered group is left, and a private
chat is told where the commands work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from standin import StandIn
from tests.facilitator_support import (
    ADMIN,
    MEMBER,
    STRANGERS,
    group_texts,
    in_group,
    tap_in_group,
)
from tests.running import FACILITATORS, Running

DIGEST = -1009999999999
PERSON = 880010
COMMANDS = (
    "/newbrew what makes a good review",
    "/brews",
    "/close",
    "/summary",
    "/export",
    "/help_facilitators",
    "/digest",
    "/wesaid We fixed the lift.",
    "/prioritise",
    "/plan",
    "/review",
    "/import",
)


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


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_member_who_is_not_an_admin_is_kindly_refused(
    brewbot: Running, command: str
) -> None:
    brew = await brewbot.new_brew("staying connected")
    await in_group(brewbot, command, user=MEMBER)
    assert group_texts(brewbot) == [brewbot.services.text("facilitator_refused")]
    assert [b.id for b in await brewbot.services.store.open_brews(FACILITATORS)] == [brew.id]
    assert brewbot.standin.calls_to("sendPoll") == []
    brewbot.standin.assert_no_problems()


async def test_only_an_admin_chooses_the_groups_language(brewbot: Running) -> None:
    await in_group(brewbot, "/language")  # the offer is an admin's
    await tap_in_group(brewbot, "Cymraeg", user=MEMBER)
    refusal = brewbot.standin.calls_to("answerCallbackQuery")[-1].params
    assert refusal["text"] == brewbot.services.text("facilitator_refused")
    assert refusal["show_alert"] is True
    before = await brewbot.services.store.group(FACILITATORS)
    assert before is None or "language" not in before.settings  # nothing kept
    assert await brewbot.services.store.participant_by_chat(FACILITATORS) is None
    await tap_in_group(brewbot, "Cymraeg")
    group = await brewbot.services.store.group(FACILITATORS)
    assert group is not None and group.settings["language"] == "cy"


@pytest.mark.parametrize("command", COMMANDS)
async def test_an_unknown_group_is_told_once_and_left(brewbot: Running, command: str) -> None:
    brewbot.standin.set_admins(STRANGERS, [ADMIN])
    await in_group(brewbot, command, chat_id=STRANGERS)
    said = group_texts(brewbot, STRANGERS)
    assert said == [brewbot.services.text("group_not_registered")]
    assert brewbot.standin.world.chats[STRANGERS].bot_status == "left"
    assert [c.chat_id for c in brewbot.standin.calls_to("leaveChat")] == [STRANGERS]
    await in_group(brewbot, command, chat_id=STRANGERS)  # it has left: nothing more is said
    assert len(group_texts(brewbot, STRANGERS)) == 1
    assert await brewbot.services.store.open_brews(STRANGERS) == []


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_private_chat_is_told_where_the_command_works(
    brewbot: Running, command: str
) -> None:
    await brewbot.send(PERSON, command)
    assert brewbot.last(PERSON) == brewbot.services.text("facilitator_private")
    assert await brewbot.services.store.open_brews(FACILITATORS) == []
    assert await brewbot.services.store.participant_by_chat(PERSON) is None
