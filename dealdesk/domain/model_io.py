"""What the model is asked and what it may answer: the reading tool, the prompts' words, and how
its reading is checked against the rule-based reader's.

Pure, and shared by the client (``integrations.anthropic``) and the sandbox's fake model
(``sandbox.anthropic``), which are peers and may not import each other:

- **Reading** is one tool, :data:`READ_TOOL`, whose ``input_schema`` is the JSON schema of
  :class:`ReadingInput`, and whose input is validated by the same model: the intent, each amount
  with what it is for and whether it quotes our offer, deliverables, who writes (creator or
  talent manager), tone flags, an out-of-office date, questions and a confidence.
- The request names the reply, the thread, our last offer and the rule-based reader's reading
  (``<rules_reading>``, a first pass to confirm or correct); the write request names the decided
  terms and the templated writer's draft (``<reference_draft>``, whose facts are exact). The fake
  model answers those by default.
- :func:`cross_check` never lets the model's reading decide where the two readers disagree on
  an amount or on accept versus counter: the reply goes to a person with both readings shown.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from dealdesk.domain.amount_basis import AmountBasis
from dealdesk.domain.amounts import FoundAmount
from dealdesk.domain.campaign import DeliverableType
from dealdesk.domain.money import format_money
from dealdesk.domain.reader_context import thread_of
from dealdesk.domain.reading import NEEDS_HUMAN_CONFIDENCE, Intent, QuestionTopic, ReplyReading
from dealdesk.domain.vocabulary import DeliverableMention

if TYPE_CHECKING:
    from dealdesk.domain.effects import SendEmail
    from dealdesk.domain.negotiation import Negotiation
    from dealdesk.domain.wording import WrittenEmail

__all__ = [
    "DRAFT_TAG",
    "READ_TOOL",
    "RULES_TAG",
    "ModelAmount",
    "ModelDeliverable",
    "ReadingInput",
    "cross_check",
    "input_from_reading",
    "read_prompt",
    "reading_from_input",
    "reading_tool",
    "untag",
    "write_prompt",
]

READ_TOOL: Final = "record_reading"
RULES_TAG: Final = "rules_reading"
DRAFT_TAG: Final = "reference_draft"


class ModelAmount(BaseModel):
    """One amount the reply names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Decimal = Field(ge=0, description="the amount, a plain number: 1500 for '$1.5k'")
    upper: Decimal | None = Field(default=None, ge=0, description="a range's top, else null")
    currency: str | None = Field(default=None, description="ISO code when the reply says one")
    what_for: AmountBasis = Field(
        default=AmountBasis.UNSPECIFIED,
        description="total: the whole package; per_item: one deliverable; line: a quantity",
    )
    deliverable: DeliverableType | None = None
    refers_to_our_offer: bool = Field(
        default=False, description="true when it quotes OUR offer ('your $1,000 is too low')"
    )
    quote: str = Field(default="", max_length=200, description="the words that say it")


class ModelDeliverable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DeliverableType
    quantity: int = Field(default=1, ge=1, le=100)


