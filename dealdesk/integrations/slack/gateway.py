"""Slack Web API through slack_sdk's AsyncWebClient, on the I/O loop.

``SlackGateway.post`` is the one way dealdesk posts to Slack: under the shared retry policy (the
SDK's own retry handlers are switched off, so attempts never nest; 429 is retried by the policy
honouring Retry-After), with text redacted of secrets. ``post_once`` is for the
ErrorReporter, which must never retry through itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_sdk.web.async_client import AsyncWebClient

from dealdesk.integrations.slack.errors import classify_slack
from dealdesk.runtime.logging import redact_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.retry import RetryPolicy

__all__ = ["SlackGateway"]

# Slack truncates text at 40,000 characters; section blocks take 3,000. Stay well inside both.
MAX_TEXT = 3000


class SlackGateway:
    """Owns one AsyncWebClient. Use only on the I/O loop."""

    def __init__(
        self,
        endpoint: Endpoint,
        policy: RetryPolicy,
        report: Callable[[ErrorReport], None] | None,
        *,
        timeout_s: int = 10,
    ) -> None:
        base = endpoint.base_url.rstrip("/")
        if not base.endswith("/api"):
            base += "/api"
        # retry_handlers=[]: slack_sdk would otherwise retry connection errors itself, nesting
        # its attempts inside the policy's.
        self.client = AsyncWebClient(
            token=endpoint.token.get_secret_value(),
            base_url=base + "/",
            timeout=timeout_s,
            retry_handlers=[],
        )
        self.endpoint = endpoint
        self._policy = policy
        self._report = report

    async def post(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Post a message (retried by the policy); returns its ``ts``. Raises UpstreamError."""

        async def call() -> str:
            return await self.post_once(channel, text, blocks=blocks, thread_ts=thread_ts)

        return await self._policy.call(
            "slack", "chat.postMessage", call, report=self._report, classify=classify_slack
        )

    async def post_once(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """One attempt, no retry; raises the SDK's error as it is."""
        response = await self.client.chat_postMessage(
            channel=channel,
            text=redact_text(text)[:MAX_TEXT],
            blocks=blocks,
            thread_ts=thread_ts,
        )
        return str(response.get("ts", ""))

    async def probe(self) -> str | None:
        """Readiness: None when ``auth.test`` answers ok, else the reason."""
        try:
            response = await self.client.auth_test()
        except Exception as exc:
            return f"slack auth.test failed: {redact_text(repr(exc))}"
        return None if response.get("ok") else f"slack auth.test: {response.get('error')}"
