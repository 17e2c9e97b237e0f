"""The admin surface: probes, metrics, the guarded actor snapshot, and 503 while draining."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from dealdesk.actors.runtime_supervisor import RuntimeSupervisor
from dealdesk.http.app import HttpState, build_app
from dealdesk.runtime.registry import ROOT

TOKEN = "test-admin-token"


@pytest.fixture
def state(ctx) -> HttpState:
    root = RuntimeSupervisor.start(ctx, actor_id=ROOT)
    ctx.registry.register(ROOT, root)
    return HttpState(ctx=ctx, admin_token=TOKEN)


def _add_work_route(app: web.Application) -> None:
    async def work(_request: web.Request) -> web.Response:
        return web.Response(status=202)

    app.router.add_post("/work", work)


@pytest.fixture
async def client(aiohttp_client, state):
    return await aiohttp_client(build_app(state, routes=(_add_work_route,)))


async def test_healthz_says_alive(client):
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json()) == {"status": "alive"}


async def test_readyz_is_ready_when_every_check_passes(client):
    response = await client.get("/readyz")
    assert response.status == 200
    assert (await response.json())["ready"] is True


async def test_readyz_names_each_failing_check(client, state):
    async def slack_down() -> str:
        return "auth.test failed: connection refused"

    state.readiness["slack"] = slack_down
    response = await client.get("/readyz")
    assert response.status == 503
    assert (await response.json())["problems"] == ["slack: auth.test failed: connection refused"]


async def test_metrics_expose_live_actors_and_request_latency(client):
    await client.get("/healthz")
    text = await (await client.get("/metrics")).text()
    assert 'dealdesk_live_actors{kind="runtime"} 1.0' in text
    assert "dealdesk_http_request_duration_seconds_bucket" in text
    assert 'route="/healthz"' in text


async def test_admin_actors_refuses_a_missing_token(client):
    assert (await client.get("/admin/actors")).status == 401


async def test_admin_actors_refuses_a_wrong_token(client):
    response = await client.get("/admin/actors", headers={"Authorization": "Bearer guess"})
    assert response.status == 401


async def test_admin_actors_answers_the_tree_to_a_loopback_client_with_the_token(client):
    response = await client.get("/admin/actors", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    tree = await response.json()
    assert tree["kind"] == "runtime"
    assert tree["children"] == []


async def test_admin_actors_refuses_a_client_that_is_not_on_loopback(state):
    app = build_app(state)
    remote = SimpleNamespace(get_extra_info=lambda name, default=None: ("203.0.113.7", 40000))
    request = make_mocked_request(
        "GET",
        "/admin/actors",
        headers={"Authorization": f"Bearer {TOKEN}"},
        app=app,
        transport=remote,
    )
    match_info = await app.router.resolve(request)
    response = await match_info.handler(request)
    assert response.status == 403


async def test_while_draining_new_work_gets_503_and_probes_still_answer(client, state):
    assert (await client.post("/work")).status == 202
    state.draining = True
    response = await client.post("/work")
    assert response.status == 503
    assert response.headers["Retry-After"] == "5"
    assert (await client.get("/healthz")).status == 200
    ready = await client.get("/readyz")
    assert ready.status == 503
    assert "shutting down" in (await ready.json())["problems"]
