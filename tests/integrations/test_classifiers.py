"""Each integration reads its own SDK's failures for the retry policy; anything else falls back
to the runtime's transport classifier."""

from __future__ import annotations

import json

import anthropic
import httplib2
import httpx2
from googleapiclient.errors import HttpError
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.slack_response import SlackResponse

from dealdesk.integrations.anthropic import classify_anthropic
from dealdesk.integrations.google import classify_google
from dealdesk.integrations.slack import classify_slack


def slack_error(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("failed", response)


def anthropic_error(cls: type[anthropic.APIStatusError], status: int, **headers: str):
    request = httpx2.Request("POST", "https://api.anthropic.com/v1/messages")
    return cls(
        "failed", response=httpx2.Response(status, headers=headers, request=request), body=None
    )


def google_error(status: int, reason: str = "") -> HttpError:
    body = {
        "error": {
            "code": status,
            "message": "refused",
            "errors": [{"reason": reason}] if reason else [],
        }
    }
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


def test_slack_429_waits_its_retry_after_and_an_error_answer_is_ours_to_fix():
    limited = classify_slack(slack_error(429, "ratelimited", {"Retry-After": "7"}))
    assert (limited.retryable, limited.retry_after) == (True, 7.0)
    assert classify_slack(slack_error(503, "service_unavailable")).retryable
    refused = classify_slack(slack_error(200, "channel_not_found"))
    assert (refused.kind, refused.retryable) == ("slack_channel_not_found", False)
    assert classify_slack(SlackRequestError("socket closed")).kind == "connection"
    assert classify_slack(TimeoutError()).kind == "timeout"


def test_anthropic_overloaded_and_rate_limits_are_retried_and_other_4xx_are_not():
    limited = classify_anthropic(
        anthropic_error(anthropic.RateLimitError, 429, **{"retry-after": "3"})
    )
    assert (limited.retryable, limited.retry_after) == (True, 3.0)
    assert classify_anthropic(anthropic_error(anthropic.InternalServerError, 529)).retryable
    wrong_model = classify_anthropic(anthropic_error(anthropic.NotFoundError, 404))
    assert (wrong_model.kind, wrong_model.retryable) == ("anthropic_404", False)
    assert classify_anthropic(ConnectionResetError()).kind == "connection"


def test_google_rate_limit_reasons_on_a_403_are_retried_and_a_plain_403_is_not():
    assert classify_google(google_error(403, "userRateLimitExceeded")).retryable
    assert not classify_google(google_error(403, "insufficientPermissions")).retryable
    assert classify_google(google_error(500)).retryable
    assert classify_google(ValueError("ours")).retryable is False
