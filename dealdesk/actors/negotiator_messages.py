"""What a Negotiator and its campaign supervisor tell each other (it is woken with the runtime's
``Wake``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealdesk.domain import Campaign, CpmTracker

__all__ = ["AgreementReached", "CampaignCpm", "NegotiationMoved"]


@dataclass(frozen=True)
class AgreementReached:
    """Event for the campaign supervisor: an agreement was committed (for the CPM tracker and
    the campaign's spend)."""

    negotiation_id: str
    amount: str
    cpm: str
    engagement_rate: str | None = None


@dataclass(frozen=True)
class CampaignCpm:
    """From the campaign supervisor, the owner of the campaign's CPM tracker: the tracker as it
    stands (told before a negotiator's first step and after every agreement), which each of the
    negotiator's decisions consults; on activation also the campaign as it stands (its terms,
    without its list of influencers), so a new negotiation is priced without reading it again."""

    tracker: CpmTracker
    campaign: Campaign | None = None


@dataclass(frozen=True)
class NegotiationMoved:
    """Event for the campaign supervisor: a negotiation's committed state is now ``state``."""

    negotiation_id: str
    state: str
