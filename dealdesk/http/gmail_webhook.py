"""``POST /webhooks/gmail``: Gmail's Pub/Sub push, a nudge to read a mailbox now. Runs on the loop.

A push carries no mail, only ``{emailAddress, historyId}`` (base64url JSON in
``message.data``); the mailbox's Mailroom then reads its history from the stored cursor, so a
push that is lost, late or repeated changes nothing (the poll timer reads anyway). In order:

1. **Size**: a body over 64 KiB is refused (413) before it is read.
2. **Token**: ``?token=`` or ``Authorization: Bearer`` must equal ``DEALDESK_GMAIL_PUSH_TOKEN``
   (compared in constant time; never logged). None configured → 403, saying which setting.
3. **Envelope** → 400 with the reason.
4. The Mailroom of ``emailAddress`` is told the ``GmailPush`` (it reads its history now);
   204. A push for a mailbox this process does not own is acknowledged (200) and logged, so
   Pub/Sub does not retry it forever.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

import structlog
from aiohttp import web

from dealdesk.errors import InvalidInput
from dealdesk.http.app import HTTP_STATE
from dealdesk.integrations.gmail.push import parse_push
from dealdesk.runtime.registry import mailroom_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import SecretStr

__all__ = ["GMAIL_PUSH_PATH", "gmail_push_routes"]

GMAIL_PUSH_PATH = "/webhooks/gmail"
MAX_PUSH_BYTES = 64 * 1024
log = structlog.get_logger("dealdesk.http.gmail")


def _answer(status: int, **body: Any) -> web.Response:
    return web.json_response(body, status=status)


def gmail_push_routes(token: SecretStr | None) -> Callable[[web.Application], None]:
    """The ``add_fn(app)`` for ``build_app(routes=...)``."""
    expected = token.get_secret_value().encode() if token is not None else b""

    async def handle(request: web.Request) -> web.Response:
        if not expected:
            return _answer(403, error="Gmail push is off: set DEALDESK_GMAIL_PUSH_TOKEN")
        if (request.content_length or 0) > MAX_PUSH_BYTES:
            return _answer(413, error=f"a push is at most {MAX_PUSH_BYTES} bytes")
        given = request.query.get("token", "")
        header = request.headers.get("Authorization", "")
        if not given and header.startswith("Bearer "):
            given = header.removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected):
            log.warning("gmail_push_refused", remote=request.remote or "unknown")
            return _answer(401, error="missing or wrong push token")
        body = await request.content.read(MAX_PUSH_BYTES + 1)
        if len(body) > MAX_PUSH_BYTES:
            return _answer(413, error=f"a push is at most {MAX_PUSH_BYTES} bytes")
        try:
            push = parse_push(body)
        except InvalidInput as exc:
            return _answer(400, error=str(exc))
        ctx = request.app[HTTP_STATE].ctx
        if not ctx.registry.tell(mailroom_name(push.address), push):
            log.info("gmail_push_for_unknown_mailbox", mailbox=push.address)
            return _answer(200, outcome="not a mailbox of this process")
        return web.Response(status=204)

    def add(app: web.Application) -> None:
        app.router.add_post(GMAIL_PUSH_PATH, handle)

    return add
