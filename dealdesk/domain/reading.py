"""What a reply says, as a typed value: the output of the rule-based reader and, later, the LLM.

The policy decides from this and nothing else, so both readers must fill the same fields: the
intent, every amount with what it is for (amounts that quote our own offer are marked and are
never their ask; a range "1,200-1,500" is one amount whose ask is its low end), deliverables
named, talent-manager and hostile/legal flags, out-of-office return date, question topics, the
alternative prices a reply offers (``options``, each with its condition), why a person must
decide (``needs_human``) and a confidence in [0, 1].

A reply that offers two prices on conditions ("1,650 with whitelisting, otherwise 1,900") is
never reduced to one: both are ``options``, and when one is outside the brief (or the brief is
not known) ``needs_human`` says so and the confidence is at most ``NEEDS_HUMAN_CONFIDENCE``,
below the policy's default floor, so even a policy that only checks the confidence escalates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.amounts import FoundAmount
from dealdesk.domain.campaign import Deliverable
from dealdesk.domain.money import Money, Ratio
from dealdesk.domain.vocabulary import DeliverableMention, Extra

__all__ = [
    "NEEDS_HUMAN_CONFIDENCE",
    "Intent",
    "PriceOption",
    "QuestionTopic",
    "ReplyReading",
    "ThreadMessage",
]

NEEDS_HUMAN_CONFIDENCE: Final = Decimal("0.5")


class Intent(StrEnum):
    ACCEPT = "accept"
    COUNTER = "counter"
    DECLINE = "decline"
    QUESTION = "question"
    UNCLEAR = "unclear"
    OUT_OF_OFFICE = "out_of_office"
    UNSUBSCRIBE = "unsubscribe"


class QuestionTopic(StrEnum):
    USAGE_RIGHTS = "usage_rights"
    DATES = "dates"
    DELIVERABLES = "deliverables"
    PAYMENT = "payment"
    PRODUCT = "product"
    CONTRACT = "contract"
    OTHER = "other"


class ThreadMessage(BaseModel):
    """One earlier message of the thread, in its writer's own words (quotes removed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ours: bool  # we wrote it (an offer, a follow-up), or they did
    text: str


class PriceOption(BaseModel):
    """One of several prices a reply offers, with the condition it comes with.

    ``deliverables`` is the package the option buys when the reply names it (empty: not said,
    read as the brief); ``adds``/``drops`` are terms beyond the brief it includes or leaves out;
    ``usage_days`` the usage term it names. ``outside_brief`` says, in words, how it differs
    from the campaign's brief; empty when it fits (or when there was no brief to compare with,
    which ``unchecked`` records).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Money
    upper: Money | None = None
    condition: str
    deliverables: tuple[Deliverable, ...] = ()
    adds: tuple[Extra, ...] = ()
    drops: tuple[Extra, ...] = ()
    usage_days: int | None = None
    outside_brief: tuple[str, ...] = ()
    unchecked: bool = False


class ReplyReading(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: Intent
    amounts: tuple[FoundAmount, ...] = ()
    deliverables: tuple[DeliverableMention, ...] = ()
    manager: bool = False
    hostile: bool = False
    legal: bool = False
    future_interest: bool = False
    questions: tuple[QuestionTopic, ...] = ()
    out_of_office_until: date | None = None
    # Alternative prices, each with its condition; never collapsed into one by the reader.
    options: tuple[PriceOption, ...] = ()
    # Why a person must decide this reply (options or a condition outside the brief, a price in
    # another currency); ``None`` when the rules may act on it.
    needs_human: str | None = None
    confidence: Ratio = Decimal("0.5")
    # Who read it ("rules" or a model id) and the text actually read (quotes removed).
    reader: str = "rules"
    text: str = ""

    @property
    def asks(self) -> tuple[FoundAmount, ...]:
        """Amounts that are theirs: everything except references to our offer."""
        return tuple(a for a in self.amounts if not a.refers_to_offer)
