"""How slack_sdk's exceptions read to the retry policy.

A ``SlackApiError`` carries Slack's answer: 429 waits what ``Retry-After`` says, 5xx is retried,
any other ``"ok": false`` (``channel_not_found``, ``invalid_auth``) is ours to fix and never
retried. The SDK's other errors are transport failures (retried); anything else falls back to
the runtime's transport classifier.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

from dealdesk.runtime.retry import Failure, classify, failure_by_status, retry_after_from_headers

__all__ = ["classify_slack"]


def classify_slack(exc: BaseException) -> Failure:
    if not isinstance(exc, SlackClientError):
        return classify(exc)
    if not isinstance(exc, SlackApiError):
        return Failure("connection", retryable=True)  # the SDK's transport errors
    status = int(getattr(exc.response, "status_code", 200))
    headers = dict(getattr(exc.response, "headers", {}) or {})
    if status == 429:
        return failure_by_status(429, retry_after_from_headers(headers))
    if status >= 500:
        return failure_by_status(status, None)
    data = getattr(exc.response, "data", None)
    error = data.get("error", "error") if isinstance(data, dict) else "error"  # text: not JSON
    return Failure(f"slack_{error}", retryable=False, status=status)
