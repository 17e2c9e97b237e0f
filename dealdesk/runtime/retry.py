"""The one retry policy for every external call, and how failures are classified.

Three attempts, exponential backoff with jitter (initial 1 s, max 30 s, jitter 5 s), retrying only
what can succeed on a second try: connection errors, timeouts, 429 (waiting what the server's
``Retry-After`` or ``X-RateLimit-Reset`` says) and 5xx. A 4xx is never retried. When attempts run
out the caller gets a typed :class:`~dealdesk.errors.UpstreamError` AND the ErrorReporter gets a
report: never one without the other (the peer system's retry callback returned ``None`` instead).

The SDK clients are built with their own retries off (``max_retries=0``, slack_sdk's default of no
429 retry, ``execute(num_retries=0)``) so attempts never nest. Tests inject ``sleep``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import tenacity

from dealdesk.errors import UpstreamError
from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.reports import ErrorReport

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, Mapping

    from dealdesk.runtime.settings import Settings

__all__ = [
    "Failure",
    "HttpStatusError",
    "RetryPolicy",
    "classify",
    "failure_by_status",
    "retry_after_from_headers",
]

T = TypeVar("T")

# A server asking for a longer pause than this is treated as down for now: give up and report.
MAX_RETRY_AFTER_S = 120.0


class HttpStatusError(Exception):
    """Raised by our own aiohttp-based clients for a non-2xx answer."""

    def __init__(self, status: int, body: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status
        self.body = body
        self.retry_after = retry_after


@dataclass(frozen=True)
class Failure:
    kind: str
    retryable: bool
    status: int | None = None
    retry_after: float | None = None


def retry_after_from_headers(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, ``Retry-After`` (seconds or HTTP date), or
    ClickUp's ``X-RateLimit-Reset`` (a unix timestamp; seconds or ms, both seen in the wild)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    now = time.time() if now is None else now
    try:
        if "retry-after-ms" in lowered:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000)
        if "retry-after" in lowered:
            value = lowered["retry-after"].strip()
            if value.replace(".", "", 1).isdigit():
                return max(0.0, float(value))
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        if "x-ratelimit-reset" in lowered:
            reset = float(lowered["x-ratelimit-reset"])
            if reset > 1e11:  # milliseconds
                reset /= 1000
            return max(0.0, reset - now)
    except (TypeError, ValueError):
        return None
    return None


def failure_by_status(status: int, retry_after: float | None, prefix: str = "http") -> Failure:
    if status == 429:
        return Failure("ratelimited", retryable=True, status=status, retry_after=retry_after)
    if status >= 500 or status == 408:
        return Failure(f"{prefix}_{status}", retryable=True, status=status)
    return Failure(f"{prefix}_{status}", retryable=False, status=status)


def classify(exc: BaseException) -> Failure:
    """Map a transport-level exception (aiohttp, sockets, our own clients' HTTP errors) to a
    stable kind and whether retrying can help. Each integration package owns a classifier for
    its SDK's exceptions and falls back to this one."""
    match exc:
        case HttpStatusError(status=status, retry_after=retry_after):
            return failure_by_status(status, retry_after)
        case aiohttp.ClientResponseError(status=status, headers=headers):
            return failure_by_status(status, retry_after_from_headers(dict(headers or {})))
        case TimeoutError() | asyncio.TimeoutError() | aiohttp.ServerTimeoutError():
            return Failure("timeout", retryable=True)
        case aiohttp.ClientConnectionError() | ConnectionError() | OSError():
            return Failure("connection", retryable=True)
        case _:
            return Failure(type(exc).__name__, retryable=False)


async def _no_wait(_seconds: float) -> None:
    return None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    initial_s: float = 1.0
    max_s: float = 30.0
    jitter_s: float = 5.0
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    sleep_sync: Callable[[float], None] = field(default=time.sleep)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            attempts=settings.retry_attempts,
            initial_s=settings.retry_initial_s,
            max_s=settings.retry_max_s,
            jitter_s=settings.retry_jitter_s,
        )

    def _kwargs(self, classify: Callable[[BaseException], Failure]) -> dict[str, Any]:
        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome is not None else None
            failure = classify(exc) if exc is not None else None
            if failure is not None and failure.retry_after is not None:
                return min(failure.retry_after, MAX_RETRY_AFTER_S)
            backoff = tenacity.wait_exponential_jitter(
                initial=self.initial_s, max=self.max_s, jitter=self.jitter_s
            )
            return float(backoff(state))

        def should_retry(exc: BaseException) -> bool:
            failure = classify(exc)
            return failure.retryable and (
                failure.retry_after is None or failure.retry_after <= MAX_RETRY_AFTER_S
            )

        return {
            "stop": tenacity.stop_after_attempt(self.attempts),
            "wait": wait,
            "retry": tenacity.retry_if_exception(should_retry),
            "reraise": True,
        }

    async def call(
        self,
        service: str,
        operation: str,
        fn: Callable[[], Awaitable[T]],
        *,
        report: Callable[[ErrorReport], None] | None,
        expected_statuses: Collection[int] = (),
        classify: Callable[[BaseException], Failure] = classify,
    ) -> T:
        """Run ``fn`` (on the loop) under the policy; on failure raise UpstreamError and report.

        ``classify`` is the calling integration's own (it knows its SDK's exceptions).
        ``expected_statuses`` are answers the caller handles itself (Gmail's 404 for a stale
        history cursor): they still raise UpstreamError, but are not reported as failures.
        """
        retrying = tenacity.AsyncRetrying(sleep=self.sleep, **self._kwargs(classify))
        try:
            return await retrying(fn)
        except Exception as exc:
            attempts = int(retrying.statistics.get("attempt_number", 1))
            raise _give_up(
                service, operation, exc, attempts, classify(exc),
                report=report, expected=expected_statuses,
            ) from exc  # fmt: skip

    def call_sync(
        self,
        service: str,
        operation: str,
        fn: Callable[[], T],
        *,
        report: Callable[[ErrorReport], None] | None,
        expected_statuses: Collection[int] = (),
        classify: Callable[[BaseException], Failure] = classify,
    ) -> T:
        """The same policy for blocking clients (google-api-python-client in its owner actor)."""
        retrying = tenacity.Retrying(sleep=self.sleep_sync, **self._kwargs(classify))
        try:
            return retrying(fn)
        except Exception as exc:
            attempts = int(retrying.statistics.get("attempt_number", 1))
            raise _give_up(
                service, operation, exc, attempts, classify(exc),
                report=report, expected=expected_statuses,
            ) from exc  # fmt: skip

    @classmethod
    def without_waiting(cls, attempts: int = 3) -> RetryPolicy:
        """For tests: the same decisions, no real pauses."""
        return cls(attempts=attempts, sleep=_no_wait, sleep_sync=lambda _s: None)


def _give_up(
    service: str,
    operation: str,
    exc: Exception,
    attempts: int,
    failure: Failure,
    *,
    report: Callable[[ErrorReport], None] | None,
    expected: Collection[int],
) -> UpstreamError:
    message = redact_text(str(exc) or type(exc).__name__)[:500]
    error = UpstreamError(
        service, operation, failure.kind, message, attempts=attempts, status=failure.status
    )
    if report is not None and failure.status not in expected:
        report(ErrorReport(service, operation, failure.kind, message))
    return error
