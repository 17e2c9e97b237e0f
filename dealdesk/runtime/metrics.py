"""Prometheus metrics of one runtime: its own registry, so several runtimes (tests) never clash.

Live actors and mailbox depths are read at scrape time from pykka's registry of running actors
(a depth is :func:`dealdesk.runtime.mailbox.queued`, a thread-safe read), so no actor is messaged
to be measured.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pykka
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from dealdesk.runtime.mailbox import queued

if TYPE_CHECKING:
    from collections.abc import Iterable

    from prometheus_client.core import Metric

__all__ = ["Metrics"]


class _ActorCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        live: dict[str, int] = defaultdict(int)
        depth_sum: dict[str, int] = defaultdict(int)
        depth_max: dict[str, int] = defaultdict(int)
        for ref in pykka.ActorRegistry.get_all():
            kind = str(getattr(ref.actor_class, "kind", ref.actor_class.__name__))
            depth = queued(ref)
            live[kind] += 1
            depth_sum[kind] += depth
            depth_max[kind] = max(depth_max[kind], depth)
        live_g = GaugeMetricFamily("dealdesk_live_actors", "Live actors by kind", labels=["kind"])
        sum_g = GaugeMetricFamily(
            "dealdesk_mailbox_messages", "Messages waiting, summed by actor kind", labels=["kind"]
        )
        max_g = GaugeMetricFamily(
            "dealdesk_mailbox_depth_max", "Deepest mailbox by actor kind", labels=["kind"]
        )
        for kind in sorted(live):
            live_g.add_metric([kind], live[kind])
            sum_g.add_metric([kind], depth_sum[kind])
            max_g.add_metric([kind], depth_max[kind])
        return [live_g, sum_g, max_g]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_ActorCollector())
        self.restarts = Counter(
            "dealdesk_actor_restarts",
            "Actor restarts by supervisors",
            ["kind"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "dealdesk_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 7.0),
        )
        self.upstream_failures = Counter(
            "dealdesk_upstream_failures",
            "External calls that failed for good",
            ["service", "kind"],
            registry=self.registry,
        )
        self.clickup_webhooks = Counter(
            "dealdesk_clickup_webhooks",
            "ClickUp webhook deliveries by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.clickup_processed = Counter(
            "dealdesk_clickup_deliveries_processed",
            "ClickUp deliveries processed by the ingress, by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.error_reports = Counter(
            "dealdesk_error_reports",
            "Reports received by the ErrorReporter",
            ["posted"],
            registry=self.registry,
        )
        self.llm_calls = Counter(
            "dealdesk_llm_calls",
            "Model calls, by job (read, write) and outcome (ok, invalid, guard_rejected)",
            ["job", "outcome"],
            registry=self.registry,
        )
        self.llm_tokens = Counter(
            "dealdesk_llm_tokens",
            "Model tokens by campaign and kind (input, output, cache_write, cache_read)",
            ["campaign", "kind"],
            registry=self.registry,
        )
        self.llm_cost = Counter(
            "dealdesk_llm_cost_usd",
            "What the model calls cost, by campaign, at the prices in settings",
            ["campaign"],
            registry=self.registry,
        )
        self.guard_rejections = Counter(
            "dealdesk_guard_rejections",
            "Model drafts the guard refused, by reason",
            ["reason"],
            registry=self.registry,
        )

        self.mail_sent = Counter(
            "dealdesk_mail_sent_total",
            "Emails sent, by mailbox and how they were confirmed (answer, or settled by reading)",
            ["mailbox", "how"],
            registry=self.registry,
        )
        self.mail_received = Counter(
            "dealdesk_mail_received_total",
            "Received messages recorded, by mailbox and kind",
            ["mailbox", "kind"],
            registry=self.registry,
        )
        self.mail_waiting = Gauge(
            "dealdesk_mail_outbox_waiting",
            "Emails waiting in the outbox, by mailbox and state (pending, held, in_doubt)",
            ["mailbox", "state"],
            registry=self.registry,
        )
        self.mail_blocked = Gauge(
            "dealdesk_mail_blocked",
            "1 while a mailbox may not send, by why: daily_cap, per_minute, quota, paused, dry_run",
            ["mailbox", "why"],
            registry=self.registry,
        )
        self.gmail_units = Gauge(
            "dealdesk_gmail_quota_units_last_minute",
            "Gmail quota units a mailbox used in the last minute (the per-user budget is 15,000)",
            ["mailbox"],
            registry=self.registry,
        )
        self.mail_sent_24h = Gauge(
            "dealdesk_mail_sent_last_24h",
            "Emails a mailbox sent in the rolling 24 hours its daily cap counts",
            ["mailbox"],
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
