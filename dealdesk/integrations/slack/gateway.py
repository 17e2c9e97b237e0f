"""Slack Web API through slack_sdk's AsyncWebClient, on the I/O loop.

``SlackGateway.post`` is the one way dealdesk posts to Slack: under the shared retry policy (the
SDK's own retry handlers are switched off, so attempts never nest; 429 is retried by the policy
honouring Retry-After), with text redacted of secrets. ``post_once`` is for the
ErrorReporter, which must never retry through itself. ``post_notification`` and
``find_notification`` are the Notifier's: one attempt carrying the notification's key as message
metadata, and the look-up that settles an attempt whose answer was lost.
"""

from __future__ import annotations

from datetime import datetime
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
NOTIFICATION_EVENT = "dealdesk_notification"  # message metadata naming a notification's key


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
        self._channel_ids: dict[str, str] = {}  # channel name -> id, as Slack answered

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

    async def post_notification(
        self,
        channel: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None,
        thread_ts: str | None,
        key: str,
    ) -> str:
        """One attempt at the Notifier's message, carrying its ``key`` as message metadata (so
        :meth:`find_notification` can tell whether an attempt whose answer was lost got in)."""
        response = await self.client.chat_postMessage(
            channel=channel,
            text=redact_text(text)[:MAX_TEXT],
            blocks=blocks,
            thread_ts=thread_ts,
            metadata={"event_type": NOTIFICATION_EVENT, "event_payload": {"key": key}},
        )
        if response.get("channel"):
            self._channel_ids[channel.lstrip("#")] = str(response["channel"])
        return str(response.get("ts", ""))

    async def find_notification(
        self, channel: str, key: str, since: str, thread_ts: str | None = None
    ) -> str | None:
        """The ts of the message carrying ``key`` posted to ``channel`` since ``since`` (ISO
        time), or None when there is none: reads the channel's history (a thread's replies when
        ``thread_ts``) with its metadata."""
        channel_id = await self._channel_id(channel)
        oldest = f"{datetime.fromisoformat(since).timestamp() - 60:.6f}"
        cursor: str | None = None
        while True:
            if thread_ts is not None:
                page = await self.client.conversations_replies(
                    channel=channel_id, ts=thread_ts, oldest=oldest, cursor=cursor,
                    include_all_metadata=True, limit=200,
                )  # fmt: skip
            else:
                page = await self.client.conversations_history(
                    channel=channel_id, oldest=oldest, cursor=cursor,
                    include_all_metadata=True, limit=200,
                )  # fmt: skip
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == NOTIFICATION_EVENT and payload.get("key") == key:
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    async def _channel_id(self, channel: str) -> str:
        """A channel's id (history wants ids; settings may name channels ``#name``)."""
        name = channel.lstrip("#")
        if not channel.startswith("#") and name.isupper():
            return channel
        if name in self._channel_ids:
            return self._channel_ids[name]
        cursor: str | None = None
        while True:
            page = await self.client.conversations_list(
                cursor=cursor, exclude_archived=True, limit=200,
                types="public_channel,private_channel",
            )  # fmt: skip
            for found in page.get("channels") or []:
                self._channel_ids[str(found.get("name"))] = str(found.get("id"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if name in self._channel_ids or not cursor:
                break
        if name not in self._channel_ids:
            raise LookupError(f"no Slack channel named {channel!r} visible to the bot")
        return self._channel_ids[name]

    async def probe(self) -> str | None:
        """Readiness: None when ``auth.test`` answers ok, else the reason."""
        try:
            response = await self.client.auth_test()
        except Exception as exc:
            return f"slack auth.test failed: {redact_text(repr(exc))}"
        return None if response.get("ok") else f"slack auth.test: {response.get('error')}"
