"""The ClickUp API client against the sandbox fake: real wire shapes, auth, 429s, 5xx, timeouts."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from dealdesk.errors import UpstreamError
from dealdesk.integrations.clickup.client import ClickUpClient, RateLimiter, limiter_for
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.clickup.fake import SANDBOX_CLICKUP_TOKEN, FakeClickUp, rate_limited


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self):
        return self.now

    async def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
async def fake():
    server = FakeClickUp()
    await server.start()
    yield server
    await server.stop()


def client_for(fake, *, token=SANDBOX_CLICKUP_TOKEN, reports=None, limiter=None, timeout_s=10.0):
    endpoint = Endpoint(Service.CLICKUP, fake.base_url, SecretStr(token), sandboxed=True)
    return ClickUpClient(
        endpoint,
        RetryPolicy.without_waiting(),
        reports.append if reports is not None else None,
        limiter=limiter or RateLimiter(100, monotonic=FakeTime().monotonic, sleep=FakeTime().sleep),
        timeout_s=timeout_s,
    )


async def test_get_task_answers_the_real_shape_with_the_token_in_authorization(fake):
    task_id = fake.create_task("Launch", {"Budget": "1500.50", "Platform": "TikTok"})
    client = client_for(fake)
    try:
        task = await client.get_task(task_id)
    finally:
        await client.close()
    fields = {f["name"]: f for f in task["custom_fields"]}
    assert fields["Platform"]["value"] == 1
    assert fields["Budget"]["value"] == "1500.50"
    assert "value" not in fields["Client Name"]
    assert task["list"]["id"] == fake.list_id
    assert fake.calls(task_id)[0].headers["Authorization"] == SANDBOX_CLICKUP_TOKEN


async def test_a_wrong_token_is_a_typed_failure_that_is_reported_without_the_token(fake):
    reports = []
    client = client_for(fake, token="pk_999_WRONGTOKENVALUE", reports=reports)
    try:
        with pytest.raises(UpstreamError) as caught:
            await client.get_task("nope")
    finally:
        await client.close()
    assert caught.value.kind == "http_401"
    assert caught.value.attempts == 1  # a 4xx is never retried
    assert reports
    assert "WRONGTOKEN" not in reports[0].message


async def test_a_429_waits_for_x_ratelimit_reset_and_then_succeeds(fake):
    task_id = fake.create_task("Launch", {})
    fake.inject(rate_limited(times=1, reset_in_s=30))
    clock = FakeTime()
    limiter = RateLimiter(100, monotonic=clock.monotonic, sleep=clock.sleep)
    client = client_for(fake, limiter=limiter)
    try:
        task = await client.get_task(task_id)
    finally:
        await client.close()
    assert task["id"] == task_id
    assert len(fake.calls(task_id)) == 2
    assert clock.slept
    assert 25 <= clock.slept[0] <= 31


async def test_5xx_is_retried_and_a_persistent_one_gives_up_with_a_report(fake):
    task_id = fake.create_task("Launch", {})
    fake.inject(Fault(operation=task_id, status=502, times=1))
    client = client_for(fake)
    try:
        assert (await client.get_task(task_id))["id"] == task_id
        fake.inject(Fault(operation=task_id, status=503, times=5))
        reports = []
        client._report = reports.append
        with pytest.raises(UpstreamError) as caught:
            await client.get_task(task_id)
    finally:
        await client.close()
    assert caught.value.kind == "http_503"
    assert caught.value.attempts == 3
    assert len(reports) == 1


async def test_a_slow_answer_times_out_and_is_retried(fake):
    task_id = fake.create_task("Launch", {})
    fake.inject(Fault(operation=task_id, status=0, delay_s=1.0, times=1))
    client = client_for(fake, timeout_s=0.2)
    try:
        assert (await client.get_task(task_id))["id"] == task_id
    finally:
        await client.close()
    assert len(fake.calls(task_id)) == 2


async def test_create_webhook_returns_an_id_and_a_secret_and_list_fields_lists_types(fake):
    client = client_for(fake)
    try:
        hook = await client.create_webhook(
            "123", "https://deals.example/webhooks/clickup", list_id="901"
        )
        fields = await client.list_fields(fake.list_id)
    finally:
        await client.close()
    assert hook["id"]
    assert hook["webhook"]["secret"]
    sent = json.loads(fake.calls("webhook")[0].body)
    assert sent["events"] == ["taskCreated", "taskUpdated", "taskDeleted"]
    assert sent["list_id"] == 901
    kinds = {f["name"]: f["type"] for f in fields}
    assert kinds["Platform"] == "drop_down"
    assert kinds["Budget"] == "currency"


async def test_the_rate_limiter_allows_the_configured_rate_and_then_waits():
    clock = FakeTime()
    limiter = RateLimiter(100, monotonic=clock.monotonic, sleep=clock.sleep)
    for _ in range(100):
        await limiter.acquire()
    assert clock.slept == []
    await limiter.acquire()
    assert clock.slept == [pytest.approx(0.6)]


def test_clients_with_the_same_token_share_one_limiter():
    assert limiter_for("pk_a", 100) is limiter_for("pk_a", 100)
    assert limiter_for("pk_a", 100) is not limiter_for("pk_b", 100)
