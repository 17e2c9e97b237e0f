"""The Slack console's way in: slack-bolt's AsyncApp at ``POST /slack/events`` on the one aiohttp
app (HTTP mode), or over Socket Mode when an app-level token is configured.

Bolt verifies each request's signature and timestamp (a bad one, or one older than five minutes,
is 401 before any listener runs); the body is limited by the aiohttp app's ``client_max_size``.
Every listener acknowledges at once (Slack wants an answer within 3 s), then asks the Console
(``ask``: the app layer's bridge to the actor, which never blocks the loop) and answers through
the request's ``response_url``; a decision on an escalation also updates the message it was
made on (``chat.update``), for everyone. Runs on the I/O loop.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from dealdesk.errors import ConfigError, DealdeskError, UpstreamError
from dealdesk.integrations.slack.commands import COMMANDS
from dealdesk.integrations.slack.errors import classify_slack
from dealdesk.integrations.slack.requests import (
    ButtonClick,
    ConsoleAnswer,
    SlashCommand,
    SubmitEdit,
)
from dealdesk.runtime.logging import redact_text

if TYPE_CHECKING:
    from aiohttp import web
    from slack_sdk.web.async_client import AsyncWebClient


__all__ = ["SLACK_EVENTS_PATH", "build_slack_app", "slack_routes", "start_socket_mode"]

SLACK_EVENTS_PATH = "/slack/events"
_ACTIONS = re.compile(r"^(escalation_\w+|review_\w+|view_thread)$")
EDIT_VIEW = "review_edit"  # the review modal's callback_id
# What apps.connections.open answers a token that is not a usable app-level token.
_TOKEN_ERRORS = frozenset(
    {"not_authed", "invalid_auth", "not_allowed_token_type", "token_revoked", "missing_scope"}
)


Ask = Callable[[object], Awaitable[ConsoleAnswer]]


def build_slack_app(client: AsyncWebClient, signing_secret: str, ask: Ask) -> AsyncApp:
    """The bolt app with the console's commands and buttons (its client: the bot's); ``ask``
    hands a request to the Console and answers what to show (never raises)."""
    app = AsyncApp(
        # Named: without a name bolt takes its caller's file from inspect.stack(), which resolves
        # the path of every loaded module (seconds of start-up on a loaded machine).
        name="dealdesk",
        client=client,
        signing_secret=signing_secret,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )

    async def on_command(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        answer = await ask(
            SlashCommand(
                command=str(body.get("command", "")),
                text=str(body.get("text", "")),
                user_id=str(body.get("user_id", "")),
                channel_id=str(body.get("channel_id", "")),
            )
        )
        await respond(**answer.payload())

    for command in COMMANDS:
        app.command(command)(on_command)

    async def on_action(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id", ""))
        click = ButtonClick(
            action_id=str(action.get("action_id", "")),
            value=str(action.get("value", "")),
            user_id=str((body.get("user") or {}).get("id", "")),
            channel_id=channel,
            message_ts=str(message.get("ts", "")),
            message_text=str(message.get("text", "")),
            message_blocks=tuple(message.get("blocks") or ()),
            trigger_id=str(body.get("trigger_id", "")),
        )
        answer = await ask(click)
        if answer.view is not None and click.trigger_id:
            await client.views_open(trigger_id=click.trigger_id, view=answer.view)
            return
        if answer.replace_original and click.message_ts:
            await client.chat_update(
                channel=channel, ts=click.message_ts, text=answer.text, blocks=answer.blocks
            )
            await respond(text=answer.text, response_type="ephemeral", replace_original=False)
            return
        await respond(**answer.payload())

    app.action(_ACTIONS)(on_action)

    async def on_edit(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        where = json.loads(view.get("private_metadata") or "{}")
        values = (view.get("state") or {}).get("values") or {}
        text = str(((values.get("draft") or {}).get("text") or {}).get("value") or "")
        answer = await ask(
            SubmitEdit(
                key=str(where.get("key", "")),
                text=text,
                user_id=str((body.get("user") or {}).get("id", "")),
                channel_id=str(where.get("channel", "")),
                message_ts=str(where.get("ts", "")),
            )
        )
        if answer.errors is not None:  # the modal stays open, the reasons under the text
            await ack(response_action="errors", errors={"draft": answer.errors})
            return
        await ack()
        if answer.replace_original and where.get("channel") and where.get("ts"):
            await client.chat_update(
                channel=where["channel"], ts=where["ts"], text=answer.text, blocks=answer.blocks
            )

    app.view(EDIT_VIEW)(on_edit)
    return app


def slack_routes(app: AsyncApp) -> Callable[[web.Application], None]:
    """``POST /slack/events``: every request through bolt's verification and dispatch."""

    async def events(request: web.Request) -> web.StreamResponse:
        response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    def add(web_app: web.Application) -> None:
        web_app.router.add_post(SLACK_EVENTS_PATH, events)

    return add


async def start_socket_mode(app: AsyncApp, app_token: str) -> Any:
    """Socket Mode instead of a public Request URL: connect, and return the handler (closed at
    shutdown with ``await handler.close_async()``). Call on the loop.

    The first WebSocket URL is asked for here, once: the SDK's ``connect`` retries a refused
    token every ten seconds for ever, which hung start-up until its timeout and hid Slack's
    answer. A refused token is a ``ConfigError`` naming Slack's error (never the token); any
    other failure an ``UpstreamError``. A start that fails or is cancelled closes the handler
    (its aiohttp session would leak).
    """
    from slack_bolt.adapter.socket_mode.async_handler import (  # noqa: PLC0415 - only when used
        AsyncSocketModeHandler,
    )

    handler = AsyncSocketModeHandler(app, app_token)
    try:
        try:
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except Exception as exc:
            raise _connect_error(exc) from exc
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except BaseException:
        await handler.close_async()  # type: ignore[no-untyped-call]
        raise
    return handler


def _connect_error(exc: Exception) -> DealdeskError:
    failure = classify_slack(exc)
    error = failure.kind.removeprefix("slack_")
    if isinstance(exc, SlackApiError) and error in _TOKEN_ERRORS:
        return ConfigError(
            f"Slack refused DEALDESK_SLACK_APP_TOKEN for Socket Mode ({error}): it must be the "
            "app-level token (xapp-) with the connections:write scope"
        )
    message = redact_text(repr(exc))[:300]
    return UpstreamError(
        "slack", "apps.connections.open", failure.kind, message, status=failure.status
    )
