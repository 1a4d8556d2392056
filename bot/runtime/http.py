"""How brewbot talks HTTP to Telegram: python-telegram-bot's request interface over aiohttp.

python-telegram-bot's own HTTPXRequest spends about a third of brewbot's CPU under a crowd
in httpx, httpcore, anyio and h11 (``bench/crowd.py --profile``). aiohttp, which brewbot
already uses for its Bot API stand-in, parses HTTP in C. Errors come out as PTB's own:
:class:`~telegram.error.TimedOut` when Telegram did not answer in time (the call may have
arrived), :class:`~telegram.error.NetworkError` otherwise, with aiohttp's error as the
cause so :func:`bot.runtime.ratelimit.might_have_arrived` can tell a refused connection apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECTIONS = 256
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """Send Bot API calls through one pooled aiohttp session."""

    def __init__(
        self,
        *,
        read_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        media_timeout: float = 20.0,
        connections: int = CONNECTIONS,
    ) -> None:
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._media_timeout = media_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """How long to wait for Telegram's answer, unless a call says otherwise."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (its pool of connections)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; return Telegram's status code and body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        read = _seconds(read_timeout, self._media_timeout if files else self._read_timeout)
        connect = _seconds(connect_timeout, self._connect_timeout)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        body = _body(request_data, files)
        headers = _JSON if isinstance(body, bytes) else None
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # Only the kind of error: some of aiohttp's messages hold the URL, and so the token.
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error


def _seconds(value: ODVInput[float], default: float) -> float | None:
    if isinstance(value, DefaultValue):
        return default
    return value


def _body(
    request_data: RequestData | None, files: Mapping[str, tuple[str, object, str]]
) -> aiohttp.FormData | bytes | None:
    """The call's parameters as JSON, or as a form with the files as its parts.

    JSON, because aiohttp builds a form through a multipart writer even for a few plain
    fields (a random boundary each time): a tenth of a crowd's CPU in ``bench/crowd.py``.
    """
    if request_data is None:
        return None
    if not files:
        return json.dumps(request_data.parameters).encode()
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form
