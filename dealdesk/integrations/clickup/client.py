"""ClickUp API v2 over aiohttp, on the I/O loop: Get Task, Create Webhook, a List's fields.

- Auth is the ``Authorization`` header carrying the token as ClickUp issued it (``pk_…``).
- ClickUp limits requests per token (100/min on most plans, ``clickup_requests_per_minute``), so
  every call first takes a slot from that token's :class:`RateLimiter`, shared by every client
  built with the same token; a 429 (or ``X-RateLimit-Remaining: 0``) holds the limiter closed
  until ``X-RateLimit-Reset``.
- A non-2xx answer raises :class:`~dealdesk.runtime.retry.HttpStatusError` (429 carries the wait
  from ``X-RateLimit-Reset``), and every call runs under the shared ``RetryPolicy``: when attempts
  run out the caller gets ``UpstreamError`` and the ErrorReporter a report. The token never
  reaches a log line or an error message.
- JSON numbers with a fraction are read as ``Decimal``: budgets are money.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aiohttp

from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.retry import HttpStatusError, retry_after_from_headers

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.retry import RetryPolicy

__all__ = ["TASK_EVENTS", "ClickUpClient", "RateLimiter", "limiter_for"]

# The events dealdesk subscribes a webhook to.
TASK_EVENTS: tuple[str, ...] = ("taskCreated", "taskUpdated", "taskDeleted")


class RateLimiter:
    """A token bucket: ``per_minute`` calls a minute, bursting up to ``per_minute``.

    ``acquire`` runs on the I/O loop and waits (asyncio) for a slot; ``block_until`` closes the
    bucket until a wall-clock time (the server's ``X-RateLimit-Reset``).
    """

    def __init__(
        self,
        per_minute: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._tokens = float(per_minute)
        self._monotonic = monotonic
        self._sleep = sleep
        self._stamp = monotonic()
        self._blocked_until = 0.0
        self._lock = threading.Lock()  # clients on several loops (tests) may share a token

    def _take(self) -> float:
        """Take a slot if one is free (0.0), else say how long to wait."""
        with self._lock:
            now = self._monotonic()
            if now < self._blocked_until:
                return self._blocked_until - now
            self._tokens = min(
                float(self.per_minute), self._tokens + (now - self._stamp) * self._rate
            )
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._rate

    async def acquire(self) -> None:
        while (wait := self._take()) > 0:
            await self._sleep(wait)

    def block_for(self, seconds: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._monotonic() + seconds)
            self._tokens = 0.0


_limiters_lock = threading.Lock()
_limiters: dict[tuple[str, int], RateLimiter] = {}


def limiter_for(token: str, per_minute: int) -> RateLimiter:
    """The one limiter of ``token`` (kept by a hash, never by the token itself)."""
    key = (hashlib.sha256(token.encode()).hexdigest(), per_minute)
    with _limiters_lock:
        limiter = _limiters.get(key)
        if limiter is None:
            limiter = _limiters[key] = RateLimiter(per_minute)
        return limiter


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


class ClickUpClient:
    """One token's ClickUp client. Use only on the I/O loop; ``close()`` when done."""

    def __init__(
        self,
        endpoint: Endpoint,
        policy: RetryPolicy,
        report: Callable[[ErrorReport], None] | None,
        *,
        requests_per_minute: int = 100,
        timeout_s: float = 10.0,
        limiter: RateLimiter | None = None,
    ) -> None:
        base = endpoint.base_url.rstrip("/")
        if not base.endswith("/api/v2"):
            base += "/api/v2"
        self.base_url = base
        self.endpoint = endpoint
        self._policy = policy
        self._report = report
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        token = endpoint.token.get_secret_value()
        self.limiter = limiter or limiter_for(token, requests_per_minute)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                headers={"Authorization": self.endpoint.token.get_secret_value()},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request_once(
        self, method: str, path: str, *, params: Mapping[str, str] | None, body: object
    ) -> Any:
        await self.limiter.acquire()
        payload = None if body is None else json.dumps(body, default=str)
        headers = {"Content-Type": "application/json"} if payload is not None else None
        async with self._client().request(
            method, self.base_url + path, params=params, data=payload, headers=headers
        ) as response:
            text = await response.text()
            remaining = response.headers.get("X-RateLimit-Remaining")
            if response.status == 429 or remaining == "0":
                wait = retry_after_from_headers(response.headers)
                self.limiter.block_for(60.0 if wait is None else wait)
            if response.status >= 300:
                retry_after = (
                    retry_after_from_headers(response.headers) if response.status == 429 else None
                )
                raise HttpStatusError(response.status, redact_text(text[:500]), retry_after)
            try:
                return _loads(text) if text else {}
            except ValueError as exc:
                raise HttpStatusError(502, f"ClickUp sent a body that is not JSON: {exc}") from exc

    async def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: object = None,
    ) -> Any:
        async def once() -> Any:
            return await self._request_once(method, path, params=params, body=body)

        return await self._policy.call("clickup", operation, once, report=self._report)

    async def get_task(self, task_id: str) -> dict[str, Any]:
        """``GET /task/{id}``: the task with its custom fields. Raises UpstreamError."""
        result = await self._call("get_task", "GET", f"/task/{quote(task_id, safe='')}")
        if not isinstance(result, dict):
            raise HttpStatusError(502, "Get Task did not answer an object")
        return result

    async def create_webhook(
        self,
        team_id: str,
        endpoint_url: str,
        *,
        list_id: str | None = None,
        events: tuple[str, ...] = TASK_EVENTS,
    ) -> dict[str, Any]:
        """``POST /team/{team_id}/webhook``; the answer holds ``id`` and ``webhook.secret``."""
        body: dict[str, Any] = {"endpoint": endpoint_url, "events": list(events)}
        if list_id is not None:
            body["list_id"] = int(list_id) if list_id.isdigit() else list_id
        result = await self._call(
            "create_webhook", "POST", f"/team/{quote(team_id, safe='')}/webhook", body=body
        )
        if not isinstance(result, dict):
            raise HttpStatusError(502, "Create Webhook did not answer an object")
        return result

    async def list_fields(self, list_id: str) -> list[dict[str, Any]]:
        """``GET /list/{list_id}/field``: the List's custom fields with types and options."""
        result = await self._call("list_fields", "GET", f"/list/{quote(list_id, safe='')}/field")
        fields = result.get("fields") if isinstance(result, dict) else None
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    async def probe(self) -> str | None:
        """Readiness: None when ClickUp answers ``GET /user`` for this token, else the reason."""
        try:
            await self._request_once("GET", "/user", params=None, body=None)
        except Exception as exc:
            return f"clickup GET /user failed: {redact_text(repr(exc))[:200]}"
        return None
