"""One negotiation's state: an immutable value that serialises to JSON and round-trips exactly.

It carries everything ``decide()`` needs and nothing it must fetch: the campaign and influencer
snapshots, the policy (playbook, escalation rules, pricing) it started under, its price plan, the
offers made, the pending reminder, replies queued while paused, the state it was paused from (as
data, so a restart resumes correctly), and the whole thread as history for the LLM and the audit.
``schema_version`` lets a later release migrate stored rows.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from dealdesk.domain.campaign import Campaign, Influencer
from dealdesk.domain.effects import Terms
from dealdesk.domain.events import EmailPurpose, ReminderKind, ReplyReceived
from dealdesk.domain.identity import negotiation_id
from dealdesk.domain.money import Money
from dealdesk.domain.pricing import PricePlan, plan_prices
from dealdesk.domain.reading import ReplyReading
from dealdesk.domain.rules import NegotiationPolicy
from dealdesk.errors import InvalidInput

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    from dealdesk.domain.cpm import CpmTracker

__all__ = [
    "SCHEMA_VERSION",
    "TERMINAL_STATES",
    "WAITING_STATES",
    "HistoryEntry",
    "HistoryKind",
    "Negotiation",
    "PendingReminder",
    "State",
    "start_negotiation",
]

SCHEMA_VERSION: Final = 1


class State(StrEnum):
    NEW = "new"
    OUTREACH_SENT = "outreach_sent"
    AWAITING_REPLY = "awaiting_reply"
    REPLY_RECEIVED = "reply_received"
    COUNTER_SENT = "counter_sent"
    ESCALATED = "escalated"
    HUMAN_TAKEOVER = "human_takeover"
    PAUSED = "paused"
    STALE = "stale"
    AGREED = "agreed"
    DECLINED = "declined"
    STOPPED = "stopped"
    FAILED = "failed"


TERMINAL_STATES = frozenset({State.AGREED, State.DECLINED, State.STOPPED, State.FAILED})
# States in which we wait for the influencer; a reply in any of them is legal.
WAITING_STATES = frozenset({State.AWAITING_REPLY, State.COUNTER_SENT, State.STALE})


class HistoryKind(StrEnum):
    EMAIL_QUEUED = "email_queued"  # we decided to send it (the outbox has it)
    EMAIL_SENT = "email_sent"  # it went out
    REPLY = "reply"  # they wrote
    NOTE = "note"  # a decision or a human action, in words


class HistoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: AwareDatetime
    kind: HistoryKind
    message_id: str | None = None
    purpose: EmailPurpose | None = None
    terms: Terms | None = None
    text: str = ""
    reading: ReplyReading | None = None


class PendingReminder(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reminder_id: str
    kind: ReminderKind
    due_at: AwareDatetime


class Negotiation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str
    campaign: Campaign
    influencer: Influencer
    policy: NegotiationPolicy
    plan: PricePlan
    state: State = State.NEW
    paused_from: State | None = None
    offers: tuple[Terms, ...] = ()
    last_ask: Money | None = None
    approved_cap: Money | None = None
    # What the campaign's budget still allows, as the runtime knows it when it decides (the
    # agreed fees of the campaign's other negotiations subtracted); None: not limited.
    budget_left: Money | None = None
    agreed: Terms | None = None
    follow_ups_sent: int = Field(default=0, ge=0)
    questions_answered: int = Field(default=0, ge=0)
    out_of_office_count: int = Field(default=0, ge=0)
    emails_queued: int = Field(default=0, ge=0)
    manager_noted: bool = False
    reminder: PendingReminder | None = None
    last_reply: ReplyReceived | None = None
    pending_replies: tuple[ReplyReceived, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @model_validator(mode="after")
    def _paused_consistent(self) -> Self:
        if (self.state is State.PAUSED) != (self.paused_from is not None):
            raise ValueError(
                f"paused_from {self.paused_from} must be set exactly when the state is paused "
                f"(state is {self.state})"
            )
        if self.paused_from in {State.PAUSED, *TERMINAL_STATES}:
            raise ValueError(f"cannot be paused from {self.paused_from}")
        return self

    @property
    def round(self) -> int:
        """How many offers we have made (the opening is round 1)."""
        return len(self.offers)

    @property
    def last_offer(self) -> Terms | None:
        return self.offers[-1] if self.offers else None

    @property
    def effective_cap(self) -> Decimal:
        """The plan's cap, or a human's higher approved cap."""
        if self.approved_cap is not None and self.approved_cap > self.plan.cap:
            return self.approved_cap
        return self.plan.cap

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    def next_message_id(self) -> str:
        """Deterministic Message-ID for the next email, so a resend after a crash is recognised."""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.id).strip("-")
        return f"<dealdesk.{slug}.{self.emails_queued + 1}@dealdesk.invalid>"


def start_negotiation(
    campaign: Campaign,
    influencer: Influencer,
    tracker: CpmTracker,
    policy: NegotiationPolicy,
    now: datetime,
    *,
    entry: str | None = None,
) -> Negotiation:
    """A new negotiation in state ``new``, its prices fixed from the tracker's flexibility now.

    ``entry`` is the campaign's list entry the negotiation was created for (a name, email or
    handle, as the team wrote it); the id is :func:`~dealdesk.domain.identity.negotiation_id` of
    it, so it names the row the campaign's supervisor wrote. Without one, the influencer's email.
    """
    if influencer.platform is not campaign.platform:
        raise InvalidInput(
            f"influencer {influencer.handle!r} is on {influencer.platform.value}, "
            f"campaign {campaign.id!r} is on {campaign.platform.value}"
        )
    if tracker.cpm_range != campaign.cpm_range:
        raise InvalidInput(f"CPM tracker range does not match campaign {campaign.id!r}")
    flexibility = tracker.flexibility(influencer.engagement_rate, policy.pricing)
    plan = plan_prices(campaign, influencer, flexibility, policy.playbook, policy.pricing)
    return Negotiation(
        id=negotiation_id(campaign.id, entry or influencer.email),
        # One influencer's negotiation: the campaign's list of influencers is not its business
        # (and every saved step would carry it).
        campaign=campaign.model_copy(update={"influencers": ()}),
        influencer=influencer,
        policy=policy,
        plan=plan,
        created_at=now,
        updated_at=now,
    )
