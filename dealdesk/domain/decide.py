"""``decide(negotiation, event, now) -> Decision``: the whole negotiation as one pure function.

Each call looks its edge up in ``TRANSITIONS`` (an illegal one raises ``IllegalTransition`` and
nothing changes), builds the next ``Negotiation`` value, and lists the effects the actor must
carry out after committing it. A reply (or a human's hand-back of an escalated reply) goes to
``reply_received`` and leaves it in the same call by the policy's verdict edge
(``reply_policy``). Every decision carries a non-empty reason.

Two events can be no-ops that take no edge: a reminder that is no longer the pending one (it was
cancelled or replaced, and the cancel raced the timer), and a timer in a state that ignores
timers. Their decision says so and changes nothing but ``updated_at``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from dealdesk.domain.conversation import Draft, opening_terms
from dealdesk.domain.effects import Effect, MarkDoNotContact, TeamTopic
from dealdesk.domain.events import (
    EmailPurpose,
    EmailSent,
    Event,
    EventType,
    HumanRelease,
    HumanTakeover,
    OutreachRequested,
    Pause,
    ReminderDue,
    ReplyReceived,
    Resume,
    SendFailed,
    Stop,
)
from dealdesk.domain.machine import Restore, target_of
from dealdesk.domain.money import format_money
from dealdesk.domain.negotiation import HistoryEntry, HistoryKind, Negotiation, State
from dealdesk.domain.reading import Intent
from dealdesk.domain.reply_policy import judge_reply
from dealdesk.errors import IllegalTransition, InvalidInput

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["Decision", "Edge", "decide"]

Edge = tuple[State, EventType, State]
_TIMER_STATES = frozenset({State.AWAITING_REPLY, State.COUNTER_SENT})
_REPLYABLE = frozenset({State.OUTREACH_SENT, State.AWAITING_REPLY, State.COUNTER_SENT, State.STALE})


class Decision(BaseModel):
    """The next state, the effects to carry out in order, why, and the next negotiation value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    new_state: State
    effects: tuple[Effect, ...]
    reason: str = Field(min_length=1)
    negotiation: Negotiation
    edges: tuple[Edge, ...] = ()


def decide(negotiation: Negotiation, event: Event, now: datetime) -> Decision:
    """Apply one event to one negotiation; ``IllegalTransition`` for an edge not in the table."""
    if now.tzinfo is None:
        raise InvalidInput(f"decide() needs a timezone-aware now, got {now!r}")
    state = negotiation.state
    target = target_of(state, event.event_type)
    draft = Draft(negotiation.model_copy(update={"updated_at": now}), now)
    edges: list[Edge] = []
    final: State | None
    match event:
        case OutreachRequested():
            final = _outreach(draft, target)
        case EmailSent():
            final = _email_sent(draft, event, target)
        case SendFailed():
            final = _send_failed(draft, event, target)
        case ReplyReceived():
            final = _reply(draft, event, target, edges)
        case ReminderDue():
            final = _reminder(draft, event, target)
        case HumanTakeover():
            final = _takeover(draft, event, target)
        case HumanRelease():
            final = _release(draft, event, target, edges)
        case Pause():
            final = _pause(draft, event, target)
        case Resume():
            final = _resume(draft, edges)
        case Stop():
            final = _stop(draft, event, target)
    if final is not None and not isinstance(target, Restore):
        # The table's own edge comes first; a verdict edge from reply_received may follow.
        edges.insert(0, (state, event.event_type, target))
    new_state = final if final is not None else state
    if new_state is not State.PAUSED:
        draft.update(paused_from=None)
    draft.update(state=new_state)
    reason = draft.reason or f"{event.event_type.value} in {state.value}."
    return Decision(
        new_state=new_state,
        effects=tuple(draft.effects),
        reason=reason,
        negotiation=draft.negotiation,
        edges=tuple(edges),
    )


def _state(target: State | Restore) -> State:
    assert isinstance(target, State), target
    return target


def _verdict(verdict: EventType, edges: list[Edge]) -> State:
    landed = _state(target_of(State.REPLY_RECEIVED, verdict))
    edges.append((State.REPLY_RECEIVED, verdict, landed))
    return landed


def _outreach(draft: Draft, target: State | Restore) -> State:
    n = draft.negotiation
    terms = opening_terms(n, n.plan.opening)
    draft.because(f"Open at {format_money(n.plan.opening, terms.currency)}. {n.plan.reason}")
    draft.email(EmailPurpose.OUTREACH, terms=terms, reason=f"Opening offer: {terms.describe()}.")
    return _state(target)


