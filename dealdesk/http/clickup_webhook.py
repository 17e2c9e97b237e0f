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
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import structlog
from aiohttp import web

from dealdesk.errors import InvalidInput
from dealdesk.http.app import HTTP_STATE
from dealdesk.integrations.clickup_events import (
    SOURCE,
    ReceivedDelivery,
    idempotency_key,
    parse_envelope,
    verify_signature,
)
from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS
from dealdesk.store.clickup_deliveries import MAX_BATCH, RecordDeliveries
from dealdesk.store.model import EventType
from dealdesk.store.ops import AppendAudit
from dealdesk.store.record_ops import DeliveryRecorded, RecordDelivery

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


class _Batcher:
    """Gathers deliveries on the loop; at most ``in_flight`` batch commits run at once.

    One in flight measured best (``bench/ingress.py``): the deliveries that arrive during a
    commit make the next batch, so batches grow with load and the writer sees one op per batch.
    """

    def __init__(self, in_flight: int = 1) -> None:
        self.max_in_flight = in_flight
        self.in_flight = 0
        self.pending: list[tuple[str, str, asyncio.Future[DeliveryRecorded]]] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def record(
        self,
        ctx: RuntimeContext,
        key: str,
        body: str,
        timeout: float,  # noqa: ASYNC109 - the commit's own deadline, passed on to the writer
    ) -> DeliveryRecorded:
        future: asyncio.Future[DeliveryRecorded] = asyncio.get_running_loop().create_future()
        self.pending.append((key, body, future))
        if self.in_flight < self.max_in_flight:
            self._flush(ctx, timeout)
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    def _flush(self, ctx: RuntimeContext, timeout: float) -> None:
        batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
        self.in_flight += 1
        task = asyncio.get_running_loop().create_task(self._commit(ctx, batch, timeout))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _commit(
        self,
        ctx: RuntimeContext,
        batch: list[tuple[str, str, asyncio.Future[DeliveryRecorded]]],
        timeout: float,  # noqa: ASYNC109 - passed on to ask_actor
    ) -> None:
        try:
            writer = ctx.registry.get(AUDIT_WRITER)
            if writer is None:
                _writer_gone()
            op = RecordDeliveries(SOURCE, tuple((key, body) for key, body, _ in batch))
            results = await ctx.loop.ask_actor(writer, op, timeout)
            for (_, _, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
        except Exception as exc:  # nothing of this batch was acknowledged
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        finally:
            self.in_flight -= 1
            if self.pending:
                self._flush(ctx, timeout)


def _writer_gone() -> NoReturn:
    raise ConnectionError("the AuditWriter is not running")


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
    commit_timeout_s: float
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
            ctx.registry.tell(
                AUDIT_WRITER,
                AppendAudit(
                    EventType.ERROR,
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
            key = idempotency_key(envelope)
            RecordDelivery(SOURCE, key, text)  # the store's checks, before anything is queued
        except InvalidInput as exc:
            counter.labels("invalid").inc()
            log.info("clickup_webhook_invalid", reason=str(exc)[:300])
            return _answer(400, error=str(exc))
        if ctx.registry.get(AUDIT_WRITER) is None:
            counter.labels("unavailable").inc()
            return _answer(503, error="the store is not running; retry later")
        try:
            recorded = await self.batcher.record(ctx, key, text, self.commit_timeout_s)
        except Exception as exc:  # timeout, store error, writer gone: nothing was acknowledged
            counter.labels("unavailable").inc()
            log.warning("clickup_webhook_not_committed", key=key, error=repr(exc)[:300])
            return _answer(503, error="the delivery could not be recorded; retry later")
        if not recorded.new:
            counter.labels("duplicate").inc()
            return _answer(200, status="duplicate", key=key)
        counter.labels("accepted").inc()
        ctx.registry.tell(
            CLICKUP_INGRESS, ReceivedDelivery.from_envelope(envelope, text, recorded.delivery_id)
        )
        return _answer(202, status="accepted", key=key)


def clickup_webhook_routes(
    secret: SecretStr | str,
    *,
    max_body_bytes: int | None = None,
    commit_timeout_s: float = 5.0,
    path: str = WEBHOOK_PATH,
) -> Callable[[web.Application], None]:
    """The ``add_fn(app)`` for ``build_app(routes=...)``; ``secret`` from
    :func:`dealdesk.integrations.clickup_config.resolve_webhook_secret`."""
    plain = secret if isinstance(secret, str) else secret.get_secret_value()
    if not plain:
        raise ValueError("the ClickUp webhook secret is empty")
    webhook = _Webhook(plain.encode(), max_body_bytes, commit_timeout_s, _AuditBudget(), _Batcher())

    def add(app: web.Application) -> None:
        app.router.add_post(path, webhook.handle)

    return add
