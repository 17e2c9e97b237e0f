"""The sandbox Gmail: API v1 for one mailbox (send, get, list, threads, history, profile, watch).

Routes are Gmail's (``/gmail/v1/users/{userId}/…``, userId ``me`` or the mailbox's address) and
answer in Gmail's JSON, so google-api-python-client works against it unchanged:
``build("gmail", "v1", client_options={"api_endpoint": fake.base_url + "/"},
credentials=AnonymousCredentials())``. Requests carry no ``Authorization`` (anonymous) or
``Bearer`` :data:`SANDBOX_GMAIL_TOKEN`; another token is a 401. Errors use Google's envelope.

Operation names (for faults and ``calls``): the last path segment ("send", "messages",
"history", "profile", "labels", "watch", "stop", "modify"), except "messages.get" and
"threads.get" for the routes ending in an id. ``inject(rate_limited())`` and the other helpers
in :mod:`dealdesk.sandbox.gmail.errors` make Gmail's failures, before or after a send took effect.

Tests and personas use the methods below from any thread: the mailbox is guarded by the fake's
lock, and every change wakes :meth:`wait_until`. Mail sent to a persona's address is answered
by that persona (:attr:`FakeGmail.personas`) on the loop, after its delay.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web
from multidict import CIMultiDict, MultiDict

from dealdesk.sandbox.base import FakeServer, RecordedRequest
from dealdesk.sandbox.gmail import batch, letters, mime, resources
from dealdesk.sandbox.gmail.errors import error_response
from dealdesk.sandbox.gmail.mailbox import (
    SYSTEM_LABELS,
    HistoryExpiredError,
    Mailbox,
    MailMessage,
)
from dealdesk.sandbox.gmail.personas import Personas, default_cast
from dealdesk.sandbox.gmail.query import Query, excluded_by_default

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from multidict import MultiMapping

__all__ = ["DEFAULT_ADDRESS", "SANDBOX_GMAIL_TOKEN", "FakeGmail"]

SANDBOX_GMAIL_TOKEN = "ya29.sandbox-gmail-0000"  # noqa: S105 - the fixed token the fake accepts
DEFAULT_ADDRESS = "deals@agency.example"
_PREFIX = "/gmail/v1/users/{user_id}"
_INBOUND_LABELS = ("UNREAD", "CATEGORY_PERSONAL", "INBOX")
_WATCH_MS = 7 * 24 * 3600 * 1000
_MAX_PAGE = 500
_OWN_HEADERS = frozenset({"content-type", "content-length", "date", "server"})
# The calls a batch request may hold here: (method, path pattern, operation name).
_BATCHABLE = (
    ("POST", re.compile(r"/gmail/v1/users/(?P<user_id>[^/]+)/messages/send"), "send"),
    (
        "GET",
        re.compile(r"/gmail/v1/users/(?P<user_id>[^/]+)/messages/(?P<id>[^/]+)"),
        "messages.get",
    ),
    ("GET", re.compile(r"/gmail/v1/users/(?P<user_id>[^/]+)/threads/(?P<id>[^/]+)"), "threads.get"),
)


class _Asked(Protocol):
    """What a handler reads of a request: aiohttp's, or one call of a batch."""

    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def match_info(self) -> Mapping[str, str]: ...
    @property
    def query(self) -> MultiMapping[str]: ...
    async def read(self) -> bytes: ...


class _Call:
    """One call of a batch request, as a handler reads a request."""

    def __init__(self, call: batch.Call, user_id: str, match: Mapping[str, str], auth: str) -> None:
        headers = CIMultiDict(call.headers)
        if auth and "Authorization" not in headers:
            headers["Authorization"] = auth  # the batch's own credentials cover its calls
        self.headers = headers
        self.match_info = {"user_id": user_id, **match}
        self.query = MultiDict(call.query)
        self._body = call.body

    async def read(self) -> bytes:
        return self._body


def _not_found() -> web.Response:
    return error_response(404, "Requested entity was not found.", "notFound")


def _invalid(message: str) -> web.Response:
    return error_response(400, message, "invalidArgument")


def _route(call: batch.Call) -> tuple[str, re.Match[str]] | None:
    """The operation a call of a batch asks for, and its path's parameters."""
    for method, pattern, operation in _BATCHABLE:
        match = pattern.fullmatch(call.path)
        if match is not None and method == call.method:
            return operation, match
    return None


