"""Campaigns and influencers: the frozen inputs every negotiation is priced from.

A campaign arrives from ClickUp and is validated here; a wrong field is reported with its name and
the offending value (``parse_campaign`` raises ``ModelInvalid`` listing every problem at once). A
CPM range is required: either ``cpm_range`` (min, max) or ``cpm_target`` plus
``cpm_leniency_pct``, converted to ``target * (1 -/+ leniency)``. A missing, zero or inverted range
is an error, never a zero: a campaign without bounds would open at $0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from dealdesk.domain.money import Currency, Money, Ratio, money, quantize
from dealdesk.domain.validation import parse_model

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "PLATFORM_DELIVERABLES",
    "Campaign",
    "CampaignStatus",
    "CpmRange",
    "Deliverable",
    "DeliverableType",
    "Influencer",
    "Platform",
    "Timeline",
    "UsageRights",
    "parse_campaign",
    "parse_influencer",
]

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"


class DeliverableType(StrEnum):
    INSTAGRAM_POST = "instagram_post"
    INSTAGRAM_STORY = "instagram_story"
    INSTAGRAM_REEL = "instagram_reel"
    TIKTOK_VIDEO = "tiktok_video"
    TIKTOK_STORY = "tiktok_story"
    YOUTUBE_DEDICATED = "youtube_dedicated"
    YOUTUBE_INTEGRATION = "youtube_integration"
    YOUTUBE_SHORT = "youtube_short"

    @property
    def platform(self) -> Platform:
        return Platform(self.value.split("_", 1)[0])

    @property
    def label(self) -> str:
        """How an email names it: ``Instagram reel``, ``YouTube integration``."""
        platform, kind = self.value.split("_", 1)
        names = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}
        return f"{names[platform]} {kind}"


PLATFORM_DELIVERABLES: Final[Mapping[Platform, tuple[DeliverableType, ...]]] = {
    platform: tuple(d for d in DeliverableType if d.platform is platform) for platform in Platform
}

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Deliverable(BaseModel):
    """``quantity`` pieces of one deliverable type, e.g. 2 Instagram reels."""

    model_config = _FROZEN

    kind: DeliverableType
    quantity: int = Field(default=1, ge=1, le=100)

    def describe(self) -> str:
        return f"{self.quantity} {self.kind.label}{'s' if self.quantity > 1 else ''}"


class CpmRange(BaseModel):
    """What the client pays per thousand views: never zero, never inverted."""

    model_config = _FROZEN

    min: Money
    max: Money

    @field_validator("min", "max")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(f"CPM {value} must be above zero (a zero bound would price at $0.00)")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"CPM range is inverted: min {self.min} is above max {self.max}")
        return self

    @classmethod
    def from_target(cls, target: object, leniency_pct: object) -> CpmRange:
        """``target ± leniency%``: a $25 target with 20% leniency is $20-$30."""
        centre = money(target)
        pct = money(leniency_pct)
        if pct >= 100:
            raise ValueError(f"cpm_leniency_pct {leniency_pct!r} must be below 100")
        spread = centre * pct / Decimal(100)
        return cls(min=quantize(centre - spread), max=quantize(centre + spread))


class Timeline(BaseModel):
    model_config = _FROZEN

    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError(
                f"timeline ends on {self.ends_on}, before it starts on {self.starts_on}"
            )
        return self


class UsageRights(BaseModel):
    """How long (and how) the client may reuse the content.

    ``min_duration_days`` is how far the agent may shorten the term to trade for price; ``None``
    means the term is not negotiable.
    """

    model_config = _FROZEN

    duration_days: int = Field(default=30, ge=0, le=3650)
    paid_ads: bool = False
    min_duration_days: int | None = Field(default=None, ge=0)
    notes: str = ""

    @model_validator(mode="after")
    def _tradeable_floor(self) -> Self:
        if self.min_duration_days is not None and self.min_duration_days > self.duration_days:
            raise ValueError(
                f"usage rights min_duration_days {self.min_duration_days} is above "
                f"duration_days {self.duration_days}"
            )
        return self

    def describe(self) -> str:
        scope = "organic and paid" if self.paid_ads else "organic"
        return f"{self.duration_days} days of {scope} usage rights"


class Campaign(BaseModel):
    """One client brief: who we contact, what we want from each, and what we may pay."""

    model_config = _FROZEN

    id: NonEmpty
    client: NonEmpty
    platform: Platform
    cpm_range: CpmRange
    budget: Money
    currency: Currency = "USD"
    target_deliverables: tuple[Deliverable, ...] = Field(min_length=1)
    # Names, emails or @handles as the form lists them; the roster resolves them to Influencers.
    influencers: tuple[NonEmpty, ...] = ()
    timeline: Timeline = Timeline()
    max_per_influencer_without_approval: Money | None = None
    usage_rights: UsageRights = UsageRights()
    # Whether the agent may offer fewer deliverables for a lower price.
    allow_deliverable_trade: bool = False
    product_offer: str | None = None
    # Where the influencers are looked up: a tab of the team's roster sheet, "Tab!A1:H500", or
    # another spreadsheet (its id or URL); None: the team's default roster.
    roster: str | None = None
    # Which of this campaign's emails wait for a person's click in Slack before they go: "off",
    # "outreach" (first emails) or "all"; None: the team's setting (DEALDESK_REVIEW).
    review: Literal["off", "outreach", "all"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _cpm_from_target(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        has_target = "cpm_target" in data or "cpm_leniency_pct" in data
        target = data.pop("cpm_target", None)
        leniency = data.pop("cpm_leniency_pct", None)
        if data.get("cpm_range") is not None:
            if has_target:
                raise ValueError("give either cpm_range or cpm_target/cpm_leniency_pct, not both")
            return data
        if target is None:
            raise ValueError(
                "cpm_range is missing: give cpm_range (min, max) or cpm_target with "
                "cpm_leniency_pct; a campaign without CPM bounds cannot be priced"
            )
        try:
            data["cpm_range"] = CpmRange.from_target(target, 0 if leniency is None else leniency)
        except ValueError as exc:
            raise ValueError(
                f"cpm_target {target!r} / cpm_leniency_pct {leniency!r}: {exc}"
            ) from exc
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        wrong = [
            d.kind.value for d in self.target_deliverables if d.kind.platform is not self.platform
        ]
        if wrong:
            raise ValueError(
                f"target_deliverables {wrong} are not {self.platform.value} deliverables"
            )
        if self.budget <= 0:
            raise ValueError(f"budget {self.budget} must be above zero")
        return self


class CampaignStatus(StrEnum):
    """Where a campaign stands: ``active`` runs its negotiations; ``paused`` sends nothing more
    (its ClickUp task was deleted) until someone resumes it; ``completed``: all ended."""

    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"  # every negotiation ended; the team had the summary


class Influencer(BaseModel):
    """A creator on the roster; ``min_rate``/``max_rate`` are what the roster says they charge."""

    model_config = _FROZEN

    name: NonEmpty
    email: NonEmpty
    platform: Platform
    handle: NonEmpty
    average_views: int = Field(gt=0)
    engagement_rate: Ratio | None = None
    min_rate: Money | None = None
    max_rate: Money | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # Addresses are normalised once, here, so comparisons elsewhere are plain equality.
        address = value.strip().lower()
        if "<" in address and address.endswith(">"):
            address = address[address.rindex("<") + 1 : -1].strip()
        local, at, domain = address.partition("@")
        if not at or not local or "." not in domain or " " in address:
            raise ValueError(f"email {value!r} is not an email address")
        return address

    @field_validator("handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        handle = value.strip().removeprefix("@")
        if not handle or " " in handle:
            raise ValueError(f"handle {value!r} is not a social handle")
        return handle

    @field_validator("average_views", mode="before")
    @classmethod
    def _views_not_float(cls, value: Any) -> Any:
        if isinstance(value, float):
            raise ValueError(f"average_views {value!r} must be a whole number")  # noqa: TRY004
        return value

    @model_validator(mode="after")
    def _rates_ordered(self) -> Self:
        if (
            self.min_rate is not None
            and self.max_rate is not None
            and self.min_rate > self.max_rate
        ):
            raise ValueError(f"min_rate {self.min_rate} is above max_rate {self.max_rate}")
        return self


def parse_campaign(data: Mapping[str, Any]) -> Campaign:
    """Build a Campaign from outside data; ``ModelInvalid`` names every bad field and value."""
    return parse_model(Campaign, data, "campaign")


def parse_influencer(data: Mapping[str, Any]) -> Influencer:
    """Build an Influencer from outside data; raises ``ModelInvalid`` like ``parse_campaign``."""
    return parse_model(Influencer, data, "influencer")
