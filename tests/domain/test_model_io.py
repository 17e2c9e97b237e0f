"""The model's reading against the rules': a person decides where they disagree on an amount or
on accept versus counter; where they agree, the rules' amounts stand and the model adds what the
rules could not tell. The reading tool's input round-trips through the typed reading."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from dealdesk.domain import Intent
from dealdesk.domain.model_io import (
    ReadingInput,
    cross_check,
    input_from_reading,
    reading_from_input,
    reading_tool,
)
from dealdesk.domain.reader_context import read_reply_in
from dealdesk.domain.reading import NEEDS_HUMAN_CONFIDENCE
from tests.domain.harness import make_negotiation


def model_reading(text: str, **fields: object):
    given = ReadingInput.model_validate({"confidence": "0.9", **fields})
    return reading_from_input(given, text, "claude-sonnet-5")


def test_a_model_disagreeing_on_the_amount_sends_the_reply_to_a_person_with_both() -> None:
    n = make_negotiation()
    text = "I could do it for $1,800."
    rules = read_reply_in(n, text)
    model = model_reading(text, intent="counter", amounts=[{"amount": "1300"}])
    checked = cross_check(rules, model, "USD")
    assert checked.needs_human is not None
    assert "the model read counter, asks $1,300" in checked.needs_human
    assert "the rules read counter, asks $1,800" in checked.needs_human
    assert checked.confidence < NEEDS_HUMAN_CONFIDENCE


def test_a_model_reading_accept_where_the_rules_read_counter_goes_to_a_person() -> None:
    n = make_negotiation()
    text = "I could do $1,800 instead of your offer."
    rules = read_reply_in(n, text)
    assert rules.intent is Intent.COUNTER
    model = model_reading(text, intent="accept", amounts=[{"amount": "1800"}])
    checked = cross_check(rules, model, "USD")
    assert checked.needs_human is not None
    assert "the model read accept" in checked.needs_human


def test_agreeing_readings_keep_the_rules_amounts_and_add_the_models_flags() -> None:
    n = make_negotiation()
    text = "My manager handles this: $1,800 for the reel."
    rules = read_reply_in(n, text)
    asks = [{"amount": str(a.amount)} for a in rules.asks]
    model = model_reading(
        text, intent=rules.intent.value, amounts=asks, counterparty="talent_manager", legal=True
    )
    checked = cross_check(rules, model, "USD")
    assert checked.needs_human == rules.needs_human
    assert checked.amounts == rules.amounts
    assert checked.manager
    assert checked.legal
    assert checked.reader == "claude-sonnet-5+rules"


def test_where_the_rules_cannot_tell_the_models_intent_is_taken() -> None:
    n = make_negotiation()
    text = "hmm let me think, sounds kinda fun tbh"
    rules = read_reply_in(n, text)
    model = model_reading(text, intent="question", confidence="0.7")
    assert rules.intent is Intent.UNCLEAR
    checked = cross_check(rules, model, "USD")
    assert checked.intent is Intent.QUESTION
    assert checked.confidence == Decimal("0.7")


def test_the_tool_input_round_trips_and_rejects_what_the_schema_does_not_allow() -> None:
    n = make_negotiation()
    rules = read_reply_in(n, "Deal! $1,500 works, back on March 3.")
    given = ReadingInput.model_validate(input_from_reading(rules))
    again = reading_from_input(given, rules.text, "m")
    assert again.intent is rules.intent
    assert {a.amount for a in again.asks} == {a.amount for a in rules.asks}
    assert reading_tool()["input_schema"]["required"] == ["intent", "confidence"]
    with pytest.raises(ValidationError):
        ReadingInput.model_validate({"intent": "accept", "confidence": 2})
    with pytest.raises(ValidationError):
        ReadingInput.model_validate({"intent": "accept", "confidence": 1, "mood": "happy"})
