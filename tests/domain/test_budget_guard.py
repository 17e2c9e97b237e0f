"""The budget guard: an acceptance that would take the campaign's agreed fees over its budget
escalates instead, with the numbers."""

from __future__ import annotations

from decimal import Decimal

from dealdesk.domain import NotifyTeam, SendEmail
from tests.domain.harness import Driver, make_negotiation


def test_an_ask_within_our_offer_but_beyond_the_budget_left_escalates_with_the_numbers():
    negotiation = make_negotiation().model_copy(update={"budget_left": Decimal(500)})
    driver = Driver(negotiation)
    driver.start()
    offer = driver.negotiation.offers[-1].amount
    driver.reply(f"{offer} works for me, deal!")
    assert driver.state == "escalated"
    assert "budget" in driver.last.reason
    assert "$500.00" in driver.last.reason or "$500" in driver.last.reason
    assert not [
        e
        for e in driver.last.effects
        if isinstance(e, SendEmail) and e.purpose.value == "confirmation"
    ]
    assert any(isinstance(e, NotifyTeam) for e in driver.last.effects)


def test_within_the_budget_left_the_same_acceptance_is_an_agreement():
    negotiation = make_negotiation().model_copy(update={"budget_left": Decimal(100_000)})
    driver = Driver(negotiation)
    driver.start()
    offer = driver.negotiation.offers[-1].amount
    driver.reply(f"{offer} works for me, deal!")
    assert driver.state == "agreed"
