"""The templated writer and the guard on every outgoing email.

Each purpose's email says what it must, in words a creator wants to answer, and carries no amount
code did not decide; the guard (check_email) passes the writer's own output for any terms and
campaign, and stops a wrong amount in any form, a placeholder or an internal figure.
"""

from __future__ import annotations

import re

import pytest

from dealdesk.domain import (
    EmailPurpose,
    Intent,
    QuestionTopic,
    ReplyReading,
    State,
    Stop,
    check_email,
    find_amounts,
    outreach_subject,
    write_email,
)
from dealdesk.domain.writer import write_checked_email
from dealdesk.errors import InvalidInput
from tests.domain.harness import (
    EXITS_AT_2X,
    at_awaiting,
    at_counter_sent,
    make_campaign,
    make_influencer,
    make_negotiation,
)
from tests.domain.writer_cases import (
    NO_AMOUNT,
    D,
    amounts_in,
    email,
    rich_negotiation,
    terms_of,
    written,
)

# -- each purpose says what it must ----------------------------------------------------------


def test_outreach_introduces_us_the_client_the_brief_and_the_opening_offer_as_money() -> None:
    n = rich_negotiation()
    effect = email(n, EmailPurpose.OUTREACH, terms_of(n, "1000"))
    result = written(n, effect, sender_name="Jo Park", agency="Brightside Agency")
    text = result.text
    assert text.startswith("Hi Ana,\n")
    assert "We are Brightside Agency" in text
    assert "Lumen Skincare" in text
    assert "Instagram" in text
    assert "- 1 Instagram reel\n- 3 Instagram stories" in text
    assert "Usage rights: 90 days" in text
    assert "Paid ads: yes" in text
    assert "between December 1, 2026 and December 20, 2026" in text
    assert "A full-size Glow Serum kit" in text
    assert "a fee of $1,000 for all of the above" in text
    assert text.rstrip().endswith("Best,\nJo Park\nBrightside Agency")
    assert amounts_in(text) == {D(1000)}
    assert result.subject == "Paid collaboration: Lumen Skincare × Ana Lima"


def test_counter_acknowledges_their_ask_and_makes_the_new_offer() -> None:
    n = rich_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1290"), their_ask=D(2000))
    text = written(n, effect).text
    assert "your rate of $2,000" in text
    assert "we can offer $1,290" in text
    assert "- 3 Instagram stories" in text
    assert "final offer" not in text
    assert amounts_in(text) == {D(2000), D(1290)}


def test_counter_without_a_number_from_them_still_makes_the_offer() -> None:
    n = make_negotiation()
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1290"))
    text = written(n, effect).text
    assert "your rate" not in text
    assert "We can offer $1,290" in text
    assert amounts_in(text) == {D(1290)}


def test_final_counter_says_it_is_our_final_offer() -> None:
    n = make_negotiation()
    effect = email(
        n, EmailPurpose.COUNTER, terms_of(n, "1725"), their_ask=D(1900), final_offer=True
    )
    text = written(n, effect).text
    assert "final offer" in text
    assert "$1,725" in text


def test_counter_with_shorter_usage_rights_says_so() -> None:
    n = rich_negotiation(usage_rights={"duration_days": 90, "min_duration_days": 30})
    effect = email(n, EmailPurpose.COUNTER, terms_of(n, "1500", usage_rights_days=30))
    assert "organically for 30 days" in written(n, effect).text


def test_answer_answers_each_topic_from_the_campaign_and_restates_the_offer() -> None:
    n = rich_negotiation()
    topics = tuple(t for t in QuestionTopic)
    effect = email(n, EmailPurpose.ANSWER, terms_of(n, "1000"), answer_topics=topics)
    text = written(n, effect).text
    assert "On deliverables, the collaboration covers:\n- 1 Instagram reel" in text
    assert (
        "On usage rights: Lumen Skincare may reuse the content for 90 days, including in " in text
    )
    assert "Usage in the US only" in text
    assert "On timing: content goes live between December 1, 2026" in text
    assert "On the product: A full-size Glow Serum kit." in text
    assert "On payment: the fee is $1,000" in text
    assert "On the agreement:" in text
    assert "If we missed anything" in text
    assert "Our offer stands at $1,000" in text
    assert amounts_in(text) == {D(1000)}


def test_answer_without_topics_restates_the_whole_brief_and_the_offer() -> None:
    n = rich_negotiation()
    text = written(n, email(n, EmailPurpose.ANSWER, terms_of(n, "1000"))).text
    assert "Here is a recap" in text
    assert "- 3 Instagram stories" in text
    assert "Usage rights: 90 days" in text
    assert "Our offer stands at $1,000 for the package above." in text


