"""What one decision of a negotiation writes, in the step's one transaction: the store operations
its effects become (each email worded and checked by the guard into the outbox, reminders,
do-not-contact, the agreement's spend and audit entry, an escalation's audit entry, the team's
Slack messages for the Notifier), and the rates its transition is audited with. The Negotiator
commits them with the negotiation's row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.actors.negotiator_model import model_words
from dealdesk.domain import (
    CancelReminder,
    EmailPurpose,
    MarkDoNotContact,
    NotifyTeam,
    RecordAgreement,
    ScheduleReminder,
    SendEmail,
    TeamTopic,
)
from dealdesk.domain.money import format_money
from dealdesk.domain.writer import write_checked_email
from dealdesk.integrations.slack import blocks
from dealdesk.store import (
    AddDoNotContact,
    AddReminder,
    AppendAudit,
    AuditKind,
    EmailPriority,
    InsertOutbox,
    RecordSpend,
)
from dealdesk.store import CancelReminder as CancelStoredReminder
from dealdesk.store.notifications import EnqueueNotification
from dealdesk.store.reviews import RequestReview

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.domain import Decision, Negotiation
    from dealdesk.integrations.anthropic import Draft
    from dealdesk.store import StoreOp

__all__ = ["Refusal", "StepOps", "transition_rates"]

_PRIORITY = {
    EmailPurpose.OUTREACH: EmailPriority.OUTREACH,
    EmailPurpose.FOLLOW_UP: EmailPriority.FOLLOW_UP,
}


@dataclass(frozen=True)
class Refusal:
    """An email the guard refused: why, and what the team must hear of it."""

    message_id: str
    problems: list[str]
    team_text: str


@dataclass
class StepOps:
    """The store operations of one negotiation's decisions. ``thread`` answers the Gmail thread
    its emails reply in (asked only when there is an email to write); ``refused`` collects what
    the team must hear of emails the guard refused."""

    negotiation_id: str
    campaign_id: str
    mailbox: str
    thread: Callable[[Negotiation], str | None]
    refused: list[Refusal] = field(default_factory=list)
    team_channel: str = "#dealdesk"
    review: str = "off"  # which emails wait for a person's review: off, outreach, all
    noticed: bool = False  # a step wrote a team message (the Negotiator tells the Notifier)
    # The model's drafts of this step's emails by Message-ID (its turn sets them), and whether
    # the template may stand in for a draft the guard refused (the playbook says).
    drafts: dict[str, Draft] = field(default_factory=dict)
    template_fallback: bool = True

    def of(self, after: Negotiation, decision: Decision) -> list[StoreOp[Any]]:
        ops: list[StoreOp[Any]] = []
        refused_before = len(self.refused)
        for effect in decision.effects:
            match effect:
                case SendEmail():
                    email = self._email(after, effect)
                    ops.append(email)
                    if isinstance(email, InsertOutbox) and self._reviewed(effect):
                        ops.extend(self._review(after, effect, email))
                case ScheduleReminder():
                    ops.append(
                        AddReminder(
                            effect.reminder_id,
                            self.negotiation_id,
                            effect.reminder.value,
                            effect.due_at,
                        )
                    )
                case CancelReminder():
                    ops.append(CancelStoredReminder(effect.reminder_id))
                case MarkDoNotContact():
                    ops.append(AddDoNotContact(effect.email, effect.reason, "reply"))
                case RecordAgreement():
                    ops.append(
                        RecordSpend(
                            self.campaign_id,
                            self.negotiation_id,
                            effect.terms.amount,
                            after.campaign.budget,
                            cpm=effect.cpm,
                            engagement_rate=effect.engagement_rate,
                        )
                    )
                    rates = {"amount": str(effect.terms.amount), "cpm": str(effect.cpm)}
                    ops.append(self._audit(AuditKind.AGREEMENT, after, rates=rates))
                case NotifyTeam():
                    if effect.topic is TeamTopic.ESCALATED:
                        ops.append(self._audit(AuditKind.ESCALATION, after, summary=effect.summary))
                    ops.append(self._team_notice(after, effect))
        # The team's messages are written with the step (the Notifier posts them after it).
        ops.extend(self._notice(r.team_text) for r in self.refused[refused_before:])
        return ops

    def _reviewed(self, effect: SendEmail) -> bool:
        return self.review == "all" or (
            self.review == "outreach" and effect.purpose is EmailPurpose.OUTREACH
        )

    def _review(
        self, after: Negotiation, effect: SendEmail, email: InsertOutbox
    ) -> list[StoreOp[Any]]:
        """The draft waits (the outbox holds it) and is shown to the team with Send, Edit and
        Discard."""
        key = f"review:{effect.message_id}"
        name = after.influencer.name
        self.noticed = True
        shown = blocks.review(
            name, effect.purpose.value, email.subject, email.rendered, effect.message_id
        )
        return [
            RequestReview(
                effect.message_id,
                self.negotiation_id,
                self.campaign_id,
                effect.model_dump(mode="json"),
                key,
            ),
            EnqueueNotification(
                key, self.team_channel, f"Draft to {name} waiting for review", tuple(shown)
            ),
        ]

    def _notice(
        self,
        text: str,
        *,
        kind: str = "negotiation",
        blocks: list[dict[str, Any]] | None = None,
        thread_of: str | None = None,
    ) -> EnqueueNotification:
        key = f"{kind}:{self.negotiation_id}:{uuid.uuid4().hex}"
        self.noticed = True
        return EnqueueNotification(
            key, self.team_channel, text, None if blocks is None else tuple(blocks), thread_of
        )

    def _team_notice(self, after: Negotiation, effect: NotifyTeam) -> EnqueueNotification:
        """The team's message of a step: an escalation carries its decisions as buttons, an
        agreement its transcript's; a takeover opens the thread its replies are posted in."""
        nid = self.negotiation_id
        text = f"*{after.campaign.client}* · {after.influencer.name}: {effect.summary}"
        match effect.topic:
            case TeamTopic.ESCALATED:
                ask = format_money(effect.their_ask) if effect.their_ask is not None else None
                cap = format_money(effect.cap or after.effective_cap)
                return self._notice(text, blocks=blocks.escalation(text, nid, ask, cap))
            case TeamTopic.AGREED:
                return self._notice(text, blocks=blocks.with_view_thread(text, nid))
            case TeamTopic.HUMAN_TAKEOVER:
                return self._notice(text, kind="takeover")
            case TeamTopic.REPLY_WHILE_HELD:
                words = after.last_reply.text.strip()[:2500] if after.last_reply else ""
                quoted = "\n".join(f"> {line}" for line in words.splitlines())
                return self._notice(f"{text}\n{quoted}".rstrip(), thread_of=f"takeover:{nid}:*")
            case _:
                return self._notice(text)

    def _audit(
        self,
        kind: AuditKind,
        after: Negotiation,
        *,
        rates: dict[str, str] | None = None,
        **metadata: Any,
    ) -> AppendAudit:
        return AppendAudit(
            kind,
            campaign_id=self.campaign_id,
            influencer_email=after.influencer.email,
            rates=rates,
            metadata={"negotiation_id": self.negotiation_id, **metadata},
        )

    def _email(self, after: Negotiation, effect: SendEmail) -> StoreOp[Any]:
        written, problems = write_checked_email(after, effect)  # the guard's verdict on it
        if (draft := self.drafts.get(effect.message_id)) is not None:  # the model's words
            template = (written, problems)
            written, problems = model_words(draft, after, effect, template, self.template_fallback)
        if problems:  # never an amount, placeholder or figure code did not decide
            return self._refused_email(after, effect, problems)
        return InsertOutbox(
            effect.message_id,
            self.negotiation_id,
            effect.to,
            written.subject,
            written.text,
            campaign_id=self.campaign_id,
            thread_id=self.thread(after),
            mailbox=self.mailbox,
            in_reply_to=effect.in_reply_to,
            references=(effect.in_reply_to,) if effect.in_reply_to else (),
            html=written.html,
            priority=_PRIORITY.get(effect.purpose, EmailPriority.REPLY),
        )

    def _refused_email(
        self, after: Negotiation, effect: SendEmail, problems: list[str]
    ) -> AppendAudit:
        team_text = (
            f"An email to {after.influencer.name} ({effect.purpose.value}) was not sent: "
            f"{'; '.join(problems)[:500]}. A person should write it."
        )
        self.refused.append(Refusal(effect.message_id, problems, team_text))
        return self._audit(
            AuditKind.EMAIL_SKIPPED,
            after,
            message_id=effect.message_id,
            purpose=effect.purpose.value,
            problems=problems,
        )


def transition_rates(n: Negotiation) -> dict[str, str]:
    """The numbers a step stood on: our last offer, their last ask, the cap, the agreement."""
    figures = {
        "offer": n.last_offer.amount if n.last_offer is not None else None,
        "their_ask": n.last_ask,
        "cap": n.effective_cap,
        "agreed": n.agreed.amount if n.agreed is not None else None,
    }
    return {name: str(value) for name, value in figures.items() if value is not None}
