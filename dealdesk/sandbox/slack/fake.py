"""The sandbox Slack Web API with Slack's real shapes: ``auth.test``, ``chat.postMessage``,
``chat.update``, ``chat.postEphemeral``, ``conversations.history`` / ``replies`` / ``list`` (with
message metadata), ``views.open``, and the ``response_url`` a command or click answers through;
Socket Mode (``apps.connections.open`` and its WebSocket) is ``fake.socket``, in socket_mode.py.

Requests arrive as slack_sdk sends them (JSON for chat.postMessage, form data for others, the bot
token as ``Authorization: Bearer xoxb-…``); answers are HTTP 200 with ``{"ok": …}``, errors too,
as Slack does. Every posted message, update, ephemeral answer, response_url answer and opened
view is recorded for tests and the local operator to read. ``response_url`` is
``{base}/response/{id}`` (:meth:`FakeSlack.response_url`), usable 5 times like Slack's.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from dealdesk.sandbox.base import FakeServer
from dealdesk.sandbox.slack.socket_mode import SocketMode

__all__ = ["SANDBOX_BOT_TOKEN", "Answer", "FakeSlack", "PostedMessage"]

SANDBOX_BOT_TOKEN = "xoxb-sandbox-0000"  # noqa: S105 - a fixed token the fake accepts, not a secret


@dataclass
class PostedMessage:
    channel: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    ts: str
    metadata: dict[str, Any] | None = None
    updates: int = 0  # how often chat.update replaced it


@dataclass(frozen=True)
class Answer:
    """What a command or a click answered through its response_url, or an ephemeral post."""

    where: str  # the response_url id, or "ephemeral:{channel}:{user}"
    body: dict[str, Any]


RESPONSE_URL_USES = 5
SANDBOX_CHANNELS = ("#dealdesk", "#dealdesk-errors")


class FakeSlack(FakeServer):
    service = "slack"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.messages: list[PostedMessage] = []
        self._channel_ids: dict[str, str] = {}
        self._ts = itertools.count(1)
        self.answers: list[Answer] = []
        self.views: list[dict[str, Any]] = []
        self._response_uses: dict[str, int] = {}
        self._arrived: dict[str, asyncio.Event] = {}  # on the fake's loop
        for channel in SANDBOX_CHANNELS:  # the workspace's channels exist before any post
            self.channel_id(channel)
        self.socket = SocketMode(self)
        self.socket.add_routes(self.app)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._dispatch)
        app.router.add_get("/api/{method}", self._dispatch)  # slack_sdk GETs some (lists)
        app.router.add_post("/response/{rid}", self._respond)
        app.router.add_get("/response/{rid}", self._answers)  # the sandbox's own: what it got

    async def stop(self) -> None:
        await self.socket.close()  # an open WebSocket would hold the runner's clean-up
        await super().stop()

    def response_url(self) -> str:
        """A fresh response_url for one command or click (the fake must be started)."""
        rid = f"R{next(self._ts):08d}"
        with self._cond:
            self._response_uses[rid] = 0
        return f"{self.base_url}/response/{rid}"

    def answers_to(self, response_url: str) -> list[dict[str, Any]]:
        rid = response_url.rstrip("/").rsplit("/", 1)[-1]
        with self._cond:
            return [a.body for a in self.answers if a.where == rid]

    def message(self, ts: str) -> PostedMessage | None:
        with self._cond:
            return next((m for m in self.messages if m.ts == ts), None)

    def channel_id(self, channel: str) -> str:
        name = channel.lstrip("#")
        if channel.startswith(("C", "G", "D")) and channel.isupper():
            return channel
        return self._channel_ids.setdefault(name, f"C{len(self._channel_ids) + 1:08d}")

    def messages_in(self, channel: str) -> list[PostedMessage]:
        wanted = self.channel_id(channel)
        with self._cond:
            return [m for m in self.messages if m.channel == wanted]

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        auth = request.headers.get("Authorization", "")
        if method == "apps.connections.open":  # the one method an app-level token may call
            return self.socket.open_connection(auth)
        if auth.startswith("Bearer xapp-"):
            return web.json_response({"ok": False, "error": "not_allowed_token_type"})
        if not auth.startswith("Bearer xox"):
            return web.json_response({"ok": False, "error": "not_authed"})
        args = await _arguments(request)
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "url": "https://sandbox.slack.com/",
                    "team": "Sandbox Agency",
                    "user": "dealdesk",
                    "team_id": "T0SANDBOX",
                    "user_id": "U0DEALDESK",
                    "bot_id": "B0DEALDESK",
                    "is_enterprise_install": False,
                }
            )
        handler = {
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._ephemeral,
            "conversations.history": self._history,
            "conversations.replies": self._history,
            "conversations.list": self._list,
            "views.open": self._open_view,
        }.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return handler(args)

    async def _answers(self, request: web.Request) -> web.Response:
        """The answers ``rid`` received; ``?wait=S`` waits up to S seconds for the first."""
        rid = request.match_info["rid"]
        wait = min(float(request.query.get("wait", "0") or 0), 60.0)
        arrived = self._arrived.setdefault(rid, asyncio.Event())
        if wait and not self.answers_to(rid):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), wait)
        return web.json_response({"ok": True, "answers": self.answers_to(rid)})

    async def _respond(self, request: web.Request) -> web.Response:
        rid = request.match_info["rid"]
        body = json.loads(await request.read() or b"{}")
        with self._cond:
            if rid.startswith("X"):  # one a local client made up (run.py slack)
                self._response_uses.setdefault(rid, 0)
            uses = self._response_uses.get(rid)
            if uses is None or uses >= RESPONSE_URL_USES:
                return web.json_response({"ok": False, "error": "expired_url"}, status=404)
            self._response_uses[rid] = uses + 1
            self.answers.append(Answer(rid, body))
        self._arrived.setdefault(rid, asyncio.Event()).set()
        self.changed()
        return web.json_response({"ok": True})

    def _update(self, args: dict[str, Any]) -> web.Response:
        channel, ts = self.channel_id(str(args.get("channel") or "")), str(args.get("ts") or "")
        with self._cond:
            found = next((m for m in self.messages if m.ts == ts and m.channel == channel), None)
            if found is None:
                return web.json_response({"ok": False, "error": "message_not_found"})
            found.text = str(args.get("text") or found.text)
            blocks = args.get("blocks")
            found.blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            found.updates += 1
        self.changed()
        return web.json_response({"ok": True, "channel": channel, "ts": ts, "text": found.text})

    def _ephemeral(self, args: dict[str, Any]) -> web.Response:
        where = f"ephemeral:{self.channel_id(str(args.get('channel') or ''))}:{args.get('user')}"
        body = {k: v for k, v in args.items() if k in ("text", "blocks")}
        with self._cond:
            self.answers.append(Answer(where, body))
        self.changed()
        return web.json_response({"ok": True, "message_ts": f"{time.time():.6f}"})

    def _history(self, args: dict[str, Any]) -> web.Response:
        channel = self.channel_id(str(args.get("channel") or ""))
        thread = args.get("ts")
        oldest = float(args.get("oldest") or 0)
        with self._cond:
            found = [
                m
                for m in self.messages
                if m.channel == channel
                and float(m.ts) >= oldest
                and (thread in (m.thread_ts, m.ts) if thread else m.thread_ts is None)
            ]
        messages = [
            {"type": "message", "ts": m.ts, "text": m.text, "thread_ts": m.thread_ts}
            | ({"blocks": m.blocks} if m.blocks else {})
            | ({"metadata": m.metadata} if m.metadata else {})
            for m in reversed(found)
        ]
        return web.json_response({"ok": True, "messages": messages, "has_more": False})

    def _list(self, _args: dict[str, Any]) -> web.Response:
        with self._cond:
            channels = [{"id": i, "name": n} for n, i in self._channel_ids.items()]
        return web.json_response({"ok": True, "channels": channels})

    def _open_view(self, args: dict[str, Any]) -> web.Response:
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        if not args.get("trigger_id") or not isinstance(view, dict):
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        with self._cond:
            self.views.append(view)
        self.changed()
        return web.json_response({"ok": True, "view": {"id": f"V{len(self.views):08d}", **view}})

    def _post_message(self, args: dict[str, Any]) -> web.Response:
        channel = str(args.get("channel") or "")
        if not channel:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        text = str(args.get("text") or "")
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not text and not blocks:
            return web.json_response({"ok": False, "error": "no_text"})
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        metadata = args.get("metadata")
        message = PostedMessage(
            channel=self.channel_id(channel),
            text=text,
            blocks=blocks,
            thread_ts=args.get("thread_ts"),
            ts=ts,
            metadata=json.loads(metadata) if isinstance(metadata, str) else metadata,
        )
        with self._cond:
            self.messages.append(message)
        self.changed()
        return web.json_response(
            {
                "ok": True,
                "channel": message.channel,
                "ts": ts,
                "message": {
                    "type": "message",
                    "subtype": "bot_message",
                    "text": text,
                    "ts": ts,
                    "user": "U0DEALDESK",
                    "bot_id": "B0DEALDESK",
                },
            }
        )


async def _arguments(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw:
        return dict(request.query)
    if request.content_type == "application/json":
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
