"""Pricing from views and CPM, and the CPM tracker's flexibility with its reason sentence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.domain import (
    CpmRange,
    CpmTracker,
    Deliverable,
    DeliverableType,
    Playbook,
    PricingConfig,
    base_rate,
    package_price,
    plan_prices,
    schedule_offers,
)
from tests.domain.harness import make_campaign, make_influencer

D = Decimal
PRICING = PricingConfig()
RANGE = CpmRange(min=D(20), max=D(30))


def test_rate_is_views_per_thousand_times_cpm() -> None:
    assert base_rate(50_000, D(20)) == D("1000.00")
    assert base_rate(12_345, D("21.50")) == D("265.42")  # 265.4175 rounds half up


def test_package_price_is_the_sum_of_weighted_deliverables() -> None:
    package = (
        Deliverable(kind=DeliverableType.INSTAGRAM_REEL),
        Deliverable(kind=DeliverableType.INSTAGRAM_STORY, quantity=3),
    )
    # 50 x $20 x (1.0 + 3 x 0.3) = $1,900
    assert package_price(50_000, D(20), package, PRICING) == D("1900.00")


@pytest.mark.parametrize(
    ("engagement", "cap_cpm", "phrase"),
    [
        (None, D(30), "engagement is unknown"),
        (D("0.02"), D(30), "earns no premium"),
        (D("0.03"), D(30), "earns no premium"),  # "above 3%" is strict
        (D("0.031"), D("32.40"), "8% premium"),
        (D("0.05"), D("32.40"), "8% premium"),
        (D("0.051"), D("34.50"), "15% premium"),
    ],
)
def test_engagement_premium_tiers(engagement, cap_cpm, phrase) -> None:
    flexibility = CpmTracker(cpm_range=RANGE).flexibility(engagement, PRICING)
    assert flexibility.cap_cpm == cap_cpm
    assert phrase in flexibility.reason
    assert flexibility.reason.endswith(".")


def test_no_agreements_means_the_range_max_is_the_base() -> None:
    flexibility = CpmTracker(cpm_range=RANGE).flexibility(None, PRICING)
    assert flexibility.base_cpm == D(30)
    assert "no agreements yet" in flexibility.reason.lower()


def test_savings_below_the_midpoint_give_the_next_influencer_room_but_never_past_120_percent() -> (
    None
):
    tracker = CpmTracker(cpm_range=RANGE).record("a", D(21), None).record("b", D(23), None)
    assert tracker.running_average == D(22)
    flexibility = tracker.flexibility(None, PRICING)
    assert flexibility.base_cpm == D(33)  # max 30 + (midpoint 25 - average 22)
    high = tracker.flexibility(D("0.08"), PRICING)
    assert high.cap_cpm == D(36)  # 33 x 1.15 = 37.95, held to 120% of 30
    assert "ceiling" in high.reason


def test_overspending_pulls_the_base_back_but_never_below_the_min() -> None:
    tracker = CpmTracker(cpm_range=RANGE).record("a", D(34), None)
    assert tracker.flexibility(None, PRICING).base_cpm == D(26)
    far = CpmTracker(cpm_range=RANGE).record("a", D(50), None)
    assert far.flexibility(None, PRICING).base_cpm == D(20)


def test_recording_the_same_negotiation_twice_counts_once() -> None:
    tracker = CpmTracker(cpm_range=RANGE).record("a", D(21), None).record("a", D(29), D("0.04"))
    assert len(tracker.agreements) == 1
    assert tracker.running_average == D(29)


def test_schedule_never_falls_and_stays_between_opening_and_cap() -> None:
    playbook = Playbook(offer_step=D(25))
    offers = schedule_offers(D("1003.10"), D("1733.33"), playbook)
    assert offers == (D("1003.10"), D(1100), D(1275), D(1725))


def test_roster_rates_and_approval_limit_bound_the_plan() -> None:
    campaign = make_campaign(max_per_influencer_without_approval="1500")
    influencer = make_influencer(min_rate="1200", max_rate="1400")
    flexibility = CpmTracker(cpm_range=campaign.cpm_range).flexibility(D("0.06"), PRICING)
    plan = plan_prices(campaign, influencer, flexibility, Playbook(), PRICING)
    assert plan.cap == D(1400)
    assert plan.opening == D(1200)
    assert "roster" in plan.reason


def test_a_schedule_that_starts_at_the_cap_opens_at_the_cap_and_never_moves() -> None:
    # "Counter at the cap", the negotiation benchmark's baseline (bench/market.py).
    campaign, influencer = make_campaign(), make_influencer()
    flexibility = CpmTracker(cpm_range=RANGE).flexibility(influencer.engagement_rate, PRICING)
    playbook = Playbook(max_rounds=3, concession_schedule=(D(1), D(1), D(1)))
    plan = plan_prices(campaign, influencer, flexibility, playbook, PRICING)
    assert plan.opening == plan.cap == D(1725)
    assert plan.schedule == (D(1725),) * 3