def test_answer_on_a_campaign_without_dates_or_product_says_so_honestly() -> None:
    n = make_negotiation()
    topics = (QuestionTopic.DATES, QuestionTopic.PRODUCT)
    effect = email(n, EmailPurpose.ANSWER, terms_of(n, "1000"), answer_topics=topics)
    text = written(n, effect).text
    assert "no fixed dates yet" in text
    assert "without a product" in text


def test_follow_up_is_a_friendly_nudge_that_restates_the_offer() -> None:
    driver = at_awaiting()
    driver.silence()
    n = driver.negotiation
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.FOLLOW_UP
    text = written(n, effect).text
    assert "Just following up" in text
    assert "Our offer of $1,000" in text
    assert "No pressure" in text
    for pushy in ("final", "last chance", "urgent", "asap", "deadline", "expire"):
        assert pushy not in text.lower()
    driver.silence()
    last = written(driver.negotiation, driver.emails()[-1]).text
    assert "One last gentle nudge" in last
    assert "no worries" in last


@pytest.mark.parametrize("paid_ads", [True, False])
def test_confirmation_restates_amount_each_deliverable_usage_days_and_paid_ads(
    paid_ads: bool,
) -> None:
    n = rich_negotiation(usage_rights={"duration_days": 60, "paid_ads": paid_ads})
    effect = email(n, EmailPurpose.CONFIRMATION, terms_of(n, "1540.50"), their_ask=D("1540.50"))
    text = written(n, effect).text
    assert "Fee: $1,540.50 in total" in text
    assert "- 1 Instagram reel\n- 3 Instagram stories" in text
    assert "Usage rights: 60 days" in text
    assert ("Paid ads: yes" if paid_ads else "Paid ads: no") in text
    assert "Timeline: content goes live between December 1, 2026 and December 20, 2026" in text
    assert "Product: A full-size Glow Serum kit." in text
    assert "Next steps:" in text
    assert amounts_in(text) == {D("1540.50")}


def test_confirmation_at_the_end_of_a_real_conversation_carries_the_agreed_terms() -> None:
    driver = at_awaiting()
    driver.reply("My rate is $1,100, happy to go ahead at that.")
    assert driver.negotiation.state is State.AGREED
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.CONFIRMATION
    text = written(driver.negotiation, effect).text
    assert "Fee: $1,100 in total" in text
    assert amounts_in(text) == {D(1100)}


def test_exit_after_a_decline_thanks_them_leaves_the_door_open_and_names_no_amount() -> None:
    driver = at_awaiting()
    driver.reply("Thanks, but I'll pass on this one.")
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.EXIT
    text = written(driver.negotiation, effect).text
    assert "Thank you for letting us know" in text
    assert "door is always open" in text
    assert amounts_in(text) == set()


def test_exit_when_we_cannot_meet_them_names_only_our_best_and_their_ask() -> None:
    driver = at_awaiting(EXITS_AT_2X)
    driver.reply("My rate is $9,000.")
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.EXIT
    text = written(driver.negotiation, effect).text
    assert "your rate of $9,000" in text
    assert "the most we could offer was $1,000" in text
    assert "door is always open" in text
    assert amounts_in(text) == {D(9000), D(1000)}


def test_closing_after_a_stop_says_we_are_not_moving_forward_without_an_amount() -> None:
    driver = at_awaiting()
    driver.send(Stop(by="jo", reason="campaign cancelled"))
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.CLOSING
    text = written(driver.negotiation, effect).text
    assert "not be moving forward" in text
    assert "campaign cancelled" not in text  # the team's reason is internal
    assert amounts_in(text) == set()


def test_holding_reply_says_a_person_will_answer_shortly_and_carries_no_amount() -> None:
    driver = at_awaiting()
    driver.reply("Thanks! Could we do it for $900 if I add a TikTok video as well?")
    assert driver.negotiation.state is State.ESCALATED
    effect = driver.emails()[-1]
    assert effect.purpose is EmailPurpose.HOLDING
    assert effect.terms is None
    result = written(driver.negotiation, effect)
    assert "will get back to you shortly" in result.text
    assert amounts_in(result.text) == set()
    assert not re.search(r"\d", result.text)
    assert result.subject.startswith("Re: ")
    assert check_email(result, effect, driver.negotiation) == []


