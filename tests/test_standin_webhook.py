"""The stand-in delivers updates to a webhook as Telegram does, and the balancer spreads them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import BadRequest, Conflict

from standin import StandIn
from standin.balancer import Balancer
from standin.webhook import SECRET_HEADER, chat_of


class Receiver:
    """A plain webhook endpoint that records what arrives and answers what it is told."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.got: list[tuple[dict[str, Any], str | None]] = []
        self.statuses = list(statuses or [])
        self.delay = delay
        self.at_once = 0
        self.most_at_once = 0
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        try:
            await asyncio.sleep(self.delay)
            status = self.statuses.pop(0) if self.statuses else 200
            if status == 200:
                self.got.append((await request.json(), request.headers.get(SECRET_HEADER)))
            return web.Response(status=status)
        finally:
            self.at_once -= 1


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()


def make_bot(standin: StandIn) -> Bot:
    return Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url)


def ids(receiver: Receiver) -> list[int]:
    return [update["update_id"] for update, _ in receiver.got]


async def test_updates_are_posted_with_the_secret_and_getupdates_conflicts(
    standin: StandIn,
) -> None:
    first = standin.private_message(1, "waiting before the webhook")
    async with receiving(Receiver()) as receiver, make_bot(standin) as bot:
        assert await bot.set_webhook(receiver.url, secret_token="s3cret")
        second = standin.private_message(2, "after")
        await standin.wait_idle()
        assert ids(receiver) == [first["update_id"], second["update_id"]]
        assert {secret for _, secret in receiver.got} == {"s3cret"}
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        info = await bot.get_webhook_info()
        assert info.url == receiver.url and info.pending_update_count == 0
        assert info.max_connections == 40
        await bot.delete_webhook()
        third = standin.private_message(1, "polled again")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [third["update_id"]]
    standin.problems.remove(
        "getUpdates: 409 Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first"
    )
    standin.assert_no_problems()


async def test_a_refused_update_is_sent_again_and_its_chat_waits_for_it(standin: StandIn) -> None:
    async with receiving(Receiver(statuses=[500, 403])) as receiver, make_bot(standin) as bot:
        await bot.set_webhook(receiver.url)
        sent = [standin.private_message(1, f"message {n}")["update_id"] for n in range(3)]
        await standin.wait_idle()
        assert ids(receiver) == sent  # in order, though the first was refused twice
        tries = [d.status for d in standin.webhook.log]
        assert tries == [500, 403, 200, 200, 200]
        info = await bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 403"


async def test_no_answer_counts_as_refused(standin: StandIn) -> None:
    async with receiving(Receiver()) as receiver:
        url = receiver.url
    async with make_bot(standin) as bot:
        await bot.set_webhook(url)
        standin.private_message(1, "anyone?")
        await standin.wait_for(lambda: len(standin.webhook.log) >= 2)
        assert all(d.status == 0 and d.error for d in standin.webhook.log)
        assert len(standin.updates.pending) == 1


@pytest.mark.parametrize("most", [1, 3])
async def test_max_connections_is_honoured_and_chats_go_side_by_side(
    standin: StandIn, most: int
) -> None:
    async with receiving(Receiver(delay=0.05)) as receiver, make_bot(standin) as bot:
        await bot.set_webhook(receiver.url, max_connections=most)
        for n in range(3):
            for chat in range(1, 7):
                standin.private_message(chat, f"message {n}")
        await standin.wait_idle()
        assert receiver.most_at_once == most
        assert len(receiver.got) == 18
        for chat in range(1, 7):
            texts = [u["message"]["text"] for u, _ in receiver.got if chat_of(u) == chat]
            assert texts == ["message 0", "message 1", "message 2"]


@pytest.mark.parametrize(
    ("asked", "why"),
    [
        ({"url": "http://bot.example.org/hook"}, "HTTPS URL must be provided"),
        ({"url": "https://bot.example.org:8080/hook"}, "only on ports 80, 88, 443 or 8443"),
        ({"url": "https://bot.example.org/hook", "secret_token": "no spaces"}, "unallowed"),
        ({"url": "https://bot.example.org/hook", "max_connections": 101}, "max_connections"),
    ],
)
async def test_set_webhook_refuses_what_telegram_refuses(
    standin: StandIn, asked: dict[str, Any], why: str
) -> None:
    async with make_bot(standin) as bot:
        with pytest.raises(BadRequest, match="(?i)" + why):
            await bot.set_webhook(**asked)
        assert not standin.webhook.active


async def test_set_webhook_can_drop_pending_updates(standin: StandIn) -> None:
    standin.private_message(1, "old news")
    async with receiving(Receiver()) as receiver, make_bot(standin) as bot:
        await bot.set_webhook(receiver.url, drop_pending_updates=True)
        fresh = standin.private_message(1, "new")
        await standin.wait_idle()
        assert ids(receiver) == [fresh["update_id"]]


async def test_the_balancer_spreads_updates_and_skips_a_worker_that_is_down(
    standin: StandIn,
) -> None:
    async with (
        receiving(Receiver()) as one,
        receiving(Receiver()) as two,
        make_bot(standin) as bot,
    ):
        down = "http://127.0.0.1:9"  # discard port: nothing listens
        workers = [one.url.removesuffix("/hook"), down, two.url.removesuffix("/hook")]
        async with Balancer(workers) as balancer:
            await bot.set_webhook(balancer.base_url + "/hook", secret_token="s")
            for chat in range(1, 7):
                standin.private_message(chat, "hello")
            await standin.wait_idle()
        assert len(one.got) + len(two.got) == 6
        assert one.got and two.got
        assert {secret for _, secret in one.got + two.got} == {"s"}
        assert set(balancer.sent) == set(workers) - {down}
