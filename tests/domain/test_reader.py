"""The rule-based reader against a corpus of realistic replies, and the money parser's formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dealdesk.domain.amounts import AmountBasis, FoundAmount, find_amounts, parse_money
from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.quoting import html_to_text, own_words
from dealdesk.domain.reader import read_reply
from dealdesk.domain.reading import Intent, QuestionTopic
from tests.domain.reply_corpus import CORPUS, OUR_QUOTE, Case

TODAY = date(2025, 3, 5)


def notation(found: FoundAmount) -> str:
    """The corpus's compact notation for one amount (see reply_corpus's docstring)."""
    text = ("!" if found.refers_to_offer else "") + f"{found.amount.normalize():f}"
    if found.upper is not None:
        text += f"-{found.upper.normalize():f}"
    if found.basis is not AmountBasis.UNSPECIFIED:
        text += f" {found.basis.value}"
        if found.deliverable is not None:
            text += f" {found.deliverable.value}"
        if found.basis is AmountBasis.LINE and (found.quantity or 1) > 1:
            text += f" x{found.quantity}"
    return text


def read(case: Case):
    return read_reply(case.text, platform=Platform(case.platform), today=TODAY)


def test_corpus_has_at_least_sixty_replies_covering_every_intent() -> None:
    assert len(CORPUS) >= 60
    assert {c.intent for c in CORPUS} == {i.value for i in Intent}
    assert len({c.name for c in CORPUS}) == len(CORPUS)


def test_reader_gets_the_intent_right_on_at_least_95_percent_of_the_corpus() -> None:
    wrong = [(c.name, read(c).intent.value, c.intent) for c in CORPUS if read(c).intent != c.intent]
    accuracy = 1 - len(wrong) / len(CORPUS)
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.name)
def test_reader_finds_every_amount_exactly(case: Case) -> None:
    assert tuple(notation(a) for a in read(case).amounts) == case.amounts


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.name)
def test_reader_flags_managers_hostility_legal_language_and_future_interest(case: Case) -> None:
    reading = read(case)
    assert (reading.manager, reading.hostile, reading.legal, reading.future_interest) == (
        case.manager,
        case.hostile,
        case.legal,
        case.future_interest,
    )


def test_our_offer_quoted_below_a_reply_is_never_their_ask() -> None:
    reading = read_reply("Sounds good, let's do it!" + OUR_QUOTE)
    assert reading.amounts == ()
    assert "$1,000" not in reading.text


def test_counter_quoting_our_email_reads_only_their_number() -> None:
    reading = read_reply("I'd need $1,650 for this one." + OUR_QUOTE)
    assert [a.amount for a in reading.asks] == [Decimal("1650.00")]


def test_out_of_office_return_date_is_read_relative_to_today() -> None:
    reading = read_reply(
        "I'm out of the office until March 17 with limited access to email.", today=TODAY
    )
    assert reading.intent is Intent.OUT_OF_OFFICE
    assert reading.out_of_office_until == date(2025, 3, 17)


def test_question_topics_are_named() -> None:
    reading = read_reply("How long are the usage rights? And when do you pay, net 30?")
    assert reading.intent is Intent.QUESTION
    assert QuestionTopic.USAGE_RIGHTS in reading.questions
    assert QuestionTopic.PAYMENT in reading.questions


def test_low_signal_replies_carry_low_confidence() -> None:
    assert read_reply("hmm").confidence < Decimal("0.6")
    assert read_reply("").intent is Intent.UNCLEAR


def test_deliverables_mentioned_are_read_with_quantities() -> None:
    reading = read_reply(
        "I can do 2 reels and 3 stories for $2,500 total.", platform=Platform.INSTAGRAM
    )
    kinds = {(m.kind, m.quantity) for m in reading.deliverables}
    assert kinds == {(DeliverableType.INSTAGRAM_REEL, 2), (DeliverableType.INSTAGRAM_STORY, 3)}


def test_a_verb_post_is_not_a_deliverable() -> None:
    reading = read_reply("Sounds good, I'll post the reel on Monday.", platform=Platform.INSTAGRAM)
    assert {m.kind for m in reading.deliverables} == {DeliverableType.INSTAGRAM_REEL}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,500", "1500"),
        ("for 1500", "1500"),
        ("1,500.00", "1500"),
        ("$1.5k", "1500"),
        ("2k", "2000"),
        ("1500 USD", "1500"),
        ("USD 1,500", "1500"),
        ("$1,200 per reel", "1200"),
        ("€900", "900"),
        ("2 grand", "2000"),
        ("AU$1,500", "1500"),
        ("1500€", "1500"),
        ("€1.500", "1500"),
        ("1,2k", "1200"),
        ("£1.2K", "1200"),
        ("1,350 + GST", "1350"),
    ],
)
def test_money_parser_reads_amounts_as_emails_write_them(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


def test_money_parser_reads_ranges_with_both_ends() -> None:
    (found,) = find_amounts("$1,200-1,500")
    assert (found.amount, found.upper) == (Decimal(1200), Decimal(1500))
    (found,) = find_amounts("1.2-1.5k")
    assert (found.amount, found.upper) == (Decimal(1200), Decimal(1500))


def test_money_parser_reports_positions_and_attachments_of_several_amounts() -> None:
    text = "2 reels for $2,000 and $400 per story, or $2,500 all in"
    found = find_amounts(text, platform=Platform.INSTAGRAM)
    assert [text[a.start : a.end] for a in found] == ["$2,000", "$400", "$2,500"]
    assert [a.basis for a in found] == [AmountBasis.LINE, AmountBasis.PER_ITEM, AmountBasis.TOTAL]
    assert found[0].quantity == 2
    assert found[1].deliverable is DeliverableType.INSTAGRAM_STORY


@pytest.mark.parametrize(
    "text",
    [
        "I get 50,000 views per reel",
        "I'll post 3 reels",
        "back in 2023",
        "give me 30 days",
        "my engagement is 6%",
        "call me at 3:30",
        "a 60-90 second integration",
        "call me on +44 7700 900123",
        "ring 555-201-3344",
        "OOO until 12/08",
        "back on 2025-12-08",
        "my audience is 45K",
        "IG: 120k",
        "120k followers",
        "we pay net 30",
        "I'll be back December 8",
    ],
)
def test_numbers_that_count_other_things_are_not_money(text: str) -> None:
    assert find_amounts(text) == ()


def test_a_bare_dollar_sign_is_the_negotiations_own_dollar() -> None:
    (found,) = find_amounts("$1,500", currency="AUD")
    assert found.currency == "AUD"
    (found,) = find_amounts("US$1,500", currency="AUD")
    assert found.currency == "USD"


def test_from_our_number_to_theirs_is_two_amounts_not_a_range() -> None:
    ours, theirs = find_amounts("could you bump it from $1,000 to $1,300?")
    assert (ours.amount, ours.refers_to_offer) == (Decimal(1000), True)
    assert (theirs.amount, theirs.refers_to_offer) == (Decimal(1300), False)
    (found,) = find_amounts("anywhere from $1,200 to $1,500")
    assert (found.amount, found.upper) == (Decimal(1200), Decimal(1500))


def test_html_quote_blocks_are_dropped_and_entities_decoded() -> None:
    html = "<div>I&#39;m in &amp; ready</div><blockquote>$1,000</blockquote>"
    assert html_to_text(html) == "I'm in & ready"


def test_forward_with_nothing_above_reads_the_forwarded_body() -> None:
    body, forwarded = own_words(
        "---------- Forwarded message ---------\nFrom: Ana\nDate: Mon\n\nMy rate is $2,000."
    )
    assert forwarded
    assert body == "My rate is $2,000."
