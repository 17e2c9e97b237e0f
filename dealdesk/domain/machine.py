"""The negotiation state table: ``TRANSITIONS[(state, event type)] -> state``.

Every edge the negotiation can take is listed here and nowhere else; ``decide()`` looks each
step up and raises ``IllegalTransition`` (changing nothing) when the table has no edge.
``reply_received`` is where a reply (or a human's hand-back) is judged: decide() leaves it in
the same call by one of the ``policy_*`` verdict edges. ``Restore.PAUSED_FROM`` is the one target
that is data: resuming returns to the state recorded when the pause began. Terminal states have
no outgoing edges.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Final

from dealdesk.domain.events import EventType as E
from dealdesk.domain.negotiation import TERMINAL_STATES, State
from dealdesk.errors import IllegalTransition

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["TRANSITIONS", "Restore", "Target", "target_of"]


class Restore(StrEnum):
    PAUSED_FROM = "paused_from"


Target = State | Restore

S = State

TRANSITIONS: Final[Mapping[tuple[State, E], Target]] = {
    # Before the first email.
    (S.NEW, E.OUTREACH_REQUESTED): S.OUTREACH_SENT,
    (S.NEW, E.STOP): S.STOPPED,
    (S.NEW, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.NEW, E.PAUSE): S.PAUSED,
    # The opening is in the outbox; a reply may race its confirmation.
    (S.OUTREACH_SENT, E.EMAIL_SENT): S.AWAITING_REPLY,
    (S.OUTREACH_SENT, E.SEND_FAILED): S.FAILED,
    (S.OUTREACH_SENT, E.REPLY_RECEIVED): S.REPLY_RECEIVED,
    (S.OUTREACH_SENT, E.STOP): S.STOPPED,
    (S.OUTREACH_SENT, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.OUTREACH_SENT, E.PAUSE): S.PAUSED,
    # Waiting for them after our opening (or an answer, a follow-up, an out-of-office).
    (S.AWAITING_REPLY, E.EMAIL_SENT): S.AWAITING_REPLY,
    (S.AWAITING_REPLY, E.SEND_FAILED): S.FAILED,
    (S.AWAITING_REPLY, E.REPLY_RECEIVED): S.REPLY_RECEIVED,
    (S.AWAITING_REPLY, E.FOLLOW_UP_DUE): S.AWAITING_REPLY,
    (S.AWAITING_REPLY, E.STALE_DUE): S.STALE,
    (S.AWAITING_REPLY, E.STOP): S.STOPPED,
    (S.AWAITING_REPLY, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.AWAITING_REPLY, E.PAUSE): S.PAUSED,
    # Waiting for them after a counter.
    (S.COUNTER_SENT, E.EMAIL_SENT): S.COUNTER_SENT,
    (S.COUNTER_SENT, E.SEND_FAILED): S.FAILED,
    (S.COUNTER_SENT, E.REPLY_RECEIVED): S.REPLY_RECEIVED,
    (S.COUNTER_SENT, E.FOLLOW_UP_DUE): S.COUNTER_SENT,
    (S.COUNTER_SENT, E.STALE_DUE): S.STALE,
    (S.COUNTER_SENT, E.STOP): S.STOPPED,
    (S.COUNTER_SENT, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.COUNTER_SENT, E.PAUSE): S.PAUSED,
    # Silent after every follow-up: a reply still revives it; late timers are ignored.
    (S.STALE, E.REPLY_RECEIVED): S.REPLY_RECEIVED,
    (S.STALE, E.EMAIL_SENT): S.STALE,
    (S.STALE, E.SEND_FAILED): S.FAILED,
    (S.STALE, E.FOLLOW_UP_DUE): S.STALE,
    (S.STALE, E.STALE_DUE): S.STALE,
    (S.STALE, E.STOP): S.STOPPED,
    (S.STALE, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.STALE, E.PAUSE): S.PAUSED,
    # The policy's verdict on a reply.
    (S.REPLY_RECEIVED, E.POLICY_ACCEPT): S.AGREED,
    (S.REPLY_RECEIVED, E.POLICY_COUNTER): S.COUNTER_SENT,
    (S.REPLY_RECEIVED, E.POLICY_ANSWER): S.AWAITING_REPLY,
    (S.REPLY_RECEIVED, E.POLICY_WAIT): S.AWAITING_REPLY,
    (S.REPLY_RECEIVED, E.POLICY_ESCALATE): S.ESCALATED,
    (S.REPLY_RECEIVED, E.POLICY_EXIT): S.DECLINED,
    (S.REPLY_RECEIVED, E.POLICY_THEY_DECLINED): S.DECLINED,
    (S.REPLY_RECEIVED, E.POLICY_UNSUBSCRIBE): S.STOPPED,
    # A human must look; replies and confirmations are recorded, timers ignored.
    (S.ESCALATED, E.REPLY_RECEIVED): S.ESCALATED,
    (S.ESCALATED, E.EMAIL_SENT): S.ESCALATED,
    (S.ESCALATED, E.SEND_FAILED): S.ESCALATED,
    (S.ESCALATED, E.FOLLOW_UP_DUE): S.ESCALATED,
    (S.ESCALATED, E.STALE_DUE): S.ESCALATED,
    (S.ESCALATED, E.HUMAN_RELEASE): S.REPLY_RECEIVED,
    (S.ESCALATED, E.STOP): S.STOPPED,
    (S.ESCALATED, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
    (S.ESCALATED, E.PAUSE): S.PAUSED,
    # A human writes the emails; the agent only records.
    (S.HUMAN_TAKEOVER, E.REPLY_RECEIVED): S.HUMAN_TAKEOVER,
    (S.HUMAN_TAKEOVER, E.EMAIL_SENT): S.HUMAN_TAKEOVER,
    (S.HUMAN_TAKEOVER, E.SEND_FAILED): S.HUMAN_TAKEOVER,
    (S.HUMAN_TAKEOVER, E.FOLLOW_UP_DUE): S.HUMAN_TAKEOVER,
    (S.HUMAN_TAKEOVER, E.STALE_DUE): S.HUMAN_TAKEOVER,
    (S.HUMAN_TAKEOVER, E.HUMAN_RELEASE): S.AWAITING_REPLY,
    (S.HUMAN_TAKEOVER, E.STOP): S.STOPPED,
    (S.HUMAN_TAKEOVER, E.PAUSE): S.PAUSED,
    # Paused: replies are queued (never dropped), confirmations recorded, timers ignored.
    (S.PAUSED, E.RESUME): Restore.PAUSED_FROM,
    (S.PAUSED, E.REPLY_RECEIVED): S.PAUSED,
    (S.PAUSED, E.EMAIL_SENT): S.PAUSED,
    (S.PAUSED, E.SEND_FAILED): S.FAILED,
    (S.PAUSED, E.FOLLOW_UP_DUE): S.PAUSED,
    (S.PAUSED, E.STALE_DUE): S.PAUSED,
    (S.PAUSED, E.STOP): S.STOPPED,
    (S.PAUSED, E.HUMAN_TAKEOVER): S.HUMAN_TAKEOVER,
}

assert not any(state in TERMINAL_STATES for state, _ in TRANSITIONS)


def target_of(state: State, event: E) -> Target:
    """The table's edge, or ``IllegalTransition`` naming the state and event."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(state.value, event.value) from None
