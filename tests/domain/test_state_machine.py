"""The state table, walked edge by edge through whole conversations driven by real events."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from dealdesk.domain import (
    TERMINAL_STATES,
    TRANSITIONS,
    EmailSent,
    EventType,
    HumanRelease,
    HumanTakeover,
    MarkDoNotContact,
    Negotiation,
    NotifyTeam,
    Pause,
    ReminderDue,
    ReminderKind,
    Resume,
    ScheduleReminder,
    SendEmail,
    SendFailed,
    State,
    Stop,
    TeamTopic,
)
from dealdesk.errors import IllegalTransition
from tests.domain.harness import Driver, make_campaign, make_negotiation

D = Decimal


# --- ways to reach each resting state through events production really sends ---------------
def at_new() -> Driver:
    return Driver(make_negotiation())


def at_outreach_sent() -> Driver:
    driver = Driver(make_negotiation(), confirm=False)
    driver.start()
    return driver


def at_awaiting() -> Driver:
    driver = at_new()
    driver.start()
    return driver


def at_counter_sent() -> Driver:
    driver = at_awaiting()
    driver.reply("My rate is $2,000.")
    return driver


def at_stale() -> Driver:
    driver = at_awaiting()
    while driver.negotiation.state is not State.STALE:
        assert driver.silence() is not None
    return driver


def at_escalated() -> Driver:
    driver = at_awaiting()
    driver.reply("This offer is insulting. My rate is $2,000.")
    assert driver.negotiation.state is State.ESCALATED
    return driver


def at_human() -> Driver:
    driver = at_awaiting()
    driver.send(HumanTakeover(by="jo"))
    return driver


def at_paused() -> Driver:
    driver = at_awaiting()
    driver.send(Pause(by="jo"))
    return driver


REACH: dict[State, Callable[[], Driver]] = {
    State.NEW: at_new,
    State.OUTREACH_SENT: at_outreach_sent,
    State.AWAITING_REPLY: at_awaiting,
    State.COUNTER_SENT: at_counter_sent,
    State.STALE: at_stale,
    State.ESCALATED: at_escalated,
    State.HUMAN_TAKEOVER: at_human,
    State.PAUSED: at_paused,
}


def fire(driver: Driver, event_type: EventType) -> None:
    """Send ``event_type`` as the runtime would in the driver's current state."""
    n = driver.negotiation
    last_email = driver.emails()[-1] if driver.emails() else None
    message_id = last_email.message_id if last_email else "<x@dealdesk.invalid>"
    match event_type:
        case EventType.OUTREACH_REQUESTED:
            driver.start()
        case EventType.EMAIL_SENT:
            driver.send(EmailSent(message_id=message_id, purpose="outreach"))
        case EventType.SEND_FAILED:
            driver.send(
                SendFailed(message_id=message_id, purpose="counter", error="550 no such user")
            )
        case EventType.REPLY_RECEIVED:
            driver.reply("Could you do $1,200?")
        case EventType.FOLLOW_UP_DUE | EventType.STALE_DUE:
            kind = (
                ReminderKind.FOLLOW_UP
                if event_type is EventType.FOLLOW_UP_DUE
                else ReminderKind.STALE
            )
            pending = n.reminder
            if pending is not None and pending.kind is kind:
                driver.silence()
            else:
                # Take the edge for real: reach the reminder of that kind by letting time pass.
                while (p := driver.negotiation.reminder) is not None and p.kind is not kind:
                    driver.silence()
                if driver.negotiation.reminder is not None:
                    driver.silence()
                else:
                    rid = f"{n.id}:{kind.value}:late"
                    driver.send(ReminderDue(reminder_id=rid, kind=kind))
        case EventType.HUMAN_TAKEOVER:
            driver.send(HumanTakeover(by="jo"))
        case EventType.HUMAN_RELEASE:
            driver.send(HumanRelease(by="jo", approved_cap=D(2000)))
        case EventType.PAUSE:
            driver.send(Pause(by="jo"))
        case EventType.RESUME:
            driver.send(Resume(by="jo"))
        case EventType.STOP:
            driver.send(Stop(by="jo", reason="client cancelled"))
        case _:
            raise AssertionError(event_type)


VERDICT_REPLIES = {
    EventType.POLICY_ACCEPT: "Sounds great, I'm in!",
    EventType.POLICY_COUNTER: "My rate is $2,000.",
    EventType.POLICY_ANSWER: "How long would the usage rights last?",
    EventType.POLICY_WAIT: "I'm out of the office until March 20 with limited access to email.",
    EventType.POLICY_ESCALATE: "My lawyer will review this. My rate is $2,000.",
    EventType.POLICY_EXIT: "My rate is $9,000.",
    EventType.POLICY_THEY_DECLINED: "Thanks but I'm not interested.",
    EventType.POLICY_UNSUBSCRIBE: "Please remove me from your list.",
}


def exercised_edges() -> set[tuple[State, EventType, State]]:
    edges: set[tuple[State, EventType, State]] = set()
    for state, event_type in TRANSITIONS:
        if state is State.REPLY_RECEIVED:
            continue
        driver = REACH[state]()
        assert driver.negotiation.state is state
        fire(driver, event_type)
        for decision in driver.decisions:
            edges.update(decision.edges)
    for text in VERDICT_REPLIES.values():
        driver = at_awaiting()
        driver.reply(text)
        for decision in driver.decisions:
            edges.update(decision.edges)
    return edges


