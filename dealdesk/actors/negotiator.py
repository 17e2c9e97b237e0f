"""The Negotiator: one per influencer in a campaign, the owner of that negotiation's state.

A child of its campaign's supervisor (``negotiation:{id}``). Every activation — the first, a
restart, a later re-activation — loads the negotiation from its row; nothing is kept in a closure.
Each event goes through the domain's ``decide()``, and the decision is committed in ONE
transaction before any of its effects is carried out: the row (with the domain value, version
checked), the transition's audit entry, every email it writes (into the outbox, under the
domain's deterministic Message-ID, with the rates that led to it), its reminders, a
do-not-contact entry, and the marking of what it consumed (the received message, the fired
reminder), so a crash at any point leaves either the step done whole or not at all. After the
commit: the Mailroom is told to send, the Scheduler of the next reminder, the Notifier to post
what the team must hear (written in the step), and the supervisor of an agreement.

Events: the runtime's :class:`~dealdesk.runtime.virtual.Wake` (the first step, replies kept
while it was passivated), the Mailroom's ``EmailSent`` / ``EmailFailed`` /
``ReplyArrived``, the Scheduler's ``ReminderFired``. An event the state table has no edge for
(a late event on a finished negotiation) is audited and ignored, never a crash. The words of each
email come from the templated writer (``domain.writer``); the numbers are the decision's.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pykka

from dealdesk.actors.console_messages import HumanDecision
from dealdesk.actors.mail_messages import EmailFailed, EmailSent, ReplyArrived, SendPending
from dealdesk.actors.negotiation_step import StepOps, transition_rates
from dealdesk.actors.negotiator_messages import AgreementReached, CampaignCpm, NegotiationMoved
from dealdesk.actors.negotiator_model import ModelRead, ModelTurns, ModelWrote
from dealdesk.actors.notifier import NOTIFIER, PostPending
from dealdesk.actors.scheduler import ReminderFired, ReminderScheduled
from dealdesk.domain import (
    CpmTracker,
    EmailPurpose,
    Influencer,
    Negotiation,
    NegotiationPolicy,
    OutreachRequested,
    RecordAgreement,
    ReplyReceived,
    ScheduleReminder,
    SendEmail,
    SendFailed,
    State,
    decide,
    start_negotiation,
)
from dealdesk.domain import EmailSent as DomainEmailSent
from dealdesk.domain.events import ReminderDue
from dealdesk.domain.reader_context import read_reply_in
from dealdesk.domain.repricing import reprice
from dealdesk.errors import IllegalTransition
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import SCHEDULER, mailroom_name, negotiation_name
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.runtime.virtual import Wake
from dealdesk.store import (
    STORE,
    AppendAudit,
    AuditKind,
    BudgetExceeded,
    InboundKind,
    InboundStatus,
    MarkInboundDelivered,
    MarkOutboxHeard,
    MarkReminderFired,
    OutboxStatus,
    SaveNegotiation,
    StoreError,
    campaign_spend_query,
    inbound_query,
    outcome_heard_query,
    stored_campaign,
    unheard_outcomes_query,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.domain import Campaign, Decision, Event
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import NegotiationRecord, StoreOp

__all__ = ["Negotiator", "negotiator_spec"]

# Events no decision on can agree a fee: the budget left does not matter to them.
_AGREES_NOTHING = (OutreachRequested, DomainEmailSent, SendFailed, ReminderDue)


class Negotiator(ModelTurns, BaseActor):
    kind = "negotiator"

    def __init__(
        self,
        ctx: RuntimeContext,
        negotiation_id: str,
        *,
        policy: NegotiationPolicy,
        supervisor: pykka.ActorRef[Any] | None = None,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(
            actor_id=negotiation_name(negotiation_id), parent=parent, restarts=restarts
        )
        self.ctx = ctx
        self.nid = negotiation_id
        self.store = ctx[STORE]
        self.policy = policy
        # The campaign's CPM tracker as its supervisor last told it (None: no agreements known,
        # the campaign's range alone decides).
        self.tracker: CpmTracker | None = None
        self.campaign: Campaign | None = None  # the campaign as its supervisor last told it
        self.gmail_thread: str | None = None  # the Gmail thread our first email opened
        self.supervisor = supervisor or parent
        self.row: NegotiationRecord | None = None
        self.negotiation: Negotiation | None = None
        self.ops: StepOps | None = None  # what decisions write (once the row is loaded)
        self.log = self.log.bind(negotiation_id=negotiation_id)

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        self.row = self.store.reader().negotiation(self.nid)
        if self.row is None:
            raise StoreError(f"no negotiation {self.nid!r} in the store")
        data = self.row.data or {}
        if isinstance(data.get("negotiation"), dict):
            self.negotiation = Negotiation.model_validate(data["negotiation"])

    def wake(self, *, fresh: bool = False) -> None:
        """Just activated (its supervisor says so, after the campaign as it stands): take up the
        work this negotiation owns in the store — the first step, if it was never taken (new, or
        the process died before the outreach step committed), and replies kept while it had no
        activation, in order. ``fresh``: created just now, it has none of those yet."""
        if self.negotiation is None and self.row is not None:
            self.negotiation = self._new(self.row.data or {})
        if self.negotiation is not None and self.negotiation.state is State.NEW:
            self.step(OutreachRequested())
        if fresh or self.model_waiting():  # the model's answer is out: the rest after it
            return
        self.catch_up()

    def catch_up(self) -> None:
        """Take up what the store keeps for this negotiation, in order, until the model's answer
        is awaited (then again once it has come: :meth:`model_answered`)."""
        # Outcomes of our emails it has not taken (the process died before it could), in order.
        for email in self.store.reader().run(unheard_outcomes_query(negotiation_id=self.nid)):
            if self.model_waiting():
                return
            if email.status == OutboxStatus.SENT:
                self._sent(email.message_id, email.gmail_thread_id)
            else:
                self._failed(email.message_id, email.last_error)
        for kept in self.store.reader().run(
            inbound_query(negotiation_id=self.nid, status=InboundStatus.ROUTED)
        ):
            if self.model_waiting():
                return
            self._reply(kept.gmail_id)

    def _new(self, data: dict[str, Any]) -> Negotiation | None:
        """The negotiation as it starts: prices fixed from the campaign (as persisted), the
        influencer's roster row, and the flexibility the campaign's agreements allow now."""
        assert self.row is not None
        campaign = self.campaign
        if campaign is None:  # not told by a supervisor: as persisted
            stored = stored_campaign(self.store.reader(), self.row.campaign_id)
            campaign = stored.row.campaign if stored is not None else None
        roster = data.get("roster")
        if campaign is None or not isinstance(roster, dict):
            self.log.warning("negotiation_cannot_start", reason="no campaign or roster row")
            return None
        tracker = self.tracker or CpmTracker(cpm_range=campaign.cpm_range)
        return start_negotiation(
            campaign,
            Influencer.model_validate(roster),
            tracker,
            self.policy,
            self.ctx.clock.now(),
            entry=str(data.get("influencer") or self.row.influencer_name),
        )

    def on_stop(self) -> None:
        self.model_stopping()  # passivated with the model's answer out: its work handed back
        self.store.close_reader()

    def handle(self, message: Any) -> Any:
        if self.model_defers(message):  # the model's answer is out: after it, in order
            return None
        match message:
            case ModelRead() | ModelWrote():
                return self.model_answered(message)
            case Wake(fresh=fresh):
                return self.wake(fresh=fresh)
            case CampaignCpm(tracker=tracker, campaign=campaign):
                self.tracker = tracker
                self.campaign = campaign or self.campaign
                return None
            case EmailSent(message_id=message_id, thread_id=thread_id):
                return self._sent(message_id, thread_id)
            case EmailFailed(bounce=str(gmail_id)):
                return self._reply(gmail_id)  # kept in the store: taken once, like a reply
            case EmailFailed(message_id=message_id, reason=reason):
                return self._failed(message_id, reason)
            case ReplyArrived(gmail_id=gmail_id):
                return self._reply(gmail_id)
            case ReminderFired(due=due):
                return self.step(due, consumed=MarkReminderFired(due.reminder_id))
            case HumanDecision(event=event):  # the team's, from Slack: a step like any other
                return self.step(event)
            case _:
                return self.unhandled(message)

    def _sent(self, message_id: str, thread_id: str | None) -> str | None:
        """Our email went out: taken once (the news may come again after a restart)."""
        self.gmail_thread = self.gmail_thread or thread_id
        if self.store.reader().run(outcome_heard_query(message_id)):
            return None
        purpose = self._purpose_of(message_id)
        event = DomainEmailSent(message_id=message_id, purpose=purpose)
        return self.step(event, consumed=MarkOutboxHeard(message_id))

    def _failed(self, message_id: str, reason: str | None) -> str | None:
        if self.store.reader().run(outcome_heard_query(message_id)):
            return None
        purpose = self._purpose_of(message_id)
        event = SendFailed(message_id=message_id, purpose=purpose, error=reason or "not sent")
        return self.step(event, consumed=MarkOutboxHeard(message_id))

    def _purpose_of(self, message_id: str) -> EmailPurpose:
        assert self.negotiation is not None
        for entry in reversed(self.negotiation.history):
            if entry.message_id == message_id and entry.purpose is not None:
                return entry.purpose
        return EmailPurpose.OUTREACH

    def _reply(self, gmail_id: str) -> str | None:
        assert self.negotiation is not None
        waiting = self.store.reader().run(
            inbound_query(negotiation_id=self.nid, status=InboundStatus.ROUTED)
        )
        kept = next((r for r in waiting if r.gmail_id == gmail_id), None)
        if kept is None:
            return None  # taken before (a repeat after a restart)
        bounce = kept.body.get("bounce")
        if kept.kind is InboundKind.BOUNCE and isinstance(bounce, dict):
            # A failed delivery of the email it returns, not something they said.
            bounced = str(bounce.get("original_message_id") or gmail_id)
            failed = SendFailed(
                message_id=bounced,
                purpose=self._purpose_of(bounced),
                error=f"bounced: {bounce.get('reason') or 'the address does not take mail'}",
            )
            return self.step(failed, consumed=MarkInboundDelivered(gmail_id))
        text = str(kept.body.get("text") or "")
        reading = read_reply_in(self.negotiation, text, received=self.ctx.clock.now())
        message_id = kept.message_id or f"<{gmail_id}@gmail>"
        from_address = kept.from_addr or self.negotiation.influencer.email
        if self.model_reads(gmail_id, message_id, from_address, text, reading):
            return None  # its reading comes back as ModelRead
        event = ReplyReceived(
            message_id=message_id,
            from_address=from_address,
            text=text,
            reading=reading,
        )
        return self.step(event, consumed=MarkInboundDelivered(gmail_id))

    def step(self, event: Event, *, consumed: StoreOp[Any] | None = None) -> str | None:
        """One event: decide, commit the step whole, then carry out its effects."""
        if self.negotiation is None or self.row is None:
            self.log.warning("negotiation_not_started", event_type=type(event).__name__)
            return None
        now = self.ctx.clock.now()
        before = self._as_campaign_stands(self.negotiation, event)
        try:
            decision = decide(before, event, now)
        except IllegalTransition as exc:
            self.store.commit(*self._ignored(event, str(exc)), *([consumed] if consumed else []))
            return None
        if self.model_writes(event, decision, consumed):
            return None  # its drafts come back as ModelWrote, and the step is taken again
        try:
            return self._commit(before, event, decision, consumed)
        except BudgetExceeded:
            # Another negotiation of the campaign agreed first: decide again, knowing what is
            # left now (the domain escalates, with the numbers).
            before = self._as_campaign_stands(self.negotiation, event)
            return self._commit(before, event, decide(before, event, now), consumed)

    def _as_campaign_stands(self, negotiation: Negotiation, event: Event) -> Negotiation:
        """The negotiation as its campaign stands now: the budget others' agreed fees leave (for
        an event that can agree a fee), and the cap the campaign's CPM tracker allows (the offers
        we made stand)."""
        assert self.row is not None
        if not isinstance(event, _AGREES_NOTHING):
            spent = self.store.reader().run(
                campaign_spend_query(self.row.campaign_id, excluding=self.nid)
            )
            left = max(negotiation.campaign.budget - spent, Decimal(0))
            negotiation = negotiation.model_copy(update={"budget_left": left})
        if self.tracker is not None and self.tracker.cpm_range == negotiation.campaign.cpm_range:
            influencer = negotiation.influencer
            pricing = negotiation.policy.pricing
            flexibility = self.tracker.flexibility(influencer.engagement_rate, pricing)
            negotiation = reprice(negotiation, flexibility)
        return negotiation

    def _commit(
        self, before: Negotiation, event: Event, decision: Decision, consumed: StoreOp[Any] | None
    ) -> str:
        assert self.row is not None
        after = decision.negotiation
        ops: list[StoreOp[Any]] = [
            SaveNegotiation(
                negotiation_id=self.nid,
                campaign_id=self.row.campaign_id,
                influencer_name=self.row.influencer_name,
                influencer_email=after.influencer.email,
                state=after.state,
                expected_version=self.row.version,
                data={**(self.row.data or {}), "negotiation": after.model_dump(mode="json")},
            ),
            AppendAudit(
                AuditKind.STATE_TRANSITION,
                campaign_id=self.row.campaign_id,
                influencer_name=self.row.influencer_name,
                influencer_email=after.influencer.email,
                state_from=before.state,
                state_to=after.state,
                rates=transition_rates(after),
                metadata={
                    "negotiation_id": self.nid,
                    "event": event.type,
                    "reason": decision.reason,
                    **self._repriced(before),
                },
            ),
        ]
        ops.extend(self._step_ops().of(after, decision))
        if consumed is not None:
            ops.append(consumed)
        self.store.commit(*ops)
        self.negotiation = after
        save = ops[0]
        assert isinstance(save, SaveNegotiation)
        self.row = replace(
            self.row, state=after.state.value, version=self.row.version + 1, data=save.data
        )
        self._carry_out(after, decision)
        if after.state is not before.state:
            self._tell_supervisor(NegotiationMoved(self.nid, after.state.value))
        return after.state.value

    def _repriced(self, before: Negotiation) -> dict[str, str]:
        """Why the cap moved since the last step (the campaign's CPM tracker), when it did."""
        held = self.negotiation
        if held is None or held.plan.cap == before.plan.cap:
            return {}
        return {"repriced": before.plan.reason}

    def _ignored(self, event: Event, why: str) -> list[StoreOp[Any]]:
        assert self.row is not None
        self.log.info("late_event_ignored", event_type=type(event).__name__, why=why)
        return [
            AppendAudit(
                AuditKind.STATE_TRANSITION,
                campaign_id=self.row.campaign_id,
                influencer_name=self.row.influencer_name,
                metadata={"negotiation_id": self.nid, "event": event.type, "ignored": why},
            )
        ]

    def _step_ops(self) -> StepOps:
        if self.ops is None:
            assert self.row is not None
            self.ops = StepOps(
                self.nid,
                self.row.campaign_id,
                self.ctx.settings.gmail_address,
                self._gmail_thread,
                team_channel=self.ctx.settings.slack_team_channel,
                review=self._review(),
            )
        return self.ops

    def _review(self) -> str:
        """Which emails wait for review: the campaign's choice, else the team's setting."""
        chosen = self.negotiation.campaign.review if self.negotiation is not None else None
        return chosen or self.ctx.settings.review

    def _gmail_thread(self, after: Negotiation) -> str | None:
        """The Gmail thread our first email opened (replies go in it); none before it went."""
        if self.gmail_thread is None and after.emails_queued > 1:
            sent = self.store.reader().outbox(negotiation_id=self.nid, status="sent")
            self.gmail_thread = sent[0].gmail_thread_id if sent else None
        return self.gmail_thread

    def _carry_out(self, after: Negotiation, decision: Decision) -> None:  # noqa: ARG002 - the step's seam
        refused = self._step_ops().refused
        while refused:
            refusal = refused.pop(0)
            self.log.error(
                "email_refused_by_guard", message_id=refusal.message_id, problems=refusal.problems
            )
        if any(isinstance(e, SendEmail) for e in decision.effects):
            self.ctx.registry.tell(mailroom_name(self.ctx.settings.gmail_address), SendPending())
        for effect in decision.effects:
            match effect:
                case ScheduleReminder(due_at=due_at):
                    self.ctx.registry.tell(SCHEDULER, ReminderScheduled(due_at))
                case RecordAgreement(terms=terms, cpm=cpm, engagement_rate=rate):
                    engagement = None if rate is None else str(rate)
                    self._tell_supervisor(
                        AgreementReached(self.nid, str(terms.amount), str(cpm), engagement)
                    )
                case _:
                    pass
        if self._step_ops().noticed:  # the step wrote the team's messages: the Notifier posts
            self._step_ops().noticed = False
            self.ctx.registry.tell(NOTIFIER, PostPending())

    def _tell_supervisor(self, message: object) -> None:
        """After the step committed: a supervisor that is stopping learns it from the store at
        its next start, so its absence is no failure of this step."""
        if self.supervisor is not None:
            with contextlib.suppress(pykka.ActorDeadError):
                self.supervisor.tell(message)

    def state_name(self) -> str:
        return self.negotiation.state.value if self.negotiation else "not_started"

    def dump_fields(self) -> dict[str, Any]:
        n = self.negotiation
        return {
            "negotiation_id": self.nid,
            "offers": [str(t.amount) for t in n.offers] if n else [],
            "last_ask": str(n.last_ask) if n and n.last_ask is not None else None,
            "awaiting_model": self.model_awaited(),
        }


def negotiator_spec(
    ctx: RuntimeContext,
    policy: NegotiationPolicy,
) -> Callable[[str], ChildSpec]:
    """The supervisor's seam: a negotiation id → how to start (and restart: the row is reloaded
    in ``started``) its Negotiator."""

    def spec(nid: str) -> ChildSpec:
        def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
            return Negotiator.start(ctx, nid, policy=policy, parent=parent, restarts=restarts)

        return ChildSpec(
            name=negotiation_name(nid), start=start, kind=Negotiator.kind, register=False
        )

    return spec
