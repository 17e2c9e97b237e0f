"""Whole conversations through the negotiation table: escalations, takeovers, silence, stops,
and what each email and notification says, driven by the events production sends."""

from __future__ import annotations

from decimal import Decimal

from dealdesk.domain import (
    HumanRelease,
    HumanTakeover,
    MarkDoNotContact,
    NotifyTeam,
    ReminderDue,
    SendEmail,
    SendFailed,
    State,
    Stop,
    TeamTopic,
)
from tests.domain.harness import (
    Driver,
    at_awaiting,
    at_counter_sent,
    at_escalated,
    at_new,
    at_outreach_sent,
    at_stale,
    make_campaign,
    make_negotiation,
)

D = Decimal


def test_escalated_thread_handed_back_with_approval_is_agreed_at_their_ask() -> None:
    driver = at_awaiting()
    for ask in ("$2,000", "$1,900", "$1,850", "$1,850"):
        driver.reply(f"I need {ask}.")
    assert driver.negotiation.state is State.ESCALATED
    driver.send(HumanRelease(by="jo", approved_cap=D(1850)))
    assert driver.negotiation.state is State.AGREED
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == D(1850)


def test_escalated_thread_handed_back_without_approval_exits_with_the_final_offer() -> None:
    driver = at_awaiting()
    for ask in ("$2,000", "$1,900", "$1,850", "$1,850"):
        driver.reply(f"I need {ask}.")
    driver.send(HumanRelease(by="jo"))
    assert driver.negotiation.state is State.DECLINED
    exit_email = driver.emails()[-1]
    assert exit_email.purpose == "exit"
    assert exit_email.terms is not None
    assert exit_email.terms.amount == D(1725)


def test_hostile_reply_cleared_by_a_human_is_negotiated_normally() -> None:
    driver = at_escalated()
    driver.send(HumanRelease(by="jo", note="they were joking"))
    assert driver.negotiation.state is State.COUNTER_SENT


def test_human_takeover_silences_the_agent_until_release() -> None:
    driver = at_awaiting()
    driver.send(HumanTakeover(by="jo"))
    assert driver.negotiation.reminder is None
    driver.reply("My rate is $1,100.")
    assert driver.negotiation.state is State.HUMAN_TAKEOVER
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]
    assert any(
        isinstance(e, NotifyTeam) and e.topic is TeamTopic.REPLY_WHILE_HELD
        for e in driver.last.effects
    )
    # Released, the agent first reads what they wrote meanwhile (issue 13), and answers it.
    driver.send(HumanRelease(by="jo"))
    assert driver.negotiation.state is State.AGREED  # $1,100 is within our next offer
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == Decimal(1100)
    [confirmation] = [e for e in driver.last.effects if isinstance(e, SendEmail)]
    assert confirmation.purpose == "confirmation"


def test_a_thread_released_with_nothing_new_from_them_waits_for_their_reply() -> None:
    driver = at_awaiting()
    driver.send(HumanTakeover(by="jo"))
    driver.send(HumanRelease(by="jo"))
    assert driver.negotiation.state is State.AWAITING_REPLY
    assert driver.negotiation.reminder is not None
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]


def test_silence_brings_follow_ups_then_stale_with_the_team_told() -> None:
    driver = at_awaiting()
    kinds = []
    while driver.negotiation.state is not State.STALE:
        decision = driver.silence()
        assert decision is not None
        kinds.extend(e.purpose for e in decision.effects if isinstance(e, SendEmail))
    assert kinds == ["follow_up", "follow_up"]
    assert any(
        isinstance(e, NotifyTeam) and e.topic is TeamTopic.STALE for e in driver.last.effects
    )
    assert driver.silence() is None  # nothing more is scheduled


def test_follow_ups_restate_our_current_offer() -> None:
    driver = at_counter_sent()
    driver.silence()
    follow_up = driver.emails()[-1]
    assert follow_up.purpose == "follow_up"
    assert follow_up.terms is not None
    assert follow_up.terms.amount == D(1105)


def test_a_late_reply_revives_a_stale_thread() -> None:
    driver = at_stale()
    driver.reply("Sorry for the delay! $1,100 works.")
    assert driver.negotiation.state is State.AGREED


