"""The sandbox Slack's Socket Mode: ``apps.connections.open`` and the WebSocket it hands out.

An app connects as slack_sdk's Socket Mode clients do: it POSTs ``apps.connections.open`` with
its app-level token (``Authorization: Bearer xapp-…``; a bot token is ``not_allowed_token_type``,
none ``not_authed``, as Slack answers) and gets ``{"ok": true, "url": "ws://…/link/?ticket=…"}``;
the ticket opens one connection, once. On connect the fake says ``hello`` (``num_connections``,
``debug_info``, ``connection_info.app_id``), then pushes what the workspace does as Slack's
envelopes (``{"envelope_id", "type": "slash_commands" | "interactive" | "events_api", "payload",
"accepts_response_payload", "retry_attempt", "retry_reason"}``) and records the app's acks
(``{"envelope_id", "payload"?}``) for tests to read. ``disconnect`` asks the app to reconnect,
as Slack does before it refreshes a connection.

Threads: the WebSocket handler runs on the fake's loop, which it remembers on the first
connection; the persona methods (:meth:`SocketMode.command`, :meth:`click`, :meth:`push`,
:meth:`disconnect`) are for test threads: they hand the send to that loop and wait for it.
The records are read from any thread, and tests wait on them with the fake's ``wait_until``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, WSMsgType, web

from dealdesk.sandbox.slack.console import button_click_payload, slash_command_fields

if TYPE_CHECKING:
    from dealdesk.sandbox.slack.fake import FakeSlack

__all__ = ["LINK_PATH", "SocketAck", "SocketMode"]

LINK_PATH = "/link/"
DEFAULT_APP_ID = "A0DEALDESK"  # the app the sandbox's payloads name (api_app_id)
SEND_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class SocketAck:
    """What the app answered an envelope with: ``payload`` is None when it acked with nothing
    (a button click, or a command answered later through its response_url)."""

    envelope_id: str
    payload: dict[str, Any] | None


class SocketMode:
    """The Socket Mode side of one :class:`FakeSlack` (``fake.socket``)."""

    def __init__(self, fake: FakeSlack) -> None:
        self._fake = fake
        self._lock = threading.Lock()  # guards what follows; never held while waking waiters
        self._tickets: dict[str, str] = {}  # ticket -> app id, each usable once
        self._open: list[web.WebSocketResponse] = []  # newest last: envelopes go there
        self._loop: asyncio.AbstractEventLoop | None = None
        self.sent: dict[str, dict[str, Any]] = {}  # envelope id -> the envelope
        self.acks: dict[str, SocketAck] = {}
        self.connections = 0  # every connection ever opened
        self.close_codes: list[int | None] = []  # how each ended: 1000 the app, 1001 the fake

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(LINK_PATH, self._link)

    # -- apps.connections.open (on the fake's loop) ----------------------------------------------

    def open_connection(self, authorization: str) -> web.Response:
        """``apps.connections.open``: a one-time WebSocket URL for an app-level token."""
        token = authorization.removeprefix("Bearer ").strip()
        if not authorization.startswith("Bearer ") or not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        if not token.startswith("xapp-"):
            return web.json_response({"ok": False, "error": "not_allowed_token_type"})
        parts = token.split("-")  # xapp-1-A0123-…: the app's id is the third part
        app_id = parts[2] if len(parts) > 3 and parts[2].startswith("A") else DEFAULT_APP_ID
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets[ticket] = app_id
        url = f"ws://{self._fake.host}:{self._fake.port}{LINK_PATH}?ticket={ticket}"
        return web.json_response({"ok": True, "url": url})

    # -- the WebSocket (on the fake's loop) -----------------------------------------------------

    async def _link(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            app_id = self._tickets.pop(request.query.get("ticket", ""), None)
        if app_id is None:  # unknown or already used
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        ws = web.WebSocketResponse()  # autoping: the SDK's pings are answered
        await ws.prepare(request)
        self._loop = asyncio.get_running_loop()
        with self._lock:
            self._open.append(ws)
            self.connections += 1
            hello = {
                "type": "hello",
                "num_connections": len(self._open),
                "debug_info": {
                    "host": "applink-sandbox",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": app_id},
            }
        await ws.send_json(hello)
        self._fake.changed()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._received(message.data)
        finally:
            with self._lock:
                self._open.remove(ws)
                self.close_codes.append(ws.close_code)
            self._fake.changed()
        return ws

    def _received(self, data: str) -> None:
        """An ack: ``{"envelope_id": …, "payload": {…}?}``; anything else is not Slack's."""
        with contextlib.suppress(ValueError):
            message = json.loads(data)
            if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
                payload = message.get("payload")
                payload = payload if isinstance(payload, dict) else None
                ack = SocketAck(message["envelope_id"], payload)
                with self._lock:
                    self.acks[ack.envelope_id] = ack
                self._fake.changed()

    async def close(self) -> None:
        """Close every connection (the fake stops); the app sees Slack going away."""
        with self._lock:
            connections = list(self._open)
        for ws in connections:
            await ws.close(code=WSCloseCode.GOING_AWAY)

    # -- the persona's side (a test thread, never the fake's loop) -------------------------------

    def connected(self) -> bool:
        return self.open_count() > 0

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)

    def command(
        self, command: str, text: str, user_id: str, *, channel_id: str = "C00000001"
    ) -> str:
        """Type a slash command: its envelope id. The payload carries a fresh response_url of
        the fake (``sent[id]["payload"]["response_url"]``), where a later answer is recorded."""
        url = self._fake.response_url()
        payload = slash_command_fields(command, text, user_id, url, channel_id=channel_id)
        return self.push("slash_commands", payload, accepts_response_payload=True)

    def click(
        self, action_id: str, value: str, user_id: str, *, channel_id: str, message: dict[str, Any]
    ) -> str:
        """Click a button of ``message``: its envelope id (block_actions accept no payload)."""
        url = self._fake.response_url()
        payload = button_click_payload(
            action_id, value, user_id, url, channel_id=channel_id, message=message
        )
        return self.push("interactive", payload, accepts_response_payload=False)

    def push(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = False
    ) -> str:
        """Send an envelope of ``kind`` on the newest connection: its envelope id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._send(envelope)
        with self._lock:
            self.sent[envelope_id] = envelope
        return envelope_id

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to move to a new connection (it opens one; this one stays until it
        leaves)."""
        self._send({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink"}})

    def ack(self, envelope_id: str, timeout: float = 10.0) -> SocketAck:
        """The app's ack of ``envelope_id``, once it came; TimeoutError if it did not."""
        if not self._fake.wait_until(lambda: envelope_id in self.acks, timeout):
            raise TimeoutError(f"no ack of envelope {envelope_id} within {timeout}s")
        with self._lock:
            return self.acks[envelope_id]

    def _send(self, message: dict[str, Any]) -> None:
        with self._lock:
            ws = self._open[-1] if self._open else None
        loop = self._loop
        if ws is None or loop is None:
            raise RuntimeError("no Socket Mode connection is open: wait for connected()")
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # waiting for the send would block the loop that sends it
            raise RuntimeError("SocketMode sends from a test thread, not the fake's loop")
        asyncio.run_coroutine_threadsafe(ws.send_json(message), loop).result(SEND_TIMEOUT_S)