class ReadingInput(BaseModel):
    """The reading tool's input, exactly: anything else is an invalid tool call."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: Intent
    amounts: list[ModelAmount] = Field(default_factory=list)
    deliverables: list[ModelDeliverable] = Field(default_factory=list)
    counterparty: Literal["creator", "talent_manager", "unknown"] = "creator"
    hostile: bool = False
    legal: bool = False
    future_interest: bool = False
    questions: list[QuestionTopic] = Field(default_factory=list)
    out_of_office_until: date | None = None
    confidence: Decimal = Field(ge=0, le=1)


def reading_tool() -> dict[str, Any]:
    """The tool definition (its schema is :class:`ReadingInput`'s)."""
    return {
        "name": READ_TOOL,
        "description": (
            "Record how the creator's reply reads: intent, every amount and what it is for, "
            "deliverables, who writes, tone, out-of-office date, questions, confidence."
        ),
        "input_schema": ReadingInput.model_json_schema(),
    }


def reading_from_input(given: ReadingInput, text: str, reader: str) -> ReplyReading:
    """The typed reading the domain decides from, as the model gave it."""
    amounts = tuple(
        FoundAmount(
            amount=a.amount,
            upper=a.upper,
            currency=a.currency,
            text=a.quote or str(a.amount),
            start=0,
            end=0,
            basis=a.what_for,
            deliverable=a.deliverable,
            refers_to_offer=a.refers_to_our_offer,
        )
        for a in given.amounts
    )
    mentions = tuple(
        DeliverableMention(kind=d.kind, quantity=d.quantity, start=0, end=0)
        for d in given.deliverables
    )
    return ReplyReading(
        intent=given.intent,
        amounts=amounts,
        deliverables=mentions,
        manager=given.counterparty == "talent_manager",
        hostile=given.hostile,
        legal=given.legal,
        future_interest=given.future_interest,
        questions=tuple(dict.fromkeys(given.questions)),
        out_of_office_until=given.out_of_office_until,
        confidence=given.confidence,
        reader=reader,
        text=text,
    )


def input_from_reading(reading: ReplyReading) -> dict[str, Any]:
    """A reading as the tool's input (the rules' first pass, and the fake model's answer)."""
    return ReadingInput(
        intent=reading.intent,
        amounts=[
            ModelAmount(
                amount=a.amount,
                upper=a.upper,
                currency=a.currency,
                what_for=a.basis,
                deliverable=a.deliverable,
                refers_to_our_offer=a.refers_to_offer,
                quote=a.text[:200],
            )
            for a in reading.amounts
        ],
        deliverables=[
            ModelDeliverable(kind=d.kind, quantity=min(d.quantity, 100))
            for d in reading.deliverables
        ],
        counterparty="talent_manager" if reading.manager else "creator",
        hostile=reading.hostile,
        legal=reading.legal,
        future_interest=reading.future_interest,
        questions=list(reading.questions),
        out_of_office_until=reading.out_of_office_until,
        confidence=reading.confidence,
    ).model_dump(mode="json")


def _asks(reading: ReplyReading) -> set[Decimal]:
    return {a.amount for a in reading.asks}


def _shown(reading: ReplyReading, currency: str) -> str:
    asks = ", ".join(format_money(a, currency) for a in sorted(_asks(reading))) or "no amount"
    return f"{reading.intent.value}, asks {asks} (by {reading.reader})"


def cross_check(rules: ReplyReading, model: ReplyReading, currency: str) -> ReplyReading:
    """One reading from both readers. Where they disagree on an amount they ask, or on accept
    versus counter, a person decides: the rules' reading with both shown and the confidence
    below any policy's floor. Otherwise the rules' amounts stand (they carry where each was
    written), the model's intent is taken where the rules could not tell, tone flags and
    questions are either reader's, and the confidence is the lower one."""
    intents = {rules.intent, model.intent}
    if _asks(rules) != _asks(model) or intents == {Intent.ACCEPT, Intent.COUNTER}:
        both = f"the model read {_shown(model, currency)}; the rules read {_shown(rules, currency)}"
        return rules.model_copy(
            update={
                "needs_human": f"the model and the rules read this reply differently: {both}",
                "confidence": min(rules.confidence, NEEDS_HUMAN_CONFIDENCE - Decimal("0.1")),
                "reader": f"rules+{model.reader}",
            }
        )
    intent = model.intent if rules.intent is Intent.UNCLEAR else rules.intent
    confidence = model.confidence if rules.intent is Intent.UNCLEAR else rules.confidence
    return rules.model_copy(
        update={
            "intent": intent,
            "manager": rules.manager or model.manager,
            "hostile": rules.hostile or model.hostile,
            "legal": rules.legal or model.legal,
            "future_interest": rules.future_interest or model.future_interest,
            "questions": tuple(dict.fromkeys((*rules.questions, *model.questions))),
            "out_of_office_until": rules.out_of_office_until or model.out_of_office_until,
            "confidence": min(confidence, model.confidence),
            "reader": f"{model.reader}+rules",
        }
    )


def _tag(name: str, body: str) -> str:
    return f"<{name}>\n{body.strip()}\n</{name}>"


def untag(name: str, text: str) -> str | None:
    """The body of the last ``<name>`` block in ``text``, or ``None``."""
    found = re.findall(rf"<{name}>\n?(.*?)\n?</{name}>", text, re.DOTALL)
    return found[-1] if found else None


def _thread(negotiation: Negotiation) -> str:
    lines = [
        f"{'us' if m.ours else 'them'}: {m.text.strip()[:1500]}"
        for m in thread_of(negotiation)[-8:]
    ]
    return "\n---\n".join(lines) or "(nothing yet)"


def read_prompt(negotiation: Negotiation, text: str, rules: ReplyReading) -> str:
    """The user message of a reading call."""
    n = negotiation
    last = n.last_offer
    offer = format_money(last.amount, last.currency) if last is not None else "none yet"
    return "\n\n".join(
        [
            f"Campaign currency: {n.campaign.currency}. Our last offer: {offer}.",
            _tag("thread", _thread(n)),
            _tag("reply", text[:8000]),
            _tag(RULES_TAG, json.dumps(input_from_reading(rules))),
            f"Record your reading of the reply with the {READ_TOOL} tool.",
        ]
    )


def write_prompt(
    negotiation: Negotiation,
    effect: SendEmail,
    reference: WrittenEmail,
    problems: list[str] | None = None,
) -> str:
    """The user message of a writing call (``problems``: why the last draft was refused)."""
    n = negotiation
    terms = effect.terms.describe() if effect.terms is not None else "no amount in this email"
    ask = format_money(effect.their_ask, n.campaign.currency) if effect.their_ask else "not given"
    parts = [
        f"Write the {effect.purpose.value} email to {n.influencer.name}.",
        f"Decided terms: {terms}. Their ask: {ask}. Final offer: {effect.final_offer}.",
        _tag("thread", _thread(n)),
        _tag(DRAFT_TAG, reference.text),
        "Answer with the email's body only: greeting to sign-off, plain text.",
    ]
    if problems:
        refused = "\n".join(f"- {p}" for p in problems)
        parts.append(f"Your last draft was refused by the guard:\n{refused}\nWrite it again.")
    return "\n\n".join(parts)
