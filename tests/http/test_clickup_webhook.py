"""POST /webhooks/clickup: size, signature first, envelope, then a durable commit before 2xx."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sqlite3
import time

import pytest
from aiohttp import web

from dealdesk.http.app import HttpState, build_app
from dealdesk.http.clickup_webhook import clickup_webhook_routes
from dealdesk.integrations.clickup.events import idempotency_key, parse_envelope
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS
from dealdesk.store.errors import StoreError
from dealdesk.store.record_ops import DeliveryRecorded
from dealdesk.store.schema import database_path

SECRET = "S3CRETVALUE0123456789ABCDEF"
CREATED = {
    "event": "taskCreated",
    "history_items": [
        {"id": "2800763136717140857", "type": 1, "date": "1642734631523", "field": "status",
         "parent_id": "162641062", "data": {"status_type": "open"}, "source": None,
         "user": {"id": 183, "username": "John"}, "before": {"status": None},
         "after": {"status": "to do"}},
        {"id": "2800763136700363640", "type": 1, "date": "1642734631523",
         "field": "task_creation", "parent_id": "162641062", "data": {}, "source": None,
         "user": {"id": 183}, "before": None, "after": None},
    ],
    "task_id": "1vj37mc",
    "webhook_id": "7fa3ec74-69a8-4530-a251-8a13730bd204",
}  # fmt: skip


def keys_of(bodies):
    return [idempotency_key(parse_envelope(body)[0]) for body in bodies]


def batcher_of(app):
    """The endpoint's batcher, seen from a test."""
    (route,) = [r for r in app.router.routes() if r.method == "POST"]
    return route.handler.__self__.batcher


def waiting_in_batcher(app) -> int:
    """How many deliveries wait for the next commit."""
    return len(batcher_of(app).pending)


async def stand_ins(aiohttp_client, ctx, **options):
    """The endpoint with a writer and an ingress that only record what they are told: the test
    answers each commit itself (``writer.messages[i].reply``)."""
    writer, told = Told(), Told()
    for name, ref in ((AUDIT_WRITER, writer), (CLICKUP_INGRESS, told)):
        ctx.registry.register(name, ref)
        ref.is_alive = lambda: True
    app = build_app(
        HttpState(ctx=ctx, admin_token="t"), routes=(clickup_webhook_routes(SECRET, **options),)
    )
    return writer, told, app, await aiohttp_client(app)


