"""The ClickUp ingress end to end: signed deliveries → committed → campaigns, on real actors.

``ClickUpRig`` wires what boot wires (root supervisor, AuditWriter, ingress, the webhook route on
the I/O loop) against the sandbox ClickUp and Slack; other test modules import it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from dealdesk.actors.audit_writer import audit_writer_spec
from dealdesk.actors.clickup_ingress import clickup_ingress_spec
from dealdesk.http.app import HttpState, build_app
from dealdesk.http.clickup_webhook import clickup_webhook_routes
from dealdesk.integrations.clickup.client import ClickUpClient, RateLimiter
from dealdesk.integrations.clickup.mapping import load_field_mapping
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.slack.gateway import SlackGateway
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS, ROOT, campaign_name
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.runtime.supervision import StartChild, Supervisor
from dealdesk.sandbox.base import Fault
from dealdesk.sandbox.clickup.fake import SANDBOX_CLICKUP_TOKEN, FakeClickUp
from dealdesk.sandbox.slack.fake import SANDBOX_BOT_TOKEN, FakeSlack
from dealdesk.store.schema import database_path, prepare_database

CONFIG = Path(__file__).resolve().parents[2] / "config"
FORM = {
    "Client Name": "Lumen Skincare",
    "Budget": "12000",
    "Platform": "Instagram",
    "Target Deliverables": "1 Instagram reel, 2 stories",
    "Influencer List": "@glowwithmaya, jordan@creators.example\nPriya Patel",
    "CPM Min": "18",
    "CPM Max": "30",
    "Timeline": "2026-12-20",
}


class ClickUpRig:
    """Root supervisor + AuditWriter + ingress + the webhook on the I/O loop + the fakes."""

    def __init__(self, ctx, *, ingress=True):
        self.ctx = ctx
        self.loop = ctx.loop
        self.clickup = FakeClickUp()
        self.clickup.retry_delay_s = 0
        self.slack = FakeSlack()
        self.loop.run(self.clickup.start(), timeout=5)
        self.loop.run(self.slack.start(), timeout=5)
        prepare_database(ctx.settings)  # as boot does, before any actor starts
        self.root = Supervisor.start(ctx, actor_id=ROOT)
        ctx.registry.register(ROOT, self.root)
        self.root.ask(StartChild(audit_writer_spec(ctx)), timeout=10)
        endpoint = Endpoint(
            Service.CLICKUP, self.clickup.base_url, SecretStr(SANDBOX_CLICKUP_TOKEN), True
        )
        self.client = ClickUpClient(
            endpoint, RetryPolicy.without_waiting(), ctx.report, limiter=RateLimiter(10_000)
        )
        slack_endpoint = Endpoint(
            Service.SLACK, self.slack.base_url, SecretStr(SANDBOX_BOT_TOKEN), True
        )
        self.gateway = SlackGateway(slack_endpoint, RetryPolicy.without_waiting(), None)
        if ingress:
            self.start_ingress()
        app = build_app(
            HttpState(ctx=ctx, admin_token="t"),
            routes=(clickup_webhook_routes(self.clickup.webhook_secret),),
        )
        self.url = self.loop.run(self._serve(app), timeout=5)
        self.clickup.set_target(self.url + "/webhooks/clickup")

    def start_ingress(self, **options):
        spec = clickup_ingress_spec(
            self.ctx,
            clickup=self.client,
            mapping=load_field_mapping(CONFIG / "campaign_fields.yaml"),
            slack=self.gateway,
            list_id=self.clickup.list_id,
            **options,
        )
        return self.root.ask(StartChild(spec), timeout=10)

    async def _serve(self, app):
        from aiohttp import web

        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    def close(self):
        self.root.stop(timeout=10)
        self.loop.run(self.runner.cleanup(), timeout=5)
        self.loop.run(self.client.close(), timeout=5)
        self.loop.run(self.clickup.stop(), timeout=5)
        self.loop.run(self.slack.stop(), timeout=5)

    # -- driving and observing ------------------------------------------------------------------

    def submit(self, values, *, copies=1, name="Glow launch"):
        return self.loop.run(self.clickup.submit(name, values, copies=copies), timeout=20)

    def change(self, task_id, values):
        return self.loop.run(self.clickup.change(task_id, values), timeout=20)

    def delete(self, task_id):
        return self.loop.run(self.clickup.delete_task(task_id), timeout=20)

    def settle(self):
        """Barrier: the ingress has handled every message queued before this call."""
        ingress = self.ctx.registry.get(CLICKUP_INGRESS)
        return ingress.ask(DumpState(), timeout=30)

    def rows(self, sql, *params):
        self.ctx.registry.get(AUDIT_WRITER).ask(DumpState(), timeout=10)
        conn = sqlite3.connect(f"file:{database_path(self.ctx.settings)}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def negotiations(self, campaign_id):
        return self.rows(
            "SELECT influencer_name, state FROM negotiations WHERE campaign_id = ? "
            "ORDER BY influencer_name",
            campaign_id,
        )

    def team_messages(self, count, timeout=10):
        channel = self.ctx.settings.slack_team_channel
        assert self.slack.wait_until(lambda: len(self.slack.messages_in(channel)) >= count, timeout)
        return [m.text for m in self.slack.messages_in(channel)]


@pytest.fixture
def rig(ctx):
    harness = ClickUpRig(ctx)
    yield harness
    harness.close()


def test_a_valid_task_starts_its_campaign_with_one_negotiation_per_influencer(rig):
    task_id, statuses = rig.submit(FORM)
    assert statuses == [202]
    rig.settle()
    assert rig.negotiations(task_id) == [
        ("@glowwithmaya", "new"),
        ("jordan@creators.example", "new"),
        ("Priya Patel", "new"),
    ]
    assert rig.rows("SELECT status FROM campaigns WHERE campaign_id = ?", task_id) == [("active",)]
    assert rig.ctx.registry.get(campaign_name(task_id)) is not None
    [text] = rig.team_messages(1)
    assert "3 negotiations start" in text
    assert rig.rows("SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL") == [(0,)]


def test_the_same_delivery_posted_ten_times_concurrently_starts_one_campaign(rig):
    task_id, statuses = rig.submit(FORM, copies=10)
    assert sorted(statuses) == [200] * 9 + [202]
    rig.settle()
    assert len(rig.negotiations(task_id)) == 3
    assert rig.rows("SELECT count(*) FROM campaigns") == [(1,)]
    assert rig.rows("SELECT count(*) FROM webhook_deliveries") == [(1,)]
    assert len(rig.team_messages(1)) == 1


def test_a_wrong_field_reaches_slack_as_one_alert_listing_each_field_and_value(rig):
    bad = {**FORM, "CPM Min": "40", "CPM Max": "20", "Target Deliverables": "3 podcasts"}
    task_id, _ = rig.submit(bad)
    rig.settle()
    [text] = rig.team_messages(1)
    assert "not a valid campaign" in text
    assert "CPM Min" in text
    assert "40" in text
    assert "Target Deliverables" in text
    assert "podcasts" in text
    assert rig.negotiations(task_id) == []
    [(metadata,)] = rig.rows(
        "SELECT metadata FROM audit_log WHERE event_type = 'campaign_rejected'"
    )
    assert "podcasts" in metadata


def test_fixing_a_rejected_task_in_clickup_starts_the_campaign(rig):
    task_id, _ = rig.submit({**FORM, "Budget": "0"})
    rig.settle()
    rig.change(task_id, {"Budget": "5000"})
    rig.settle()
    assert len(rig.negotiations(task_id)) == 3
    texts = rig.team_messages(2)
    assert "Budget" in texts[0]
    assert "3 negotiations start" in texts[1]


def test_added_influencers_start_once_and_other_changes_are_alerted_not_applied(rig):
    task_id, _ = rig.submit(FORM)
    rig.settle()
    rig.change(task_id, {"Influencer List": FORM["Influencer List"] + ", @newface, PRIYA PATEL"})
    rig.change(task_id, {"Influencer List": FORM["Influencer List"] + ", @newface"})
    rig.change(task_id, {"CPM Max": "35"})
    rig.settle()
    names = [name for name, _ in rig.negotiations(task_id)]
    assert sorted(names) == sorted(
        ["@glowwithmaya", "jordan@creators.example", "Priya Patel", "@newface"]
    )
    texts = rig.team_messages(3)
    assert "@newface" in texts[1]
    assert "NOT applied" in texts[2]
    assert "35" in texts[2]
    [(data,)] = rig.rows("SELECT data FROM campaigns WHERE campaign_id = ?", task_id)
    assert '"max":"30.00"' in data  # the live terms did not move


def test_deleting_the_task_pauses_the_campaigns_negotiations_and_tells_the_team(rig):
    task_id, _ = rig.submit(FORM)
    rig.settle()
    rig.delete(task_id)
    rig.settle()
    assert {state for _, state in rig.negotiations(task_id)} == {"paused"}
    assert rig.rows("SELECT status FROM campaigns WHERE campaign_id = ?", task_id) == [("paused",)]
    assert "paused (3 negotiation(s) paused)" in rig.team_messages(2)[1]


def test_tasks_on_other_lists_are_not_campaigns(rig):
    task_id = rig.clickup.create_task("Elsewhere", FORM, list_id="999")
    payload = rig.clickup.created_payload(task_id, "")
    rig.loop.run(rig.clickup.deliver(payload), timeout=10)
    dump = rig.settle()
    assert dump["outcomes"] == {"other_list": 1}
    assert rig.rows("SELECT count(*) FROM campaigns") == [(0,)]


def test_a_clickup_outage_leaves_the_delivery_queued_and_a_later_try_succeeds(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id = rig.clickup.create_task("Glow", FORM)
        rig.clickup.inject(Fault(operation=task_id, status=503, times=3))
        rig.start_ingress(retry_delays_s=(0.0,))  # the retry comes from the loop at once
        rig.loop.run(rig.clickup.deliver(rig.clickup.created_payload(task_id, "")), timeout=10)
        assert rig.slack.wait_until(lambda: len(rig.slack.messages) >= 1, 10)
        assert len(rig.negotiations(task_id)) == 3
        assert rig.settle()["outcomes"] == {"started": 1}
    finally:
        rig.close()


def test_a_delivery_failing_past_the_retry_schedule_is_announced_once_and_kept_trying(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id = rig.clickup.create_task("Glow", FORM)
        # Each try is three calls (the retry policy); four failed tries, the fifth goes through.
        rig.clickup.inject(Fault(operation=task_id, status=503, times=12))
        rig.start_ingress(retry_delays_s=(0.0,))
        rig.loop.run(rig.clickup.deliver(rig.clickup.created_payload(task_id, "")), timeout=10)
        assert rig.slack.wait_until(lambda: len(rig.slack.messages) >= 2, 10)  # warning, start
        assert len(rig.negotiations(task_id)) == 3
        texts = [m.text for m in rig.slack.messages]
        warnings = [t for t in texts if "could not be processed" in t]
        assert len(warnings) == 1
        assert "tried again every 0 s until it goes through" in warnings[0]
        assert rig.settle()["outcomes"] == {"started": 1}
    finally:
        rig.close()


def test_deliveries_committed_before_the_ingress_starts_are_replayed(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id, statuses = rig.submit(FORM)
        assert statuses == [202]
        assert rig.rows("SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL") == [
            (1,)
        ]
        rig.start_ingress()
        rig.settle()
        assert len(rig.negotiations(task_id)) == 3
        assert rig.rows("SELECT outcome FROM webhook_deliveries") == [("started: 3 negotiations",)]
    finally:
        rig.close()
