"""A tiny reverse proxy that spreads webhook POSTs among several brewbot processes.

Telegram knows one webhook URL. With several brewbot workers, a proxy in front (Caddy or
nginx in production) passes each request to one of them in turn. This one does the same
on 127.0.0.1 for tests: round-robin, and on to the next worker when one cannot be reached
(as nginx's ``proxy_next_upstream error``); the worker's answer goes back unchanged, and
502 when none answers, so Telegram (the stand-in) sends the update again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

import aiohttp
from aiohttp import web

_PASSED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class Balancer:
    """Forward every request to one of ``backends`` (base URLs like http://127.0.0.1:9001)."""

    def __init__(self, backends: Sequence[str]) -> None:
        if not backends:
            raise ValueError("a balancer needs at least one backend")
        self.backends = [b.rstrip("/") for b in backends]
        self.sent: list[str] = []  # the backend each answered request went to
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """Where to point the webhook: add the path the workers answer at."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> Balancer:
        """Start listening on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        """Stop listening and close connections to the workers."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Balancer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: request.headers[k] for k in _PASSED if k in request.headers}
        for _ in self.backends:
            backend = self.backends[self._next % len(self.backends)]
            self._next += 1
            try:
                async with self._session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as answer:
                    content = await answer.read()
                    self.sent.append(backend)
                    return web.Response(
                        status=answer.status, body=content, content_type=answer.content_type
                    )
            except aiohttp.ClientConnectionError:
                continue  # that worker is down: try the next, as a proxy would
        return web.Response(status=502)