def test_every_edge_of_the_table_is_taken_by_some_whole_conversation() -> None:
    table = {(s, e, t) for (s, e), t in TRANSITIONS.items() if isinstance(t, State)}
    restores = {(s, e) for (s, e), t in TRANSITIONS.items() if not isinstance(t, State)}
    taken = exercised_edges()
    assert table - taken == set()
    assert restores <= {(s, e) for s, e, _ in taken}
    # No decision ever took an edge the table does not have.
    for s, e, t in taken:
        assert (s, e) in TRANSITIONS
        assert TRANSITIONS[(s, e)] in {t, "paused_from"}


def test_terminal_states_have_no_outgoing_edges() -> None:
    assert not [key for key in TRANSITIONS if key[0] in TERMINAL_STATES]


def test_every_non_terminal_state_has_a_way_out() -> None:
    for state in set(State) - TERMINAL_STATES:
        exits = {t for (s, _), t in TRANSITIONS.items() if s is state and t != state}
        assert exits, state


def test_a_reply_is_legal_in_every_waiting_state() -> None:
    for state in (State.AWAITING_REPLY, State.COUNTER_SENT, State.STALE):
        assert TRANSITIONS[(state, EventType.REPLY_RECEIVED)] is State.REPLY_RECEIVED


def test_illegal_transition_raises_and_changes_nothing() -> None:
    driver = at_awaiting()
    driver.reply("Sounds great, I'm in!")
    before = driver.negotiation
    snapshot = before.model_dump_json()
    with pytest.raises(IllegalTransition) as caught:
        driver.reply("One more thing: my rate is $900.")
    assert caught.value.state == "agreed"
    assert driver.negotiation is before
    assert driver.negotiation.model_dump_json() == snapshot


def test_negotiation_round_trips_through_json_exactly_at_every_step() -> None:
    driver = at_counter_sent()
    driver.send(Pause(by="jo"))
    driver.reply("Could you do $1,400?")
    for decision in driver.decisions:
        n = decision.negotiation
        again = Negotiation.model_validate_json(n.model_dump_json())
        assert again == n
        assert again.model_dump_json() == n.model_dump_json()
    assert '"schema_version":1' in driver.negotiation.model_dump_json()


def test_paused_from_survives_persistence_and_resume_returns_there() -> None:
    driver = at_counter_sent()
    driver.send(Pause(by="jo"))
    stored = Negotiation.model_validate_json(driver.negotiation.model_dump_json())
    assert stored.paused_from is State.COUNTER_SENT
    driver.negotiation = stored
    driver.send(Resume(by="jo"))
    assert driver.negotiation.state is State.COUNTER_SENT
    assert any(isinstance(e, ScheduleReminder) for e in driver.last.effects)


def test_a_reply_while_paused_is_queued_and_answered_on_resume() -> None:
    driver = at_awaiting()
    driver.send(Pause(by="jo"))
    driver.reply("Could you do $1,200?")
    assert driver.negotiation.state is State.PAUSED
    assert len(driver.negotiation.pending_replies) == 1
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]
    driver.send(Resume(by="jo"))
    assert driver.negotiation.state is State.AGREED
    assert driver.negotiation.pending_replies == ()
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == D(1200)


def test_outreach_confirmed_while_paused_resumes_into_waiting() -> None:
    driver = at_outreach_sent()
    driver.send(Pause(by="jo"))
    driver.send(EmailSent(message_id=driver.emails()[0].message_id, purpose="outreach"))
    assert driver.negotiation.paused_from is State.AWAITING_REPLY
    driver.send(Resume(by="jo"))
    assert driver.negotiation.state is State.AWAITING_REPLY


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
    driver.send(HumanRelease(by="jo"))
    assert driver.negotiation.state is State.AWAITING_REPLY
    assert driver.negotiation.reminder is not None


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
    assert follow_up.terms.amount == D(1290)


def test_a_late_reply_revives_a_stale_thread() -> None:
    driver = at_stale()
    driver.reply("Sorry for the delay! $1,200 works.")
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
    assert team.our_offer == D(1290)
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
    driver.reply("Could you do $1,500?")
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
    assert email_amount_problems("You asked $2,000; we can do $1,290.", counter) == ()
    assert email_amount_problems("We can do 1,800 USD.", counter) != ()
    assert "missing" in email_amount_problems("Thanks for the reply!", counter)[0]


def test_accepting_without_a_number_agrees_at_our_last_offer_never_zero() -> None:
    driver = at_counter_sent()
    driver.reply("Sounds great, I'm in!")
    assert driver.negotiation.state is State.AGREED
    confirmation = driver.emails()[-1]
    assert confirmation.purpose == "confirmation"
    assert confirmation.terms is not None
    assert confirmation.terms.amount == D(1290)
    team = next(e for e in driver.last.effects if isinstance(e, NotifyTeam))
    assert team.terms is not None
    assert team.terms.amount == D(1290)


def test_a_human_can_correct_the_reading_of_an_escalated_reply() -> None:
    from dealdesk.domain import Intent, ReplyReading

    driver = at_awaiting()
    driver.reply("hmm ok")
    assert driver.negotiation.state is State.ESCALATED
    driver.send(HumanRelease(by="jo", corrected_reading=ReplyReading(intent=Intent.ACCEPT)))
    assert driver.negotiation.state is State.AGREED
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == D(1000)
