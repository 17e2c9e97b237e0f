"""The ClickUpIngress actor: committed webhook deliveries become campaigns. One per process.

It hears of each new delivery from ``POST /webhooks/clickup`` after the delivery committed, and at
start-up replays every delivery committed but not processed (a kill -9 right after a 202 loses
nothing). Deliveries are processed one at a time, on this actor's thread:

- ``taskCreated`` on the configured List: Get Task, map it by ``campaign_fields.yaml``; invalid →
  rejected with every field error (audited, ONE Slack alert naming each field and value); valid →
  the campaign is persisted (row + ``campaign_start`` audit in one transaction), its
  CampaignSupervisor started, and the team told how many negotiations start.
- ``taskUpdated``: added influencers get negotiations (never twice: the supervisor's ids are
  stable); every other changed term, and removed influencers, are alerted and recorded, never
  applied to live negotiations. An update to a task that was rejected is mapped again (fixing the
  form starts the campaign).
- ``taskDeleted``: the campaign's negotiations are paused and the team told.

A delivery is marked processed only after its effects are durable. A ClickUp or store failure
(after the shared retry policy) leaves it unprocessed and retries later; anything else is caught
at this boundary, reported, and marked processed with its outcome, so no delivery can kill the
actor or loop forever.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pykka

from dealdesk.actors.campaign_supervisor import (
    AddInfluencers,
    InfluencersAdded,
    PauseCampaign,
    campaign_supervisor_spec,
)
from dealdesk.domain.campaign import Campaign
from dealdesk.domain.changes import campaign_changes
from dealdesk.errors import InvalidInput, UpstreamError
from dealdesk.integrations.clickup.events import SOURCE, ReceivedDeliveries, ReceivedDelivery
from dealdesk.integrations.clickup.mapping import CampaignRejected, MappedCampaign, map_task
from dealdesk.integrations.slack import messages as say
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS, ROOT, campaign_name
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.supervision import ChildSpec, StartChild
from dealdesk.store.errors import StoreError
from dealdesk.store.model import AuditKind
from dealdesk.store.ops import AppendAudit, Transaction
from dealdesk.store.queries import CampaignRecord, campaigns_query, unprocessed_deliveries_query
from dealdesk.store.reader import StoreReader
from dealdesk.store.record_ops import MarkDeliveryProcessed, UpsertCampaign
from dealdesk.store.schema import database_path

if TYPE_CHECKING:
    from collections.abc import Callable

    from dealdesk.integrations.clickup.client import ClickUpClient
    from dealdesk.integrations.clickup.mapping import FieldMapping
    from dealdesk.integrations.slack.gateway import SlackGateway
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["ClickUpIngress", "ReplayUnprocessed", "RetryDelivery", "clickup_ingress_spec"]

ACTIVE, PAUSED = "active", "paused"
# After a ClickUp or store failure outlasting the retry policy: wait, then try the delivery again.
# The last delay repeats for as long as it takes (a restart also replays what is still queued).
RETRY_DELAYS_S = (30.0, 120.0, 600.0, 1800.0)
_TRANSIENT = (UpstreamError, StoreError, TimeoutError, pykka.Timeout, pykka.ActorDeadError)


def _ask(ref: pykka.ActorRef[Any], message: object, timeout: float) -> Any:
    """Ask from this actor's thread, always with a timeout (never in a cycle: nobody asks us)."""
    return ref.ask(message, block=False).get(timeout=timeout)


@dataclass(frozen=True)
class ReplayUnprocessed:
    """Command: process every delivery committed but not yet processed (sent at start-up)."""


@dataclass(frozen=True)
class RetryDelivery:
    """Command: try a delivery again after a transient failure (``attempt`` counts from 1)."""

    delivery: ReceivedDelivery
    attempt: int


@dataclass
class _Stats:
    processed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    waiting_retry: int = 0


