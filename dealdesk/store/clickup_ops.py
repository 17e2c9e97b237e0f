"""Reads the ClickUp ingress needs, as store operations the AuditWriter runs (read-your-writes).

The ingress must see exactly what has committed, including the delivery it was just told of, so
these reads go through the writer's connection like any other operation (a plan that yields
``SELECT`` statements with ``fetch``). They are rare (start-up, one per campaign event), so they
cost the writer nothing measurable. Nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dealdesk.store.ops import Plan, Stmt, StoreOp

__all__ = [
    "CampaignNegotiations",
    "LoadCampaign",
    "NegotiationRow",
    "StoredCampaign",
    "StoredDelivery",
    "UnprocessedDeliveries",
]


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    delivery_id: int
    body: str


@dataclass(frozen=True, slots=True)
class UnprocessedDeliveries(StoreOp[tuple[StoredDelivery, ...]]):
    """Deliveries of ``source`` committed but not yet processed, oldest first."""

    source: str
    limit: int = 10_000

    def plan(self, now: str) -> Plan[tuple[StoredDelivery, ...]]:
        del now
        result = yield Stmt(
            "SELECT id, body FROM webhook_deliveries WHERE processed_at IS NULL AND source = ? "
            "ORDER BY id LIMIT ?",
            (self.source, self.limit),
            fetch=True,
        )
        return tuple(StoredDelivery(int(row[0]), str(row[1])) for row in result.rows)


@dataclass(frozen=True, slots=True)
class StoredCampaign:
    campaign_id: str
    name: str
    status: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LoadCampaign(StoreOp["StoredCampaign | None"]):
    campaign_id: str

    def plan(self, now: str) -> Plan[StoredCampaign | None]:
        del now
        result = yield Stmt(
            "SELECT campaign_id, name, status, data FROM campaigns WHERE campaign_id = ?",
            (self.campaign_id,),
            fetch=True,
        )
        if not result.rows:
            return None
        campaign_id, name, status, data = result.rows[0]
        return StoredCampaign(str(campaign_id), str(name), str(status), json.loads(data))


@dataclass(frozen=True, slots=True)
class NegotiationRow:
    negotiation_id: str
    influencer_name: str
    state: str
    version: int
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CampaignNegotiations(StoreOp[tuple[NegotiationRow, ...]]):
    """Every negotiation of a campaign, in creation order."""

    campaign_id: str

    def plan(self, now: str) -> Plan[tuple[NegotiationRow, ...]]:
        del now
        result = yield Stmt(
            "SELECT negotiation_id, influencer_name, state, version, data FROM negotiations "
            "WHERE campaign_id = ? ORDER BY created_at, negotiation_id",
            (self.campaign_id,),
            fetch=True,
        )
        return tuple(
            NegotiationRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), json.loads(r[4]))
            for r in result.rows
        )