def _part(response: web.StreamResponse) -> batch.Answer:
    """A handler's answer as a call's answer inside a batch."""
    body = response.body if isinstance(response, web.Response) else b""
    data = body if isinstance(body, bytes) else b""
    kept = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _OWN_HEADERS)
    return batch.Answer(
        response.status,
        data,
        content_type=response.headers.get("Content-Type", "application/json; charset=UTF-8"),
        headers=kept,
    )


class FakeGmail(FakeServer):
    service = "gmail"

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        address: str = DEFAULT_ADDRESS,
        cast: bool = True,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(host, port)
        self.address = address
        self.token = SANDBOX_GMAIL_TOKEN
        self.mailbox = Mailbox(address.lower())
        if clock_ms is not None:
            self.mailbox.clock_ms = clock_ms
        self.rewrite_message_ids = False  # True: Gmail replaces the sender's Message-ID
        self.watches: list[dict[str, Any]] = []
        self.personas = Personas(self, default_cast() if cast else ())

    def app_defaults(self) -> dict[str, str]:
        return {"address": self.address}

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(_PREFIX + "/messages/send", self._send)
        app.router.add_get(_PREFIX + "/messages", self._list)
        app.router.add_get(_PREFIX + "/messages/{id}", self._get)
        app.router.add_post(_PREFIX + "/messages/{id}/modify", self._modify)
        app.router.add_get(_PREFIX + "/threads/{id}", self._thread)
        app.router.add_get(_PREFIX + "/history", self._history)
        app.router.add_get(_PREFIX + "/labels", self._labels)
        app.router.add_get(_PREFIX + "/profile", self._profile)
        app.router.add_post(_PREFIX + "/watch", self._watch)
        app.router.add_post(_PREFIX + "/stop", self._stop)
        app.router.add_post("/batch/gmail/v1", self._batch)
        app.router.add_post("/batch", self._batch)  # the discovery document's older batchPath

    def operation_of(self, request: web.Request) -> str:
        if request.path.startswith("/batch"):
            return "batch"
        parts = request.path.rstrip("/").split("/")
        if len(parts) == 7 and parts[5] in ("messages", "threads") and parts[6] != "send":
            return f"{parts[5]}.get"
        return parts[-1]

    # -- the test and persona API (any thread) -----------------------------------------------

    def inbound(
        self,
        from_addr: str = "",
        subject: str = "",
        text: str = "",
        *,
        html: str | None = None,
        to: str | None = None,
        in_reply_to: str | None = None,
        references: str | None = None,
        thread_id: str | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> str:
        """Mail arriving in the INBOX (UNREAD), threaded by ``thread_id`` or by its
        In-Reply-To / References; ``raw`` (RFC 2822) is stored as it is. Returns the Gmail id."""
        if raw is None:
            raw = letters.compose(
                from_addr=from_addr,
                to=to or self.address,
                subject=subject,
                text=text,
                html=html,
                in_reply_to=in_reply_to,
                references=references,
                headers=headers or {},
            )
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        with self._cond:
            stored = self.mailbox.add(mime.crlf(data), list(_INBOUND_LABELS), thread_id)
            self._cond.notify_all()
        return stored.id

    def message(self, gmail_id: str) -> MailMessage:
        with self._cond:
            return MailMessage.of(self.mailbox.messages[gmail_id])

    def messages(self, label: str | None = None) -> list[MailMessage]:
        """Every message (with ``label``), in the order they were stored."""
        with self._cond:
            stored = self.mailbox.messages.values()
            return [MailMessage.of(s) for s in stored if label is None or label in s.label_ids]

    def sent(self) -> list[MailMessage]:
        return self.messages("SENT")

    def inbox(self) -> list[MailMessage]:
        return self.messages("INBOX")

    def thread(self, thread_id: str) -> list[MailMessage]:
        with self._cond:
            return [MailMessage.of(s) for s in self.mailbox.thread(thread_id)]

    def messages_with_message_id(self, message_id: str) -> list[MailMessage]:
        with self._cond:
            return [MailMessage.of(s) for s in self.mailbox.with_message_id(message_id)]

    def count_sent(self, message_id: str) -> int:
        """How many sent messages carry ``message_id`` (more than 1 is a duplicate send)."""
        return sum("SENT" in m.label_ids for m in self.messages_with_message_id(message_id))

    def modify(self, gmail_id: str, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        with self._cond:
            self.mailbox.modify(gmail_id, add, remove)
            self._cond.notify_all()

    @property
    def history_id(self) -> int:
        with self._cond:
            return self.mailbox.history_id

    def expire_history(self, before_id: int | None = None) -> None:
        """Forget history older than ``before_id`` (default: the current history id, so every
        cursor but the current one gets 404)."""
        with self._cond:
            self.mailbox.expire_history(before_id or self.mailbox.history_id)

    def retain_history(self, records: int | None) -> None:
        """Keep only the newest ``records`` history records from now on (None: keep all)."""
        with self._cond:
            self.mailbox.history_limit = records

    # -- Gmail's API (on the loop) -----------------------------------------------------------

    def _denied_token(self, auth: str | None) -> web.Response | None:
        if auth is not None and auth != f"Bearer {self.token}":
            return error_response(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token,"
                " login cookie or other valid authentication credential.",
                "authError",
            )
        return None

    def _denied(self, request: _Asked) -> web.Response | None:
        if (denied := self._denied_token(request.headers.get("Authorization"))) is not None:
            return denied
        user = request.match_info["user_id"]
        if user != "me" and user.lower() != self.mailbox.address:
            return error_response(403, f"Delegation denied for {self.address}", "forbidden")
        return None

    async def _send(self, request: _Asked) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            body = json.loads(await request.read() or b"{}")
            data = mime.unb64url(str(body["raw"]))
        except (ValueError, KeyError, TypeError):
            return _invalid(
                "'raw' RFC822 payload message string or uploading message via /upload/* URL"
                " required"
            )
        raw = mime.crlf(data)
        message = mime.head(raw)
        recipients = mime.addresses(message, "To", "Cc", "Bcc")
        if not recipients:
            return _invalid("Recipient address required")
        add: dict[str, str] = {}
        if message.get("From") is None:
            add["From"] = self.address
        if message.get("Date") is None:
            add["Date"] = mime.now_date()
        if message.get("Message-ID") is None or self.rewrite_message_ids:
            add["Message-ID"] = mime.gmail_message_id()
        if add:
            raw = mime.header_block_edit(raw, drop=tuple(add), add=add)
        labels = ["SENT"]
        if self.mailbox.address in recipients:
            labels = ["UNREAD", "SENT", "INBOX"]
        thread_id = body.get("threadId")
        # A persona's copy of the message only when one is addressed: building it parses the
        # message again, the largest part of a send's cost here.
        answered = any(self.personas.get(address) is not None for address in recipients)
        with self._cond:
            stored = self.mailbox.add(
                raw,
                labels,
                str(thread_id) if thread_id else None,
                head=None if add else message,
            )
            answer = {"id": stored.id, "threadId": stored.thread_id, "labelIds": list(labels)}
            sent = MailMessage.of(stored) if answered else None
            self._cond.notify_all()
        if sent is not None:
            self.personas.on_sent(sent)
        return web.json_response(answer)

    def _format(self, request: _Asked) -> tuple[str, list[str]] | web.Response:
        """The shape a read asked for (``format``, ``metadataHeaders``), or the answer refusing it
        (no or a wrong token, an unknown format)."""
        if (denied := self._denied(request)) is not None:
            return denied
        fmt = request.query.get("format", "full")
        if fmt not in resources.FORMATS:
            return _invalid(f"Invalid value at 'format' ({fmt})")
        return fmt, request.query.getall("metadataHeaders", [])

    async def _get(self, request: _Asked) -> web.Response:
        shape = self._format(request)
        if isinstance(shape, web.Response):
            return shape
        with self._cond:
            stored = self.mailbox.messages.get(request.match_info["id"])
            if stored is None:
                return _not_found()
            return web.json_response(resources.message_json(stored, *shape))

    async def _thread(self, request: _Asked) -> web.Response:
        shape = self._format(request)
        if isinstance(shape, web.Response):
            return shape
        with self._cond:
            thread_id = request.match_info["id"]
            messages = self.mailbox.thread(thread_id)
            if not messages:
                return _not_found()
            return web.json_response(resources.thread_json(thread_id, messages, *shape))

    def _page_size(self, request: web.Request, default: int = 100) -> int | web.Response:
        try:
            size = int(request.query.get("maxResults", default))
        except ValueError:
            return _invalid("Invalid value for maxResults")
        return max(1, min(size, _MAX_PAGE))

    async def _list(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        size = self._page_size(request)
        if isinstance(size, web.Response):
            return size
        labels = request.query.getall("labelIds", [])
        spam_trash = request.query.get("includeSpamTrash", "false") == "true"
        with self._cond:
            query = Query(request.query.get("q", ""), self.mailbox.clock_ms)
            found = [
                s
                for s in self.mailbox.newest_first()
                if all(label in s.label_ids for label in labels)
                and (spam_trash or query.anywhere or not excluded_by_default(s))
                and query(s)
            ]
            page = resources.list_page(found, size, request.query.get("pageToken"))
        return web.json_response(page)

    async def _history(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        start = request.query.get("startHistoryId", "")
        if not start.isdigit():
            return _invalid("Invalid startHistoryId" if start else "Missing startHistoryId")
        size = self._page_size(request)
        if isinstance(size, web.Response):
            return size
        with self._cond:
            try:
                records = self.mailbox.history_after(int(start))
            except HistoryExpiredError:
                return _not_found()
            page = resources.history_page(
                self.mailbox,
                records,
                types=request.query.getall("historyTypes", []),
                label_id=request.query.get("labelId"),
                max_results=size,
                page_token=request.query.get("pageToken"),
            )
        return web.json_response(page)

    async def _modify(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = json.loads(await request.read() or b"{}")
        with self._cond:
            if request.match_info["id"] not in self.mailbox.messages:
                return _not_found()
            stored = self.mailbox.modify(
                request.match_info["id"],
                body.get("addLabelIds", []),
                body.get("removeLabelIds", []),
            )
            self._cond.notify_all()
            return web.json_response(
                {"id": stored.id, "threadId": stored.thread_id, "labelIds": stored.label_ids}
            )

    async def _batch(self, request: web.Request) -> web.Response:
        """A batch of messages.send, messages.get and threads.get calls, answered in order. Each
        call is recorded and meets the faults injected for its own operation (one that drops the
        connection drops the whole batch)."""
        if (denied := self._denied_token(request.headers.get("Authorization"))) is not None:
            return denied
        try:
            calls = batch.parse(request.headers.get("Content-Type", ""), await request.read())
        except batch.BatchError as exc:
            return _invalid(str(exc))
        answers: list[batch.Answer] = []
        for call in calls:
            answer = await self._batch_call(call, request.headers.get("Authorization", ""))
            if answer is None:
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)
            answers.append(answer)
        content_type, body = batch.compose(calls, answers)
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _batch_call(self, call: batch.Call, auth: str) -> batch.Answer | None:
        routed = _route(call)
        if routed is None:
            return _part(_not_found())
        operation, match = routed
        self.record(RecordedRequest(call.method, call.path, operation, call.headers, call.body))
        ids = {k: v for k, v in match.groupdict().items() if k != "user_id"}
        asked = _Call(call, match.group("user_id"), ids, auth)
        handler = {"send": self._send, "messages.get": self._get, "threads.get": self._thread}
        fault = self._take_fault(operation, exact=True)
        if fault is None:
            return _part(await handler[operation](asked))
        answer = await self.faulted(fault, lambda: handler[operation](asked))
        return None if answer is None else _part(answer)

    async def _labels(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        return web.json_response(
            {"labels": [{"id": name, "name": name, "type": "system"} for name in SYSTEM_LABELS]}
        )

    async def _profile(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        with self._cond:
            return web.json_response(
                {
                    "emailAddress": self.address,
                    "messagesTotal": len(self.mailbox.messages),
                    "threadsTotal": len(self.mailbox.threads),
                    "historyId": str(self.mailbox.history_id),
                }
            )

    async def _watch(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        body = json.loads(await request.read() or b"{}")
        if not body.get("topicName"):
            return _invalid("Invalid topicName does not match projects/*/topics/*")
        expiration = int(time.time() * 1000) + _WATCH_MS
        with self._cond:
            self.watches.append({**body, "expiration": expiration})
            self._cond.notify_all()
            return web.json_response(
                {"historyId": str(self.mailbox.history_id), "expiration": str(expiration)}
            )

    async def _stop(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        with self._cond:
            self.watches.clear()
            self._cond.notify_all()
        return web.Response(status=204)
