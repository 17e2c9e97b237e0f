"""``POST /webhooks/clickup``: the front door for ClickUp's task events. Runs on the I/O loop.

In order, each step before any later one:

1. **Size**: a body past ``max_body_bytes`` is refused with 413 before it is read in full.
2. **Signature**: ``X-Signature`` must be the hex HMAC-SHA256 of the RAW body with the webhook
   secret, compared in constant time, before anything is parsed. Missing or wrong → 401, counted
   (``dealdesk_clickup_webhooks_total{outcome="bad_signature"}``) and audited (rate-limited, so a
   flood of forgeries cannot flood the audit log). Neither the secret nor the supplied signature
   is ever logged.
3. **Envelope**: JSON with ``event``, ``webhook_id``, ``task_id`` (task events) and
   ``history_items``, checked with pydantic → 400 with the reason.
4. **Durable commit**: the delivery is recorded under its idempotency key through the AuditWriter
   and the answer waits for the commit: 202 for a new delivery (then the ClickUpIngress is told),
   200 for a duplicate (nothing else happens). If the commit cannot be had in time → 503, and
   ClickUp's retry brings the delivery again. ClickUp gives up after 7 s; the commit timeout
   stays well below.

Deliveries that arrive while a commit is in flight wait for the next one and are recorded
together (:class:`~dealdesk.store.clickup_deliveries.RecordDeliveries`, one statement): under
load a commit costs the writer one operation per batch, not one per delivery, and nobody is
answered before the batch holding their delivery committed.
"""

from __future__ import annotations

import asyncio
import functools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import structlog
from aiohttp import web

from dealdesk.errors import InvalidInput
from dealdesk.http.app import HTTP_STATE
from dealdesk.integrations.clickup.events import (
    SOURCE,
    ReceivedDeliveries,
    ReceivedDelivery,
    parse_envelope,
    verify_signature,
)
from dealdesk.runtime.registry import CLICKUP_INGRESS
from dealdesk.store import (
    MAX_DELIVERY_BATCH,
    STORE,
    AppendAudit,
    AuditKind,
    DeliveryRecorded,
    RecordDeliveries,
    RecordDelivery,
    StoreError,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import SecretStr

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["WEBHOOK_PATH", "clickup_webhook_routes"]

WEBHOOK_PATH = "/webhooks/clickup"
log = structlog.get_logger("dealdesk.http.clickup")


class _AuditBudget:
    """At most ``per_minute`` audit entries for refused deliveries; the rest are only counted."""

    def __init__(self, per_minute: int = 60) -> None:
        self.per_minute = per_minute
        self.tokens = float(per_minute)
        self.stamp = time.monotonic()
        self.suppressed = 0

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.per_minute, self.tokens + (now - self.stamp) * self.per_minute / 60)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.suppressed += 1
        return False


class _Pending(NamedTuple):
    delivery: ReceivedDelivery
    future: asyncio.Future[DeliveryRecorded]
    deadline: float  # loop time by which its answer is due


@dataclass(slots=True)
class _Flight:
    """A batch sent to the writer and not yet answered."""

    ctx: RuntimeContext
    batch: list[_Pending]
    timer: asyncio.TimerHandle | None = None
    expired: bool = False


class _Batcher:
    """Gathers deliveries on the loop; one batch commit in flight at a time.

    The deliveries that arrive during a commit make the next batch, so batches grow with load and
    the writer sees one operation per batch (one in flight: ``bench/ingress.py`` compares).
    A batch is one ``LoopAsk`` to the writer whose answer settles every caller's future from a
    plain callback, and one timer for the batch's oldest deadline: no task, shield or timeout per
    delivery, which matters because each one costs a turn of a busy loop. Every committed NEW
    delivery is told to the ingress in one message per batch, even when the answer came too late
    for its caller (whose 503 makes ClickUp retry, to find a duplicate: the delivery is processed
    all the same).
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.busy = False
        self.pending: list[_Pending] = []

    def record(
        self, ctx: RuntimeContext, delivery: ReceivedDelivery
    ) -> asyncio.Future[DeliveryRecorded]:
        """Queue ``delivery``; the future resolves once it is committed (or fails, or times out:
        ``TimeoutError`` after ``timeout_s``). Call on the loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[DeliveryRecorded] = loop.create_future()
        self.pending.append(_Pending(delivery, future, loop.time() + self.timeout_s))
        self._flush(ctx)
        return future

    def _flush(self, ctx: RuntimeContext) -> None:
        while self.pending and not self.busy:
            batch, self.pending = (
                self.pending[:MAX_DELIVERY_BATCH],
                self.pending[MAX_DELIVERY_BATCH:],
            )
            loop = asyncio.get_running_loop()
            op = RecordDeliveries(SOURCE, tuple((p.delivery.key, p.delivery.body) for p in batch))
            answer = ctx[STORE].write_from_loop(op)
            if answer.done():  # the writer is not running: this batch fails at once
                self._fail(batch, answer.exception() or StoreError("not recorded"))
                continue
            self.busy = True
            flight = _Flight(ctx, batch)
            flight.timer = loop.call_at(batch[0].deadline, self._expire, flight)
            answer.add_done_callback(functools.partial(self._settle, flight))

    def _expire(self, flight: _Flight) -> None:
        """The batch's oldest caller cannot wait longer: answer them all with a timeout and let the
        next batch go (a late commit still reaches the ingress: see ``_settle``)."""
        flight.expired = True
        self._fail(flight.batch, TimeoutError("the delivery was not committed in time"))
        self._next(flight.ctx)

    def _settle(
        self, flight: _Flight, answer: asyncio.Future[tuple[DeliveryRecorded, ...]]
    ) -> None:
        if flight.timer is not None:
            flight.timer.cancel()
        try:
            results = answer.result()
            new = tuple(
                pending.delivery.committed_as(result.delivery_id)
                for pending, result in zip(flight.batch, results, strict=True)
                if result.new
            )
            if new:
                flight.ctx.registry.tell(CLICKUP_INGRESS, ReceivedDeliveries(new))
            for pending, result in zip(flight.batch, results, strict=True):
                if not pending.future.done():
                    pending.future.set_result(result)
        except Exception as exc:  # the commit failed (or its answer makes no sense): not acked
            self._fail(flight.batch, exc)  # first: the callers are answered whatever happens next
            if not isinstance(exc, StoreError | ConnectionError | TimeoutError):
                log.exception("clickup_webhook_batch_answer_failed")
        finally:
            if not flight.expired:
                self._next(flight.ctx)

    @staticmethod
    def _fail(batch: list[_Pending], error: BaseException) -> None:
        for pending in batch:
            if not pending.future.done():
                pending.future.set_exception(error)

    def _next(self, ctx: RuntimeContext) -> None:
        self.busy = False
        self._flush(ctx)


