"""How a failed Gmail call reads: was a send acted on, how long to pause, and the typed errors.

messages.send takes no idempotency key, so a send whose request may have reached Gmail is never
retried: it is settled by searching for its Message-ID (the peer system's tools, retrying after
a timeout, sent the same email twice). :func:`classify_send` says which case a failure is:

- ``NOT_SENT_RETRYABLE``: provably not acted on and worth trying later: the connection was
  refused, the name did not resolve (``httplib2.ServerNotFoundError``), the network was
  unreachable, opening the connection failed in any way (``transport.ConnectFailed``: a send
  always opens a fresh one), the token could not be refreshed for a network reason; or Gmail
  refused for rate (429, or a 403 ``rateLimitExceeded`` / ``userRateLimitExceeded``);
- ``NOT_SENT_FINAL``: Gmail answered a 4xx (bad request, invalid recipient, no permission), or
  the credentials were refused on refresh: sending it again will not help;
- ``IN_DOUBT``: a 5xx, a connection reset or aborted, a timeout (``socket.timeout`` is
  ``TimeoutError``), httplib2 wanting to send again (``transport.ResendBlocked``): anything
  after the request may have been written, and anything unknown.

:func:`pause_for` says how long the whole mailbox should stop sending after a rate refusal.
Gmail's mail-sending limit answers "User-rate limit exceeded ... (Mail sending)", naming a time
to retry after, and can last hours; without one the pause is an hour.
"""

from __future__ import annotations

import errno
import json
import re
import ssl
from datetime import UTC, datetime
from enum import StrEnum

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from dealdesk.errors import UpstreamError
from dealdesk.integrations.gmail.transport import ConnectFailed, ResendBlocked
from dealdesk.runtime.retry import retry_after_from_headers

__all__ = [
    "MAIL_SENDING_PAUSE_S",
    "RATE_LIMIT_PAUSE_S",
    "HistoryTooOld",
    "SendInDoubt",
    "SendRefused",
    "SendVerdict",
    "classify_send",
    "pause_for",
    "rate_limited",
]

SERVICE = "gmail"
# Gmail's sending limit, when it names no time: it "may result in these errors for multiple hours".
MAIL_SENDING_PAUSE_S = 3600.0
# Any other rate refusal that names no time.
RATE_LIMIT_PAUSE_S = 60.0

_RATE_REASONS = ("ratelimitexceeded", "userratelimitexceeded", "rate_limit_exceeded")
_RETRY_AFTER_TIME = re.compile(r"retry after (\d{4}-\d\d-\d\dT[0-9:.]+Z?)", re.IGNORECASE)
_CONNECT_ERRNOS = frozenset(
    {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL}
)


class SendVerdict(StrEnum):
    NOT_SENT_RETRYABLE = "not_sent_retryable"
    NOT_SENT_FINAL = "not_sent_final"
    IN_DOUBT = "in_doubt"


class SendRefused(UpstreamError):
    """messages.send was provably not acted on. ``retryable``: a later attempt may succeed (after
    ``retry_after`` seconds, when known: pause the mailbox that long)."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(SERVICE, "messages.send", kind, message, status=status)
        self.retryable = retryable
        self.retry_after = retry_after


class SendInDoubt(UpstreamError):
    """messages.send may have been acted on: settle it by its Message-ID before anything else;
    never send it again blindly."""

    status_hint = 504

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(SERVICE, "messages.send", kind, message, status=status)


class HistoryTooOld(UpstreamError):
    """history.list answered 404 for the cursor: too old or invalid. Do a bounded full sync
    (``list_since``) and start again from the profile's ``historyId``."""

    status_hint = 410

    def __init__(self, start_history_id: str) -> None:
        super().__init__(
            SERVICE,
            "history.list",
            "history_too_old",
            f"startHistoryId {start_history_id} is too old or invalid",
            status=404,
        )
        self.start_history_id = start_history_id


