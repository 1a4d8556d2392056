"""Every follow-up command is for a registered group's admins: others get a kind no,
an unregistered group is left, and a private chat is told where the command works."""

from __future__ import annotations

import pytest

from tests.followup_support import MEMBER, STRANGERS, in_group, last_in_group
from tests.running import Running

PERSON = 870010
COMMANDS = ("/digest", "/wesaid We fixed the lift.", "/prioritise", "/plan", "/review")


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_member_who_is_not_an_admin_is_kindly_refused(
    brewbot: Running, command: str
) -> None:
    await brewbot.new_brew()
    await in_group(brewbot, command, user=MEMBER)
    assert last_in_group(brewbot) == brewbot.services.text("facilitator_refused")
    assert brewbot.standin.calls_to("sendPoll") == []
    brewbot.standin.assert_no_problems()


@pytest.mark.parametrize("command", COMMANDS)
async def test_brewbot_leaves_a_group_nobody_registered(brewbot: Running, command: str) -> None:
    brewbot.standin.set_admins(STRANGERS, [MEMBER])
    await in_group(brewbot, command, user=MEMBER, chat_id=STRANGERS)
    assert brewbot.standin.world.chats[STRANGERS].bot_status == "left"
    said = last_in_group(brewbot, STRANGERS)
    assert said == brewbot.services.text("group_not_registered")


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_private_chat_is_told_where_the_command_works(
    brewbot: Running, command: str
) -> None:
    await brewbot.send(PERSON, command)
    assert brewbot.last(PERSON) == brewbot.services.text("facilitator_private")
    brewbot.standin.assert_no_problems()