async def wait_for_loop(condition, limit_s=10.0):
    """Let the loop run until ``condition()`` holds (no sleeping: one loop turn at a time)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0)


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def compact(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class Told:
    """Stands in for the ingress: records what the endpoint tells it."""

    def __init__(self):
        self.messages = []

    def tell(self, message):
        self.messages.append(message)


@pytest.fixture
async def client(aiohttp_client, ctx, writer):
    app = build_app(
        HttpState(ctx=ctx, admin_token="t"),
        routes=(clickup_webhook_routes(SECRET, max_body_bytes=64 * 1024),),
    )
    return await aiohttp_client(app)


def rows(ctx, sql):
    ctx.registry.get(AUDIT_WRITER).ask(DumpState(), timeout=10)
    conn = sqlite3.connect(f"file:{database_path(ctx.settings)}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def post(client, body: bytes, signature: str | None = "sign", **headers):
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["X-Signature"] = signature
    response = await client.post("/webhooks/clickup", data=body, headers=headers)
    return response.status, await response.json()


async def test_a_new_delivery_is_committed_before_202_and_a_duplicate_gets_200(client, ctx):
    body = compact(CREATED)
    assert (await post(client, body))[0] == 202
    assert rows(ctx, "SELECT idempotency_key, processed_at FROM webhook_deliveries") == [
        ("7fa3ec74-69a8-4530-a251-8a13730bd204:2800763136717140857,2800763136700363640", None)
    ]
    status, answer = await post(client, body)
    assert status == 200
    assert answer["status"] == "duplicate"
    assert rows(ctx, "SELECT count(*) FROM webhook_deliveries") == [(1,)]


async def test_the_ingress_is_told_of_new_deliveries_only(client, ctx):
    told = Told()
    ctx.registry.register(CLICKUP_INGRESS, told)  # a stand-in with the ActorRef's tell
    told.is_alive = lambda: True
    body = compact(CREATED)
    await post(client, body)
    await post(client, body)
    told_of = [d for m in told.messages for d in m.deliveries]
    assert [d.task_id for d in told_of] == ["1vj37mc"]
    assert told_of[0].list_id == "162641062"
    assert told_of[0].delivery_id == rows(ctx, "SELECT id FROM webhook_deliveries")[0][0]


async def test_deliveries_arriving_during_a_commit_share_the_next_one(aiohttp_client, ctx):
    # A stand-in writer that answers only when the test says: the first delivery's commit is
    # "in flight" while four more arrive; they go to the writer together, as one operation.
    writer, told, app, client = await stand_ins(aiohttp_client, ctx)
    bodies = [compact({**CREATED, "task_id": f"t{n}"}) for n in range(5)]
    posts = [asyncio.ensure_future(post(client, body)) for body in bodies]
    await wait_for_loop(lambda: len(writer.messages) == 1 and waiting_in_batcher(app) == 4)
    first = writer.messages[0]
    assert [key for key, _ in first.message.items] == keys_of(bodies[:1])
    first.reply.ok((DeliveryRecorded(1, new=True),))
    await wait_for_loop(lambda: len(writer.messages) == 2)
    second = writer.messages[1]
    assert len(second.message.items) == 4
    # (the store says the last one is a copy of a delivery it already had)
    second.reply.ok(tuple(DeliveryRecorded(n, new=n < 5) for n in (2, 3, 4, 5)))
    answers = [status for status, _ in await asyncio.gather(*posts)]
    assert answers == [202, 202, 202, 202, 200]
    assert [len(m.deliveries) for m in told.messages] == [1, 3]  # one message a batch, new only
    assert [d.delivery_id for m in told.messages for d in m.deliveries] == [1, 2, 3, 4]
    assert waiting_in_batcher(app) == 0


async def test_a_commit_too_slow_is_503_and_a_late_commit_still_reaches_the_ingress(
    aiohttp_client, ctx
):
    writer, told, app, client = await stand_ins(aiohttp_client, ctx, commit_timeout_s=0.01)
    status, answer = await post(client, compact(CREATED))
    assert status == 503  # nothing was acknowledged: ClickUp retries
    assert "retry" in answer["error"]
    assert told.messages == []
    # The writer committed after all: the ingress hears of it (ClickUp's retry will be a 200).
    writer.messages[0].reply.ok((DeliveryRecorded(7, new=True),))
    await wait_for_loop(lambda: len(told.messages) == 1)
    assert told.messages[0].deliveries[0].delivery_id == 7
    # And the endpoint is not stuck behind the late batch: the next delivery goes straight on
    # (given the usual time to commit, so a slow test machine cannot make it a 503 too).
    batcher_of(app).timeout_s = 5.0
    follow_up = asyncio.ensure_future(post(client, compact({**CREATED, "task_id": "next"})))
    await wait_for_loop(lambda: len(writer.messages) == 2)
    writer.messages[1].reply.ok((DeliveryRecorded(8, new=True),))
    assert (await follow_up)[0] == 202


async def test_a_missing_or_wrong_signature_is_401_counted_and_audited_without_the_secret(
    client, ctx, capsys
):
    body = compact(CREATED)
    assert (await post(client, body, signature=None))[0] == 401
    status, answer = await post(client, body, signature=sign(body, "other-secret"))
    assert status == 401
    assert "wrong" in answer["error"]
    assert (await post(client, body, signature=sign(body).upper()))[0] == 202  # hex case-blind
    assert rows(ctx, "SELECT count(*) FROM webhook_deliveries") == [(1,)]
    audited = rows(ctx, "SELECT metadata FROM audit_log WHERE event_type = 'error'")
    assert len(audited) == 2
    assert "signature" in audited[0][0]
    metrics = ctx.metrics.render().decode()
    assert 'dealdesk_clickup_webhooks_total{outcome="bad_signature"} 2.0' in metrics
    output = capsys.readouterr()
    assert SECRET not in output.out + output.err
    assert sign(body, "other-secret") not in output.out + output.err


async def test_the_signature_is_checked_over_the_raw_bytes_not_reparsed_json(client):
    spaced = json.dumps(CREATED).encode()  # with spaces: a different body, a different HMAC
    assert (await post(client, spaced, signature=sign(compact(CREATED))))[0] == 401
    assert (await post(client, spaced))[0] == 202


async def test_a_body_over_the_limit_is_413_before_the_signature_is_checked(client):
    big = b"{" + b" " * (64 * 1024) + b"}"
    status, _answer = await post(client, big, signature=None)
    assert status == 413

    async def chunks():
        for _ in range(80):
            yield b" " * 1024

    response = await client.post("/webhooks/clickup", data=chunks(), headers={"X-Signature": "x"})
    assert response.status == 413


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (compact({"webhook_id": "w", "task_id": "t"}), "event"),
        (compact({"event": "taskCreated", "webhook_id": "w"}), "task_id is required"),
        (compact({**CREATED, "history_items": [{"field": "status"}]}), "history_items.0.id"),
        (compact({**CREATED, "webhook_id": ""}), "webhook_id"),
        (b"\xff\xfe{}", "UTF-8"),
        (compact({**CREATED, "task_id": "bad\ud800"}), "task_id"),
    ],
)
async def test_a_bad_envelope_is_400_with_the_reason(client, body, reason):
    status, answer = await post(client, body)
    assert status == 400
    assert reason in answer["error"]


async def test_task_deleted_without_history_items_is_keyed_by_event_and_task(client, ctx):
    body = compact({"event": "taskDeleted", "task_id": "1vj37mc", "webhook_id": "w"})
    assert (await post(client, body))[0] == 202
    assert rows(ctx, "SELECT idempotency_key FROM webhook_deliveries") == [("taskDeleted:1vj37mc",)]


async def test_without_a_running_store_the_delivery_is_refused_with_503_so_clickup_retries(
    aiohttp_client, ctx
):
    app = build_app(HttpState(ctx=ctx, admin_token="t"), routes=(clickup_webhook_routes(SECRET),))
    client = await aiohttp_client(app)
    status, _ = await post(client, compact(CREATED))
    assert status == 503


def test_an_empty_secret_is_refused_at_start_up():
    with pytest.raises(ValueError, match="empty"):
        clickup_webhook_routes("")
    assert callable(clickup_webhook_routes(SECRET))
    assert isinstance(web.Application(), web.Application)


def test_a_batch_records_each_key_once_and_answers_every_copy(ctx, writer):
    from dealdesk.store.clickup_deliveries import RecordDeliveries

    first = writer.ask(
        RecordDeliveries("clickup", (("a", "{}"), ("a", "{}"), ("b", "{}"))), timeout=10
    )
    assert [r.new for r in first] == [True, False, True]
    assert first[0].delivery_id == first[1].delivery_id
    again = writer.ask(RecordDeliveries("clickup", (("b", "{}"), ("c", "{}"))), timeout=10)
    assert [r.new for r in again] == [False, True]
    assert again[0].delivery_id == first[2].delivery_id
    assert rows(ctx, "SELECT count(*) FROM webhook_deliveries") == [(3,)]
    with pytest.raises(ValueError, match="1 to"):
        RecordDeliveries("clickup", ())


async def test_a_failed_batch_is_503_for_each_of_its_callers_and_the_next_batch_goes_on(
    aiohttp_client, ctx
):
    # A deadline no loaded machine reaches: the 503s here come from the failed batch alone.
    writer, told, app, client = await stand_ins(aiohttp_client, ctx, commit_timeout_s=120.0)
    bodies = [compact({**CREATED, "task_id": f"t{n}"}) for n in range(3)]
    posts = [asyncio.ensure_future(post(client, body)) for body in bodies]
    await wait_for_loop(lambda: len(writer.messages) == 1 and waiting_in_batcher(app) == 2)
    writer.messages[0].reply.fail(StoreError("disk I/O error"))
    await wait_for_loop(lambda: len(writer.messages) == 2)
    writer.messages[1].reply.ok((DeliveryRecorded(1, new=True),))  # an answer short of one item
    assert [status for status, _ in await asyncio.gather(*posts)] == [503, 503, 503]
    assert told.messages == []
    retried = asyncio.ensure_future(post(client, bodies[0]))  # ClickUp's retry: nothing is stuck
    await wait_for_loop(lambda: len(writer.messages) == 3)
    writer.messages[2].reply.ok((DeliveryRecorded(1, new=True),))
    assert (await retried)[0] == 202
