"""One CampaignSupervisor per campaign: the directory of its negotiations.

Registered as ``campaign:{id}`` (single activation: the registry and its parent's ``StartChild``
return the live one). For now it owns the negotiation ROWS: :class:`AddInfluencers` persists one
negotiation per influencer in state ``new`` through the AuditWriter (the row and its audit entry
in one transaction), exactly once per influencer: the negotiation id is derived from the
campaign and the influencer's normalised identity, and the store refuses a second row under the
same id (``VersionConflict``), so replays and racing duplicates change nothing.
:class:`PauseCampaign` moves every live negotiation to ``paused`` (remembering the state it left)
with the same version check.

Seams for later issues: negotiator actors are started from ``negotiator_spec`` (negotiation id
-> ChildSpec; ``None`` until the Negotiator exists, which loads its own row) when a negotiation
is created or loaded, and are told :class:`PauseCampaign` too; the Sheets roster resolves the
influencer entries; email is theirs. Runs on its own thread; store asks wait with a timeout, and
reads use a read-only connection of this thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.domain.identity import influencer_key, negotiation_id
from dealdesk.runtime.registry import AUDIT_WRITER, campaign_name
from dealdesk.runtime.supervision import ChildSpec, Supervisor
from dealdesk.store.errors import StoreError, VersionConflict
from dealdesk.store.model import AuditKind
from dealdesk.store.ops import AppendAudit, Transaction
from dealdesk.store.queries import negotiations_query
from dealdesk.store.reader import StoreReader
from dealdesk.store.record_ops import SaveNegotiation
from dealdesk.store.schema import database_path

if TYPE_CHECKING:
    from collections.abc import Callable

    import pykka

    from dealdesk.domain.campaign import Campaign
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store.queries import NegotiationRecord

__all__ = [
    "NEW",
    "PAUSED",
    "AddInfluencers",
    "CampaignSupervisor",
    "InfluencersAdded",
    "PauseCampaign",
    "campaign_supervisor_spec",
    "negotiation_id",
]

NEW = "new"
PAUSED = "paused"
# States a pause leaves alone: already paused, or finished.
_NOT_PAUSABLE = frozenset({PAUSED, "agreed", "declined", "closed", "stopped", "exited"})


@dataclass(frozen=True)
class AddInfluencers:
    """Command: make sure each influencer has a negotiation; answers :class:`InfluencersAdded`."""

    influencers: tuple[str, ...]


@dataclass(frozen=True)
class InfluencersAdded:
    created: tuple[str, ...]  # negotiations that start now
    existing: tuple[str, ...]  # influencers that already had one (never started twice)


@dataclass(frozen=True)
class PauseCampaign:
    """Command: pause every live negotiation of the campaign; answers how many were paused."""

    reason: str


class CampaignSupervisor(Supervisor):
    kind = "campaign_supervisor"

    def __init__(
        self,
        ctx: RuntimeContext,
        campaign: Campaign,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
        store_timeout_s: float = 30.0,
        negotiator_spec: Callable[[str], ChildSpec] | None = None,
    ) -> None:
        super().__init__(ctx, actor_id=campaign_name(campaign.id), parent=parent, restarts=restarts)
        self.campaign = campaign
        self.store_timeout_s = store_timeout_s
        self.negotiator_spec = negotiator_spec
        self.negotiations: dict[str, str] = {}  # negotiation id -> state
        self.paused = False
        self.log = self.log.bind(campaign_id=campaign.id)

    # -- runs on this actor's thread ------------------------------------------------------------

    def _rows(self) -> list[NegotiationRecord]:
        """This campaign's negotiations as committed (a read-only connection, this thread)."""
        with StoreReader(database_path(self.ctx.settings)) as reader:
            return reader.run(negotiations_query(self.campaign.id))

    def started(self) -> None:
        for row in self._rows():
            self.negotiations[row.negotiation_id] = row.state
        states = set(self.negotiations.values())
        self.paused = states == {PAUSED}
        for nid, state in self.negotiations.items():
            self._activate(nid, state)
        self.log.info("campaign_supervisor_started", negotiations=len(self.negotiations))

    def handle(self, message: Any) -> Any:
        match message:
            case AddInfluencers(influencers=influencers):
                return self.add_influencers(influencers)
            case PauseCampaign(reason=reason):
                return self.pause(reason)
            case _:
                return super().handle(message)

    def _writer(self) -> pykka.ActorRef[Any]:
        writer = self.ctx.registry.get(AUDIT_WRITER)
        if writer is None:
            raise StoreError("the AuditWriter is not running")
        return writer

    def _ask(self, op: Any) -> Any:
        return self._writer().ask(op, timeout=self.store_timeout_s)

    def add_influencers(self, influencers: tuple[str, ...]) -> InfluencersAdded:
        wanted: dict[str, str] = {}
        for entry in influencers:
            wanted.setdefault(negotiation_id(self.campaign.id, entry), entry)
        writer = self._writer()
        pending = []
        for nid, entry in wanted.items():
            if nid in self.negotiations:
                continue
            email = entry if "@" in entry.strip("@") and " " not in entry else None
            save = SaveNegotiation(
                negotiation_id=nid,
                campaign_id=self.campaign.id,
                influencer_name=entry,
                influencer_email=email,
                state=NEW,
                expected_version=0,
                data={"influencer": entry, "key": influencer_key(entry)},
            )
            audit = AppendAudit(
                AuditKind.STATE_TRANSITION,
                campaign_id=self.campaign.id,
                influencer_name=entry,
                influencer_email=email,
                state_to=NEW,
                metadata={"negotiation_id": nid, "source": "clickup"},
            )
            # All asked at once: they commit in one group commit, then each is checked.
            pending.append((nid, entry, writer.ask(Transaction((save, audit)), block=False)))
        created: list[str] = []
        for nid, entry, future in pending:
            try:
                future.get(timeout=self.store_timeout_s)
            except VersionConflict:
                continue  # another delivery created it first: never twice
            self.negotiations[nid] = NEW
            created.append(entry)
            self._activate(nid, NEW)
        existing = tuple(e for nid, e in wanted.items() if e not in created)
        self.log.info("negotiations_created", created=len(created), existing=len(existing))
        return InfluencersAdded(tuple(created), existing)

    def pause(self, reason: str) -> int:
        paused = 0
        for row in self._rows():
            self.negotiations[row.negotiation_id] = row.state
            if row.state in _NOT_PAUSABLE:
                continue
            data = {**(row.data or {}), "paused_from": row.state, "paused_because": reason}
            save = SaveNegotiation(
                negotiation_id=row.negotiation_id,
                campaign_id=self.campaign.id,
                influencer_name=row.influencer_name,
                state=PAUSED,
                expected_version=row.version,
                data=data,
            )
            audit = AppendAudit(
                AuditKind.PAUSE,
                campaign_id=self.campaign.id,
                influencer_name=row.influencer_name,
                state_from=row.state,
                state_to=PAUSED,
                metadata={"negotiation_id": row.negotiation_id, "reason": reason},
            )
            try:
                self._ask(Transaction((save, audit)))
            except VersionConflict:
                self.log.info("pause_lost_race", negotiation_id=row.negotiation_id)
                continue  # its owner moved it meanwhile; the campaign's status still says paused
            self.negotiations[row.negotiation_id] = PAUSED
            paused += 1
        self.paused = True
        for name in list(self.children):
            self.ctx.registry.tell(name, PauseCampaign(reason))
        self.log.info("campaign_paused", paused=paused, reason=reason)
        return paused

    def _activate(self, nid: str, state: str) -> None:
        """Seam: start the negotiation's Negotiator once that actor exists (a later issue)."""
        if self.negotiator_spec is not None and state not in _NOT_PAUSABLE:
            self.start_child(self.negotiator_spec(nid))

    def state_name(self) -> str:
        return PAUSED if self.paused else "running"

    def dump_fields(self) -> dict[str, Any]:
        states: dict[str, int] = {}
        for state in self.negotiations.values():
            states[state] = states.get(state, 0) + 1
        return {**super().dump_fields(), "campaign_id": self.campaign.id, "negotiations": states}


def campaign_supervisor_spec(
    ctx: RuntimeContext,
    campaign: Campaign,
    *,
    negotiator_spec: Callable[[str], ChildSpec] | None = None,
) -> ChildSpec:
    """How a parent starts (and restarts: rows are reloaded in ``started``) a campaign."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return CampaignSupervisor.start(
            ctx, campaign, parent=parent, restarts=restarts, negotiator_spec=negotiator_spec
        )

    return ChildSpec(name=campaign_name(campaign.id), start=start, kind=CampaignSupervisor.kind)
