"""The CPM tracker: one per campaign, deciding how far the next negotiation may go.

It records every agreed CPM with the creator's engagement rate and answers ``flexibility()``
from BOTH the campaign's running average against its range AND the influencer's engagement:

1. Base CPM from the running average (what the campaign can still afford):
   no agreements yet -> the range max; average at or below the range midpoint -> the max plus the
   savings below the midpoint; average between midpoint and max -> the max; average above the max
   -> the max minus the overshoot, never below the range min.
2. Engagement premium on that base: the first tier whose threshold the engagement exceeds
   (defaults: above 5% up to 15%, above 3% up to 8%); unknown engagement earns none.
3. The cap is never above ``max_cap_multiple`` (default 120%) of the range max.

Every result carries a reason sentence that goes into the audit trail.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.campaign import CpmRange
from dealdesk.domain.money import CENT, Money, Ratio, format_money, quantize

if TYPE_CHECKING:
    from dealdesk.domain.rules import PricingConfig

__all__ = ["AgreedCpm", "CpmTracker", "Flexibility"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _pct(value: Decimal) -> str:
    text = f"{(value * 100).normalize():f}"
    return f"{text}%"


class AgreedCpm(BaseModel):
    model_config = _FROZEN

    negotiation_id: str
    cpm: Money
    engagement_rate: Ratio | None = None


class Flexibility(BaseModel):
    """How far the next negotiation may go, in CPM, and why."""

    model_config = _FROZEN

    base_cpm: Money
    premium: Ratio
    cap_cpm: Money
    ceiling_cpm: Money
    running_average: Money | None
    reason: str


class CpmTracker(BaseModel):
    """Agreed CPMs of one campaign; immutable: ``record`` returns a new tracker."""

    model_config = _FROZEN

    cpm_range: CpmRange
    agreements: tuple[AgreedCpm, ...] = ()

    def record(
        self, negotiation_id: str, cpm: Decimal, engagement_rate: Decimal | None
    ) -> CpmTracker:
        """Add (or replace: a re-delivered agreement must not count twice) one agreement."""
        kept = tuple(a for a in self.agreements if a.negotiation_id != negotiation_id)
        entry = AgreedCpm(negotiation_id=negotiation_id, cpm=cpm, engagement_rate=engagement_rate)
        return self.model_copy(update={"agreements": (*kept, entry)})

    @property
    def running_average(self) -> Decimal | None:
        if not self.agreements:
            return None
        return quantize(sum((a.cpm for a in self.agreements), Decimal(0)) / len(self.agreements))

    def flexibility(self, engagement_rate: Decimal | None, pricing: PricingConfig) -> Flexibility:
        low, high = self.cpm_range.min, self.cpm_range.max
        mid = quantize((low + high) / 2)
        average = self.running_average
        money = format_money
        if average is None:
            base = high
            why = f"no agreements yet, so the base is the range max {money(high)}"
        elif average <= mid:
            base = high + (mid - average)
            why = (
                f"the running average {money(average)} over {len(self.agreements)} agreement(s) "
                f"is at or below the midpoint {money(mid)}, so the base is the max {money(high)} "
                f"plus the {money(mid - average)} saved: {money(base)}"
            )
        elif average <= high:
            base = high
            why = (
                f"the running average {money(average)} is between the midpoint {money(mid)} "
                f"and the max, so the base is the range max {money(high)}"
            )
        else:
            base = max(low, high - (average - high))
            why = (
                f"the running average {money(average)} is above the max {money(high)}, so the "
                f"base is pulled back to {money(base)} (never below the min {money(low)})"
            )
        premium = Decimal(0)
        if engagement_rate is None:
            why += "; engagement is unknown, so no premium"
        else:
            for tier in pricing.engagement_tiers:
                if engagement_rate > tier.above:
                    premium = tier.premium
                    why += (
                        f"; engagement {_pct(engagement_rate)} is above {_pct(tier.above)}, "
                        f"earning up to a {_pct(premium)} premium"
                    )
                    break
            else:
                why += f"; engagement {_pct(engagement_rate)} earns no premium"
        # Rounded down: the ceiling is a promise (never above 120% of the max), not an estimate.
        ceiling = (high * pricing.max_cap_multiple).quantize(CENT, rounding=ROUND_DOWN)
        wanted = quantize(base * (1 + premium))
        cap = min(wanted, ceiling)
        if wanted > ceiling:
            why += (
                f"; {money(wanted)} would exceed {_pct(pricing.max_cap_multiple)} of the max, "
                f"so the cap CPM is the ceiling {money(ceiling)}"
            )
        else:
            why += f": cap CPM {money(cap)}"
        return Flexibility(
            base_cpm=quantize(base),
            premium=premium,
            cap_cpm=cap,
            ceiling_cpm=ceiling,
            running_average=average,
            reason=why[0].upper() + why[1:] + ".",
        )
