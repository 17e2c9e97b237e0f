"""The holding reply: an escalation tells the creator, once, that a person will get back to them —
no amount, no promise — except after legal or hostile words, where a person chooses every word."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.domain import EmailPurpose, HumanRelease, SendEmail, State
from tests.domain.harness import Driver, at_awaiting, make_negotiation


def purposes(driver: Driver) -> list[EmailPurpose]:
    return [e.purpose for e in driver.emails()]


@pytest.mark.parametrize(
    "reply",
    [
        "Thanks! My rate for this is $9,000.",  # far above twice our cap
        "Happy to! Could I add a YouTube video and do it all for $1,100?",  # outside the brief
        "Hmm.",  # unclear
    ],
)
def test_an_escalated_reply_gets_one_holding_reply_without_an_amount(reply: str) -> None:
    driver = at_awaiting()
    driver.reply(reply)
    assert driver.negotiation.state is State.ESCALATED
    [holding] = [e for e in driver.last.effects if isinstance(e, SendEmail)]
    assert holding.purpose is EmailPurpose.HOLDING
    assert holding.terms is None
    assert holding.in_reply_to == driver.negotiation.last_reply.message_id  # in their thread


@pytest.mark.parametrize(
    "reply",
    ["This offer is insulting. My rate is $2,000.", "Our lawyer will review the contract terms."],
)
def test_after_legal_or_hostile_words_a_person_writes_every_word(reply: str) -> None:
    driver = at_awaiting()
    driver.reply(reply)
    assert driver.negotiation.state is State.ESCALATED
    assert purposes(driver) == [EmailPurpose.OUTREACH]


def test_more_replies_while_escalated_get_no_second_holding_reply() -> None:
    driver = at_awaiting()
    driver.reply("My rate is $9,000.")
    driver.reply("Hello? Any news on this?")
    driver.reply("Still waiting to hear back.")
    assert driver.negotiation.state is State.ESCALATED
    assert purposes(driver) == [EmailPurpose.OUTREACH, EmailPurpose.HOLDING]


def test_a_human_hands_back_and_a_new_escalation_does_not_hold_twice_in_a_row() -> None:
    driver = at_awaiting()
    driver.reply("My rate is $9,000.")
    # Handed back without a higher cap: the re-read ask is still far above; counters by the
    # schedule now (a human cleared it) — a second holding reply never follows the first.
    driver.send(HumanRelease(by="jo"))
    assert purposes(driver).count(EmailPurpose.HOLDING) == 1
    assert purposes(driver)[-1] is EmailPurpose.COUNTER


def test_the_budget_guard_escalation_holds_too() -> None:
    negotiation = make_negotiation().model_copy(update={"budget_left": Decimal(500)})
    driver = Driver(negotiation)
    driver.start()
    driver.reply(f"{driver.negotiation.offers[-1].amount} works for me, deal!")
    assert driver.negotiation.state is State.ESCALATED
    assert purposes(driver) == [EmailPurpose.OUTREACH, EmailPurpose.HOLDING]
    assert driver.negotiation.agreed is None
