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
    Negotiation,
    Pause,
    ReminderDue,
    ReminderKind,
    Resume,
    ScheduleReminder,
    SendEmail,
    SendFailed,
    State,
    Stop,
)
from dealdesk.errors import IllegalTransition
from tests.domain.harness import (
    EXITS_AT_2X,
    Driver,
    at_awaiting,
    at_counter_sent,
    at_escalated,
    at_human,
    at_new,
    at_outreach_sent,
    at_paused,
    at_stale,
)

D = Decimal


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
    for verdict, text in VERDICT_REPLIES.items():
        driver = at_awaiting(EXITS_AT_2X if verdict is EventType.POLICY_EXIT else None)
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
    driver.reply("Could you do $1,100?")
    assert driver.negotiation.state is State.PAUSED
    assert len(driver.negotiation.pending_replies) == 1
    assert not [e for e in driver.last.effects if isinstance(e, SendEmail)]
    driver.send(Resume(by="jo"))
    assert driver.negotiation.state is State.AGREED
    assert driver.negotiation.pending_replies == ()
    assert driver.negotiation.agreed is not None
    assert driver.negotiation.agreed.amount == D(1100)


def test_outreach_confirmed_while_paused_resumes_into_waiting() -> None:
    driver = at_outreach_sent()
    driver.send(Pause(by="jo"))
    driver.send(EmailSent(message_id=driver.emails()[0].message_id, purpose="outreach"))
    assert driver.negotiation.paused_from is State.AWAITING_REPLY
    driver.send(Resume(by="jo"))
    assert driver.negotiation.state is State.AWAITING_REPLY
