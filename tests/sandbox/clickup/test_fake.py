"""The sandbox ClickUp delivers signed webhooks as ClickUp does, and answers its admin routes."""

from __future__ import annotations

import hashlib
import hmac
import json

import aiohttp
import pytest
from aiohttp import web

from dealdesk.sandbox.clickup.fake import FakeClickUp


class Receiver:
    """A stand-in app that records deliveries and answers with a chosen status."""

    def __init__(self, status=202):
        self.status = status
        self.bodies: list[tuple[bytes, dict]] = []
        self.runner = None
        self.url = ""

    async def handle(self, request):
        self.bodies.append((await request.read(), dict(request.headers)))
        return web.json_response({}, status=self.status)

    async def start(self):
        app = web.Application()
        app.router.add_post("/webhooks/clickup", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/webhooks/clickup"

    async def stop(self):
        await self.runner.cleanup()


@pytest.fixture
async def fake():
    server = FakeClickUp()
    server.retry_delay_s = 0
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def receiver():
    app = Receiver()
    await app.start()
    yield app
    await app.stop()


async def test_task_created_is_signed_with_the_webhook_secret_over_the_raw_body(fake, receiver):
    fake.set_target(receiver.url)
    task_id, statuses = await fake.submit("Launch", {"Client Name": "Lumen"})
    assert statuses == [202]
    body, headers = receiver.bodies[0]
    expected = hmac.new(fake.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == expected
    payload = json.loads(body)
    assert payload["event"] == "taskCreated"
    assert payload["task_id"] == task_id
    assert payload["webhook_id"] == fake.default_webhook.id
    assert [h["field"] for h in payload["history_items"]] == ["status", "task_creation"]
    assert payload["history_items"][0]["parent_id"] == fake.list_id
    assert isinstance(payload["history_items"][0]["user"]["id"], int)
    assert b", " not in body  # compact JSON, as ClickUp sends


async def test_duplicates_are_the_same_bytes_and_failures_are_retried(fake, receiver):
    fake.set_target(receiver.url)
    task_id = fake.create_task("Launch", {})
    await fake.deliver(fake.created_payload(task_id, ""), copies=3)
    assert len({body for body, _ in receiver.bodies}) == 1
    assert len(receiver.bodies) == 3
    receiver.status = 503
    statuses = await fake.deliver(fake.created_payload(task_id, ""), retries=2)
    assert statuses == [503]
    assert [d.attempt for d in fake.deliveries[-3:]] == [1, 2, 3]


async def test_a_401_answer_suspends_the_webhook_as_clickup_does(fake, receiver):
    fake.set_target(receiver.url)
    receiver.status = 401
    await fake.submit("Launch", {})
    assert fake.default_webhook.status == "suspended"
    _, statuses = await fake.submit("Again", {})
    assert statuses == []  # a suspended webhook gets nothing
    assert len(receiver.bodies) == 1


async def test_updates_carry_custom_field_history_and_deletes_carry_none(fake, receiver):
    fake.set_target(receiver.url)
    task_id, _ = await fake.submit("Launch", {"Influencer List": "@a"})
    await fake.change(task_id, {"Influencer List": "@a, @b"})
    await fake.delete_task(task_id)
    updated = json.loads(receiver.bodies[1][0])
    item = updated["history_items"][0]
    assert updated["event"] == "taskUpdated"
    assert item["field"] == "custom_field"
    assert (item["before"], item["after"]) == ("@a", "@a, @b")
    assert item["custom_field"]["name"] == "Influencer List"
    assert json.loads(receiver.bodies[2][0]) == {
        "event": "taskDeleted",
        "task_id": task_id,
        "webhook_id": fake.default_webhook.id,
    }


async def test_the_admin_route_creates_a_task_from_readable_values_and_delivers_it(fake, receiver):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.base_url}/sandbox/target", json={"url": receiver.url}) as r:
            assert r.status == 200
        fields = {"Platform": "YouTube", "Timeline": "2026-12-20", "Paid Ads Usage": True}
        async with session.post(
            f"{fake.base_url}/sandbox/tasks", json={"name": "L", "fields": fields}
        ) as r:
            answer = await r.json()
        async with session.post(
            f"{fake.base_url}/sandbox/tasks", json={"fields": {"Nope": 1}}
        ) as r:
            assert r.status == 400
            assert "Nope" in (await r.json())["error"]
    assert answer["statuses"] == [202]
    values = {f["name"]: f.get("value") for f in fake.task_body(answer["task_id"])["custom_fields"]}
    assert values["Platform"] == 2
    assert values["Timeline"] == "1797768000000"
    assert values["Paid Ads Usage"] == "true"
