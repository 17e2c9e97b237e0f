"""How the anthropic SDK's exceptions read to the retry policy.

429 waits what ``retry-after`` says, 529 (overloaded) and 5xx are retried, a spent limit and
every other 4xx are not; timeouts and connection errors are retried. Anything else falls back to
the runtime's transport classifier.
"""

from __future__ import annotations

import sys

from dealdesk.runtime.retry import Failure, classify, failure_by_status, retry_after_from_headers

__all__ = ["classify_anthropic"]


def classify_anthropic(exc: BaseException) -> Failure:
    if "anthropic" not in sys.modules:  # the SDK is imported when used: none of its errors yet
        return classify(exc)
    import anthropic  # noqa: PLC0415 - imported already (above); a second to import otherwise

    match exc:
        case anthropic.EnforcedSpendLimitReachedError():
            return Failure("anthropic_spend_limit", retryable=False, status=exc.status_code)
        case anthropic.APIStatusError():
            headers = dict(exc.response.headers) if exc.response is not None else {}
            return failure_by_status(
                exc.status_code, retry_after_from_headers(headers), prefix="anthropic"
            )
        case anthropic.APITimeoutError():
            return Failure("timeout", retryable=True)
        case anthropic.APIConnectionError():
            return Failure("connection", retryable=True)
        case anthropic.AnthropicError():
            return Failure(type(exc).__name__, retryable=False)
        case _:
            return classify(exc)
