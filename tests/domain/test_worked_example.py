"""The worked example from dealdesk/domain/pricing.py, number by number.

50,000 average views, CPM range $20-$30, engagement 6%, one Instagram reel, default playbook,
no agreements yet: opening $1,000; cap $1,725 (CPM $34.50); schedule $1,000, $1,105, $1,290,
$1,725; exit above $3,450.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.domain import (
    CpmTracker,
    EmailPurpose,
    NegotiationPolicy,
    RecordAgreement,
    SendEmail,
    State,
    TeamTopic,
    plan_prices,
)
from dealdesk.domain import pricing as pricing_module
from tests.domain.harness import Driver, make_campaign, make_influencer, make_negotiation

D = Decimal


def plan():
    campaign, influencer = make_campaign(), make_influencer()
    policy = NegotiationPolicy()
    flexibility = CpmTracker(cpm_range=campaign.cpm_range).flexibility(
        influencer.engagement_rate, policy.pricing
    )
    return flexibility, plan_prices(
        campaign, influencer, flexibility, policy.playbook, policy.pricing
    )


def test_worked_example_opening_cap_and_schedule() -> None:
    flexibility, p = plan()
    assert flexibility.cap_cpm == D("34.50")
    assert flexibility.ceiling_cpm == D("36.00")
    assert p.opening == D("1000.00")
    assert p.cap == D("1725.00")
    assert p.schedule == (D(1000), D(1105), D(1290), D(1725))
    assert "15% premium" in flexibility.reason


def test_worked_example_numbers_are_the_ones_in_the_module_docs() -> None:
    doc = pricing_module.__doc__ or ""
    for number in ("$1,000", "$1,725", "$34.50", "$1,105", "$1,108.75", "$1,290", "$3,450"):
        assert number in doc


def counter_amounts(driver: Driver) -> list[Decimal]:
    return [e.terms.amount for e in driver.emails() if e.purpose == "counter" and e.terms]


def test_worked_example_conversation_counters_by_the_schedule_then_escalates() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    assert driver.emails()[0].terms is not None
    assert driver.emails()[0].terms.amount == D(1000)
    for ask in ("$2,000", "$1,900", "$1,800"):
        driver.reply(f"My rate is {ask}.")
    assert counter_amounts(driver) == [D(1105), D(1290), D(1725)]
    driver.reply("I still need $1,800.")
    assert driver.negotiation.state is State.ESCALATED
    assert "Round limit" in driver.last.reason


@pytest.mark.parametrize(
    ("ask", "state", "amount"),
    [
        ("$1,105", State.AGREED, D(1105)),  # at what we would offer next: accepted at their ask
        ("$1,100", State.AGREED, D(1100)),
        ("$1,106", State.COUNTER_SENT, D(1105)),  # just above: counter with the next offer
        ("$3,450", State.COUNTER_SENT, D(1105)),  # exactly 2 x cap: still worth a counter
        ("$3,451", State.ESCALATED, None),  # beyond 2 x cap: a human, and a holding reply
    ],
)
def test_worked_example_thresholds_after_the_opening(ask: str, state: State, amount) -> None:
    driver = Driver(make_negotiation())
    driver.start()
    driver.reply(f"Thanks! My rate would be {ask}.")
    assert driver.negotiation.state is state
    if state is State.AGREED:
        assert driver.negotiation.agreed is not None
        assert driver.negotiation.agreed.amount == amount
    if state is State.COUNTER_SENT:
        assert counter_amounts(driver) == [amount]
    if state is State.ESCALATED:
        assert [e.purpose for e in driver.emails()][-1] is EmailPurpose.HOLDING


def test_worked_example_agreement_is_confirmed_to_both_sides_with_the_real_numbers() -> None:
    driver = Driver(make_negotiation())
    driver.start()
    driver.reply("Could you do $1,500?")
    driver.reply("OK, $1,290 works for me, let's do it!")
    assert driver.negotiation.state is State.AGREED
    effects = driver.last.effects
    confirmation = next(e for e in effects if isinstance(e, SendEmail))
    record = next(e for e in effects if isinstance(e, RecordAgreement))
    team = next(e for e in effects if getattr(e, "topic", None) is TeamTopic.AGREED)
    assert confirmation.purpose == "confirmation"
    assert confirmation.terms is not None
    assert confirmation.terms.amount == D(1290)
    assert record.terms.amount == D(1290)
    assert record.cpm == D("25.80")
    assert "$1,290" in team.summary
