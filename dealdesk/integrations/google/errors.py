"""How google-api-python-client's exceptions read to the retry policy (Gmail and Sheets).

An ``HttpError`` is read by status; Google's 403 with a ``rateLimitExceeded`` or
``userRateLimitExceeded`` reason is a rate limit (retried), any other 4xx is not. Anything else
falls back to the runtime's transport classifier.
"""

from __future__ import annotations

from googleapiclient.errors import HttpError

from dealdesk.runtime.retry import Failure, classify, failure_by_status, retry_after_from_headers

__all__ = ["classify_google"]


def classify_google(exc: BaseException) -> Failure:
    if not isinstance(exc, HttpError):
        return classify(exc)
    status = int(exc.resp.status)
    details = getattr(exc, "error_details", None)
    details = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    reasons = " ".join(str(d.get("reason", "")) for d in details)
    if status == 403 and "ateLimitExceeded" in reasons:
        return Failure("ratelimited", retryable=True, status=status)
    return failure_by_status(status, retry_after_from_headers(dict(exc.resp.items())))
