"""The Gmail API through google-api-python-client: send, search, history, get, profile, watch.

Blocking. ONE thread owns an instance (its Mailroom actor's): httplib2 is not thread-safe, and
the peer system's concurrent Gmail calls from several threads ended in persistent SSL errors.

- Every request runs ``execute(num_retries=0)``: the SDK's own retries would re-send a
  messages.send that Gmail may already have acted on (it takes no idempotency key).
- Reads go through the shared ``RetryPolicy`` (``call_sync``) with Google's classifier; when
  attempts run out the caller gets ``UpstreamError`` and ``report`` a report.
- ``send`` makes ONE attempt, outside the policy: a failure is ``SendRefused`` (provably not
  acted on; ``retryable`` and ``retry_after`` say whether and when to try again) or
  ``SendInDoubt`` (may have been sent: the caller settles it with ``find_by_message_id`` or
  ``find_sent``). Only what will not go away by waiting is reported; an in-doubt send is the
  caller's to settle.
- history.list's 404 (cursor too old) is ``HistoryTooOld``, an expected answer, not reported.
- ``units`` counts the quota units spent (Gmail's costs: send 100, messages.get 5,
  messages.list 5, history.list 2, getProfile 1, threads.get 10, watch 100), every attempt.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build
from googleapiclient.http import BatchHttpRequest

from dealdesk.errors import InvalidInput, UpstreamError
from dealdesk.integrations.gmail.addresses import decode_words, normalize_address
from dealdesk.integrations.gmail.errors import (
    HistoryTooOld,
    SendInDoubt,
    SendRefused,
    SendVerdict,
    classify_send,
    pause_for,
    rate_limited,
)
from dealdesk.integrations.gmail.transport import ConnectFailed, ResendBlocked, SendSafeHttp
from dealdesk.integrations.google.errors import classify_google
from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.retry import Failure

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

    from google.auth.credentials import Credentials

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.retry import RetryPolicy

__all__ = [
    "QUOTA_UNITS",
    "GmailClient",
    "HistoryPage",
    "SentMessage",
    "build_gmail",
    "header_of",
]

SERVICE = "gmail"
QUOTA_UNITS: dict[str, int] = {
    "messages.send": 100,
    "messages.get": 5,
    "messages.list": 5,
    "history.list": 2,
    "getProfile": 1,
    "threads.get": 10,
    "watch": 100,
}
_METADATA_HEADERS = ("Subject", "To", "Message-ID", "Date")
# Calls per batch request: Gmail takes 100, and advises at most 50 (larger batches are likely to
# be rate limited).
BATCH_CALLS = 50
_BATCH_PATH = "batch/gmail/v1"
_MAX_FOUND = 50


def build_gmail(endpoint: Endpoint, credentials: Credentials | None, timeout_s: float) -> Any:
    """A gmail v1 Resource from the bundled discovery document (no network), pointed at
    ``endpoint.base_url`` as given (a base of ``http://127.0.0.1:9000/`` sends to
    ``http://127.0.0.1:9000/gmail/v1/users/me/messages/send``), over an ``httplib2.Http`` that
    never writes a send twice (``transport``). Without credentials (the sandbox, a real-protocol
    peer) requests carry no auth."""
    http: Any = SendSafeHttp(timeout=timeout_s)
    if credentials is not None:
        http = google_auth_httplib2.AuthorizedHttp(credentials, http=http)
    return build(
        "gmail",
        "v1",
        http=http,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoint.base_url},
    )


def classify_gmail(exc: BaseException) -> Failure:
    """Google's classifier, plus httplib2's name-resolution failure (not an OSError) and the
    transport's own connection errors (reads only: a send is never retried)."""
    if isinstance(exc, httplib2.ServerNotFoundError | ConnectFailed | ResendBlocked):
        return Failure("connection", retryable=True)
    return classify_google(exc)


@dataclass(frozen=True)
class SentMessage:
    id: str
    thread_id: str


@dataclass(frozen=True)
class HistoryPage:
    """messagesAdded since the cursor, as (gmail id, thread id), oldest first, each once;
    ``history_id`` is the cursor to store once these are durably recorded."""

    added: tuple[tuple[str, str], ...]
    history_id: str
    next_page_token: str | None
    # Of ``added``, those Gmail listed with the SENT or DRAFT label: our own, never a reply, and
    # not worth a messages.get.
    ours: frozenset[str] = frozenset()


def _kind(exc: BaseException) -> str:
    if rate_limited(exc):
        return "ratelimited"
    status = getattr(getattr(exc, "resp", None), "status", None)
    if status is not None:
        return f"http_{status}"
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, OSError | httplib2.ServerNotFoundError):
        return "connection"
    return type(exc).__name__


