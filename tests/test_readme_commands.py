"""Every command the bot answers, and every one its menus show, is in the README."""

from __future__ import annotations

import re
from pathlib import Path

from telegram.ext import CommandHandler

from tests.running import Running


def _in_readme(readme: str, command: str) -> bool:
    return re.search(rf"(?<![\w/])/{re.escape(command)}(?!\w)", readme) is not None


async def test_every_registered_command_is_in_the_readme(brewbot: Running, repo_root: Path) -> None:
    answered = {
        command
        for handlers in brewbot.app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    menus = {
        entry["command"] for listed in brewbot.standin.world.commands.values() for entry in listed
    }
    assert {"start", "mydata", "newbrew"} <= answered  # the walk above found the handlers
    assert {"help", "newbrew"} <= menus  # and the menus brewbot set at start
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    missing = sorted(c for c in answered | menus if not _in_readme(readme, c))
    assert missing == [], f"commands missing from README.md: {missing}"


def test_the_check_sees_a_missing_command() -> None:
    readme = "Use `/newbrew THEME`, and `/help`."
    assert _in_readme(readme, "newbrew") and _in_readme(readme, "help")
    assert not _in_readme(readme, "help_facilitators") and not _in_readme(readme, "brew")
