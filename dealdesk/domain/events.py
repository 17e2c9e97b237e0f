"""Events the runtime feeds into ``decide()``: immutable typed facts, named in the past tense.

Each event has a ``type`` tag (a JSON round trip keeps it) and an ``event_type`` for the state
table. ``ReminderDue`` maps to ``follow_up_due`` or ``stale_due`` by its kind, so the table stays
a plain lookup. ``EventType`` also lists the policy's own verdicts (``policy_*``): decide() takes
those edges itself after reading a reply; the runtime never sends them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dealdesk.domain.money import Money
from dealdesk.domain.reading import ReplyReading

__all__ = [
    "EmailPurpose",
    "EmailSent",
    "Event",
    "EventType",
    "HumanRelease",
    "HumanTakeover",
    "OutreachRequested",
    "Pause",
    "ReminderDue",
    "ReminderKind",
    "ReplyReceived",
    "Resume",
    "SendFailed",
    "Stop",
]


class EventType(StrEnum):
    OUTREACH_REQUESTED = "outreach_requested"
    EMAIL_SENT = "email_sent"
    SEND_FAILED = "send_failed"
    REPLY_RECEIVED = "reply_received"
    FOLLOW_UP_DUE = "follow_up_due"
    STALE_DUE = "stale_due"
    HUMAN_TAKEOVER = "human_takeover"
    HUMAN_RELEASE = "human_release"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    # The policy's verdicts on a reply, taken from the reply_received state inside decide().
    POLICY_ACCEPT = "policy_accept"
    POLICY_COUNTER = "policy_counter"
    POLICY_ANSWER = "policy_answer"
    POLICY_WAIT = "policy_wait"
    POLICY_ESCALATE = "policy_escalate"
    POLICY_EXIT = "policy_exit"
    POLICY_THEY_DECLINED = "policy_they_declined"
    POLICY_UNSUBSCRIBE = "policy_unsubscribe"

    @property
    def is_verdict(self) -> bool:
        return self.value.startswith("policy_")


class EmailPurpose(StrEnum):
    OUTREACH = "outreach"
    COUNTER = "counter"
    ANSWER = "answer"
    FOLLOW_UP = "follow_up"
    CONFIRMATION = "confirmation"
    EXIT = "exit"
    CLOSING = "closing"  # we stopped the negotiation (campaign cancelled, team decision)
    HOLDING = "holding"  # escalated: a person will get back to them; no amount


class ReminderKind(StrEnum):
    FOLLOW_UP = "follow_up"
    STALE = "stale"


_FROZEN = ConfigDict(frozen=True, extra="forbid")


class OutreachRequested(BaseModel):
    """The supervisor wants the first email sent."""

    model_config = _FROZEN
    type: Literal["outreach_requested"] = "outreach_requested"

    @property
    def event_type(self) -> EventType:
        return EventType.OUTREACH_REQUESTED


class EmailSent(BaseModel):
    """An email this negotiation asked for really went out (the outbox confirmed it)."""

    model_config = _FROZEN
    type: Literal["email_sent"] = "email_sent"
    message_id: str = Field(min_length=1)
    purpose: EmailPurpose

    @property
    def event_type(self) -> EventType:
        return EventType.EMAIL_SENT


class SendFailed(BaseModel):
    """An email could not be sent and retries ran out."""

    model_config = _FROZEN
    type: Literal["send_failed"] = "send_failed"
    message_id: str = Field(min_length=1)
    purpose: EmailPurpose
    error: str = Field(min_length=1)

    @property
    def event_type(self) -> EventType:
        return EventType.SEND_FAILED


class ReplyReceived(BaseModel):
    """The influencer (or someone on their behalf) wrote; ``reading`` says what it means."""

    model_config = _FROZEN
    type: Literal["reply_received"] = "reply_received"
    message_id: str = Field(min_length=1)
    from_address: str = Field(min_length=3)
    text: str
    reading: ReplyReading

    @property
    def event_type(self) -> EventType:
        return EventType.REPLY_RECEIVED


class ReminderDue(BaseModel):
    """A reminder this negotiation scheduled has come due."""

    model_config = _FROZEN
    type: Literal["reminder_due"] = "reminder_due"
    reminder_id: str = Field(min_length=1)
    kind: ReminderKind

    @property
    def event_type(self) -> EventType:
        return (
            EventType.FOLLOW_UP_DUE if self.kind is ReminderKind.FOLLOW_UP else EventType.STALE_DUE
        )


class HumanTakeover(BaseModel):
    model_config = _FROZEN
    type: Literal["human_takeover"] = "human_takeover"
    by: str = Field(min_length=1)
    note: str = ""

    @property
    def event_type(self) -> EventType:
        return EventType.HUMAN_TAKEOVER


class HumanRelease(BaseModel):
    """A human hands the thread back.

    From ``escalated`` the agent re-reads the reply that was escalated, with the human's verdict:
    ``approved_cap`` raises how far it may go, ``corrected_reading`` replaces a reading the rules
    got wrong; the escalation triggers that held it are cleared for that reply. ``decision``
    says what the person chose for that reply: ``accept_their_ask`` (their standing ask is
    agreed, within the approved cap) or ``counter_at_cap`` (our cap is offered, never above
    their ask); None lets the playbook decide.
    """

    model_config = _FROZEN
    type: Literal["human_release"] = "human_release"
    by: str = Field(min_length=1)
    approved_cap: Money | None = None
    corrected_reading: ReplyReading | None = None
    decision: Literal["accept_their_ask", "counter_at_cap"] | None = None
    note: str = ""

    @property
    def event_type(self) -> EventType:
        return EventType.HUMAN_RELEASE


class Pause(BaseModel):
    model_config = _FROZEN
    type: Literal["pause"] = "pause"
    by: str = Field(min_length=1)
    reason: str = ""

    @property
    def event_type(self) -> EventType:
        return EventType.PAUSE


class Resume(BaseModel):
    model_config = _FROZEN
    type: Literal["resume"] = "resume"
    by: str = Field(min_length=1)

    @property
    def event_type(self) -> EventType:
        return EventType.RESUME


class Stop(BaseModel):
    """The team ends the negotiation; the influencer is told unless ``notify_influencer`` is off."""

    model_config = _FROZEN
    type: Literal["stop"] = "stop"
    by: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    notify_influencer: bool = True

    @property
    def event_type(self) -> EventType:
        return EventType.STOP


Event = Annotated[
    OutreachRequested
    | EmailSent
    | SendFailed
    | ReplyReceived
    | ReminderDue
    | HumanTakeover
    | HumanRelease
    | Pause
    | Resume
    | Stop,
    Field(discriminator="type"),
]
