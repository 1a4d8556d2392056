"""brewbot's HTTP to Telegram (aiohttp under python-telegram-bot): errors come out as PTB's,
telling a call that may have arrived from one that never left, and never showing the token."""

from __future__ import annotations

import socket

import pytest
from telegram.error import NetworkError, TimedOut

from bot.runtime.http import AiohttpRequest
from bot.runtime.ratelimit import might_have_arrived
from standin import StandIn
from standin.faults import Fault


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_refused_connection_never_arrived_and_hides_the_token(standin: StandIn) -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{_closed_port()}/bot{standin.token}/getMe"
        with pytest.raises(NetworkError) as caught:
            await request.do_request(url, "POST")
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert not might_have_arrived(caught.value)  # safe to send again
    assert standin.token not in str(caught.value)


async def test_an_answer_too_late_is_a_timeout_that_may_have_arrived(standin: StandIn) -> None:
    standin.faults.add(Fault("getme", 1, late_s=1.0))
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut) as caught:
            await request.do_request(f"{standin.base_url}{standin.token}/getMe", "POST")
        status, body = await request.do_request(f"{standin.base_url}{standin.token}/getMe", "POST")
    finally:
        await request.shutdown()
    assert might_have_arrived(caught.value)  # the work was done: never send it again
    assert status == 200 and b'"ok":true' in body.replace(b" ", b"")
