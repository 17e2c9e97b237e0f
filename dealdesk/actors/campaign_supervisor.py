"""One CampaignSupervisor per campaign: the owner of the campaign's row and its negotiations.

Registered as ``campaign:{id}`` (single activation: the registry and its parent's ``StartChild``
return the live one), started by the :class:`~dealdesk.actors.campaign_directory.CampaignDirectory`
from the campaign's id alone: every activation, a restart included, loads the campaign and its
negotiations from the store in ``started`` (the ``ChildSpec`` contract), so nothing is carried
over in a closure.

- :class:`OpenCampaign` persists a new campaign (row + ``campaign_start`` audit, one transaction)
  and creates its negotiations; opening it again only creates any that are missing.
- :class:`UpdateCampaign` compares the submission with the campaign it holds
  (:func:`~dealdesk.domain.changes.campaign_changes`): added influencers get negotiations; every
  other changed term, and removed influencers, are recorded in the row as unapplied and never
  applied to live negotiations.
- :class:`AddInfluencers` persists one negotiation per influencer in state ``new`` (the row and
  its audit entry in one transaction), exactly once: the id is the domain's
  :func:`~dealdesk.domain.identity.negotiation_id`, and the store refuses a second row under it
  (``VersionConflict``), so replays and racing duplicates change nothing.
- :class:`PauseCampaign` moves every negotiation the state table lets pause to ``paused``
  (remembering the state it left, with the same version check) and marks the campaign paused.

Negotiators are virtual children (``negotiator_spec``: id -> ChildSpec), activated on demand;
new ones open a few at a time (``campaign_admission``). Runs on its own thread; writes wait for
their commit with the store's timeout, reads use this thread's read-only connection.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pykka

from dealdesk.actors.campaign_admission import Admission
from dealdesk.actors.campaign_lookup import email_of, look_up
from dealdesk.actors.campaign_messages import (
    AddInfluencers,
    CampaignStarted,
    CampaignUnchanged,
    CampaignUpdated,
    InfluencersAdded,
    OpenCampaign,
    PauseCampaign,
    UpdateCampaign,
)
from dealdesk.actors.console_messages import HumanDecision
from dealdesk.actors.mail_messages import EmailFailed, EmailSent, ReplyArrived
from dealdesk.actors.negotiator_messages import AgreementReached, CampaignCpm, NegotiationMoved
from dealdesk.actors.notifier import NOTIFIER, PostPending
from dealdesk.actors.scheduler import ReminderFired
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.domain.changes import campaign_changes
from dealdesk.domain.cpm import CpmTracker
from dealdesk.domain.events import EventType
from dealdesk.domain.identity import influencer_key, negotiation_id
from dealdesk.domain.machine import TRANSITIONS
from dealdesk.domain.negotiation import TERMINAL_STATES, State
from dealdesk.integrations.slack import messages as say
from dealdesk.runtime.registry import campaign_name, negotiation_name
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.runtime.virtual import VirtualSupervisor, Wake
from dealdesk.store import (
    STORE,
    AppendAudit,
    AuditKind,
    CampaignRow,
    InboundStatus,
    SaveCampaign,
    SaveNegotiation,
    StoreError,
    Transaction,
    Unapplied,
    VersionConflict,
    agreed_rates_query,
    campaign_spend_query,
    inbound_query,
    stored_campaign,
    unheard_outcomes_query,
)
from dealdesk.store.notifications import EnqueueNotification

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.domain.campaign import Campaign
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import CampaignSource, StoredCampaign

__all__ = ["CampaignSupervisor", "campaign_supervisor_spec"]

# The states the negotiation table lets a pause leave (its PAUSE edges).
PAUSABLE = frozenset(state for state, event in TRANSITIONS if event is EventType.PAUSE)


class CampaignSupervisor(VirtualSupervisor):
    kind = "campaign_supervisor"

    def __init__(
        self,
        ctx: RuntimeContext,
        campaign_id: str,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
        negotiator_spec: Callable[[str], ChildSpec] | None = None,
    ) -> None:
        super().__init__(ctx, actor_id=campaign_name(campaign_id), parent=parent, restarts=restarts)
        self.campaign_id = campaign_id
        self.store = ctx[STORE]
        self.negotiator_spec = negotiator_spec
        self.stored: StoredCampaign | None = None  # None until OpenCampaign persists it
        self.negotiations: dict[str, State] = {}  # negotiation id -> state
        self.agreed: dict[str, Decimal] = {}  # negotiation id -> agreed fee (this activation)
        self.tracker: CpmTracker | None = None  # the campaign's CPM tracker, once it is opened
        # New negotiations open a few at a time (campaign_admission.py says why).
        self.admission = Admission(max(1, ctx.settings.max_live_negotiators // 10))
        self.log = self.log.bind(campaign_id=campaign_id)

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        reader = self.store.reader()
        self.stored = stored_campaign(reader, self.campaign_id)
        self._load_tracker()
        for row in reader.negotiations(self.campaign_id):
            self.negotiations[row.negotiation_id] = State(row.state)
        # Negotiations activate on demand; at start only those with work of their own: a first
        # step not taken, or replies kept for them while nothing ran.
        waiting = {r.negotiation_id for r in reader.run(inbound_query(status=InboundStatus.ROUTED))}
        # ... or news of our emails they have not taken (the process died before they could).
        waiting |= {
            r.negotiation_id
            for r in reader.run(unheard_outcomes_query(campaign_id=self.campaign_id))
        }
        for nid, state in self.negotiations.items():
            if state is State.NEW and nid not in waiting:
                self.admission.queue(nid, fresh=False)
            elif nid in waiting:
                self._activate(nid, state)
            if state in TERMINAL_STATES and nid in waiting and self.negotiator_spec is not None:
                # Ended, with news it never took (a late reply): recorded and ignored, as a
                # late event on an ended negotiation always is, then it rests again.
                self.activate(self.negotiator_spec(nid))
                self.passivate(negotiation_name(nid))
        self._admit()
        self.log.info(
            "campaign_supervisor_started", negotiations=len(self.negotiations), live=self.live_count
        )
        self._maybe_completed()  # every negotiation may have ended just before a crash

    def on_stop(self) -> None:
        super().on_stop()
        self.store.close_reader()

    def handle(self, message: Any) -> Any:
        match message:
            case OpenCampaign(campaign=campaign, source=source):
                return self.open(campaign, source)
            case UpdateCampaign(campaign=campaign, source=source):
                return self.update(campaign, source)
            case AddInfluencers(influencers=influencers):
                return self.add_influencers(influencers)
            case PauseCampaign(reason=reason):
                return self.pause(reason)
            case EmailSent() | EmailFailed() | ReplyArrived() | ReminderFired() | HumanDecision():
                return self._to_negotiation(message.negotiation_id, message)
            case NegotiationMoved(negotiation_id=nid, state=state):
                self.negotiations[nid] = State(state)
                if State(state) in TERMINAL_STATES:
                    self.passivate(negotiation_name(nid))  # no work left: free its thread
                else:
                    self.touch(negotiation_name(nid))
                self.admission.moved(nid, State(state))
                self._admit()
                return self._maybe_completed()
            case AgreementReached(negotiation_id=nid, amount=amount):
                self.touch(negotiation_name(nid))
                self.agreed[nid] = Decimal(amount)
                self._agreed_cpm(message)
                self.log.info(
                    "agreement",
                    negotiation_id=nid,
                    amount=amount,
                    spend=str(sum(self.agreed.values())),
                )
                return None
            case _:
                return super().handle(message)

    def _held(self) -> StoredCampaign:
        if self.stored is None:
            raise StoreError(f"campaign {self.campaign_id!r} has not been opened")
        return self.stored

    def open(
        self, campaign: Campaign, source: CampaignSource
    ) -> CampaignStarted | CampaignUnchanged:
        if self.stored is not None:
            # A replay (the creation delivered again, or retried after a crash between the row
            # and its negotiations): never opened twice, but every negotiation of the campaign as
            # it was opened exists afterwards.
            self.add_influencers(self.stored.row.campaign.influencers)
            return CampaignUnchanged(already_started=True)
        name = source.task_name or campaign.client
        row = CampaignRow(campaign=campaign, clickup=source)
        self.store.commit(
            SaveCampaign(name, CampaignStatus.ACTIVE, row),
            AppendAudit(
                AuditKind.CAMPAIGN_START,
                campaign_id=campaign.id,
                metadata={
                    "task_name": source.task_name,
                    "influencers": len(campaign.influencers),
                    "source": "clickup",
                },
            ),
        )
        self.stored = stored_campaign(self.store.reader(), self.campaign_id)
        self._load_tracker()
        added = self.add_influencers(campaign.influencers)
        return CampaignStarted(name, added.created, added.skipped)

    def update(
        self, campaign: Campaign, source: CampaignSource
    ) -> CampaignUpdated | CampaignUnchanged:
        held = self._held()
        old = held.row.campaign
        changes = campaign_changes(old, campaign)
        if changes.empty:
            return CampaignUnchanged()
        kept = old.model_copy(update={"influencers": old.influencers + changes.added})
        unapplied = Unapplied(
            terms=tuple(str(t) for t in changes.terms), removed_influencers=changes.removed
        )
        row = CampaignRow(campaign=kept, clickup=source, unapplied=unapplied)
        self.store.commit(
            SaveCampaign(held.name, CampaignStatus.ACTIVE, row),
            AppendAudit(
                AuditKind.CAMPAIGN_UPDATE,
                campaign_id=old.id,
                metadata={"added": list(changes.added), **unapplied.model_dump(mode="json")},
            ),
        )
        self.stored = stored_campaign(self.store.reader(), self.campaign_id)
        added = self.add_influencers(changes.added) if changes.added else None
        return CampaignUpdated(
            held.name,
            changes,
            added.created if added else (),
            added.skipped if added else (),
        )

    def add_influencers(self, influencers: tuple[str, ...]) -> InfluencersAdded:
        wanted: dict[str, str] = {}
        for entry in influencers:
            wanted.setdefault(negotiation_id(self.campaign_id, entry), entry)
        new = {nid: entry for nid, entry in wanted.items() if nid not in self.negotiations}
        roster = self.stored.row.campaign.roster if self.stored is not None else None
        found, skipped = look_up(self.ctx, tuple(new.values()), roster)
        pending: list[tuple[str, str, pykka.Future[Any]]] = []
        for nid, entry in new.items():
            if entry not in found:
                continue
            influencer = found[entry]
            email = influencer.email if influencer is not None else email_of(entry)
            data: dict[str, Any] = {"influencer": entry, "key": influencer_key(entry)}
            if influencer is not None:
                data["roster"] = influencer.model_dump(mode="json")
            save = SaveNegotiation(
                negotiation_id=nid,
                campaign_id=self.campaign_id,
                influencer_name=entry,
                influencer_email=email,
                state=State.NEW,
                expected_version=0,
                data=data,
            )
            audit = AppendAudit(
                AuditKind.STATE_TRANSITION,
                campaign_id=self.campaign_id,
                influencer_name=entry,
                influencer_email=email,
                state_to=State.NEW,
                metadata={"negotiation_id": nid, "source": "clickup"},
            )
            # All submitted at once: they commit in one group commit, then each is checked.
            pending.append((nid, entry, self.store.submit(Transaction((save, audit)))))
        for entry, why in skipped:
            self.store.tell(
                AppendAudit(
                    AuditKind.CAMPAIGN_INFLUENCER_SKIP,
                    campaign_id=self.campaign_id,
                    influencer_name=entry,
                    metadata={"reason": why},
                )
            )
        created: list[str] = []
        for nid, entry, future in pending:
            try:
                future.get(timeout=self.store.timeout_s)
            except VersionConflict:
                continue  # another activation created it first: never twice
            self.negotiations[nid] = State.NEW
            created.append(entry)
            self.admission.queue(nid, fresh=True)
        self._admit()
        existing = tuple(e for e in wanted.values() if e not in created and e not in dict(skipped))
        self.log.info(
            "negotiations_created",
            created=len(created),
            existing=len(existing),
            skipped=len(skipped),
        )
        return InfluencersAdded(tuple(created), existing, skipped)

    def pause(self, reason: str) -> int:
        paused = 0
        for row in self.store.reader().negotiations(self.campaign_id):
            state = State(row.state)
            self.negotiations[row.negotiation_id] = state
            if state not in PAUSABLE:
                continue
            data = {**(row.data or {}), "paused_from": state.value, "paused_because": reason}
            save = SaveNegotiation(
                negotiation_id=row.negotiation_id,
                campaign_id=self.campaign_id,
                influencer_name=row.influencer_name,
                state=State.PAUSED,
                expected_version=row.version,
                data=data,
            )
            audit = AppendAudit(
                AuditKind.PAUSE,
                campaign_id=self.campaign_id,
                influencer_name=row.influencer_name,
                state_from=state,
                state_to=State.PAUSED,
                metadata={"negotiation_id": row.negotiation_id, "reason": reason},
            )
            try:
                self.store.commit(save, audit)
            except VersionConflict:
                self.log.info("pause_lost_race", negotiation_id=row.negotiation_id)
                continue  # its owner moved it meanwhile; the campaign's status still says paused
            self.negotiations[row.negotiation_id] = State.PAUSED
            paused += 1
        if self.stored is not None and self.stored.status is not CampaignStatus.PAUSED:
            self.store.commit(
                SaveCampaign(self.stored.name, CampaignStatus.PAUSED, self.stored.row),
                AppendAudit(
                    AuditKind.PAUSE,
                    campaign_id=self.campaign_id,
                    metadata={"reason": reason, "negotiations": paused},
                ),
            )
            self.stored = stored_campaign(self.store.reader(), self.campaign_id)
        for name in list(self.children):
            self.ctx.registry.tell(name, PauseCampaign(reason))
        self.log.info("campaign_paused", paused=paused, reason=reason)
        return paused

    def _maybe_completed(self) -> None:
        """When every negotiation has ended: the campaign is completed, the team told once."""
        stored = self.stored
        if stored is None or stored.status is not CampaignStatus.ACTIVE or not self.negotiations:
            return
        if not all(state in TERMINAL_STATES for state in self.negotiations.values()):
            return
        outcomes: dict[str, int] = {}
        for state in self.negotiations.values():
            outcomes[state.value] = outcomes.get(state.value, 0) + 1
        spend = self.store.reader().run(campaign_spend_query(self.campaign_id))
        text = say.campaign_finished_text(stored.name, stored.row.campaign, outcomes, spend)
        self.store.commit(
            SaveCampaign(stored.name, CampaignStatus.COMPLETED, stored.row),
            AppendAudit(
                AuditKind.CAMPAIGN_COMPLETED,
                campaign_id=self.campaign_id,
                rates={"spend": str(spend), "budget": str(stored.row.campaign.budget)},
                metadata={"outcomes": outcomes},
            ),
            # The team's message in the same transaction: told once, even across a crash.
            EnqueueNotification(
                f"campaign-finished:{self.campaign_id}", self.ctx.settings.slack_team_channel, text
            ),
        )
        self.stored = stored_campaign(self.store.reader(), self.campaign_id)
        self.ctx.registry.tell(NOTIFIER, PostPending())
        self.log.info("campaign_completed", outcomes=outcomes, spend=str(spend))

    def _to_negotiation(self, nid: str, message: object) -> None:
        """News for a negotiation goes to its Negotiator, activated if it was passivated. With
        no negotiator to start it is not lost: a reply stays ``routed`` in the store, an outcome
        is in the outbox and the audit trail, for the negotiation to read when it activates."""
        if nid in self.negotiations and self.negotiator_spec is not None:
            self.deliver(self.negotiator_spec(nid), message)
            if self.negotiations[nid] in TERMINAL_STATES:
                # A late event on an ended negotiation: recorded and ignored, then it rests again
                # (its activation takes it at once, never waiting for the model: a late reply is
                # not read, negotiator_model.py says why).
                self.passivate(negotiation_name(nid))
        else:
            self.log.info(
                "mail_kept_for_negotiation", negotiation_id=nid, event_type=type(message).__name__
            )

    def _activate(self, nid: str, state: State, wake: Wake | None = None) -> None:
        """Start (and wake) the negotiation's Negotiator, where it still has work."""
        if self.negotiator_spec is not None and state not in TERMINAL_STATES:
            self.activate(self.negotiator_spec(nid), wake=wake)

    def _admit(self) -> None:
        """Open the new negotiations the admission lets in now."""
        if self.negotiator_spec is None:
            return
        for opening in self.admission.admit(
            still_new=lambda nid: self.negotiations.get(nid) is State.NEW,
            stuck=lambda nid: (
                self.negotiations.get(nid) is State.NEW and self.live(negotiation_name(nid)) is None
            ),
        ):
            self._activate(opening.nid, State.NEW, Wake(fresh=opening.fresh))

    @property
    def live_count(self) -> int:
        return len(self.children)

    # -- the campaign's CPM tracker: rebuilt from the store, fed by every agreement ------------

    def _load_tracker(self) -> None:
        if self.stored is None:
            return
        tracker = CpmTracker(cpm_range=self.stored.row.campaign.cpm_range)
        for rate in self.store.reader().run(agreed_rates_query(self.campaign_id)):
            tracker = tracker.record(rate.negotiation_id, rate.cpm, rate.engagement_rate)
        self.tracker = tracker

    def _agreed_cpm(self, agreed: AgreementReached) -> None:
        if self.tracker is None:
            return
        rate = agreed.engagement_rate
        self.tracker = self.tracker.record(
            agreed.negotiation_id, Decimal(agreed.cpm), None if rate is None else Decimal(rate)
        )
        news = CampaignCpm(self.tracker)
        for child in self.children.values():
            with contextlib.suppress(pykka.ActorDeadError):
                child.ref.tell(news)  # every live negotiator's next decision consults it

    def wake(self, ref: pykka.ActorRef[Any], wake: Wake) -> None:
        if self.tracker is not None and self.stored is not None:
            terms = self.stored.row.campaign.model_copy(update={"influencers": ()})
            ref.tell(CampaignCpm(self.tracker, terms))  # before its first decision
        super().wake(ref, wake)

    @property
    def status(self) -> CampaignStatus | None:
        return self.stored.status if self.stored is not None else None

    def state_name(self) -> str:
        return "running" if self.status in (None, CampaignStatus.ACTIVE) else self.status.value

    def dump_fields(self) -> dict[str, Any]:
        states: dict[str, int] = {}
        for state in self.negotiations.values():
            states[state.value] = states.get(state.value, 0) + 1
        return {
            **super().dump_fields(),
            "campaign_id": self.campaign_id,
            "negotiations": states,
            "agreed_spend": str(sum(self.agreed.values(), Decimal(0))),
            "running_average_cpm": (
                None
                if self.tracker is None or self.tracker.running_average is None
                else str(self.tracker.running_average)
            ),
        }


def campaign_supervisor_spec(
    ctx: RuntimeContext,
    campaign_id: str,
    *,
    negotiator_spec: Callable[[str], ChildSpec] | None = None,
) -> ChildSpec:
    """How a parent starts (and restarts: the row is reloaded in ``started``) a campaign."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return CampaignSupervisor.start(
            ctx,
            campaign_id,
            parent=parent,
            restarts=restarts,
            negotiator_spec=negotiator_spec,
        )

    return ChildSpec(name=campaign_name(campaign_id), start=start, kind=CampaignSupervisor.kind)
