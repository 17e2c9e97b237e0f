"""Campaigns and negotiations as persisted, for ``python run.py dump --offline``: read from the
database while the service is down (or up: the connection is read-only)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from dealdesk.store.queries import Query
from dealdesk.store.reader import StoreReader
from dealdesk.store.schema import DB_FILENAME

if TYPE_CHECKING:
    from pathlib import Path

    from dealdesk.store.queries import CampaignRecord, NegotiationRecord

__all__ = ["offline_snapshot"]


def _nested(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for mailbox, status, count in rows:
        counts.setdefault(str(mailbox) or "(default)", {})[str(status)] = int(count)
    return counts


_OUTBOX_BY_STATE: Query[dict[str, dict[str, int]]] = Query(
    "SELECT mailbox, status, count(*) FROM outbox GROUP BY mailbox, status ORDER BY 1, 2",
    (),
    _nested,
)


def offline_snapshot(data_dir: Path, campaign_id: str | None = None) -> dict[str, Any]:
    """Campaigns (one, or all) with their negotiations, as JSON-ready dicts."""
    with StoreReader(data_dir / DB_FILENAME) as reader:
        campaigns = reader.campaigns(campaign_id)
        negotiations = reader.negotiations(campaign_id)
        outbox = reader.run(_OUTBOX_BY_STATE)
    by_campaign: dict[str, list[NegotiationRecord]] = {}
    for negotiation in negotiations:
        by_campaign.setdefault(negotiation.campaign_id, []).append(negotiation)
    return {
        "campaigns": [_campaign(c, by_campaign.pop(c.campaign_id, [])) for c in campaigns],
        # Negotiations whose campaign row is missing are shown, never hidden.
        "orphan_negotiations": [_negotiation(n) for rows in by_campaign.values() for n in rows],
        # Emails by mailbox and state: what waits (pending over a cap, held for a human) shows.
        "outbox": outbox,
    }


def _campaign(campaign: CampaignRecord, negotiations: list[NegotiationRecord]) -> dict[str, Any]:
    states = Counter(n.state for n in negotiations)
    return {
        "campaign_id": campaign.campaign_id,
        "name": campaign.name,
        "status": campaign.status,
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
        "states": dict(sorted(states.items())),
        "negotiations": [_negotiation(n) for n in negotiations],
    }


def _negotiation(n: NegotiationRecord) -> dict[str, Any]:
    return {
        "negotiation_id": n.negotiation_id,
        "campaign_id": n.campaign_id,
        "influencer_name": n.influencer_name,
        "influencer_email": n.influencer_email,
        "state": n.state,
        "version": n.version,
        "updated_at": n.updated_at,
    }
