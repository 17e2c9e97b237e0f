"""Builders and a conversation driver: tests move negotiations only through real events.

The driver plays the runtime's part: after every decision it confirms each email that asks for
confirmation (EmailSent), and "silence" fires the pending reminder at its due time. Nothing here
sets a state by hand, so the states tests reach are the ones production reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from dealdesk.domain import (
    Campaign,
    CpmTracker,
    Decision,
    EmailSent,
    Event,
    HumanTakeover,
    Influencer,
    Negotiation,
    NegotiationPolicy,
    Pause,
    Playbook,
    ReminderDue,
    ReplyReading,
    ReplyReceived,
    SendEmail,
    State,
    decide,
    read_reply,
    start_negotiation,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def make_campaign(**overrides: Any) -> Campaign:
    data: dict[str, Any] = {
        "id": "cu-42",
        "client": "Glow Co",
        "platform": "instagram",
        "cpm_range": {"min": "20", "max": "30"},
        "budget": "25000",
        "target_deliverables": [{"kind": "instagram_reel", "quantity": 1}],
        "influencers": ["@ana"],
    }
    data.update(overrides)
    return Campaign.model_validate(data)


def make_influencer(**overrides: Any) -> Influencer:
    data: dict[str, Any] = {
        "name": "Ana Lima",
        "email": "ana@example.com",
        "platform": "instagram",
        "handle": "@ana",
        "average_views": 50_000,
        "engagement_rate": Decimal("0.06"),
    }
    data.update(overrides)
    return Influencer.model_validate(data)


def make_negotiation(
    campaign: Campaign | None = None,
    influencer: Influencer | None = None,
    policy: NegotiationPolicy | None = None,
    tracker: CpmTracker | None = None,
) -> Negotiation:
    campaign = campaign or make_campaign()
    return start_negotiation(
        campaign,
        influencer or make_influencer(),
        tracker or CpmTracker(cpm_range=campaign.cpm_range),
        policy or NegotiationPolicy(),
        T0,
    )


@dataclass
class Driver:
    negotiation: Negotiation
    now: datetime = T0
    decisions: list[Decision] = field(default_factory=list)
    replies: int = 0
    confirm: bool = True

    @property
    def state(self) -> str:
        return self.negotiation.state.value

    @property
    def last(self) -> Decision:
        return self.decisions[-1]

    def send(self, event: Event) -> Decision:
        self.now += timedelta(minutes=5)
        decision = decide(self.negotiation, event, self.now)
        self.negotiation = decision.negotiation
        self.decisions.append(decision)
        if self.confirm:
            for effect in decision.effects:
                if isinstance(effect, SendEmail) and effect.report_sent:
                    self.send(EmailSent(message_id=effect.message_id, purpose=effect.purpose))
        return decision

    def start(self) -> Decision:
        from dealdesk.domain import OutreachRequested

        return self.send(OutreachRequested())

    def reply(self, text: str, reading: ReplyReading | None = None) -> Decision:
        self.replies += 1
        platform = self.negotiation.campaign.platform
        reading = reading or read_reply(text, platform=platform, today=self.now.date())
        event = ReplyReceived(
            message_id=f"<reply-{self.replies}@example.com>",
            from_address=self.negotiation.influencer.email,
            text=text,
            reading=reading,
        )
        return self.send(event)

    def silence(self) -> Decision | None:
        """Time passes until the pending reminder fires; None when nothing is pending."""
        pending = self.negotiation.reminder
        if pending is None:
            return None
        self.now = max(self.now, pending.due_at)
        return self.send(ReminderDue(reminder_id=pending.reminder_id, kind=pending.kind))

    def emails(self) -> list[SendEmail]:
        return [e for d in self.decisions for e in d.effects if isinstance(e, SendEmail)]

    def effects(self) -> list[object]:
        return [e for d in self.decisions for e in d.effects]


# -- ways to reach each resting state through events production really sends ------------------


def at_new() -> Driver:
    return Driver(make_negotiation())


def at_outreach_sent() -> Driver:
    driver = Driver(make_negotiation(), confirm=False)
    driver.start()
    return driver


def at_awaiting(policy: NegotiationPolicy | None = None) -> Driver:
    driver = Driver(make_negotiation(policy=policy))
    driver.start()
    return driver


# A playbook that exits politely on a hopeless ask (off by default: a far ask escalates).
EXITS_AT_2X = NegotiationPolicy(playbook=Playbook(exit_multiple=Decimal(2)))


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
