"""What a reply says, as a typed value: the output of the rule-based reader and, later, the LLM.

The policy decides from this and nothing else, so both readers must fill the same fields: the
intent, every amount with what it is for (amounts that quote our own offer are marked and are
never their ask), deliverables named, talent-manager and hostile/legal flags, out-of-office
return date, question topics, and a confidence in [0, 1].
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.amounts import FoundAmount
from dealdesk.domain.money import Ratio
from dealdesk.domain.vocabulary import DeliverableMention

__all__ = ["Intent", "QuestionTopic", "ReplyReading"]


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
    confidence: Ratio = Decimal("0.5")
    # Who read it ("rules" or a model id) and the text actually read (quotes removed).
    reader: str = "rules"
    text: str = ""

    @property
    def asks(self) -> tuple[FoundAmount, ...]:
        """Amounts that are theirs: everything except references to our offer."""
        return tuple(a for a in self.amounts if not a.refers_to_offer)
