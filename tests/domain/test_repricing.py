"""Every decision consults the campaign's CPM tracker: the cap and the offers not yet made follow
the campaign's running average; what we offered stands."""

from __future__ import annotations

from decimal import Decimal

from dealdesk.domain import CpmTracker, NegotiationPolicy, State
from dealdesk.domain.repricing import reprice
from tests.domain.harness import Driver, make_negotiation

D = Decimal
PRICING = NegotiationPolicy().pricing


def flexibility(n, *agreed_cpms: str):
    tracker = CpmTracker(cpm_range=n.campaign.cpm_range)
    for i, cpm in enumerate(agreed_cpms):
        tracker = tracker.record(f"other-{i}", D(cpm), None)
    return tracker.flexibility(n.influencer.engagement_rate, PRICING)


def test_unchanged_flexibility_leaves_the_negotiation_as_it_is() -> None:
    n = make_negotiation()
    assert reprice(n, flexibility(n)) is n


def test_a_campaign_paying_above_its_max_pulls_the_cap_and_the_offers_to_come_back() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    n = driver.negotiation
    repriced = reprice(n, flexibility(n, "36", "36"))  # $6 over the $30 max
    assert repriced.plan.cap < n.plan.cap
    assert repriced.plan.schedule[0] == n.plan.schedule[0]  # the opening we sent stands
    assert list(repriced.plan.schedule) == sorted(repriced.plan.schedule)
    assert repriced.plan.schedule[-1] <= repriced.plan.cap
    assert "Repriced" in repriced.plan.reason


def test_a_campaign_paying_below_its_midpoint_lets_the_next_offers_go_further() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    n = driver.negotiation
    repriced = reprice(n, flexibility(n, "20", "21"))
    assert repriced.plan.cap >= n.plan.cap  # never less room than before
    assert repriced.plan.schedule[1:] >= n.plan.schedule[1:]


def test_the_cap_never_falls_below_an_offer_we_made() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    for ask in ("$2,000", "$1,950", "$1,900"):
        driver.reply(f"My rate is {ask}.")
    n = driver.negotiation
    last = n.last_offer.amount
    repriced = reprice(n, flexibility(n, "60", "60", "60"))  # far above: the min CPM base
    assert repriced.plan.cap == last
    assert repriced.plan.schedule[: n.round] == n.plan.schedule[: n.round]
    assert "an offer stands" in repriced.plan.reason


def test_an_ended_negotiation_is_never_repriced() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    driver.reply("Sounds great, I'm in!")
    assert driver.negotiation.state is State.AGREED
    n = driver.negotiation
    assert reprice(n, flexibility(n, "60")) is n


def test_the_next_decision_uses_the_repriced_schedule() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    n = driver.negotiation
    driver.negotiation = reprice(n, flexibility(n, "36", "36"))
    driver.reply("My rate is $2,000.")
    counter = driver.negotiation.last_offer.amount
    assert counter == driver.negotiation.plan.schedule[1]
    assert counter < n.plan.schedule[1]
