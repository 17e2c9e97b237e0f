"""What the campaign actors are told, and what they answer.

The ingress speaks to the :class:`~dealdesk.actors.campaign_directory.CampaignDirectory` in
domain terms (a campaign was submitted, rejected, withdrawn) and gets a typed outcome back,
which it turns into the team's message; it never sees a campaign row. The directory forwards
to the campaign's supervisor, which owns the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Campaign, CampaignStatus
    from dealdesk.domain.changes import CampaignChanges
    from dealdesk.store import CampaignSource

__all__ = [
    "AddInfluencers",
    "CampaignAlreadyPaused",
    "CampaignOutcome",
    "CampaignPaused",
    "CampaignRejected",
    "CampaignStarted",
    "CampaignUnchanged",
    "CampaignUnknown",
    "CampaignUpdated",
    "InfluencersAdded",
    "NotActive",
    "OpenCampaign",
    "PauseCampaign",
    "RejectCampaign",
    "SubmitCampaign",
    "UpdateCampaign",
    "WithdrawCampaign",
]

# -- to the directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitCampaign:
    """Command: a valid campaign arrived (``created``: from a creation event, so a second one
    is a replay, never an update)."""

    campaign: Campaign
    source: CampaignSource
    created: bool


@dataclass(frozen=True)
class RejectCampaign:
    """Command: a submission is not a valid campaign; ``problems`` name each field and value."""

    campaign_id: str
    task_name: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class WithdrawCampaign:
    """Command: the campaign's source is gone (its ClickUp task was deleted): pause it."""

    campaign_id: str
    reason: str


# -- from the directory to a supervisor ---------------------------------------------------------


@dataclass(frozen=True)
class OpenCampaign:
    """Command: persist this new campaign and start its negotiations."""

    campaign: Campaign
    source: CampaignSource


@dataclass(frozen=True)
class UpdateCampaign:
    """Command: the running campaign was submitted again; apply what can be applied."""

    campaign: Campaign
    source: CampaignSource


@dataclass(frozen=True)
class AddInfluencers:
    """Command: make sure each influencer has a negotiation; answers :class:`InfluencersAdded`."""

    influencers: tuple[str, ...]


@dataclass(frozen=True)
class InfluencersAdded:
    created: tuple[str, ...]  # negotiations that start now
    existing: tuple[str, ...]  # influencers that already had one (never started twice)
    skipped: tuple[tuple[str, str], ...] = ()  # (entry, why): not on the roster, do-not-contact


@dataclass(frozen=True)
class PauseCampaign:
    """Command: pause every live negotiation of the campaign; answers how many were paused."""

    reason: str


# -- outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignStarted:
    name: str
    created: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (entry, why) for the team's one message


@dataclass(frozen=True)
class CampaignUpdated:
    name: str
    changes: CampaignChanges
    created: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CampaignUnchanged:
    """The submission equals the running campaign (or repeats its creation)."""

    already_started: bool = False


@dataclass(frozen=True)
class NotActive:
    """The campaign exists but is not running (paused): the submission changes nothing."""

    status: CampaignStatus


@dataclass(frozen=True)
class CampaignRejected:
    started: bool  # the campaign was already running: the change, not the campaign, is refused


@dataclass(frozen=True)
class CampaignPaused:
    name: str
    paused: int


@dataclass(frozen=True)
class CampaignAlreadyPaused:
    pass


@dataclass(frozen=True)
class CampaignUnknown:
    pass


CampaignOutcome = (
    CampaignStarted
    | CampaignUpdated
    | CampaignUnchanged
    | NotActive
    | CampaignRejected
    | CampaignPaused
    | CampaignAlreadyPaused
    | CampaignUnknown
)
