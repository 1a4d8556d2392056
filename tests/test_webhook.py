"""Webhook mode end to end: the stand-in POSTs updates to brewbot as Telegram does."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.runtime.webhook import SECRET_HEADER
from bot.services import BrewContext
from standin import StandIn
from tests.running import Running
from tests.webhook_support import SECRET, get_json, local_url, post, webhook_running

ANNE = 1001
BEN = 1002
ANSWERS = ("Knowing who is coming and when.", "Fewer different faces each week.")


@pytest.fixture
async def hooked(standin: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    """brewbot in webhook mode, with the webhook set on the stand-in."""
    running = webhook_running(standin, tmp_path / "brewbot.db")
    await running.start()
    await standin.wait_for(lambda: standin.webhook.active)
    try:
        yield running
    finally:
        await running.stop()


def _inbox_size(running: Running) -> int:
    with sqlite3.connect(running.settings.db) as con:
        return int(con.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])


def _handled(running: Running) -> int:
    with sqlite3.connect(running.settings.db) as con:
        return int(con.execute("SELECT COUNT(*) FROM handled_updates").fetchone()[0])


async def _walk(running: Running, user: int) -> None:
    brew = await running.new_brew("getting help at home")
    await running.send(user, f"/start {brew.code}")
    await running.tap(user, "I am an unpaid carer")
    await running.tap(user, "Yes")
    for answer in ANSWERS:
        await running.send(user, answer)


async def test_a_person_walks_a_pack_by_webhook(hooked: Running) -> None:
    standin = hooked.standin
    [hook] = standin.calls_to("setWebhook")
    assert hook.params["url"] == local_url(hooked)
    assert hook.params["secret_token"] == SECRET
    await _walk(hooked, ANNE)
    assert any("getting help at home" in t for t in hooked.texts(ANNE))
    assert hooked.typed_answers(ANNE) == list(ANSWERS)
    assert standin.calls_to("getUpdates") == []
    assert standin.webhook.log and all(d.status == 200 for d in standin.webhook.log)
    assert _inbox_size(hooked) == 0
    info = await hooked.app.bot.get_webhook_info()
    assert info.url == local_url(hooked) and info.pending_update_count == 0
    standin.assert_no_problems()


@pytest.mark.parametrize("headers", [None, {SECRET_HEADER: "not-the-secret"}])
async def test_a_request_without_the_secret_is_refused_and_nothing_kept(
    hooked: Running, headers: dict[str, str] | None
) -> None:
    update = {
        "update_id": 9,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": ANNE, "type": "private"},
            "from": {"id": ANNE, "is_bot": False, "first_name": "A"},
            "text": "/start",
        },
    }
    assert await post(local_url(hooked), update, headers) == 403
    await hooked.standin.wait_idle()
    assert _inbox_size(hooked) == 0 and _handled(hooked) == 0
    assert hooked.standin.sent_to(ANNE) == []


async def test_a_malformed_body_gets_400_and_a_log_line_without_it(
    hooked: Running, caplog: pytest.LogCaptureFixture
) -> None:
    secret = {SECRET_HEADER: SECRET}
    with caplog.at_level(logging.INFO):
        assert await post(local_url(hooked), b"my phone is 07700 900123", secret) == 400
        assert await post(local_url(hooked), ["a list"], secret) == 400
        assert await post(local_url(hooked), {"update_id": "x"}, secret) == 400
        bad = {"update_id": 5, "message": {"text": "Anne Smith, 07700 900123"}}
        assert await post(local_url(hooked), bad, secret) == 400
    refusals = [r for r in caplog.records if "not a Telegram update" in r.getMessage()]
    assert len(refusals) == 4
    assert not any("07700" in r.getMessage() or "Smith" in r.getMessage() for r in caplog.records)
    assert _inbox_size(hooked) == 0


async def test_healthz_says_the_database_answers_and_nothing_about_anyone(
    hooked: Running,
) -> None:
    await _walk(hooked, ANNE)
    status, body = await get_json(local_url(hooked, "/healthz"))
    assert status == 200
    assert body == {"ok": True, "mode": "webhook", "inbox_waiting": 0, "handling": False}
    await hooked.services.store.close()  # the database stops answering
    status, body = await get_json(local_url(hooked, "/healthz"))
    assert status == 503 and body["ok"] is False


async def test_updates_refused_while_brewbot_is_down_come_again_after_a_restart(
    hooked: Running,
) -> None:
    standin = hooked.standin
    brew = await hooked.new_brew()
    await hooked.send(ANNE, f"/start {brew.code}")
    await hooked.kill()
    update = standin.command(BEN, f"/start {brew.code}")
    await standin.wait_for(
        lambda: any(
            d.update_id == update["update_id"] and d.status != 200 for d in standin.webhook.log
        )
    )
    await hooked.start()
    await standin.wait_idle()
    assert any("fits you best" in t for t in hooked.texts(BEN))
    tries = [d for d in standin.webhook.log if d.update_id == update["update_id"]]
    assert tries[-1].status == 200 and len(tries) >= 2
    assert await hooked.services.store.participant_by_chat(BEN) is not None


async def test_an_update_kept_before_its_200_is_handled_after_a_kill(hooked: Running) -> None:
    standin = hooked.standin
    brew = await hooked.new_brew()
    await _walk_to_first_text(hooked, brew.code)
    kept = asyncio.Event()

    async def hold(update: Update, context: BrewContext) -> None:
        if update.message is not None and update.message.text == ANSWERS[0]:
            kept.set()
            await asyncio.Event().wait()  # brewbot dies before it handles this one

    hooked.app.add_handler(TypeHandler(Update, hold), group=-100)
    update = standin.private_message(ANNE, ANSWERS[0])
    await asyncio.wait_for(kept.wait(), 10)
    await standin.wait_for(
        lambda: any(d.update_id == update["update_id"] for d in standin.webhook.log)
    )
    assert standin.webhook.log[-1].status == 200  # Telegram heard "kept" and forgets it
    await hooked.kill()
    assert _inbox_size(hooked) == 1
    await hooked.start()
    await standin.wait_idle()
    assert hooked.typed_answers(ANNE) == [ANSWERS[0]]
    assert _inbox_size(hooked) == 0
    await hooked.send(ANNE, ANSWERS[1])
    assert hooked.typed_answers(ANNE) == list(ANSWERS)


async def _walk_to_first_text(running: Running, code: str) -> None:
    await running.send(ANNE, f"/start {code}")
    await running.tap(ANNE, "I am an unpaid carer")
    await running.tap(ANNE, "Yes")
