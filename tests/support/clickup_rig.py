"""The ClickUp path end to end on real actors, wired by the app's own builders.

``ClickUpRig`` starts what boot starts for ClickUp (root supervisor, AuditWriter, the
CampaignDirectory, the ingress, the webhook route on the I/O loop; ``dealdesk.app.wiring``)
against the sandbox ClickUp and Slack, with a retry policy that does not wait.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import SecretStr

from dealdesk.actors.notifier import notifier_spec
from dealdesk.app.wiring import (
    ClickUpWiring,
    campaign_specs,
    http_application,
    ingress_spec,
    serve,
    start_children,
    start_root,
    store_specs,
)
from dealdesk.http import CALLBACK_PATHS
from dealdesk.integrations.clickup import ClickUpClient, RateLimiter, load_field_mapping
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.slack import SlackGateway
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox import FakeClickUp, FakeSlack
from dealdesk.sandbox.clickup import SANDBOX_CLICKUP_TOKEN
from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN
from dealdesk.store import database_path, prepare_database

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
    """Root supervisor + AuditWriter + campaigns + ingress + the webhook on the loop + fakes."""

    def __init__(self, ctx, *, ingress=True):
        self.ctx = ctx
        self.loop = ctx.loop
        self.clickup = FakeClickUp()
        self.clickup.retry_delay_s = 0
        self.slack = FakeSlack()
        self.loop.run(self.clickup.start(), timeout=5)
        self.loop.run(self.slack.start(), timeout=5)
        prepare_database(ctx.settings)  # as boot does, before any actor starts
        self.root = start_root(ctx)
        slack_endpoint = Endpoint(
            Service.SLACK, self.slack.base_url, SecretStr(SANDBOX_BOT_TOKEN), True
        )
        self.gateway = SlackGateway(slack_endpoint, RetryPolicy.without_waiting(), None)
        start_children(
            self.root,
            [*store_specs(ctx), notifier_spec(ctx, self.gateway), *campaign_specs(ctx)],
        )
        endpoint = Endpoint(
            Service.CLICKUP, self.clickup.base_url, SecretStr(SANDBOX_CLICKUP_TOKEN), True
        )
        self.client = ClickUpClient(
            endpoint, RetryPolicy.without_waiting(), ctx.report, limiter=RateLimiter(10_000)
        )
        self.wiring = ClickUpWiring(
            self.client,
            load_field_mapping(CONFIG / "campaign_fields.yaml"),
            self.clickup.list_id,
            self.clickup.webhook_secret,
        )
        if ingress:
            self.start_ingress()
        _, app = http_application(ctx, self.wiring, admin_token="t")
        self.runner, self.url = self.loop.run(serve(app, "127.0.0.1", 0), timeout=5)
        self.clickup.call_back(self.url + CALLBACK_PATHS[Service.CLICKUP])

    def start_ingress(self, **options):
        start_children(self.root, [ingress_spec(self.ctx, self.wiring, **options)])
        return self.ctx.registry.get(CLICKUP_INGRESS)

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
