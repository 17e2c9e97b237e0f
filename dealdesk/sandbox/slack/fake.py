"""The sandbox Slack Web API: ``auth.test`` and ``chat.postMessage`` with Slack's real shapes.

Requests arrive as slack_sdk sends them (JSON for chat.postMessage, form data for others, the bot
token as ``Authorization: Bearer xoxb-…``); answers are HTTP 200 with ``{"ok": …}``, errors too,
as Slack does. Every posted message is recorded for tests and the local operator to read.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from dealdesk.sandbox.base import FakeServer

__all__ = ["SANDBOX_BOT_TOKEN", "FakeSlack", "PostedMessage"]

SANDBOX_BOT_TOKEN = "xoxb-sandbox-0000"  # noqa: S105 - a fixed token the fake accepts, not a secret


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    ts: str


class FakeSlack(FakeServer):
    service = "slack"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.messages: list[PostedMessage] = []
        self._channel_ids: dict[str, str] = {}
        self._ts = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._dispatch)

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
        if method == "chat.postMessage":
            return self._post_message(args)
        return web.json_response({"ok": False, "error": "unknown_method"})

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
        message = PostedMessage(
            channel=self.channel_id(channel),
            text=text,
            blocks=blocks,
            thread_ts=args.get("thread_ts"),
            ts=ts,
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