def _gmail_query_date(moment: datetime) -> int:
    return int(moment.timestamp())


class GmailClient:
    """One mailbox's Gmail API; owned by one thread (see the module docstring)."""

    def __init__(
        self,
        resource: Any,
        *,
        user_id: str = "me",
        policy: RetryPolicy,
        report: Callable[[ErrorReport], None] | None,
    ) -> None:
        self._resource = resource
        self._users = resource.users()
        # Made once: each ``users().messages()`` call builds a Resource and every method on it
        # from the discovery document again (about 1 ms, more than the send itself on loopback).
        self._messages = self._users.messages()
        self._threads = self._users.threads()
        self._history = self._users.history()
        # Batch requests go beside the API's own paths: Gmail's https://gmail.googleapis.com/
        # batch/gmail/v1, or the same path under the endpoint the client was built for.
        self._batch_uri = urljoin(str(getattr(resource, "_baseUrl", "")), _BATCH_PATH)
        self.user_id = user_id
        self.policy = policy
        self.report = report
        self.units = 0

    def close(self) -> None:
        """Close the kept-alive connections (httplib2 leaves them open otherwise)."""
        self._resource.close()

    def _read(
        self,
        operation: str,
        request: Callable[[], Any],
        *,
        expected_statuses: Sequence[int] = (),
    ) -> Any:
        def attempt() -> Any:
            self.units += QUOTA_UNITS[operation]
            return request().execute(num_retries=0)

        return self.policy.call_sync(
            SERVICE,
            operation,
            attempt,
            report=self.report,
            expected_statuses=expected_statuses,
            classify=classify_gmail,
        )

    def send(self, raw: str, thread_id: str | None) -> SentMessage:
        """ONE attempt at messages.send; raises SendRefused or SendInDoubt (never retries)."""
        body = {"raw": raw} if thread_id is None else {"raw": raw, "threadId": thread_id}
        try:
            request = self._messages.send(userId=self.user_id, body=body)
        except Exception as exc:  # building the request: no I/O happened
            message = redact_text(str(exc) or type(exc).__name__)[:500]
            self._report("messages.send", type(exc).__name__, message)
            raise SendRefused(type(exc).__name__, message, retryable=False) from exc
        self.units += QUOTA_UNITS["messages.send"]
        try:
            answer = request.execute(num_retries=0)
        except Exception as exc:
            raise self._send_failure(exc) from exc
        sent_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(sent_id, str) or not sent_id:
            raise SendInDoubt("unreadable_answer", "messages.send answered without an id")
        return SentMessage(sent_id, str(answer.get("threadId") or thread_id or ""))

    def _send_failure(self, exc: BaseException) -> UpstreamError:
        verdict = classify_send(exc)
        kind = _kind(exc)
        message = redact_text(str(exc) or type(exc).__name__)[:500]
        status = getattr(getattr(exc, "resp", None), "status", None)
        status = int(status) if status is not None else None
        if verdict is SendVerdict.IN_DOUBT:
            return SendInDoubt(kind, message, status=status)
        if verdict is SendVerdict.NOT_SENT_FINAL:
            self._report("messages.send", kind, message)
            return SendRefused(kind, message, retryable=False, status=status)
        return SendRefused(kind, message, retryable=True, retry_after=pause_for(exc), status=status)

    def _report(self, operation: str, kind: str, message: str) -> None:
        if self.report is not None:
            self.report(ErrorReport(SERVICE, operation, kind, message))

    def _list(self, query: str, *, spam_trash: bool, page_token: str | None = None) -> Any:
        return self._read(
            "messages.list",
            lambda: self._messages.list(
                userId=self.user_id,
                q=query,
                includeSpamTrash=spam_trash,
                pageToken=page_token,
                maxResults=100,
            ),
        )

    def find_by_message_id(self, message_id: str) -> list[str]:
        """Gmail ids of the messages whose Message-ID header is ``message_id`` (spam and trash
        included): did an in-doubt send go out?"""
        bare = message_id.strip().strip("<>").strip()
        if not bare or any(c.isspace() or c in '"<>' for c in bare):
            raise InvalidInput(f"{message_id[:80]!r} is not a Message-ID")
        answer = self._list(f"rfc822msgid:{bare}", spam_trash=True)
        return _ids(answer)

    def find_sent(
        self, recipient: str, subject: str, after: datetime, before: datetime
    ) -> list[Mapping[str, Any]]:
        """Sent messages to ``recipient`` in ``[after, before)`` whose Subject is exactly
        ``subject``, as format=metadata resources (Subject, To, Message-ID, Date): the settling
        fallback when Gmail rewrote the Message-ID."""
        address = normalize_address(recipient)
        query = (
            f"in:sent to:{address} after:{_gmail_query_date(after)} "
            f"before:{_gmail_query_date(before)}"
        )
        found: list[Mapping[str, Any]] = []
        ids: list[str] = []
        token: str | None = None
        while len(ids) < _MAX_FOUND:
            answer = self._list(query, spam_trash=False, page_token=token)
            ids.extend(_ids(answer))
            token = _token(answer)
            if token is None:
                break
        wanted = " ".join(subject.split())
        for gmail_id in ids[:_MAX_FOUND]:
            message = self.get(gmail_id, fmt="metadata", metadata_headers=_METADATA_HEADERS)
            if " ".join(decode_words(header_of(message, "Subject")).split()) == wanted:
                found.append(message)
        return found

    def history(self, start_history_id: str, page_token: str | None = None) -> HistoryPage:
        """One page of messagesAdded since ``start_history_id``; raises HistoryTooOld on 404."""
        try:
            answer = self._read(
                "history.list",
                lambda: self._history.list(
                    userId=self.user_id,
                    startHistoryId=start_history_id,
                    historyTypes=["messageAdded"],
                    pageToken=page_token,
                    maxResults=500,
                ),
                expected_statuses=(404,),
            )
        except UpstreamError as exc:
            if exc.status == 404:
                raise HistoryTooOld(start_history_id) from exc
            raise
        added: dict[str, str] = {}
        ours: set[str] = set()
        records = answer.get("history") if isinstance(answer, dict) else None
        for record in records if isinstance(records, list) else []:
            items = record.get("messagesAdded") if isinstance(record, dict) else None
            for item in items if isinstance(items, list) else []:
                message = item.get("message") if isinstance(item, dict) else None
                if isinstance(message, dict) and message.get("id"):
                    added.setdefault(str(message["id"]), str(message.get("threadId") or ""))
                    labels = message.get("labelIds")
                    if isinstance(labels, list) and {"SENT", "DRAFT"} & set(labels):
                        ours.add(str(message["id"]))
        history_id = answer.get("historyId") if isinstance(answer, dict) else None
        return HistoryPage(
            added=tuple(added.items()),
            history_id=str(history_id or start_history_id),
            next_page_token=_token(answer),
            ours=frozenset(ours),
        )

    def list_since(
        self, after: datetime, page_token: str | None = None
    ) -> tuple[list[str], str | None]:
        """Ids of the messages received after ``after`` (one page), and the next page's token:
        the bounded re-sync when the history cursor is too old."""
        answer = self._list(
            f"after:{_gmail_query_date(after)}", spam_trash=False, page_token=page_token
        )
        return _ids(answer), _token(answer)

    def get(
        self,
        gmail_id: str,
        fmt: str = "full",
        metadata_headers: Sequence[str] | None = None,
    ) -> Mapping[str, Any]:
        answer = self._read(
            "messages.get",
            lambda: self._messages.get(
                userId=self.user_id,
                id=gmail_id,
                format=fmt,
                metadataHeaders=list(metadata_headers) if metadata_headers else None,
            ),
        )
        return answer if isinstance(answer, dict) else {}

    def get_many(self, gmail_ids: Sequence[str], fmt: str = "full") -> dict[str, Mapping[str, Any]]:
        """messages.get of each of ``gmail_ids``, :data:`BATCH_CALLS` to a batch request (one
        HTTP request instead of one per message). What a batch leaves unanswered (a call's 429 or
        5xx, or the batch request's own failure) is asked again under the retry policy, the
        answers already had kept; like :meth:`get`, raises UpstreamError when attempts run out
        (a message that is gone: its 404 at once)."""
        got: dict[str, Mapping[str, Any]] = {}
        wanted = list(dict.fromkeys(gmail_ids))
        for start in range(0, len(wanted), BATCH_CALLS):
            chunk = wanted[start : start + BATCH_CALLS]
            self.policy.call_sync(
                SERVICE,
                "messages.get",
                functools.partial(self._get_batch, chunk, fmt, got),
                report=self.report,
                classify=classify_gmail,
            )
        return {gmail_id: got[gmail_id] for gmail_id in wanted}  # in the order asked

    def _get_batch(self, gmail_ids: list[str], fmt: str, got: dict[str, Mapping[str, Any]]) -> None:
        """One attempt: the ids not yet in ``got``, in one batch request (one alone: a plain
        request); raises the first call's failure once the answers of the others are kept."""
        todo = [gmail_id for gmail_id in gmail_ids if gmail_id not in got]
        if not todo:
            return
        self.units += QUOTA_UNITS["messages.get"] * len(todo)
        if len(todo) == 1:
            answer = self._messages.get(userId=self.user_id, id=todo[0], format=fmt)
            got[todo[0]] = _mapping(answer.execute(num_retries=0))
            return
        failures: list[BaseException] = []

        def answered(request_id: str, response: Any, exception: BaseException | None) -> None:
            if exception is not None:
                failures.append(exception)
            else:
                got[request_id] = _mapping(response)

        batch = BatchHttpRequest(callback=answered, batch_uri=self._batch_uri)
        for gmail_id in todo:
            batch.add(
                self._messages.get(userId=self.user_id, id=gmail_id, format=fmt),
                request_id=gmail_id,
            )
        batch.execute()
        if failures:
            raise failures[0]

    def thread(self, thread_id: str, fmt: str = "metadata") -> Mapping[str, Any]:
        answer = self._read(
            "threads.get",
            lambda: self._threads.get(userId=self.user_id, id=thread_id, format=fmt),
        )
        return answer if isinstance(answer, dict) else {}

    def profile(self) -> Mapping[str, Any]:
        """``{emailAddress, messagesTotal, threadsTotal, historyId}``."""
        answer = self._read("getProfile", lambda: self._users.getProfile(userId=self.user_id))
        return answer if isinstance(answer, dict) else {}

    def watch(self, topic: str, label_ids: Sequence[str] | None = None) -> Mapping[str, Any]:
        """Push notifications to the Pub/Sub ``topic``; ``{historyId, expiration}``. Re-call at
        least every 7 days (daily is recommended)."""
        body: dict[str, Any] = {"topicName": topic}
        if label_ids:
            body |= {"labelIds": list(label_ids), "labelFilterBehavior": "include"}
        answer = self._read("watch", lambda: self._users.watch(userId=self.user_id, body=body))
        return answer if isinstance(answer, dict) else {}


def _mapping(answer: Any) -> Mapping[str, Any]:
    return answer if isinstance(answer, dict) else {}


def _ids(answer: Any) -> list[str]:
    messages = answer.get("messages") if isinstance(answer, dict) else None
    return [
        str(m["id"])
        for m in (messages if isinstance(messages, list) else [])
        if isinstance(m, dict) and m.get("id")
    ]


def _token(answer: Any) -> str | None:
    token = answer.get("nextPageToken") if isinstance(answer, dict) else None
    return str(token) if token else None


def header_of(message: Mapping[str, Any], name: str) -> str:
    """A header of a Message resource (format=full or metadata); empty when it has none."""
    payload = message.get("payload")
    headers = payload.get("headers") if isinstance(payload, dict) else None
    for header in headers if isinstance(headers, list) else []:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == name.lower():
            return str(header.get("value", ""))
    return ""
