"""/import in the facilitators' group: a file with the caption /import CODE."""

from __future__ import annotations

import sqlite3

from tests.facilitator_support import ADMIN, MEMBER
from tests.running import FACILITATORS, Running

PAPER = b"answer,may_quote\nA lift that works\n\nSomeone who rings back,yes\n"


def _imported(brewbot: Running) -> list[tuple[str, int]]:
    with sqlite3.connect(brewbot.settings.db) as con:
        return con.execute(
            "SELECT text, quote_consent FROM answers WHERE imported = 1 ORDER BY id"
        ).fetchall()


async def test_an_admin_adds_a_file_once(brewbot: Running) -> None:
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brew = await brewbot.new_brew("getting about town")
    brewbot.standin.document(FACILITATORS, ADMIN, "paper.csv", PAPER, f"/import {brew.code}")
    await brewbot.standin.wait_idle()
    assert "Added 2 answers" in (brewbot.standin.last_text(FACILITATORS) or "")
    assert _imported(brewbot) == [("A lift that works", 0), ("Someone who rings back", 1)]
    brewbot.standin.document(FACILITATORS, ADMIN, "paper.csv", PAPER, f"/import {brew.code}")
    await brewbot.standin.wait_idle()
    assert "already added" in (brewbot.standin.last_text(FACILITATORS) or "")
    assert len(_imported(brewbot)) == 2
    brewbot.standin.assert_no_problems()


async def test_a_bad_file_or_code_or_person_changes_nothing(brewbot: Running) -> None:
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brew = await brewbot.new_brew()
    latin1 = "answer\nCaf\u00e9\n".encode("cp1252")
    brewbot.standin.document(FACILITATORS, ADMIN, "old.csv", latin1, f"/import {brew.code}")
    await brewbot.standin.wait_idle()
    assert "not UTF-8" in (brewbot.standin.last_text(FACILITATORS) or "")
    brewbot.standin.document(FACILITATORS, ADMIN, "paper.csv", PAPER, "/import WRONGCODE")
    await brewbot.standin.wait_idle()
    assert "can't find" in (brewbot.standin.last_text(FACILITATORS) or "")
    brewbot.standin.document(FACILITATORS, MEMBER, "paper.csv", PAPER, f"/import {brew.code}")
    await brewbot.standin.wait_idle()
    assert "only this group's admins" in (brewbot.standin.last_text(FACILITATORS) or "")
    assert _imported(brewbot) == []


async def test_a_bare_import_explains_how(brewbot: Running) -> None:
    brewbot.standin.set_admins(FACILITATORS, [ADMIN])
    brewbot.standin.command(ADMIN, "/import", chat_id=FACILITATORS)
    await brewbot.standin.wait_idle()
    assert "caption" in (brewbot.standin.last_text(FACILITATORS) or "")