class ClickUpIngress(BaseActor):
    kind = "clickup_ingress"

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        clickup: ClickUpClient,
        mapping: FieldMapping,
        slack: SlackGateway | None,
        list_id: str | None,
        campaigns_parent: str = ROOT,
        campaign_spec: Callable[[Campaign], ChildSpec] | None = None,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
        fetch_timeout_s: float = 300.0,
        store_timeout_s: float = 30.0,
        retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
    ) -> None:
        super().__init__(actor_id=CLICKUP_INGRESS, parent=parent, restarts=restarts)
        if not retry_delays_s:
            raise ValueError("retry_delays_s needs at least one delay")
        self.ctx = ctx
        self.clickup = clickup
        self.mapping = mapping
        self.slack = slack
        self.list_id = list_id
        self.campaigns_parent = campaigns_parent
        self.campaign_spec = campaign_spec or (lambda c: campaign_supervisor_spec(ctx, c))
        self.fetch_timeout_s = fetch_timeout_s
        self.store_timeout_s = store_timeout_s
        self.retry_delays_s = retry_delays_s
        self.done: set[int] = set()
        self.outbox: list[str] = []
        self.stats = _Stats()

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        self.actor_ref.tell(ReplayUnprocessed())

    def handle(self, message: Any) -> Any:
        match message:
            case ReceivedDeliveries(deliveries=deliveries):
                for delivery in deliveries:
                    self.process(delivery, attempt=1)
                return None
            case ReceivedDelivery():
                return self.process(message, attempt=1)
            case RetryDelivery(delivery=delivery, attempt=attempt):
                self.stats.waiting_retry -= 1
                return self.process(delivery, attempt=attempt)
            case ReplayUnprocessed():
                return self.replay()
            case _:
                return self.unhandled(message)

    def replay(self) -> int:
        try:
            with StoreReader(database_path(self.ctx.settings)) as reader:
                rows = reader.run(unprocessed_deliveries_query(limit=100_000))
        except StoreError as exc:  # not migrated or not there yet: the writer is still opening
            self.log.warning("clickup_replay_deferred", error=str(exc)[:300])
            self.ctx.loop.call_later(1.0, self._tell_self, ReplayUnprocessed())
            return 0
        stored = [row for row in rows if row.source == SOURCE]
        self.log.info("clickup_replay", deliveries=len(stored))
        for row in stored:
            try:
                delivery = ReceivedDelivery.from_body(row.body, row.delivery_id)
            except InvalidInput as exc:
                self._finish(row.delivery_id, f"unreadable: {exc}"[:200])
                continue
            self.process(delivery, attempt=1)
        return len(stored)

    def process(self, delivery: ReceivedDelivery, *, attempt: int) -> str | None:
        if delivery.delivery_id is not None and delivery.delivery_id in self.done:
            return None  # replayed and told both: once is enough
        log = self.log.bind(key=delivery.key, clickup_event=delivery.event, task=delivery.task_id)
        self.outbox.clear()
        outcome: str | None
        try:
            outcome = self._route(delivery)
        except _TRANSIENT as exc:
            self.outbox.clear()  # the retry redoes the effects and says so then
            self._retry_later(delivery, attempt, exc)
            return None
        except Exception as exc:
            log.exception("clickup_delivery_failed")
            outcome = f"failed: {type(exc).__name__}"
            self.ctx.report(
                ErrorReport(SOURCE, f"process {delivery.event}", type(exc).__name__,
                            str(exc)[:300], {"task_id": str(delivery.task_id)})
            )  # fmt: skip
        try:
            self._finish(delivery.delivery_id, str(outcome))
        except _TRANSIENT as exc:  # effects are idempotent: redoing them is safe
            self._retry_later(delivery, attempt, exc)
            outcome = None
        else:
            log.info("clickup_delivery_processed", outcome=outcome)
        # The team hears of it once it is durable (a replay after a crash may repeat a message;
        # it never loses the fact).
        for text in self.outbox:
            self._post(text)
        self.outbox.clear()
        return outcome

    def _finish(self, delivery_id: int | None, outcome: str) -> None:
        if delivery_id is not None:
            self._store(MarkDeliveryProcessed(delivery_id, outcome))
            self.done.add(delivery_id)
        self.stats.processed += 1
        word = outcome.split(":", 1)[0]
        self.stats.outcomes[word] = self.stats.outcomes.get(word, 0) + 1
        self.ctx.metrics.clickup_processed.labels(word).inc()

    def _retry_later(self, delivery: ReceivedDelivery, attempt: int, exc: BaseException) -> None:
        self.log.warning("clickup_delivery_deferred", key=delivery.key, attempt=attempt,
                         error=repr(exc)[:300])  # fmt: skip
        delays = self.retry_delays_s
        if attempt == len(delays) + 1:  # the schedule is used up: say so once, keep trying
            self._post(
                f":warning: ClickUp task {delivery.task_id} ({delivery.event}) could not be "
                f"processed after {attempt} tries ({type(exc).__name__}). It stays queued and is "
                f"tried again every {_span(delays[-1])} until it goes through."
            )
        self.stats.waiting_retry += 1
        self.ctx.loop.call_later(
            delays[min(attempt, len(delays)) - 1],
            self._tell_self,
            RetryDelivery(delivery, attempt + 1),
        )

    def _tell_self(self, message: object) -> None:
        # Stopped meanwhile: the delivery is still unprocessed and will be replayed.
        with contextlib.suppress(pykka.ActorDeadError):
            self.actor_ref.tell(message)

    # -- what each event does -------------------------------------------------------------------

    def _route(self, delivery: ReceivedDelivery) -> str:
        task_id = delivery.task_id
        if task_id is None or delivery.event not in {"taskCreated", "taskUpdated", "taskDeleted"}:
            return "ignored"
        if delivery.event == "taskDeleted":
            return self._deleted(task_id)
        if self.list_id and delivery.list_id and delivery.list_id != self.list_id:
            return "other_list"
        task = self._fetch(task_id)
        if task is None:
            return "task_not_found"
        listing = task.get("list")
        task_list = str(listing.get("id")) if isinstance(listing, dict) else None
        if self.list_id and task_list != self.list_id:
            return "other_list"
        stored = self._campaign(task_id)
        try:
            mapped = map_task(task, self.mapping)
        except CampaignRejected as rejected:
            return self._rejected(rejected, stored, task.get("url"))
        if stored is None:
            return self._start(mapped)
        if delivery.event == "taskCreated" or stored.status != ACTIVE:
            self._supervisor(mapped.campaign)  # a replay after a crash: make sure it runs
            return "already_started" if stored.status == ACTIVE else f"ignored_{stored.status}"
        return self._updated(stored, mapped)

    def _fetch(self, task_id: str) -> dict[str, Any] | None:
        try:
            return self.ctx.loop.run(self.clickup.get_task(task_id), self.fetch_timeout_s)
        except UpstreamError as exc:
            if exc.status == 404:
                return None
            raise

    def _rejected(self, rejected: CampaignRejected, stored: CampaignRecord | None, url: Any) -> str:
        problems = [str(p) for p in rejected.problems]
        self._store(
            AppendAudit(
                AuditKind.CAMPAIGN_REJECTED,
                campaign_id=rejected.task_id,
                metadata={"task_name": rejected.task_name, "problems": problems,
                          "started": stored is not None},
            )
        )  # fmt: skip
        text = say.rejected_text(
            rejected.task_name,
            rejected.task_id,
            rejected.problems,
            url if isinstance(url, str) else None,
        )
        if stored is not None:
            text = text.replace("nothing was started", "the change was NOT applied")
        self._alert(text)
        return "rejected" if stored is None else "update_rejected"

    def _start(self, mapped: MappedCampaign) -> str:
        campaign = mapped.campaign
        data = self._campaign_data(mapped, campaign)
        self._store(
            Transaction((
                UpsertCampaign(campaign.id, mapped.task_name or campaign.client, ACTIVE, data),
                AppendAudit(AuditKind.CAMPAIGN_START, campaign_id=campaign.id, metadata={
                    "task_name": mapped.task_name, "influencers": len(campaign.influencers),
                    "source": SOURCE}),
            ))
        )  # fmt: skip
        added = self._add(campaign, campaign.influencers)
        self._alert(say.started_text(campaign, mapped.task_name, len(added.created), mapped.url))
        return f"started: {len(added.created)} negotiations"

    def _updated(self, stored: CampaignRecord, mapped: MappedCampaign) -> str:
        old = Campaign.model_validate(stored.data["campaign"])
        changes = campaign_changes(old, mapped.campaign)
        if changes.empty:
            return "unchanged"
        kept = old.model_copy(update={"influencers": old.influencers + changes.added})
        data = self._campaign_data(mapped, kept)
        data["unapplied"] = {
            "terms": [str(t) for t in changes.terms],
            "removed_influencers": list(changes.removed),
        }
        audit = AppendAudit(
            AuditKind.CAMPAIGN_INFLUENCER_SKIP if not changes.added else AuditKind.CAMPAIGN_START,
            campaign_id=old.id,
            metadata={"update": True, "added": list(changes.added), **data["unapplied"]},
        )
        self._store(Transaction((UpsertCampaign(old.id, stored.name, ACTIVE, data), audit)))
        parts = []
        if changes.added:
            created = self._add(kept, changes.added).created
            parts.append(f"added {len(created)}")
            if created:
                self._alert(say.influencers_added_text(mapped.task_name, old.id, created))
        if changes.terms or changes.removed:
            parts.append(f"unapplied {len(changes.terms) + len(changes.removed)}")
            self._alert(say.unapplied_text(mapped.task_name, old.id, changes))
        return "updated: " + ", ".join(parts)

    def _deleted(self, task_id: str) -> str:
        stored = self._campaign(task_id)
        if stored is None:
            return "unknown_task"
        if stored.status == PAUSED:
            return "already_paused"
        campaign = Campaign.model_validate(stored.data["campaign"])
        paused = _ask(self._supervisor(campaign), PauseCampaign("the ClickUp task was deleted"),
                      self.store_timeout_s)  # fmt: skip
        self._store(
            Transaction((
                UpsertCampaign(task_id, stored.name, PAUSED, stored.data),
                AppendAudit(AuditKind.PAUSE, campaign_id=task_id,
                            metadata={"reason": "clickup_task_deleted", "negotiations": paused}),
            ))
        )  # fmt: skip
        self._alert(say.paused_text(stored.name, task_id, int(paused)))
        return f"paused: {paused} negotiations"

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _campaign_data(mapped: MappedCampaign, campaign: Campaign) -> dict[str, Any]:
        return {
            "campaign": campaign.model_dump(mode="json"),
            "clickup": {"task_id": campaign.id, "task_name": mapped.task_name,
                        "list_id": mapped.list_id, "url": mapped.url},
        }  # fmt: skip

    def _supervisor(self, campaign: Campaign) -> pykka.ActorRef[Any]:
        live = self.ctx.registry.get(campaign_name(campaign.id))
        if live is not None:
            return live
        parent = self.ctx.registry.get(self.campaigns_parent)
        if parent is None:
            raise StoreError(f"no {self.campaigns_parent!r} supervisor to start campaigns under")
        ref: pykka.ActorRef[Any] = _ask(
            parent, StartChild(self.campaign_spec(campaign)), self.store_timeout_s
        )
        return ref

    def _add(self, campaign: Campaign, influencers: tuple[str, ...]) -> InfluencersAdded:
        answer: InfluencersAdded = _ask(
            self._supervisor(campaign), AddInfluencers(influencers), self.store_timeout_s * 2
        )
        return answer

    def _campaign(self, campaign_id: str) -> CampaignRecord | None:
        """The campaign as committed (read-only connection on this thread; our writes are
        asked, so they are visible)."""
        with StoreReader(database_path(self.ctx.settings)) as reader:
            found = reader.run(campaigns_query(campaign_id))
        return found[0] if found else None

    def _store(self, op: Any) -> Any:
        writer = self.ctx.registry.get(AUDIT_WRITER)
        if writer is None:
            raise StoreError("the AuditWriter is not running")
        return _ask(writer, op, self.store_timeout_s)

    def _alert(self, text: str) -> None:
        """Queue a message for the team, posted once the delivery's outcome is committed."""
        self.outbox.append(text)

    def _post(self, text: str) -> None:
        if self.slack is None:
            self.log.info("clickup_alert_not_posted", reason="no slack gateway")
            return
        self.ctx.loop.submit(self.slack.post(self.ctx.settings.slack_team_channel, text))

    def dump_fields(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "processed": self.stats.processed,
            "outcomes": dict(self.stats.outcomes),
            "waiting_retry": self.stats.waiting_retry,
        }


def _span(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def clickup_ingress_spec(
    ctx: RuntimeContext,
    *,
    clickup: ClickUpClient,
    mapping: FieldMapping,
    slack: SlackGateway | None,
    list_id: str | None,
    campaigns_parent: str = ROOT,
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
) -> ChildSpec:
    """How the root supervisor starts (and restarts: it replays at start) the ingress."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return ClickUpIngress.start(
            ctx,
            clickup=clickup,
            mapping=mapping,
            slack=slack,
            list_id=list_id,
            campaigns_parent=campaigns_parent,
            retry_delays_s=retry_delays_s,
            parent=parent,
            restarts=restarts,
        )

    return ChildSpec(name=CLICKUP_INGRESS, start=start, kind=ClickUpIngress.kind)