def _answer(http_status: int, **body: object) -> web.Response:
    return web.json_response(body, status=http_status)


async def _read_limited(request: web.Request, limit: int) -> bytes | None:
    """The raw body, or None if it is longer than ``limit`` (stops reading at the limit)."""
    length = request.content_length
    if length is not None:
        if length > limit:
            return None
        return await request.content.readexactly(length) if length else b""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class _Webhook:
    secret: bytes
    max_body_bytes: int | None
    budget: _AuditBudget
    batcher: _Batcher

    def _refuse_signature(
        self, ctx: RuntimeContext, request: web.Request, reason: str, size: int
    ) -> web.Response:
        ctx.metrics.clickup_webhooks.labels("bad_signature").inc()
        remote = request.remote or "unknown"
        log.warning("clickup_webhook_signature_refused", reason=reason, remote=remote, bytes=size)
        if self.budget.take():
            suppressed, self.budget.suppressed = self.budget.suppressed, 0
            ctx[STORE].tell(
                AppendAudit(
                    AuditKind.ERROR,
                    metadata={
                        "what": "clickup_webhook_signature_refused",
                        "reason": reason,
                        "remote": remote,
                        "bytes": size,
                        "refusals_not_audited_since_last": suppressed,
                    },
                ),
            )
        return _answer(401, error=f"X-Signature is {reason}")

    async def handle(self, request: web.Request) -> web.Response:
        ctx = request.app[HTTP_STATE].ctx
        counter = ctx.metrics.clickup_webhooks
        limit = self.max_body_bytes or ctx.settings.http_max_body_bytes
        try:
            body = await _read_limited(request, limit)
        except (ConnectionError, EOFError):
            counter.labels("incomplete").inc()
            return _answer(400, error="the body ended before its Content-Length")
        if body is None:
            counter.labels("too_large").inc()
            return _answer(413, error=f"body is larger than {limit} bytes")
        header = request.headers.get("X-Signature")
        if not header:
            return self._refuse_signature(ctx, request, "missing", len(body))
        if not verify_signature(self.secret, body, header):
            return self._refuse_signature(ctx, request, "wrong", len(body))
        try:
            envelope, text = parse_envelope(body)
            delivery = ReceivedDelivery.from_envelope(envelope, text)
            RecordDelivery(SOURCE, delivery.key, text)  # the store's checks, before any queueing
        except InvalidInput as exc:
            counter.labels("invalid").inc()
            log.info("clickup_webhook_invalid", reason=str(exc)[:300])
            return _answer(400, error=str(exc))
        if not ctx[STORE].running:
            counter.labels("unavailable").inc()
            return _answer(503, error="the store is not running; retry later")
        try:
            recorded = await self.batcher.record(ctx, delivery)
        except Exception as exc:  # timeout, store error, writer gone: nothing was acknowledged
            counter.labels("unavailable").inc()
            log.warning("clickup_webhook_not_committed", key=delivery.key, error=repr(exc)[:300])
            return _answer(503, error="the delivery could not be recorded; retry later")
        if not recorded.new:
            counter.labels("duplicate").inc()
            return _answer(200, status="duplicate", key=delivery.key)
        counter.labels("accepted").inc()  # the batcher told the ingress, right after the commit
        return _answer(202, status="accepted", key=delivery.key)


def clickup_webhook_routes(
    secret: SecretStr | str,
    *,
    max_body_bytes: int | None = None,
    commit_timeout_s: float = 5.0,
    path: str = WEBHOOK_PATH,
) -> Callable[[web.Application], None]:
    """The ``add_fn(app)`` for ``build_app(routes=...)``; ``secret`` from
    :func:`dealdesk.integrations.clickup.config.resolve_webhook_secret`."""
    plain = secret if isinstance(secret, str) else secret.get_secret_value()
    if not plain:
        raise ValueError("the ClickUp webhook secret is empty")
    webhook = _Webhook(plain.encode(), max_body_bytes, _AuditBudget(), _Batcher(commit_timeout_s))

    def add(app: web.Application) -> None:
        app.router.add_post(path, webhook.handle)

    return add
