"""The guard on a model's draft (issue 12's bars): a wrong amount in every form, a placeholder,
an internal figure, an outside commitment or the wrong deliverables never passes; the decided
amount passes in every form, and a wish for a future campaign is no promise."""

from __future__ import annotations

from typing import Any

import pytest

from dealdesk.domain import EmailPurpose, WrittenEmail, check_email
from dealdesk.domain.guard_words import spelled_amounts
from tests.domain.harness import make_negotiation
from tests.domain.writer_cases import email, terms_of


def draft(sentence: str, **effect_fields: Any) -> list[str]:
    """The guard's verdict on a counter of $1,500 for one reel whose text says ``sentence``."""
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500"), **effect_fields)
    body = f"Hi Ana,\n\nWe can offer $1,500 for 1 Instagram reel. {sentence}\n\nBest,\nThe team\n"
    return check_email(WrittenEmail(subject="Re: Paid collaboration", text=body), effect, n)


@pytest.mark.parametrize(
    "same",
    [
        "That is 1500 USD all in.",
        "That is 1.5k in total.",
        "That is fifteen hundred dollars in total.",
        "That is one thousand five hundred dollars.",
        "That is one and a half thousand dollars.",
    ],
)
def test_the_decided_amount_passes_in_every_form(same: str) -> None:
    assert draft(same) == []


@pytest.mark.parametrize(
    "wrong",
    [
        "$1,600",
        "1600 USD",
        "1.6k",
        "sixteen hundred dollars",
        "one thousand six hundred dollars",
        "two grand",
        "a fee of seventeen hundred",
    ],
)
def test_a_draft_with_another_amount_never_passes_in_any_form(wrong: str) -> None:
    problems = draft(f"Or {wrong} if you prefer.")
    assert any("was not decided" in p for p in problems), problems


def test_amounts_in_words_are_read_as_money_and_counts_are_not() -> None:
    assert spelled_amounts("fifteen hundred dollars") == [("fifteen hundred dollars", 1500)]
    assert spelled_amounts("two grand") == [("two grand", 2000)]
    assert spelled_amounts("three reels and two stories over twelve days") == []


def test_a_holding_reply_with_an_amount_in_words_never_passes() -> None:
    n = make_negotiation()
    holding = email(n, EmailPurpose.HOLDING, None)
    text = "Hi Ana,\n\nWe will come back to you about the twelve hundred dollars.\n"
    problems = check_email(WrittenEmail(subject="Re: x", text=text), holding, n)
    assert any("decides none" in p for p in problems), problems


@pytest.mark.parametrize("mark", ["{{fee}}", "}}", "TODO", "TBD", "[creator name]", "<NAME>"])
def test_a_draft_with_a_placeholder_never_passes(mark: str) -> None:
    assert any("placeholder" in p for p in draft(f"Thanks {mark}.")), mark


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("Our cap is $1,725.", "our cap"),
        ("Our budget is tight this time.", "internal figure"),
        ("The brand's maximum is higher.", "internal figure"),
        ("Other creators are getting paid less for this.", "internal figure"),
        ("We pay a $30 CPM.", "CPM"),
    ],
)
def test_a_draft_revealing_an_internal_figure_never_passes(sentence: str, why: str) -> None:
    problems = draft(sentence)
    assert any(why in p for p in problems), problems


@pytest.mark.parametrize(
    "promise",
    [
        "This includes exclusivity in your category for 6 months.",
        "We can also whitelist the reel for spark ads.",
        "The client may reuse the content in perpetuity.",
        "Usage rights: 12 months.",
        "We guarantee at least 50,000 views.",
        "We will book you for our next campaign too.",
        "We would like a long-term partnership with you.",
    ],
)
def test_a_draft_with_a_commitment_outside_the_brief_never_passes(promise: str) -> None:
    assert draft(promise) != [], promise


def test_wishing_to_work_together_again_is_no_promise() -> None:
    assert draft("We would love to work with you on a future campaign.") == []
    assert draft("Usage rights: 30 days, organic only (no paid ads).") == []


@pytest.mark.parametrize(
    "wrong", ["We can offer it for 2 Instagram reels.", "It also covers 3 Instagram stories."]
)
def test_a_draft_naming_other_deliverables_never_passes(wrong: str) -> None:
    problems = draft(wrong)
    assert any("deliverable" in p or "the terms say" in p for p in problems), problems


def test_the_decided_deliverables_pass() -> None:
    assert draft("Just to confirm: 1 Instagram reel, posted by you.") == []


def test_each_rejection_names_its_reason() -> None:
    problems = draft("We guarantee results. Our budget is $9,999. TODO")
    assert len(problems) >= 3
    assert any("guarantee" in p for p in problems)
    assert any("placeholder" in p for p in problems)
    assert any("internal figure" in p for p in problems)