def _email_sent(draft: Draft, event: EmailSent, target: State | Restore) -> State:
    n = draft.negotiation
    draft.record(
        HistoryEntry(
            at=draft.now,
            kind=HistoryKind.EMAIL_SENT,
            message_id=event.message_id,
            purpose=event.purpose,
        )
    )
    landed = _state(target)
    if n.state is State.PAUSED and n.paused_from is not None:
        # The pause shadows the edge this confirmation would have taken.
        try:
            shadow = _state(target_of(n.paused_from, event.event_type))
        except IllegalTransition:
            shadow = n.paused_from
        draft.update(paused_from=shadow)
        draft.because(
            f"The {event.purpose.value} email went out while paused; resumes in {shadow}."
        )
    elif landed in _TIMER_STATES:
        draft.schedule_next_reminder()
        due = draft.negotiation.reminder
        when = f" next reminder ({due.kind.value}) at {due.due_at.isoformat()}" if due else ""
        draft.because(f"The {event.purpose.value} email went out;{when}.")
    else:
        draft.because(f"The {event.purpose.value} email went out; recorded.")
    return landed


def _send_failed(draft: Draft, event: SendFailed, target: State | Restore) -> State:
    n = draft.negotiation
    landed = _state(target)
    draft.note(f"Sending the {event.purpose.value} email failed: {event.error}")
    if landed is State.FAILED:
        draft.cancel_reminder()
    draft.notify(
        TeamTopic.FAILED,
        f"Could not email {n.influencer.name} ({event.purpose.value}): {event.error}",
        our_offer=n.last_offer.amount if n.last_offer else None,
    )
    draft.because(f"The {event.purpose.value} email could not be sent: {event.error}.")
    return landed


def _reply(draft: Draft, event: ReplyReceived, target: State | Restore, edges: list[Edge]) -> State:
    draft.record(
        HistoryEntry(
            at=draft.now,
            kind=HistoryKind.REPLY,
            message_id=event.message_id,
            text=event.text,
            reading=event.reading,
        )
    )
    landed = _state(target)
    n = draft.negotiation
    if landed is State.PAUSED:
        draft.update(pending_replies=(*n.pending_replies, event))
        draft.because("A reply arrived while paused; it is queued for when we resume.")
        return landed
    draft.update(last_reply=event)
    if landed is not State.REPLY_RECEIVED:
        _while_held(draft, event)
        return landed
    return _verdict(judge_reply(draft, event.reading, cleared=False), edges)


def _while_held(draft: Draft, event: ReplyReceived) -> None:
    n = draft.negotiation
    if event.reading.intent is Intent.UNSUBSCRIBE:
        draft.effects.append(
            MarkDoNotContact(email=n.influencer.email, reason="asked to be removed")
        )
    draft.notify(
        TeamTopic.REPLY_WHILE_HELD,
        f"{n.influencer.name} replied ({event.reading.intent.value}) while a human has the thread.",
    )
    draft.because("A reply arrived while a human has the thread; forwarded to the team.")


def _reminder(draft: Draft, event: ReminderDue, target: State | Restore) -> State | None:
    n = draft.negotiation
    if n.state not in _TIMER_STATES:
        # Stale, escalated, human and paused threads ignore timers (the table's self-loop).
        draft.because(f"Reminder {event.reminder_id} ignored: {n.state.value} runs no timers.")
        return _state(target)
    pending = n.reminder
    if pending is None or pending.reminder_id != event.reminder_id:
        draft.because(f"Reminder {event.reminder_id} is no longer pending; nothing to do.")
        return None
    draft.update(reminder=None)
    if event.event_type is EventType.STALE_DUE:
        draft.note("No reply after every follow-up: stale.")
        draft.notify(
            TeamTopic.STALE,
            f"{n.influencer.name} has not replied after {n.follow_ups_sent} follow-up(s).",
            our_offer=n.last_offer.amount if n.last_offer else None,
        )
        draft.because(f"No reply after {n.follow_ups_sent} follow-up(s): stale.")
        return _state(target)
    draft.update(follow_ups_sent=n.follow_ups_sent + 1)
    draft.because(f"No reply yet: follow-up {n.follow_ups_sent + 1} restating our offer.")
    draft.email(
        EmailPurpose.FOLLOW_UP, terms=draft.current_terms(), reason="Follow up; offer unchanged."
    )
    return _state(target)