def test_every_email_purpose_has_wording() -> None:
    n = rich_negotiation()
    for purpose in EmailPurpose:
        terms = None if purpose in NO_AMOUNT else terms_of(n, "1000")
        assert written(n, email(n, purpose, terms)).text


def test_an_offer_email_without_terms_is_refused_not_guessed() -> None:
    n = make_negotiation()
    for purpose in (EmailPurpose.OUTREACH, EmailPurpose.COUNTER, EmailPurpose.CONFIRMATION):
        with pytest.raises(InvalidInput, match="needs the decided terms"):
            write_email(n, email(n, purpose))


# -- subjects, greetings, HTML, determinism ------------------------------------------------


def test_replies_are_re_the_first_subject() -> None:
    driver = at_counter_sent()
    n = driver.negotiation
    outreach, counter = driver.emails()[0], driver.emails()[-1]
    first = write_email(n, outreach).subject
    assert written(n, counter).subject == f"Re: {first}"
    given_subject = written(n, counter, first_subject="Glow launch × Ana").subject
    assert given_subject == "Re: Glow launch × Ana"
    assert written(n, counter, first_subject="Re: RE: Glow launch").subject == "Re: Glow launch"


def test_a_subject_that_would_carry_money_or_a_placeholder_is_not_used() -> None:
    n = make_negotiation(make_campaign(client="Studio 54"))
    assert not find_amounts(outreach_subject(n))
    counter = email(n, EmailPurpose.COUNTER, terms_of(n, "1290"))
    assert "{{" not in written(n, counter, first_subject="Hi {{name}}").subject


def test_the_greeting_uses_the_first_name_or_a_plain_hello() -> None:
    n = make_negotiation()
    effect = email(n, EmailPurpose.OUTREACH, terms_of(n, "1000"))
    assert written(n, effect).text.startswith("Hi Ana,\n")
    handle = make_negotiation(influencer=make_influencer(name="@ana.lima"))
    assert written(handle, effect).text.startswith("Hi there,\n")


def test_when_a_manager_writes_the_greeting_includes_their_team() -> None:
    driver = at_awaiting()
    reading = ReplyReading(intent=Intent.QUESTION, manager=True, confidence=D("0.9"))
    driver.reply("Talent Manager, Bright Talent Agency: what are the usage rights?", reading)
    text = written(driver.negotiation, driver.emails()[-1]).text
    assert text.startswith("Hi Ana and team,\n")


def test_html_alternative_is_escaped_paragraphs_and_lists() -> None:
    n = rich_negotiation(client="Salt & Pepper")
    result = written(n, email(n, EmailPurpose.OUTREACH, terms_of(n, "1000")))
    assert result.html is not None
    assert "Salt &amp; Pepper" in result.html
    assert "<p>Hi Ana,</p>" in result.html
    assert "<li>1 Instagram reel</li>\n<li>3 Instagram stories</li>" in result.html
    assert "$1,000" in result.html


def test_the_same_negotiation_and_effect_give_the_same_email() -> None:
    n = rich_negotiation()
    effect = email(n, EmailPurpose.ANSWER, terms_of(n, "1000"), answer_topics=tuple(QuestionTopic))
    assert write_email(n, effect) == write_email(n.model_copy(), effect.model_copy())


def test_outside_text_carrying_money_or_a_placeholder_is_not_quoted() -> None:
    n = rich_negotiation(product_offer="Glow Serum kit (worth $120)")
    text = written(n, email(n, EmailPurpose.OUTREACH, terms_of(n, "1000"))).text
    assert "Glow Serum kit." in text
    assert "$120" not in text
    n = rich_negotiation(product_offer="TBD", client="[Client name]")
    text = written(n, email(n, EmailPurpose.OUTREACH, terms_of(n, "1000"))).text
    assert "TBD" not in text
    assert "[" not in text
    assert "a product from our client" in text
    # "Paid collaboration ... Studio 54" reads 54 as money: the email says it in plainer words.
    n = make_negotiation(make_campaign(client="Studio 54"))
    text = written(n, email(n, EmailPurpose.FOLLOW_UP, terms_of(n, "1000"))).text
    assert "a paid collaboration with our client" in text
    assert text.startswith("Hi Ana,\n")


def test_the_checked_writer_answers_the_guards_verdict_on_the_words_it_chose() -> None:
    n = rich_negotiation()
    for purpose in EmailPurpose:
        terms = None if purpose in NO_AMOUNT else terms_of(n, "1000")
        effect = email(n, purpose, terms)
        written, problems = write_checked_email(n, effect)
        assert written == write_email(n, effect)
        assert problems == check_email(written, effect, n) == []
