"""A local Telegram Bot API on 127.0.0.1 for the real python-telegram-bot to talk to."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from standin import api_chats, api_messages
from standin.faults import Chaos, Fault, FaultPlan, error_for
from standin.flood import FLOOD_COUNTED, FloodControl
from standin.inject import Injections
from standin.inject_groups import GroupInjections
from standin.limits import ApiError, bad_request
from standin.params import STRING_PARAMS, Params, Upload, decode
from standin.records import Call, Recording
from standin.spec import Spec
from standin.state import World
from standin.updates import UpdateQueue
from standin.webhook import Deliveries

_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,64}$")
_HANDLERS = {**api_chats.HANDLERS, **api_messages.HANDLERS}
_OWN = ("getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo")
_BY_LOWER = {name.lower(): name for name in [*_HANDLERS, *_OWN]}
_MAX_BODY = 60 * 1024 * 1024


class _Dropped(Exception):
    """The connection was dropped on purpose."""


def _client_gone(request: web.Request) -> bool:
    """Say whether the client already hung up (an abandoned long poll, say)."""
    return request.transport is None or request.transport.is_closing()


# Telegram's 30 a second is for bulk notifications (tdlib/td#1834). A send to a chat that
# wrote to the bot within this long is taken for a reply to it: counted, never refused.
REPLY_WINDOW = 60.0


class StandIn(Injections, GroupInjections, Recording):
    """Serve the Bot API over HTTP, record every call, and let tests act as people."""

    def __init__(
        self,
        spec_path: str | Path | None = None,
        *,
        bot_id: int = 7_000_000_001,
        username: str = "brewbot_test_bot",
        first_name: str = "Brewbot Test",
        speed: float = 1.0,
        flood_control: bool = True,
        overall_per_second: int | None = None,
    ) -> None:
        self.spec = Spec.load(spec_path) if spec_path is not None else None
        secret = hashlib.sha256(f"stand-in {bot_id}".encode()).hexdigest()
        self.token = f"{bot_id}:AAE{secret[:32]}"
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.world = World(self.bot_user)
        self.updates = UpdateQueue(on_confirm=self._changed)
        self.webhook = Deliveries(self.updates, self._changed)
        self.updates.on_push = self.webhook.nudge
        self.faults = FaultPlan()
        self.calls: list[Call] = []
        self.listeners: list[Callable[[Call], None]] = []  # told of every call as it is recorded
        self.problems: list[str] = []
        self._in_flight = 0
        self._activity = asyncio.Event()
        self._send_times: dict[int, list[float]] = {}
        self._retry_due = 0.0
        # Telegram's per-chat and per-group limits; speed scales them for quick tests. With
        # overall_per_second (Telegram's is about 30), the whole bot's sends and edits in any
        # one real second too, as Telegram counts them per token.
        self.flood = (
            FloodControl(
                speed=speed,
                overall=overall_per_second,
                clock=lambda: asyncio.get_running_loop().time(),
            )
            if flood_control
            else None
        )
        self._heard: dict[str, float] = {}  # chat -> when it last wrote to the bot (loop time)
        self._runner: web.AppRunner | None = None
        self.offline = False  # True: drop every connection, as if the network were down
        self.host = "127.0.0.1"
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to pass as PTB's base_url (the token is appended to it)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's base_file_url."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> StandIn:
        """Start serving; port 0 picks a free one (see .port)."""
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host, self.port = host, int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Release long polls, stop delivering to a webhook, and stop serving."""
        self.updates.close()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def busiest_second(self) -> int:
        """The most sends and edits the bot made in any one second (counted when they came)."""
        return 0 if self.flood is None else self.flood.busiest_second(self.token)

    def heard_from(self, payload: dict[str, Any]) -> None:
        """Note that the chat behind an update (a message, a press) just wrote to the bot."""
        message = payload.get("message") if "data" in payload else payload
        chat = (message or {}).get("chat") or payload.get("from") or {}
        if "id" in chat:
            with contextlib.suppress(RuntimeError):  # made before the loop runs: not yet
                self._heard[str(chat["id"])] = asyncio.get_running_loop().time()

    def is_bulk(self, chat: str) -> bool:
        """Say whether a send to this chat would be bulk: it has not written to the bot in
        the last REPLY_WINDOW seconds (what else is left for Telegram to tell a reply by)."""
        heard = self._heard.get(chat)
        return heard is None or asyncio.get_running_loop().time() - heard > REPLY_WINDOW

    def limit_overall(
        self, per_second: int | None, bulk: Callable[[str], bool] | None = None
    ) -> None:
        """From now on refuse more than ``per_second`` sends and edits from the bot in any
        one second (None: only count them), as when a push or news starts; with ``bulk``,
        refuse only calls to the chats it names, counting the rest (replies) all the same."""
        if self.flood is not None:
            self.flood.overall = per_second
            self.flood.bulk = bulk

    # -- faults ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of method ("*": any but getUpdates) with an error."""
        error = error_for(status, retry_after, description)
        self.faults.add(Fault(method.lower(), times, error=error))

    def chaos(self, share: float = 0.2, *, seed: int = 1, late_s: float = 8.0) -> Chaos:
        """Fail a seeded share of calls from now on: 500, 502, 429, or done but answered late."""
        self.faults.chaos = Chaos(share, seed, late_s)
        return self.faults.chaos

    def drop_next(self, method: str, *, times: int = 1, after_effect: bool = False) -> None:
        """Drop the connection on the next calls; after_effect: do the work first, then drop."""
        self.faults.add(Fault(method.lower(), times, drop_after_effect=after_effect))

    # -- HTTP ------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if not _TOKEN.match(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self.world.file_by_path(request.match_info["path"])
        if stored is None:
            return await self._not_found(request)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if not _TOKEN.match(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        sent_name = request.match_info["method"]
        method = _BY_LOWER.get(sent_name.lower())
        known = self.spec.method_name(sent_name) if self.spec else None
        if method is None and known is None:
            self.problems.append(f"{sent_name}: no such Bot API method")
            return await self._not_found(request)
        method = method or known or sent_name
        busy = method != "getUpdates"
        self._in_flight += busy
        if busy:
            self._changed()
        try:
            return await self._serve(request, method, request.match_info["token"])
        except _Dropped:
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        finally:
            self._in_flight -= busy
            self._changed()

    async def _serve(self, request: web.Request, method: str, token: str) -> web.Response:
        if self.offline:
            raise _Dropped
        try:
            params = await self._read_params(request, method)
        except ApiError as error:
            self.problems.append(f"{method}: {error.code} {error.description}")
            return web.json_response(error.payload(), status=error.code)
        if self.spec is not None:
            self.problems += self.spec.check_call(method, params.values, set(params.files))
        fault = self.faults.take(method)
        if fault is not None and fault.drop_after_effect is False:
            self._record(method, params, ApiError(0, "connection dropped"))
            raise _Dropped
        try:
            if fault is not None and fault.error is not None:
                raise fault.error
            if self.flood is not None:
                self.flood.check(method, params.get("chat_id"), token)
            result = await self._run(method, params)
        except ApiError as error:
            if fault is None and not (error.code == 409 and _client_gone(request)):
                self.problems.append(f"{method}: {error.code} {error.description}")
            self._record(method, params, error)
            return web.json_response(error.payload(), status=error.code)
        result = json.loads(json.dumps(result))
        if self.spec is not None:
            self.problems += [f"stand-in bug: {p}" for p in self.spec.check_result(method, result)]
        self._record(method, params, result)
        if fault is not None and fault.late_s:  # done, but the answer comes too late
            await asyncio.sleep(fault.late_s)
        elif fault is not None:  # dropped after the work was done
            raise _Dropped
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request, method: str) -> Params:
        strings = self.spec.string_params(method) if self.spec else STRING_PARAMS
        values: dict[str, Any] = {k: decode(k, v, strings) for k, v in request.query.items()}
        files: dict[str, Upload] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("parameters must be a JSON object")
            values.update(body)
        elif request.body_exists:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    values[key] = decode(key, value, strings)
                elif isinstance(value, web.FileField):
                    data = value.file.read()
                    files[key] = Upload(key, value.filename, data, value.content_type)
        return Params(values, files)

    async def _run(self, method: str, params: Params) -> Any:
        if method == "getUpdates":
            self.webhook.refuse_get_updates()
            return await self._get_updates(params)
        if method == "setWebhook":
            return self.webhook.set_webhook(params)
        if method == "deleteWebhook":
            return self.webhook.delete_webhook(params)
        if method == "getWebhookInfo":
            return self.webhook.info()
        handler = _HANDLERS.get(method)
        if handler is None:
            self.problems.append(f"{method}: the stand-in does not implement this method")
            raise bad_request(f"the stand-in does not implement {method}")
        return handler(self.world, params)

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset, limit, timeout = (params.get(k) for k in ("offset", "limit", "timeout"))
        allowed = params.get("allowed_updates")
        return await self.updates.get_updates(offset, limit, wait_s=timeout, allowed=allowed)

    def _record(self, method: str, params: Params, outcome: Any) -> None:
        now = asyncio.get_running_loop().time()
        if isinstance(outcome, ApiError):
            status, result, error = outcome.code, None, outcome.description
            retry_after = (outcome.parameters or {}).get("retry_after")
            if isinstance(retry_after, int | float):
                self._retry_due = max(self._retry_due, now + retry_after)
        else:
            status, result, error = 200, outcome, None
            if method in FLOOD_COUNTED and isinstance(outcome, dict) and "chat" in outcome:
                self._send_times.setdefault(outcome["chat"]["id"], []).append(now)
        call = Call(method, params.values, params.files, status, result, error, now)
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)