def test_superseded_reminder_is_a_no_op() -> None:
    driver = at_awaiting()
    old = driver.negotiation.reminder
    assert old is not None
    driver.reply("What dates would this go live?")
    before = driver.negotiation
    decision = driver.send(ReminderDue(reminder_id=old.reminder_id, kind=old.kind))
    assert decision.effects == ()
    assert decision.edges == ()
    assert decision.new_state is before.state


def test_out_of_office_moves_the_reminder_past_their_return() -> None:
    driver = at_awaiting()
    driver.reply("I'm out of the office until March 20 with limited access to email.")
    assert driver.negotiation.state is State.AWAITING_REPLY
    reminder = driver.negotiation.reminder
    assert reminder is not None
    assert reminder.due_at.date().isoformat() == "2025-03-21"
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]


def test_unsubscribe_marks_do_not_contact_and_sends_nothing_more() -> None:
    driver = at_counter_sent()
    driver.reply("Please stop emailing me.")
    assert driver.negotiation.state is State.STOPPED
    effects = driver.last.effects
    assert any(isinstance(e, MarkDoNotContact) for e in effects)
    assert not [e for e in effects if isinstance(e, SendEmail)]
    assert any(isinstance(e, NotifyTeam) and e.topic is TeamTopic.UNSUBSCRIBED for e in effects)


def test_decline_is_thanked_and_the_team_told_with_our_last_offer() -> None:
    driver = at_counter_sent()
    driver.reply("I'll pass, thanks. Keep me in mind for future campaigns!")
    assert driver.negotiation.state is State.DECLINED
    effects = driver.last.effects
    assert [e.purpose for e in effects if isinstance(e, SendEmail)] == ["exit"]
    team = next(e for e in effects if isinstance(e, NotifyTeam))
    assert team.topic is TeamTopic.DECLINED
    assert team.our_offer == D(1105)
    assert "future" in team.summary


def test_stop_tells_the_influencer_and_the_team() -> None:
    driver = at_counter_sent()
    driver.send(Stop(by="jo", reason="client paused the launch"))
    assert driver.negotiation.state is State.STOPPED
    assert [e.purpose for e in driver.last.effects if isinstance(e, SendEmail)] == ["closing"]
    assert any(
        isinstance(e, NotifyTeam) and e.topic is TeamTopic.STOPPED for e in driver.last.effects
    )


def test_stop_before_any_email_sends_none() -> None:
    driver = at_new()
    driver.send(Stop(by="jo", reason="duplicate"))
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]


def test_failed_send_fails_the_negotiation_and_tells_the_team() -> None:
    driver = at_outreach_sent()
    driver.send(
        SendFailed(message_id=driver.emails()[0].message_id, purpose="outreach", error="bounced")
    )
    assert driver.negotiation.state is State.FAILED
    assert any(
        isinstance(e, NotifyTeam) and e.topic is TeamTopic.FAILED for e in driver.last.effects
    )


def test_ask_above_approval_limit_escalates_at_once() -> None:
    campaign = make_campaign(max_per_influencer_without_approval="1200")
    driver = Driver(make_negotiation(campaign=campaign))
    driver.start()
    assert driver.negotiation.plan.cap == D(1200)
    driver.reply("My rate is $1,500.")
    assert driver.negotiation.state is State.ESCALATED
    assert "limit" in driver.last.reason


def test_questions_are_answered_with_the_current_offer_then_escalated() -> None:
    driver = at_awaiting()
    driver.reply("How long are the usage rights?")
    answer = driver.emails()[-1]
    assert answer.purpose == "answer"
    assert answer.terms is not None
    assert answer.terms.amount == D(1000)
    assert answer.answer_topics == ("usage_rights",)
    driver.reply("When would it go live?")
    driver.reply("Do you pay upfront?")
    assert driver.negotiation.state is State.ESCALATED


def test_usage_rights_are_traded_from_the_configured_round() -> None:
    campaign = make_campaign(usage_rights={"duration_days": 90, "min_duration_days": 30})
    driver = Driver(make_negotiation(campaign=campaign))
    driver.start()
    driver.reply("My rate is $2,000.")
    driver.reply("Still $2,000.")
    days = [
        e.terms.usage_rights_days for e in driver.emails() if e.terms and e.purpose != "follow_up"
    ]
    assert days == [90, 90, 30]


