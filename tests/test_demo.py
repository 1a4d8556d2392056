"""The demo, as ``make demo`` runs it: a whole brew, offline, with no problems seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo_scene import PEOPLE, Demo

pytestmark = pytest.mark.e2e


async def test_the_demo_plays_a_whole_brew(tmp_path: Path) -> None:
    lines: list[str] = []
    assert await Demo(tmp_path / "demo", say=lines.append).run() == 0
    shown = "\n".join(lines)
    assert "https://t.me/brewbot_test_bot?start=" in shown
    assert f"{len(PEOPLE)} people took part" in shown
    assert "What people said" in shown and "Ideas for change" in shown
    assert (tmp_path / "demo" / "picture-1.png").read_bytes().startswith(b"\x89PNG")
    assert "stand-in saw problems" not in shown


async def test_the_demo_plays_a_welsh_brew(tmp_path: Path) -> None:
    lines: list[str] = []
    assert await Demo(tmp_path / "demo", say=lines.append, language="cy").run() == 0
    shown = "\n".join(lines)
    assert "/newbrew lang=cy" in shown
    assert "Gair bach yn gyntaf: dydw i ddim yn cadw eich enw." in shown
    assert "[Cymraeg]  [English]" in shown  # the offer, under the first question
    assert "you ▸ (tap) Hoffwn, diolch" in shown
    assert "stand-in saw problems" not in shown
