"""Effects: what a decision asks the runtime to do, as immutable typed commands.

The negotiator actor commits the new state first, then carries these out in order. Every
amount in an effect was decided by code: the email writer (template or LLM) may word a
``SendEmail`` but its text must carry exactly ``terms.amount`` and no other price.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dealdesk.domain.campaign import Deliverable
from dealdesk.domain.events import EmailPurpose, ReminderKind
from dealdesk.domain.money import Money, Ratio, format_money
from dealdesk.domain.reading import QuestionTopic

__all__ = [
    "CancelReminder",
    "Effect",
    "MarkDoNotContact",
    "NotifyTeam",
    "RecordAgreement",
    "ScheduleReminder",
    "SendEmail",
    "TeamTopic",
    "Terms",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Terms(BaseModel):
    """One offer or agreement: the price and exactly what it buys."""

    model_config = _FROZEN

    amount: Money
    currency: str = "USD"
    deliverables: tuple[Deliverable, ...] = Field(min_length=1)
    usage_rights_days: int = Field(ge=0)
    paid_ads: bool = False
    product_offer: str | None = None

    def describe(self) -> str:
        what = ", ".join(d.describe() for d in self.deliverables)
        scope = "organic and paid" if self.paid_ads else "organic"
        return (
            f"{format_money(self.amount, self.currency)} for {what} with "
            f"{self.usage_rights_days} days of {scope} usage rights"
        )


class SendEmail(BaseModel):
    """Write and send one email; ``message_id`` is deterministic so a resend is recognisable."""

    model_config = _FROZEN
    kind: Literal["send_email"] = "send_email"
    message_id: str
    to: str
    purpose: EmailPurpose
    terms: Terms | None = None
    in_reply_to: str | None = None
    # What the email must also address: questions they asked, their ask we are answering.
    answer_topics: tuple[QuestionTopic, ...] = ()
    their_ask: Money | None = None
    final_offer: bool = False
    # Whether the runtime reports EmailSent back: emails that close a negotiation do not,
    # because a terminal state has no edges.
    report_sent: bool = True
    reason: str


class TeamTopic(StrEnum):
    AGREED = "agreed"
    DECLINED = "declined"
    ESCALATED = "escalated"
    STALE = "stale"
    FAILED = "failed"
    STOPPED = "stopped"
    UNSUBSCRIBED = "unsubscribed"
    HUMAN_TAKEOVER = "human_takeover"
    REPLY_WHILE_HELD = "reply_while_held"
    TALENT_MANAGER = "talent_manager"


class NotifyTeam(BaseModel):
    model_config = _FROZEN
    kind: Literal["notify_team"] = "notify_team"
    topic: TeamTopic
    summary: str = Field(min_length=1)
    their_ask: Money | None = None
    our_offer: Money | None = None
    cap: Money | None = None
    terms: Terms | None = None


class ScheduleReminder(BaseModel):
    model_config = _FROZEN
    kind: Literal["schedule_reminder"] = "schedule_reminder"
    reminder_id: str
    reminder: ReminderKind
    due_at: AwareDatetime


class CancelReminder(BaseModel):
    model_config = _FROZEN
    kind: Literal["cancel_reminder"] = "cancel_reminder"
    reminder_id: str


class RecordAgreement(BaseModel):
    """Feed the campaign's CPM tracker and the audit trail with what was agreed."""

    model_config = _FROZEN
    kind: Literal["record_agreement"] = "record_agreement"
    negotiation_id: str
    terms: Terms
    cpm: Money
    engagement_rate: Ratio | None


class MarkDoNotContact(BaseModel):
    model_config = _FROZEN
    kind: Literal["mark_do_not_contact"] = "mark_do_not_contact"
    email: str
    reason: str


Effect = Annotated[
    SendEmail | NotifyTeam | ScheduleReminder | CancelReminder | RecordAgreement | MarkDoNotContact,
    Field(discriminator="kind"),
]