def _envelope(exc: HttpError) -> tuple[str, list[str]]:
    """The Google error envelope's message and every reason in it (``errors[]`` and
    ``details[]``), lower-case; read from the raw content (the SDK keeps only one of them)."""
    try:
        data = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return str(getattr(exc, "reason", "") or ""), []
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return "", []
    reasons: list[str] = []
    for key in ("errors", "details"):
        items = error.get(key)
        reasons.extend(
            str(item["reason"]).lower()
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and item.get("reason")
        )
    return str(error.get("message") or ""), reasons


def _status(exc: HttpError) -> int:
    try:
        return int(exc.resp.status)
    except (TypeError, ValueError, AttributeError):
        return 0


def rate_limited(exc: BaseException) -> bool:
    """A 429, or a 403 whose reason is a rate limit: Gmail did not act, and says wait."""
    if not isinstance(exc, HttpError):
        return False
    status = _status(exc)
    if status == 429:
        return True
    _message, reasons = _envelope(exc)
    return status == 403 and any(r in _RATE_REASONS for r in reasons)


def classify_send(exc: BaseException) -> SendVerdict:
    """Whether a failed messages.send was acted on (see the module's docstring)."""
    if isinstance(exc, HttpError):
        status = _status(exc)
        if rate_limited(exc) or status == 408:  # 408: Gmail timed out reading the request
            return SendVerdict.NOT_SENT_RETRYABLE
        if 400 <= status < 500:
            return SendVerdict.NOT_SENT_FINAL
        return SendVerdict.IN_DOUBT
    if isinstance(exc, auth_exceptions.RefreshError):
        # The token was refused before the request (or after a 401 to it): nothing was sent,
        # and it will not refresh by itself.
        return SendVerdict.NOT_SENT_FINAL
    if isinstance(exc, auth_exceptions.TransportError):
        return SendVerdict.NOT_SENT_RETRYABLE  # refreshing the token failed: never got to send
    if isinstance(exc, ResendBlocked):
        return SendVerdict.IN_DOUBT
    if isinstance(exc, httplib2.ServerNotFoundError | ConnectionRefusedError | ConnectFailed):
        return SendVerdict.NOT_SENT_RETRYABLE
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SendVerdict.NOT_SENT_RETRYABLE  # refused at the handshake, before the request
    if isinstance(exc, TimeoutError | ConnectionError):
        return SendVerdict.IN_DOUBT  # reset, aborted, broken pipe, timed out: maybe written
    if isinstance(exc, OSError) and exc.errno in _CONNECT_ERRNOS:
        return SendVerdict.NOT_SENT_RETRYABLE  # only connect() fails this way
    return SendVerdict.IN_DOUBT


def _retry_at(message: str, now: datetime) -> float | None:
    found = _RETRY_AFTER_TIME.search(message)
    if found is None:
        return None
    try:
        at = datetime.fromisoformat(found.group(1))  # 3.11 reads a trailing Z
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(0.0, (at - now).total_seconds())


def pause_for(exc: BaseException, *, now: datetime | None = None) -> float | None:
    """Seconds to stop sending from this mailbox after ``exc`` (an HttpError, or the SendRefused
    it became), or None when it is not a rate refusal: the server's ``Retry-After``, else the
    time Gmail's message names ("Retry after 2024-05-01T12:00:00.000Z"), else an hour for the
    mail-sending limit and a minute for any other rate refusal."""
    if isinstance(exc, SendRefused):
        return exc.retry_after  # set from the refusal's own cause when it was a rate limit
    if not isinstance(exc, HttpError) or not rate_limited(exc):
        return None
    now = now or datetime.now(UTC)
    headers = {str(k): str(v) for k, v in dict(exc.resp).items()}
    after = retry_after_from_headers(headers, now=now.timestamp())
    if after is not None:
        return after
    message, _reasons = _envelope(exc)
    at = _retry_at(message, now)
    if at is not None:
        return at
    return MAIL_SENDING_PAUSE_S if "mail sending" in message.lower() else RATE_LIMIT_PAUSE_S
