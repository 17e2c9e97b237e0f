"""The ``campaigns`` table as its owner sees it: a typed row, the write that saves it, the reads.

A campaign row is the campaign as started (the domain's ``Campaign``), the ClickUp task it came
from, and the changes the team made later that were recorded but not applied to live
negotiations. The JSON column is written from :class:`CampaignRow` and read back into it, here
and nowhere else; the campaign's supervisor is the only writer (``actors.campaign_supervisor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.campaign import Campaign, CampaignStatus
from dealdesk.store.ops import StoreOp
from dealdesk.store.queries import campaigns_query
from dealdesk.store.record_ops import UpsertCampaign

if TYPE_CHECKING:
    from dealdesk.store.ops import Plan
    from dealdesk.store.reader import StoreReader

__all__ = [
    "CampaignRow",
    "CampaignSource",
    "SaveCampaign",
    "StoredCampaign",
    "Unapplied",
    "stored_campaign",
    "stored_campaigns",
]

_ROW = ConfigDict(frozen=True, extra="forbid")


class CampaignSource(BaseModel):
    """The ClickUp task a campaign came from."""

    model_config = _ROW

    task_id: str
    task_name: str = ""
    list_id: str | None = None
    url: str | None = None


class Unapplied(BaseModel):
    """Changes made in ClickUp after the negotiations started: recorded, never applied."""

    model_config = _ROW

    terms: tuple[str, ...] = ()
    removed_influencers: tuple[str, ...] = ()


class CampaignRow(BaseModel):
    """The ``data`` column of a campaign row."""

    model_config = _ROW

    campaign: Campaign
    clickup: CampaignSource
    unapplied: Unapplied | None = None


@dataclass(frozen=True, slots=True)
class SaveCampaign(StoreOp[None]):
    """Insert or replace the campaign's row (the supervisor holds its current state)."""

    name: str
    status: CampaignStatus
    row: CampaignRow

    def plan(self, now: str) -> Plan[None]:
        data = self.row.model_dump(mode="json", exclude_none=True)
        yield from UpsertCampaign(self.row.campaign.id, self.name, self.status.value, data).plan(
            now
        )


@dataclass(frozen=True)
class StoredCampaign:
    campaign_id: str
    name: str
    status: CampaignStatus
    row: CampaignRow


def stored_campaigns(reader: StoreReader, campaign_id: str | None = None) -> list[StoredCampaign]:
    """Campaign rows (one, or all) as committed, oldest first."""
    return [
        StoredCampaign(
            record.campaign_id,
            record.name,
            CampaignStatus(record.status),
            CampaignRow.model_validate(record.data),
        )
        for record in reader.run(campaigns_query(campaign_id))
    ]


def stored_campaign(reader: StoreReader, campaign_id: str) -> StoredCampaign | None:
    found = stored_campaigns(reader, campaign_id)
    return found[0] if found else None