def _takeover(draft: Draft, event: HumanTakeover, target: State | Restore) -> State:
    n = draft.negotiation
    draft.cancel_reminder()
    if n.pending_replies:
        # Replies queued during a pause go to the human, not into a queue nobody drains.
        draft.update(last_reply=n.pending_replies[-1], pending_replies=())
    draft.note(f"{event.by} took over. {event.note}".strip())
    draft.notify(TeamTopic.HUMAN_TAKEOVER, f"{event.by} took over {n.influencer.name}'s thread.")
    draft.because(f"{event.by} took the thread over; the agent sends nothing until released.")
    return _state(target)


def _release(
    draft: Draft, event: HumanRelease, target: State | Restore, edges: list[Edge]
) -> State:
    n = draft.negotiation
    draft.note(f"{event.by} handed the thread back. {event.note}".strip())
    if event.approved_cap is not None:
        draft.update(approved_cap=event.approved_cap)
        draft.because(f"{event.by} approved up to {format_money(event.approved_cap)}.")
    landed = _state(target)
    unanswered = _unanswered_reply(n) if n.state is State.HUMAN_TAKEOVER else None
    if landed is not State.REPLY_RECEIVED and unanswered is not None:
        # What they wrote while a person held the thread is read first, as if it came now.
        edges.append((landed, EventType.REPLY_RECEIVED, State.REPLY_RECEIVED))
        draft.because(f"{event.by} handed the thread back; the agent reads their last reply.")
        return _verdict(judge_reply(draft, unanswered.reading, cleared=False), edges)
    if landed is not State.REPLY_RECEIVED:
        draft.update(follow_ups_sent=0)
        draft.schedule_next_reminder()
        draft.because(f"{event.by} handed the thread back; the agent waits for their reply.")
        return landed
    reply = n.last_reply
    if reply is None:
        draft.schedule_next_reminder()
        draft.because("Handed back with no reply to answer; the agent waits.")
        return _verdict(EventType.POLICY_WAIT, edges)
    reading = event.corrected_reading or reply.reading
    draft.because(f"{event.by} handed the escalated reply back; the agent re-reads it.")
    return _verdict(judge_reply(draft, reading, cleared=True, human=event.decision), edges)


def _unanswered_reply(n: Negotiation) -> ReplyReceived | None:
    """Their last reply, if nothing of ours was queued after it."""
    kinds = [entry.kind for entry in n.history]
    replied = max((i for i, k in enumerate(kinds) if k is HistoryKind.REPLY), default=-1)
    wrote = max((i for i, k in enumerate(kinds) if k is HistoryKind.EMAIL_QUEUED), default=-1)
    return n.last_reply if n.last_reply is not None and replied > wrote else None


def _pause(draft: Draft, event: Pause, target: State | Restore) -> State:
    n = draft.negotiation
    draft.cancel_reminder()
    draft.update(paused_from=n.state)
    draft.note(f"Paused by {event.by} from {n.state.value}. {event.reason}".strip())
    draft.because(f"Paused by {event.by}; timers stop and replies will be queued.")
    return _state(target)


def _resume(draft: Draft, edges: list[Edge]) -> State:
    n = draft.negotiation
    restored = n.paused_from
    assert restored is not None, "a paused negotiation always knows where it came from"
    draft.update(paused_from=None, state=restored)
    edges.append((State.PAUSED, EventType.RESUME, restored))
    draft.because(f"Resumed in {restored.value}.")
    queued = n.pending_replies
    if not queued:
        if restored in _TIMER_STATES:
            draft.schedule_next_reminder()
        return restored
    latest = queued[-1]
    draft.update(pending_replies=(), last_reply=latest)
    if restored in _REPLYABLE:
        edges.append((restored, EventType.REPLY_RECEIVED, State.REPLY_RECEIVED))
        draft.because(f"{len(queued)} reply(ies) arrived while paused; answering the latest.")
        return _verdict(judge_reply(draft, latest.reading, cleared=False), edges)
    if restored in {State.ESCALATED, State.HUMAN_TAKEOVER}:
        _while_held(draft, latest)
    return restored


def _stop(draft: Draft, event: Stop, target: State | Restore) -> State:
    n = draft.negotiation
    draft.cancel_reminder()
    if event.notify_influencer and n.emails_queued > 0:
        draft.email(
            EmailPurpose.CLOSING,
            terms=None,
            reason=f"Tell them we are not moving forward: {event.reason}",
            report_sent=False,
        )
    draft.notify(
        TeamTopic.STOPPED,
        f"{event.by} stopped the negotiation with {n.influencer.name}: {event.reason}",
        our_offer=n.last_offer.amount if n.last_offer else None,
    )
    draft.because(f"Stopped by {event.by}: {event.reason}")
    return _state(target)
