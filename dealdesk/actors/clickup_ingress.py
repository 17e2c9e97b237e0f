"""The ClickUpIngress actor: committed webhook deliveries become campaign commands. One per process.

It hears of each new delivery from ``POST /webhooks/clickup`` after the delivery committed, and at
start-up replays every delivery committed but not processed (a kill -9 right after a 202 loses
nothing). Deliveries are processed one at a time, on this actor's thread. The ingress translates
ClickUp into domain commands for the CampaignDirectory and the directory's typed outcomes into
the team's messages; it never reads or writes a campaign row:

- ``taskCreated``/``taskUpdated`` on the configured List: Get Task, map it by
  ``campaign_fields.yaml``; invalid → :class:`RejectCampaign` (audited there) and ONE Slack alert
  naming each field and value; valid → :class:`SubmitCampaign`: a new campaign starts, a running
  one's added influencers get negotiations and its other changes are reported as not applied.
  Fixing a rejected task in ClickUp starts the campaign.
- ``taskDeleted``: :class:`WithdrawCampaign` pauses the campaign's negotiations; the team is told.

A delivery is marked processed only after its effects are durable. A ClickUp or store failure
(after the shared retry policy) leaves it unprocessed and retries later; anything else is caught
at this boundary, reported, and marked processed with its outcome, so no delivery can kill the
actor or loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pykka

from dealdesk.actors.campaign_messages import (
    CampaignAlreadyPaused,
    CampaignOutcome,
    CampaignPaused,
    CampaignRejected,
    CampaignStarted,
    CampaignUnchanged,
    CampaignUnknown,
    CampaignUpdated,
    NotActive,
    RejectCampaign,
    SubmitCampaign,
    WithdrawCampaign,
)
from dealdesk.actors.notifier import NOTIFIER, Notify
from dealdesk.errors import InvalidInput, UpstreamError
from dealdesk.integrations.clickup import (
    SOURCE,
    ReceivedDeliveries,
    ReceivedDelivery,
    map_task,
)
from dealdesk.integrations.clickup import (
    CampaignRejected as MappingRejected,
)
from dealdesk.integrations.slack import messages as say
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import CAMPAIGNS, CLICKUP_INGRESS
from dealdesk.runtime.reports import ErrorReport
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import STORE, CampaignSource, MarkDeliveryProcessed, StoreError

if TYPE_CHECKING:
    from dealdesk.integrations.clickup import ClickUpClient, FieldMapping, MappedCampaign
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["ClickUpIngress", "ReplayUnprocessed", "RetryDelivery", "clickup_ingress_spec"]

# After a ClickUp or store failure outlasting the retry policy: wait, then try the delivery again.
# The last delay repeats for as long as it takes (a restart also replays what is still queued).
RETRY_DELAYS_S = (30.0, 120.0, 600.0, 1800.0)
_TRANSIENT = (UpstreamError, StoreError, TimeoutError, pykka.Timeout, pykka.ActorDeadError)


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
        list_id: str | None,
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
        self.list_id = list_id
        self.store = ctx[STORE]
        self.fetch_timeout_s = fetch_timeout_s
        self.store_timeout_s = store_timeout_s
        self.retry_delays_s = retry_delays_s
        self.done: set[int] = set()
        self.pending_alerts: list[str] = []  # the team's messages, posted once committed
        self.stats = _Stats()

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        self.actor_ref.tell(ReplayUnprocessed())

    def on_stop(self) -> None:
        self.store.close_reader()

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
            rows = self.store.reader().unprocessed_deliveries(limit=100_000)
        except StoreError as exc:  # not migrated or not there yet: the writer is still opening
            self.log.warning("clickup_replay_deferred", error=str(exc)[:300])
            self.tell_self_later(self.ctx.loop, 1.0, ReplayUnprocessed())
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
        self.pending_alerts.clear()
        outcome: str | None
        try:
            outcome = self._route(delivery)
        except _TRANSIENT as exc:
            self.pending_alerts.clear()  # the retry redoes the effects and says so then
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
        for n, text in enumerate(self.pending_alerts):
            key = None if delivery.delivery_id is None else f"clickup:{delivery.delivery_id}:{n}"
            self._post(text, key)
        self.pending_alerts.clear()
        return outcome

    def _finish(self, delivery_id: int | None, outcome: str) -> None:
        if delivery_id is not None:
            self.store.write(
                MarkDeliveryProcessed(delivery_id, outcome), timeout=self.store_timeout_s
            )
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
                say.delivery_stuck_text(
                    delivery.task_id, delivery.event, attempt, type(exc).__name__, delays[-1]
                )
            )
        self.stats.waiting_retry += 1
        # Stopped meanwhile: the delivery is still unprocessed and will be replayed.
        delay = delays[min(attempt, len(delays)) - 1]
        self.tell_self_later(self.ctx.loop, delay, RetryDelivery(delivery, attempt + 1))

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
        try:
            mapped = map_task(task, self.mapping)
        except MappingRejected as rejected:
            return self._rejected(rejected, task.get("url"))
        source = CampaignSource(
            task_id=mapped.campaign.id,
            task_name=mapped.task_name,
            list_id=mapped.list_id,
            url=mapped.url,
        )
        outcome = self._campaigns(
            SubmitCampaign(mapped.campaign, source, created=delivery.event == "taskCreated")
        )
        return self._submitted(mapped, outcome)

    def _fetch(self, task_id: str) -> dict[str, Any] | None:
        try:
            return self.ctx.loop.run(self.clickup.get_task(task_id), self.fetch_timeout_s)
        except UpstreamError as exc:
            if exc.status == 404:
                return None
            raise

    def _campaigns(self, command: object) -> CampaignOutcome:
        """Ask the CampaignDirectory (never in a cycle: it never asks us), with a timeout."""
        directory = self.ctx.registry.get(CAMPAIGNS)
        if directory is None:
            raise StoreError("the CampaignDirectory is not running")
        outcome: CampaignOutcome = directory.ask(command, block=False).get(
            timeout=self.store_timeout_s * 4
        )
        return outcome

    def _rejected(self, rejected: MappingRejected, url: Any) -> str:
        answer = self._campaigns(
            RejectCampaign(
                rejected.task_id, rejected.task_name, tuple(str(p) for p in rejected.problems)
            )
        )
        started = isinstance(answer, CampaignRejected) and answer.started
        text = say.rejected_text(
            rejected.task_name,
            rejected.task_id,
            rejected.problems,
            url if isinstance(url, str) else None,
        )
        if started:
            text = text.replace("nothing was started", "the change was NOT applied")
        self._alert(text)
        return "update_rejected" if started else "rejected"

    def _submitted(self, mapped: MappedCampaign, outcome: CampaignOutcome) -> str:
        campaign = mapped.campaign
        match outcome:
            case CampaignStarted(created=created, skipped=skipped):
                self._alert(
                    say.started_text(campaign, mapped.task_name, len(created), mapped.url, skipped)
                )
                return f"started: {len(created)} negotiations"
            case CampaignUpdated(changes=changes, created=created, skipped=skipped):
                parts = []
                if changes.added:
                    parts.append(f"added {len(created)}")
                    if created or skipped:
                        self._alert(
                            say.influencers_added_text(
                                mapped.task_name, campaign.id, created, skipped
                            )
                        )
                if changes.terms or changes.removed:
                    parts.append(f"unapplied {len(changes.terms) + len(changes.removed)}")
                    self._alert(say.unapplied_text(mapped.task_name, campaign.id, changes))
                return "updated: " + ", ".join(parts)
            case CampaignUnchanged(already_started=True):
                return "already_started"
            case CampaignUnchanged():
                return "unchanged"
            case NotActive(status=status):
                return f"ignored_{status.value}"
            case _:
                raise TypeError(f"unexpected answer to a submitted campaign: {outcome!r}")

    def _deleted(self, task_id: str) -> str:
        outcome = self._campaigns(WithdrawCampaign(task_id, "the ClickUp task was deleted"))
        match outcome:
            case CampaignUnknown():
                return "unknown_task"
            case CampaignAlreadyPaused():
                return "already_paused"
            case CampaignPaused(name=name, paused=paused):
                self._alert(say.paused_text(name, task_id, paused))
                return f"paused: {paused} negotiations"
            case _:
                raise TypeError(f"unexpected answer to a withdrawn campaign: {outcome!r}")

    # -- helpers --------------------------------------------------------------------------------

    def _alert(self, text: str) -> None:
        """Queue a message for the team, posted once the delivery's outcome is committed."""
        self.pending_alerts.append(text)

    def _post(self, text: str, key: str | None = None) -> None:
        """Through the Notifier; a delivery's messages are keyed by it (a replay repeats none)."""
        self.ctx.registry.tell(NOTIFIER, Notify(text) if key is None else Notify(text, key=key))

    def dump_fields(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "processed": self.stats.processed,
            "outcomes": dict(self.stats.outcomes),
            "waiting_retry": self.stats.waiting_retry,
        }


def clickup_ingress_spec(
    ctx: RuntimeContext,
    *,
    clickup: ClickUpClient,
    mapping: FieldMapping,
    list_id: str | None,
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
) -> ChildSpec:
    """How the root supervisor starts (and restarts: it replays at start) the ingress."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return ClickUpIngress.start(
            ctx,
            clickup=clickup,
            mapping=mapping,
            list_id=list_id,
            retry_delays_s=retry_delays_s,
            parent=parent,
            restarts=restarts,
        )

    return ChildSpec(name=CLICKUP_INGRESS, start=start, kind=ClickUpIngress.kind)
