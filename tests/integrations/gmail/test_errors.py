"""Whether a failed send was acted on, how long the mailbox pauses, and the addresses' rules."""

from __future__ import annotations

import errno
import json
import socket
import ssl
from datetime import UTC, datetime

import httplib2
import pytest
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from dealdesk.errors import InvalidInput, UpstreamError
from dealdesk.integrations.gmail import (
    HistoryTooOld,
    SendInDoubt,
    SendRefused,
    SendVerdict,
    addresses_in,
    classify_send,
    normalize_address,
    pause_for,
)
from dealdesk.integrations.gmail.errors import MAIL_SENDING_PAUSE_S, RATE_LIMIT_PAUSE_S
from dealdesk.integrations.gmail.transport import ConnectFailed, ResendBlocked

NOW = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


def google_error(
    status: int, reason: str = "", message: str = "refused", **headers: str
) -> HttpError:
    """An HttpError as googleapiclient raises it: the envelope must carry ``message`` for the
    SDK to read its details."""
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}]
            if reason
            else [],
        }
    }
    response = httplib2.Response({"status": status, **headers})
    return HttpError(response, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("exc", "verdict"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), SendVerdict.NOT_SENT_RETRYABLE),
        (httplib2.ServerNotFoundError("no such host"), SendVerdict.NOT_SENT_RETRYABLE),
        (ConnectFailed("cannot connect"), SendVerdict.NOT_SENT_RETRYABLE),
        (OSError(errno.ENETUNREACH, "unreachable"), SendVerdict.NOT_SENT_RETRYABLE),
        (OSError(errno.EHOSTUNREACH, "no route"), SendVerdict.NOT_SENT_RETRYABLE),
        (ssl.SSLCertVerificationError("bad cert"), SendVerdict.NOT_SENT_RETRYABLE),
        (auth_exceptions.TransportError("token endpoint down"), SendVerdict.NOT_SENT_RETRYABLE),
        (google_error(429), SendVerdict.NOT_SENT_RETRYABLE),
        (google_error(403, "rateLimitExceeded"), SendVerdict.NOT_SENT_RETRYABLE),
        (google_error(403, "userRateLimitExceeded"), SendVerdict.NOT_SENT_RETRYABLE),
        (google_error(408), SendVerdict.NOT_SENT_RETRYABLE),
        (google_error(400, "invalidArgument", "Invalid To header"), SendVerdict.NOT_SENT_FINAL),
        (google_error(401, "authError"), SendVerdict.NOT_SENT_FINAL),
        (google_error(403, "insufficientPermissions"), SendVerdict.NOT_SENT_FINAL),
        (google_error(404, "notFound"), SendVerdict.NOT_SENT_FINAL),
        (auth_exceptions.RefreshError("invalid_grant"), SendVerdict.NOT_SENT_FINAL),
        (google_error(500, "backendError"), SendVerdict.IN_DOUBT),
        (google_error(503), SendVerdict.IN_DOUBT),
        (ConnectionResetError(errno.ECONNRESET, "reset"), SendVerdict.IN_DOUBT),
        (ConnectionAbortedError(errno.ECONNABORTED, "aborted"), SendVerdict.IN_DOUBT),
        (BrokenPipeError(errno.EPIPE, "pipe"), SendVerdict.IN_DOUBT),
        (socket.timeout("timed out"), SendVerdict.IN_DOUBT),  # noqa: UP041 - as httplib2 raises it
        (ResendBlocked("broke after writing"), SendVerdict.IN_DOUBT),
        (ssl.SSLError("bad record mac"), SendVerdict.IN_DOUBT),
        (ValueError("invalid JSON in a 200"), SendVerdict.IN_DOUBT),
        (RuntimeError("anything unknown"), SendVerdict.IN_DOUBT),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_each_failure_of_a_send_reads_as_sent_or_not(exc, verdict):
    assert classify_send(exc) is verdict


def test_the_sdk_reads_the_envelope_details_only_when_it_has_a_message():
    assert google_error(403, "userRateLimitExceeded").error_details[0]["reason"] == (
        "userRateLimitExceeded"
    )


def test_a_rate_limit_reason_in_details_only_still_counts():
    body = {
        "error": {
            "code": 403,
            "message": "Quota exceeded",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                }
            ],
        }
    }
    exc = HttpError(httplib2.Response({"status": 403}), json.dumps(body).encode())
    assert classify_send(exc) is SendVerdict.NOT_SENT_RETRYABLE


def test_a_429_pauses_the_mailbox_for_its_retry_after():
    assert pause_for(google_error(429, **{"retry-after": "120"}), now=NOW) == 120.0


def test_the_mail_sending_limit_pauses_until_the_time_gmail_names():
    exc = google_error(
        403,
        "userRateLimitExceeded",
        "User-rate limit exceeded.  Retry after 2024-05-06T14:30:00.000Z (Mail sending)",
    )
    assert pause_for(exc, now=NOW) == 2.5 * 3600


def test_the_mail_sending_limit_without_a_time_pauses_an_hour_and_other_limits_a_minute():
    sending = google_error(429, "rateLimitExceeded", "User-rate limit exceeded (Mail sending)")
    assert pause_for(sending, now=NOW) == MAIL_SENDING_PAUSE_S == 3600
    assert pause_for(google_error(403, "rateLimitExceeded"), now=NOW) == RATE_LIMIT_PAUSE_S


def test_no_pause_for_what_is_not_a_rate_refusal():
    assert pause_for(google_error(400, "invalidArgument")) is None
    assert pause_for(google_error(500)) is None
    assert pause_for(TimeoutError()) is None


def test_a_send_refusal_carries_its_pause_and_reads_as_one():
    refused = SendRefused("ratelimited", "slow down", retryable=True, retry_after=90.0, status=429)
    assert pause_for(refused) == 90.0
    assert isinstance(refused, UpstreamError)
    assert (refused.service, refused.operation, refused.status) == ("gmail", "messages.send", 429)
    assert pause_for(SendRefused("http_400", "bad", retryable=False)) is None


def test_the_typed_errors_are_upstream_errors_with_their_own_hints():
    doubt = SendInDoubt("timeout", "timed out")
    assert isinstance(doubt, UpstreamError)
    assert doubt.kind == "timeout"
    too_old = HistoryTooOld("12345")
    assert (too_old.status, too_old.kind, too_old.start_history_id) == (
        404,
        "history_too_old",
        "12345",
    )


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("Ana Lima <Ana@X.com>", "ana@x.com"),
        ("BOB@Y.COM", "bob@y.com"),
        ("  <carl@z.example>  ", "carl@z.example"),
        ('"Lima, Ana" <ana@x.com>', "ana@x.com"),
        ("=?UTF-8?B?w4FuYQ==?= <ana@x.com>", "ana@x.com"),
    ],
)
def test_addresses_are_normalised_to_bare_lower_case(value, normalised):
    assert normalize_address(value) == normalised


@pytest.mark.parametrize("value", ["", "Ana Lima", "Ana <>", "undisclosed-recipients:;", "@x.com"])
def test_a_value_without_an_address_is_invalid_input(value):
    with pytest.raises(InvalidInput):
        normalize_address(value)


def test_address_lists_are_normalised_in_order_once_each():
    header = 'Ana <ANA@x.com>, "Doe, John" <john@y.com>, ana@x.com, undisclosed-recipients:;'
    assert addresses_in(header) == ("ana@x.com", "john@y.com")
    assert addresses_in(None) == ()
