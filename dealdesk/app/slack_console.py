"""Wiring of the Slack console: the bolt app, its bridge to the Console actor, and where it listens.

HTTP mode mounts bolt at ``/slack/events`` on the service's aiohttp app, verified with the
signing secret (``DEALDESK_SLACK_SIGNING_SECRET``; the sandbox's own when Slack is sandboxed).
With ``DEALDESK_SLACK_APP_TOKEN`` set it connects over Socket Mode instead (no public URL, no
signing secret needed). Real Slack with neither: the console is off, and start-up says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog

from dealdesk.actors.console import CONSOLE
from dealdesk.http.slack_app import build_slack_app, slack_routes, start_socket_mode
from dealdesk.integrations.slack.requests import ConsoleAnswer
from dealdesk.runtime.logging import redact_text
from dealdesk.sandbox.slack.console import SANDBOX_SIGNING_SECRET

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web
    from slack_bolt.app.async_app import AsyncApp

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.integrations.slack import SlackGateway
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["SlackConsole", "slack_console"]

ASK_TIMEOUT_S = 25.0  # the Console answers in milliseconds; a response_url lasts 30 minutes

log = structlog.get_logger("dealdesk.slack_console")


@dataclass
class SlackConsole:
    app: AsyncApp
    routes: Callable[[web.Application], None] | None  # HTTP mode
    app_token: str | None  # Socket Mode
    socket: Any = None

    async def start(self) -> None:
        """On the loop: connect Socket Mode if it is the mode."""
        if self.app_token is not None:
            self.socket = await start_socket_mode(self.app, self.app_token)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
            self.socket = None


def slack_console(
    ctx: RuntimeContext, gateway: SlackGateway, endpoint: Endpoint
) -> SlackConsole | None:
    settings = ctx.settings
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    if settings.slack_signing_secret is not None:
        secret = settings.slack_signing_secret.get_secret_value()
    elif endpoint.sandboxed or app_token is not None:
        secret = SANDBOX_SIGNING_SECRET  # Socket Mode requests are not signed
    else:
        log.warning(
            "slack_console_off",
            reason="set DEALDESK_SLACK_SIGNING_SECRET (HTTP) or DEALDESK_SLACK_APP_TOKEN (Socket)",
        )
        return None

    async def ask(message: object) -> ConsoleAnswer:
        console = ctx.registry.get(CONSOLE)
        if console is None:
            return ConsoleAnswer("dealdesk is starting or stopping; try again in a moment.")
        try:
            answer = await ctx.loop.ask_actor(console, message, timeout=ASK_TIMEOUT_S)
        except Exception as exc:
            log.exception("slack_console_failed", error=redact_text(repr(exc))[:300])
            return ConsoleAnswer(":rotating_light: That failed on our side; it is in the log.")
        assert isinstance(answer, ConsoleAnswer)
        return answer

    app = build_slack_app(gateway.client, secret, ask)
    if app_token is not None:
        return SlackConsole(app, None, app_token)
    return SlackConsole(app, slack_routes(app), None)
