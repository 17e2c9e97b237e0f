"""The scratch pad one ``decide()`` call writes on: the next negotiation value plus its effects.

``Draft`` is created, filled and discarded inside a single pure call; nothing outside sees it
mutate. It keeps the bookkeeping that must never be forgotten in one place: every email gets a
deterministic Message-ID, a history entry and (for offers) a place in ``offers``; every
reminder replaced is cancelled first; the reason is assembled from the steps taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dealdesk.domain.effects import (
    CancelReminder,
    Effect,
    NotifyTeam,
    ScheduleReminder,
    SendEmail,
    TeamTopic,
    Terms,
)
from dealdesk.domain.events import EmailPurpose, ReminderKind
from dealdesk.domain.negotiation import HistoryEntry, HistoryKind, Negotiation, PendingReminder

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

    from dealdesk.domain.campaign import Deliverable
    from dealdesk.domain.reading import QuestionTopic

__all__ = ["Draft", "opening_terms"]

# Emails that put a new price on the table.
_OFFER_PURPOSES = frozenset({EmailPurpose.OUTREACH, EmailPurpose.COUNTER})


def opening_terms(negotiation: Negotiation, amount: Decimal) -> Terms:
    campaign = negotiation.campaign
    return Terms(
        amount=amount,
        currency=campaign.currency,
        deliverables=negotiation.plan.deliverables,
        usage_rights_days=campaign.usage_rights.duration_days,
        paid_ads=campaign.usage_rights.paid_ads,
        product_offer=campaign.product_offer,
    )


@dataclass
class Draft:
    negotiation: Negotiation
    now: datetime
    effects: list[Effect] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def update(self, **changes: Any) -> None:
        self.negotiation = self.negotiation.model_copy(update=changes)

    def because(self, sentence: str) -> None:
        self.reasons.append(sentence)

    def note(self, text: str) -> None:
        self.record(HistoryEntry(at=self.now, kind=HistoryKind.NOTE, text=text))

    def record(self, entry: HistoryEntry) -> None:
        self.update(history=(*self.negotiation.history, entry))

    def current_terms(self) -> Terms:
        """What is on the table now: our last offer, or the opening before any."""
        last = self.negotiation.last_offer
        return (
            last
            if last is not None
            else opening_terms(self.negotiation, self.negotiation.plan.opening)
        )

    def terms(
        self,
        amount: Decimal,
        *,
        deliverables: tuple[Deliverable, ...] | None = None,
        usage_rights_days: int | None = None,
    ) -> Terms:
        base = self.current_terms()
        return base.model_copy(
            update={
                "amount": amount,
                "deliverables": deliverables or base.deliverables,
                "usage_rights_days": (
                    base.usage_rights_days if usage_rights_days is None else usage_rights_days
                ),
            }
        )

    def email(
        self,
        purpose: EmailPurpose,
        *,
        terms: Terms | None,
        reason: str,
        answer_topics: tuple[QuestionTopic, ...] = (),
        their_ask: Decimal | None = None,
        final_offer: bool = False,
        report_sent: bool = True,
    ) -> SendEmail:
        n = self.negotiation
        last_reply = n.last_reply
        effect = SendEmail(
            message_id=n.next_message_id(),
            to=n.influencer.email,
            purpose=purpose,
            terms=terms,
            in_reply_to=last_reply.message_id if last_reply is not None else None,
            answer_topics=answer_topics,
            their_ask=their_ask,
            final_offer=final_offer,
            report_sent=report_sent,
            reason=reason,
        )
        offers = (
            (*n.offers, terms) if purpose in _OFFER_PURPOSES and terms is not None else n.offers
        )
        self.update(emails_queued=n.emails_queued + 1, offers=offers)
        self.record(
            HistoryEntry(
                at=self.now,
                kind=HistoryKind.EMAIL_QUEUED,
                message_id=effect.message_id,
                purpose=purpose,
                terms=terms,
                text=reason,
            )
        )
        self.effects.append(effect)
        return effect

    def notify(self, topic: TeamTopic, summary: str, **amounts: Any) -> None:
        self.effects.append(NotifyTeam(topic=topic, summary=summary, **amounts))

    def cancel_reminder(self) -> None:
        pending = self.negotiation.reminder
        if pending is not None:
            self.effects.append(CancelReminder(reminder_id=pending.reminder_id))
            self.update(reminder=None)

    def schedule(self, kind: ReminderKind, due_at: datetime) -> None:
        self.cancel_reminder()
        n = self.negotiation
        reminder = PendingReminder(
            reminder_id=f"{n.id}:{kind.value}:{len(n.history)}", kind=kind, due_at=due_at
        )
        self.update(reminder=reminder)
        self.effects.append(
            ScheduleReminder(reminder_id=reminder.reminder_id, reminder=kind, due_at=due_at)
        )

    def schedule_next_reminder(self, not_before: datetime | None = None) -> None:
        """A follow-up while any remain, else the stale timer; never earlier than ``not_before``."""
        n = self.negotiation
        playbook = n.policy.playbook
        if n.follow_ups_sent < playbook.max_follow_ups:
            kind = ReminderKind.FOLLOW_UP
            due = self.now + playbook.follow_up_after(n.follow_ups_sent)
        else:
            kind = ReminderKind.STALE
            due = self.now + playbook.stale_after
        if not_before is not None and due < not_before:
            due = not_before
        self.schedule(kind, due)

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)
