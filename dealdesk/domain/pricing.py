"""Pricing: from views and CPM to the opening offer, the cap and the concession schedule.

``rate = average views / 1000 x CPM``; a deliverable costs its weight (``config/pricing.yaml``)
times that rate; a package is the sum of its deliverables. A negotiation's ``PricePlan`` is fixed
when it starts: the opening is the package at the range's min CPM (the low anchor), the cap is the
package at the CPM tracker's cap, and offer ``n`` moves ``concession_schedule[n-1]`` of the way
from opening to cap, rounded down to the playbook's step, never below the opening or above the cap.

Worked example (tested in ``tests/domain/test_worked_example.py``): 50,000 average views, CPM
range $20-$30, engagement 6%, one Instagram reel (weight 1.0), default playbook, no agreements yet.

- opening: 50,000 / 1000 x $20.00 = **$1,000**
- cap: no agreements, so base CPM $30.00; 6% > 5% earns 15%: $34.50 CPM (under the 120% ceiling
  of $36.00) -> 50 x $34.50 = **$1,725**
- schedule (0, 0.15, 0.40, 1): **$1,000, $1,105** ($1,108.75 down to the $5 step), **$1,290**,
  **$1,725**
- accept: after our opening, any ask up to $1,105 (what we would offer next) is accepted at the
  ask; after $1,105, up to $1,290; after $1,290 and at the final round, up to $1,725
- counter: an ask above that gets the next scheduled offer, never more than the ask
- escalate: an ask above $1,725 once our $1,725 final offer is out (round limit), or any ask
  above the campaign's max-without-approval; exit politely: an ask above 2 x $1,725 = $3,450
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dealdesk.domain.campaign import Campaign, Deliverable, Influencer
from dealdesk.domain.money import Money, format_money, quantize

if TYPE_CHECKING:
    from collections.abc import Iterable

    from dealdesk.domain.cpm import Flexibility
    from dealdesk.domain.rules import Playbook, PricingConfig

__all__ = [
    "PricePlan",
    "base_rate",
    "implied_cpm",
    "package_price",
    "package_weight",
    "plan_prices",
    "round_down_to_step",
    "schedule_offers",
]


def base_rate(average_views: int, cpm: Decimal) -> Decimal:
    """``views / 1000 x CPM`` in cents: the price of one weight-1.0 deliverable."""
    return quantize(Decimal(average_views) / 1000 * cpm)


def package_weight(deliverables: Iterable[Deliverable], pricing: PricingConfig) -> Decimal:
    return sum((pricing.weight_of(d.kind) * d.quantity for d in deliverables), Decimal(0))


def package_price(
    average_views: int, cpm: Decimal, deliverables: Iterable[Deliverable], pricing: PricingConfig
) -> Decimal:
    """The sum of each deliverable's weight x quantity x rate."""
    return quantize(Decimal(average_views) / 1000 * cpm * package_weight(deliverables, pricing))


def implied_cpm(amount: Decimal, average_views: int, weight: Decimal) -> Decimal:
    """The CPM an agreed amount works out to for a package of ``weight``."""
    return quantize(amount / (Decimal(average_views) / 1000 * weight))


def round_down_to_step(amount: Decimal, step: Decimal) -> Decimal:
    return quantize((amount / step).to_integral_value(rounding=ROUND_FLOOR) * step)


def schedule_offers(opening: Decimal, cap: Decimal, playbook: Playbook) -> tuple[Decimal, ...]:
    """Offer per round if the influencer never moves: non-decreasing, opening <= offer <= cap."""
    offers: list[Decimal] = []
    for fraction in playbook.concession_schedule:
        raw = opening + (cap - opening) * fraction
        offer = min(cap, max(opening, round_down_to_step(raw, playbook.offer_step)))
        # Rounding can never make an offer fall below the one before it.
        offers.append(max(offer, offers[-1]) if offers else offer)
    return tuple(offers)


class PricePlan(BaseModel):
    """Every number one negotiation may offer, fixed when it starts (and kept in its state)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str
    average_views: int = Field(gt=0)
    deliverables: tuple[Deliverable, ...] = Field(min_length=1)
    package_weight: Decimal
    opening_cpm: Money
    cap_cpm: Money
    opening: Money
    cap: Money
    schedule: tuple[Money, ...] = Field(min_length=1)
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _sane(self) -> Self:
        if self.opening <= 0 or self.cap < self.opening:
            raise ValueError(f"plan opening {self.opening} and cap {self.cap} are not a range")
        if list(self.schedule) != sorted(self.schedule) or self.schedule[-1] > self.cap:
            raise ValueError(f"plan schedule {self.schedule} must rise and stay under {self.cap}")
        return self

    def offer_for_round(self, round_number: int) -> Decimal:
        """Our offer number ``round_number`` (1 = opening); past the last round, the last offer."""
        index = min(max(round_number, 1), len(self.schedule)) - 1
        return self.schedule[index]

    @property
    def max_rounds(self) -> int:
        return len(self.schedule)


def plan_prices(
    campaign: Campaign,
    influencer: Influencer,
    flexibility: Flexibility,
    playbook: Playbook,
    pricing: PricingConfig,
    *,
    deliverables: tuple[Deliverable, ...] | None = None,
) -> PricePlan:
    """The opening, cap and schedule for one influencer on one campaign, with the reason."""
    package = deliverables or campaign.target_deliverables
    weight = package_weight(package, pricing)
    views = influencer.average_views
    opening_cpm = campaign.cpm_range.min
    opening = package_price(views, opening_cpm, package, pricing)
    cap = package_price(views, flexibility.cap_cpm, package, pricing)
    money = format_money
    what = ", ".join(d.describe() for d in package)
    why = [
        (
            f"Opening {money(opening)} is {views:,} views / 1000 x {money(opening_cpm)} CPM "
            f"(range min) x weight {weight.normalize():f} ({what}); cap {money(cap)} is the "
            f"{money(flexibility.cap_cpm)} cap CPM. {flexibility.reason}"
        )
    ]
    limit = campaign.max_per_influencer_without_approval
    if limit is not None and cap > limit:
        cap = limit
        why.append(f"The cap is held to the {money(limit)} we may agree without approval.")
    if influencer.max_rate is not None and cap > influencer.max_rate:
        cap = influencer.max_rate
        why.append(f"The cap is held to the roster's max rate {money(cap)}.")
    if influencer.min_rate is not None and opening < influencer.min_rate:
        # Anchoring below a rate the roster says they never take wastes a round.
        opening = min(influencer.min_rate, cap)
        why.append(f"The opening is raised to the roster's min rate, {money(opening)}.")
    if opening > cap:
        opening = cap
        why.append(f"The opening is held to the cap, {money(cap)}.")
    schedule = schedule_offers(opening, cap, playbook)
    if schedule[0] > opening:
        opening = schedule[0]
        why.append(f"The playbook opens {money(opening)} into the range.")
    why.append("Schedule: " + ", ".join(money(o) for o in schedule) + ".")
    return PricePlan(
        currency=campaign.currency,
        average_views=views,
        deliverables=package,
        package_weight=weight,
        opening_cpm=opening_cpm,
        cap_cpm=flexibility.cap_cpm,
        opening=opening,
        cap=cap,
        schedule=schedule,
        reason=" ".join(why),
    )
