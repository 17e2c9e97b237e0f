"""Google's error envelope and the faults a Gmail client meets, ready to inject.

Every error answers ``{"error": {"code", "message", "errors": [{"message", "domain",
"reason"}], "status"}}`` (google-api-python-client reads ``message`` as ``HttpError.reason`` and
``errors`` as ``error_details``). The fault helpers return :class:`Fault` values for
``FakeGmail.inject``; ``operation`` is the fake's operation name ("send", "messages",
"messages.get", "threads.get", "history", "profile", "labels", "watch", "stop", "modify").
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from dealdesk.sandbox.base import Fault

__all__ = [
    "backend_error",
    "dropped",
    "error_body",
    "error_response",
    "hang",
    "rate_limited",
    "user_rate_limited",
]

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_JSON = "application/json; charset=UTF-8"


def error_body(code: int, message: str, reason: str, domain: str = "global") -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
            "status": _STATUS.get(code, "UNKNOWN"),
        }
    }


def error_response(
    code: int,
    message: str,
    reason: str,
    *,
    domain: str = "global",
    headers: dict[str, str] | None = None,
) -> web.Response:
    return web.Response(
        status=code,
        text=json.dumps(error_body(code, message, reason, domain)),
        headers={"Content-Type": _JSON, **(headers or {})},
    )


def _fault(
    operation: str, code: int, message: str, reason: str, domain: str, **kwargs: Any
) -> Fault:
    headers = {"Vary": "Origin, X-Origin, Referer", **kwargs.pop("headers", {})}
    return Fault(
        operation=operation,
        status=code,
        body=error_body(code, message, reason, domain),
        headers=headers,
        **kwargs,
    )


def rate_limited(times: int = 1, retry_after_s: int = 1, operation: str = "*") -> Fault:
    """429 ``rateLimitExceeded`` with ``Retry-After`` (seconds): the per-user quota is spent."""
    return _fault(
        operation,
        429,
        "Resource has been exhausted (e.g. check quota).",
        "rateLimitExceeded",
        "usageLimits",
        headers={"Retry-After": str(retry_after_s)},
        times=times,
    )


def user_rate_limited(times: int = 1, operation: str = "send") -> Fault:
    """403 ``userRateLimitExceeded``: the mailbox's sending limit (retryable, unlike other 403s)."""
    return _fault(
        operation,
        403,
        "User-rate limit exceeded (Mail sending)",
        "userRateLimitExceeded",
        "usageLimits",
        times=times,
    )


def backend_error(
    times: int = 1, operation: str = "*", *, apply_first: bool = False, code: int = 500
) -> Fault:
    """500 ``backendError`` (503 with ``code=503``). With ``apply_first`` the request took
    effect before the error: the message is stored and the history advanced all the same."""
    message = "Backend Error" if code == 500 else "The service is currently unavailable."
    return _fault(
        operation, code, message, "backendError", "global", times=times, apply_first=apply_first
    )


def dropped(operation: str = "*", *, apply_first: bool = False, times: int = 1) -> Fault:
    """The connection closes without an answer (before or after the request took effect).

    httplib2 (google-api-python-client's transport) silently resends a request once when the
    first answer is missing, whatever the method: ``times=1`` is invisible to the caller, and with
    ``apply_first`` the request takes effect twice. ``times=2`` makes the caller see the error.
    """
    return Fault(operation=operation, disconnect=True, times=times, apply_first=apply_first)


def hang(
    seconds: float, operation: str = "*", *, apply_first: bool = True, times: int = 1
) -> Fault:
    """No answer for ``seconds`` (longer than the client's timeout; ends when the fake stops),
    by default after the request took effect."""
    return Fault(
        operation=operation, status=0, delay_s=seconds, times=times, apply_first=apply_first
    )
