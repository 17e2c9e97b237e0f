"""The guard on every outgoing email: the writer's own output always passes it, and it stops a
wrong amount in any form, a missing decided amount, a placeholder or an internal figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealdesk.domain import (
    PLATFORM_DELIVERABLES,
    Deliverable,
    EmailPurpose,
    HumanTakeover,
    Negotiation,
    Platform,
    QuestionTopic,
    SendEmail,
    State,
    Stop,
    Terms,
    WrittenEmail,
    check_email,
    format_money,
    internal_figures,
    write_email,
)
from dealdesk.domain.money import CURRENCY_SYMBOLS
from dealdesk.domain.wording import render_html
from tests.domain.harness import (
    at_awaiting,
    make_campaign,
    make_influencer,
    make_negotiation,
)
from tests.domain.writer_cases import (
    NO_AMOUNT,
    PROPERTY,
    D,
    amounts_in,
    email,
    terms_of,
    written,
)

# -- the writer's output always passes the guard ---------------------------------------------


@st.composite
def cases(draw: st.DrawFn) -> tuple[Negotiation, SendEmail]:
    platform = draw(st.sampled_from(list(Platform)))
    kinds = draw(
        st.lists(
            st.sampled_from(PLATFORM_DELIVERABLES[platform]), min_size=1, max_size=3, unique=True
        )
    )
    deliverables = [{"kind": k, "quantity": draw(st.integers(1, 100))} for k in kinds]
    currency = draw(st.sampled_from(sorted(CURRENCY_SYMBOLS)))
    day = st.dates(date(2024, 1, 1), date(2030, 12, 31))
    start, end = sorted([draw(day), draw(day)])
    timeline = draw(
        st.sampled_from(
            [{}, {"starts_on": start}, {"ends_on": end}, {"starts_on": start, "ends_on": end}]
        )
    )
    campaign = make_campaign(
        client=draw(st.sampled_from(["Glow Co", "Salt & Pepper", "Studio 54", "[Client]"])),
        platform=platform,
        currency=currency,
        target_deliverables=deliverables,
        timeline=timeline,
        usage_rights={"duration_days": draw(st.integers(0, 3650)), "paid_ads": draw(st.booleans())},
        product_offer=draw(
            st.sampled_from([None, "A Glow Serum kit", "Serum kit (worth $120)", "TBD", "2 kits"])
        ),
    )
    name = draw(st.sampled_from(["Ana Lima", "@ana", "Jo 2000", "María José"]))
    n = make_negotiation(campaign, make_influencer(platform=platform, name=name))
    money = st.decimals(D("0.01"), D("9999999.99"), places=2)
    purpose = draw(st.sampled_from(list(EmailPurpose)))
    terms = None
    if purpose not in NO_AMOUNT or draw(st.booleans()):
        terms = Terms(
            amount=draw(money),
            currency=currency,
            deliverables=tuple(
                Deliverable(kind=k, quantity=draw(st.integers(1, 100))) for k in kinds
            ),
            usage_rights_days=draw(st.integers(0, 3650)),
            paid_ads=draw(st.booleans()),
            product_offer=campaign.product_offer,
        )
    effect = email(
        n,
        purpose,
        terms,
        their_ask=draw(st.none() | money),
        final_offer=draw(st.booleans()),
        answer_topics=tuple(draw(st.lists(st.sampled_from(list(QuestionTopic)), max_size=4))),
    )
    return n, effect


@PROPERTY
@given(cases())
def test_the_writers_own_output_always_passes_the_guard(
    case: tuple[Negotiation, SendEmail],
) -> None:
    n, effect = case
    result = write_email(n, effect)
    assert check_email(result, effect, n) == [], result.text
    decided = {a for a in (effect.their_ask, effect.terms and effect.terms.amount) if a}
    assert amounts_in(f"{result.subject}\n{result.text}") <= decided
    for mark in ("{{", "}}", "TODO", "TBD", "[", "<"):
        assert mark not in result.text


@PROPERTY
@given(cases(), st.decimals(D("0.01"), D("9999999.99"), places=2))
def test_the_guard_stops_any_amount_that_was_not_decided(
    case: tuple[Negotiation, SendEmail], other: Decimal
) -> None:
    n, effect = case
    decided = {a for a in (effect.their_ask, effect.terms and effect.terms.amount) if a}
    if other in decided:
        return
    result = write_email(n, effect)
    currency = effect.terms.currency if effect.terms else n.campaign.currency
    text = result.text + f"\nOr we could do {format_money(other, currency)}.\n"
    assert check_email(result.model_copy(update={"text": text}), effect, n)


def test_every_email_of_whole_conversations_passes_the_guard() -> None:
    scripts = [
        ["My rate is $2,000.", "Could you do 1,650?", "ok $1,540 works"],
        ["What are the usage rights?", "I'd do it for 1100"],
        ["This is too low. I need $1,900.", "$1,850 is my floor", "$1,850", "$1,850"],
        ["My rate is $9,000."],
        ["Not interested, thanks."],
        [],
    ]
    for script in scripts:
        driver = at_awaiting()
        for reply in script:
            if not driver.negotiation.is_terminal and driver.negotiation.state in {
                State.AWAITING_REPLY,
                State.COUNTER_SENT,
            }:
                driver.reply(reply)
        while driver.silence() is not None and driver.negotiation.reminder is not None:
            pass
        if not driver.negotiation.is_terminal:
            driver.send(HumanTakeover(by="jo"))
            driver.send(Stop(by="jo", reason="campaign cancelled"))
        emails = driver.emails()
        assert emails
        for effect in emails:
            written(driver.negotiation, effect)


# -- the guard catches what must never go out ------------------------------------------------


def guarded(text: str, **effect_fields: Any) -> list[str]:
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"), **effect_fields)
    body = f"Hi Ana,\n\nWe can offer $1,500 for the reel. {text}\n\nBest,\nThe team\n"
    return check_email(WrittenEmail(subject="Re: Paid collaboration", text=body), effect, n)


def test_the_guard_passes_the_decided_amount_in_any_form() -> None:
    assert guarded("") == []
    assert guarded("That is 1,500 USD all in.") == []
    assert guarded("That is 1.5k in total.") == []
    assert guarded("You asked for $2,000.", their_ask=D(2000)) == []


@pytest.mark.parametrize("wrong", ["$1,600", "1.6k", "1,600 USD", "$1,500.50", "US$1,499"])
def test_the_guard_catches_a_wrong_amount(wrong: str) -> None:
    problems = guarded(f"Or {wrong} if you prefer.")
    assert any("was not decided" in p for p in problems), problems


def test_the_guard_catches_a_missing_decided_amount() -> None:
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"))
    result = WrittenEmail(subject="Re: Paid collaboration", text="Hi Ana, we can do more.\n")
    assert any("is missing" in p for p in check_email(result, effect, n))


@pytest.mark.parametrize("mark", ["{{first_name}}", "Hi [Name]", "<influencer>", "TODO", "TBD"])
def test_the_guard_catches_a_placeholder(mark: str) -> None:
    assert any("placeholder" in p for p in guarded(mark))


def test_the_guard_catches_an_internal_figure_unless_it_is_the_decided_offer() -> None:
    n = make_negotiation()
    figures = internal_figures(n)
    assert figures[D(1725)] == "our cap"
    assert figures[D(25000)] == "the campaign's budget"
    assert any("reveals our cap" in p for p in guarded("Our cap is $1,725."))
    assert any("reveals the campaign's budget" in p for p in guarded("Budget: $25,000."))
    assert any("CPM" in p for p in guarded("We pay a $30 CPM."))
    at_cap = email(n, EmailPurpose.COUNTER, terms_of(n, "1725"), final_offer=True)
    text = "Hi Ana,\n\nOur final offer is $1,725.\n"
    assert check_email(WrittenEmail(subject="Re: x", text=text), at_cap, n) == []


def test_the_guard_catches_an_amount_in_a_holding_reply_or_the_html_part() -> None:
    n = make_negotiation()
    holding = WrittenEmail(subject="Re: x", text="Hi Ana, we can probably do $1,200.\n")
    assert any("decides none" in p for p in check_email(holding, None, n))
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"))
    result = WrittenEmail(subject="Re: x", text="Hi Ana, $1,500.\n", html="<p>Hi Ana, $1,600.</p>")
    assert any(p.startswith("HTML part:") for p in check_email(result, effect, n))


def test_an_html_part_that_is_the_text_rendered_is_judged_as_the_text() -> None:
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"))
    text = "Hi Ana,\n\nWe can offer $1,600 for:\n- 1 Instagram reel\n"
    plain = check_email(WrittenEmail(subject="Re: x", text=text), effect, n)
    rendered = WrittenEmail(subject="Re: x", text=text, html=render_html(text))
    assert plain  # $1,600 is not what the step decided
    assert check_email(rendered, effect, n) == plain  # each problem once, none of "HTML part"
    edited = WrittenEmail(subject="Re: x", text=text, html=render_html(text) + "<p>$1,700</p>")
    assert any(p.startswith("HTML part:") for p in check_email(edited, effect, n))


def test_the_guard_catches_an_empty_or_overlong_email() -> None:
    n = make_negotiation()
    effect = email(n, EmailPurpose.CLOSING)
    assert "the text is empty" in check_email(WrittenEmail(subject="Re: x", text=" "), effect, n)
    long = WrittenEmail(subject="Re: x", text="Thanks. " * 600)
    assert any("characters, over" in p for p in check_email(long, effect, n))
