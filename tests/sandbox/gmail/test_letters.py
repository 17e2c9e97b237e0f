"""How personas read our offers, write their numbers and decide: never below their floor."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealdesk.sandbox.gmail.letters import MoneyStyle, offered_amount, own_text, write_money
from dealdesk.sandbox.gmail.personas import Conversation, Kind, Outcome, Persona, _apply, decide


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("We can offer $1,500 for the package.", 1500),
        ("Our offer is 1500 USD.", 1500),
        ("How about USD 1,250?", 1250),
        ("We could do $1.5k all in.", 1500),
        ("We can offer $1,200 ($400 per story).", 1200),
        ("You asked for $2,000; we can do $1,500.", 1500),
        ("Your rate of $2,000 is above our budget.", None),
        ("Would love to work with you! What's your rate?", None),
        ("We can do $1,300.\n\nOn Mon, Dec 1, Maya wrote:\n> My rate is $5,000", 1300),
        ("> I'd want $5,000\nWe can do $1,300.", 1300),
    ],
)
def test_the_offer_is_the_largest_amount_in_our_own_words_not_pointing_at_theirs(text, amount):
    assert offered_amount(text) == (None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    ("style", "written"),
    [
        (MoneyStyle.DOLLARS, "$1,500"),
        (MoneyStyle.CODE, "1500 USD"),
        (MoneyStyle.THOUSANDS, "1.5k"),
    ],
)
def test_money_is_written_as_people_write_it(style, written):
    assert write_money(Decimal(1500), style) == written


@pytest.mark.parametrize(
    ("amount", "written"), [(10000, "10k"), (20000, "20k"), (12500, "12.5k"), (2000, "2k")]
)
def test_whole_tens_of_thousands_keep_their_zeros(amount, written):
    assert write_money(Decimal(amount), MoneyStyle.THOUSANDS) == written  # $10,000 is never "1k"


def test_thousands_fall_back_to_dollars_for_an_uneven_amount():
    assert write_money(Decimal(1550), MoneyStyle.THOUSANDS) == "$1,550"


def test_own_text_stops_at_the_quote_header():
    assert own_text("Yes!\n\nOn Tue, Jo wrote:\n> No") == "Yes!\n"


def test_a_persona_needs_its_reservation_at_or_below_its_opening_ask():
    with pytest.raises(ValueError, match="reservation"):
        Persona("x@x.example", reservation=Decimal(3000), opening=Decimal(2000))


NEGOTIATING = [Kind.ACCEPTS, Kind.COUNTERS, Kind.COUNTERS_TWICE, Kind.ABOVE_CAP]


@given(
    kind=st.sampled_from(NEGOTIATING),
    reservation=st.integers(500, 5000),
    spread=st.integers(0, 5000),
    offers=st.lists(st.integers(0, 12000), min_size=1, max_size=12),
)
def test_a_persona_never_asks_or_accepts_below_its_reservation_and_never_raises_its_ask(
    kind, reservation, spread, offers
):
    persona = Persona(
        "x@x.example", kind, reservation=Decimal(reservation), opening=Decimal(reservation + spread)
    )
    conv = Conversation(persona, "t", persona.opening)
    for offer in offers:
        if conv.outcome is not None:
            break
        move, amount = decide(persona, conv, Decimal(offer))
        _apply(conv, move, amount, counted=True)
        if move == "accept":
            assert amount >= persona.reservation
            assert amount == offer
        if move == "counter":
            assert persona.reservation <= amount <= persona.opening
            assert amount > offer
    assert conv.asks == sorted(conv.asks, reverse=True)
    if conv.outcome is Outcome.ACCEPTED:
        assert conv.agreed >= persona.reservation