def test_smaller_package_is_accepted_when_the_campaign_trades_deliverables() -> None:
    campaign = make_campaign(
        target_deliverables=[
            {"kind": "instagram_reel"},
            {"kind": "instagram_story", "quantity": 2},
        ],
        allow_deliverable_trade=True,
    )
    driver = Driver(make_negotiation(campaign=campaign))
    driver.start()
    driver.reply("I can only do the reel, for $1,100.")
    assert driver.negotiation.state is State.AGREED
    agreed = driver.negotiation.agreed
    assert agreed is not None
    assert [d.kind.value for d in agreed.deliverables] == ["instagram_reel"]


def test_smaller_package_escalates_when_the_campaign_does_not_trade() -> None:
    campaign = make_campaign(
        target_deliverables=[{"kind": "instagram_reel"}, {"kind": "instagram_story", "quantity": 2}]
    )
    driver = Driver(make_negotiation(campaign=campaign))
    driver.start()
    driver.reply("I can only do the reel, for $1,100.")
    assert driver.negotiation.state is State.ESCALATED


def test_deliverables_outside_the_brief_escalate() -> None:
    driver = at_awaiting()
    driver.reply("I'd do it for $1,200 if I can post it as a TikTok video instead.")
    assert driver.negotiation.state is State.ESCALATED
    assert "outside the brief" in driver.last.reason


def test_every_decision_has_a_reason_and_the_history_holds_the_thread() -> None:
    driver = at_counter_sent()
    driver.reply("Could you do $1,200?")
    assert all(d.reason.strip() for d in driver.decisions)
    kinds = [h.kind.value for h in driver.negotiation.history]
    assert kinds.count("reply") == 2
    assert "email_queued" in kinds
    assert "email_sent" in kinds
    assert driver.negotiation.history[-1].terms is not None


def test_each_email_gets_a_distinct_deterministic_message_id() -> None:
    first, second = at_counter_sent(), at_counter_sent()
    ids = [e.message_id for e in first.emails()]
    assert ids == [e.message_id for e in second.emails()]
    assert len(set(ids)) == len(ids)


def test_talent_manager_is_noted_to_the_team_once() -> None:
    driver = at_awaiting()
    driver.reply("I'm Sam, Ana's talent manager. Her rate is $2,000.")
    driver.reply("Sam again - as her manager, we could do $1,800.")
    notes = [
        e
        for e in driver.effects()
        if isinstance(e, NotifyTeam) and e.topic is TeamTopic.TALENT_MANAGER
    ]
    assert len(notes) == 1


def test_outgoing_email_amounts_are_compared_as_money() -> None:
    from dealdesk.domain import email_amount_problems

    driver = at_counter_sent()
    outreach, counter = driver.emails()[0], driver.emails()[1]
    assert email_amount_problems("We'd love to offer $1,000 for one reel.", outreach) == ()
    assert email_amount_problems("We can offer 1,000.00 USD.", outreach) == ()
    assert email_amount_problems("You asked $2,000; we can do $1,105.", counter) == ()
    assert email_amount_problems("We can do 1,800 USD.", counter) != ()
    assert "missing" in email_amount_problems("Thanks for the reply!", counter)[0]


def test_accepting_without_a_number_agrees_at_our_last_offer_never_zero() -> None:
    driver = at_counter_sent()
    driver.reply("Sounds great, I'm in!")
    assert driver.negotiation.state is State.AGREED
    confirmation = driver.emails()[-1]
    assert confirmation.purpose == "confirmation"
    assert confirmation.terms is not None
    assert confirmation.terms.amount == D(1105)
    team = next(e for e in driver.last.effects if isinstance(e, NotifyTeam))
    assert team.terms is not None
    assert team.terms.amount == D(1105)


def test_a_human_can_correct_the_reading_of_an_escalated_reply() -> None:
    from dealdesk.domain import Intent, ReplyReading

    driver = at_awaiting()
    driver.reply("hmm ok")
    assert driver.negotiation.state is State.ESCALATED
    driver.send(HumanRelease(by="jo", corrected_reading=ReplyReading(intent=Intent.ACCEPT)))
    assert driver.negotiation.state is State.AGREED
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == D(1000)
