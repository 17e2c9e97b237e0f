"""The CampaignDirectory: which campaigns exist, and the one way to reach each one's supervisor.

One per process, registered as ``campaigns``, the parent of every CampaignSupervisor. When it
starts (at boot, or after a crash) it starts the supervisor of every active campaign in the
store, so campaigns that were running when the process stopped come back with it; boot does not
know what a campaign is. The ingress tells it, in domain terms, what arrived:

- :class:`SubmitCampaign`: a new campaign is opened by a new supervisor; a running one is
  updated by its supervisor (a second creation event is a replay: it only completes the
  negotiations of the campaign as opened); a paused one is left as it is.
- :class:`RejectCampaign`: audited (``campaign_rejected``, with every field problem); the answer
  says whether a running campaign's change, rather than a new campaign, was refused.
- :class:`WithdrawCampaign`: the campaign's supervisor pauses it.

Every answer is a typed outcome (``actors.campaign_messages``). Asks to a supervisor wait with the
store's timeout; supervisors never ask the directory, so there is no cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from dealdesk.actors.campaign_messages import (
    CampaignAlreadyPaused,
    CampaignOutcome,
    CampaignPaused,
    CampaignRejected,
    CampaignUnknown,
    NotActive,
    OpenCampaign,
    PauseCampaign,
    RejectCampaign,
    SubmitCampaign,
    UpdateCampaign,
    WithdrawCampaign,
)
from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.runtime.registry import CAMPAIGNS
from dealdesk.runtime.supervision import ChildSpec, Supervisor
from dealdesk.store import STORE, AppendAudit, AuditKind, stored_campaign, stored_campaigns

if TYPE_CHECKING:
    from collections.abc import Callable

    import pykka

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["CampaignDirectory", "campaign_directory_spec"]


class CampaignDirectory(Supervisor):
    kind = "campaign_directory"

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
        campaign_spec: Callable[[str], ChildSpec] | None = None,
    ) -> None:
        super().__init__(ctx, actor_id=CAMPAIGNS, parent=parent, restarts=restarts)
        self.store = ctx[STORE]
        self.campaign_spec = campaign_spec or (lambda cid: campaign_supervisor_spec(ctx, cid))

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        active = [
            stored.campaign_id
            for stored in stored_campaigns(self.store.reader())
            if stored.status is CampaignStatus.ACTIVE
        ]
        for campaign_id in active:
            self.start_child(self.campaign_spec(campaign_id))
        self.log.info("campaigns_restored", active=len(active))

    def on_stop(self) -> None:
        super().on_stop()
        self.store.close_reader()

    def handle(self, message: Any) -> Any:
        match message:
            case SubmitCampaign():
                return self.submit(message)
            case RejectCampaign():
                return self.reject(message)
            case WithdrawCampaign(campaign_id=campaign_id, reason=reason):
                return self.withdraw(campaign_id, reason)
            case _:
                return super().handle(message)

    def _supervisor(self, campaign_id: str) -> pykka.ActorRef[Any]:
        return self.start_child(self.campaign_spec(campaign_id))  # the live one, if it runs

    def _ask(self, campaign_id: str, message: object) -> Any:
        ref = self._supervisor(campaign_id)
        return ref.ask(message, block=False).get(timeout=self.store.timeout_s * 2)

    def submit(self, command: SubmitCampaign) -> CampaignOutcome:
        campaign, source = command.campaign, command.source
        stored = stored_campaign(self.store.reader(), campaign.id)
        if stored is not None and stored.status is not CampaignStatus.ACTIVE:
            self._supervisor(campaign.id)  # a replay after a crash: make sure it runs
            return NotActive(stored.status)
        if stored is None or command.created:  # new, or its creation replayed: open (once)
            return cast("CampaignOutcome", self._ask(campaign.id, OpenCampaign(campaign, source)))
        return cast("CampaignOutcome", self._ask(campaign.id, UpdateCampaign(campaign, source)))

    def reject(self, command: RejectCampaign) -> CampaignRejected:
        started = stored_campaign(self.store.reader(), command.campaign_id) is not None
        self.store.write(
            AppendAudit(
                AuditKind.CAMPAIGN_REJECTED,
                campaign_id=command.campaign_id,
                metadata={"task_name": command.task_name, "problems": list(command.problems),
                          "started": started},
            )
        )  # fmt: skip
        return CampaignRejected(started=started)

    def withdraw(self, campaign_id: str, reason: str) -> CampaignOutcome:
        stored = stored_campaign(self.store.reader(), campaign_id)
        if stored is None:
            return CampaignUnknown()
        if stored.status is CampaignStatus.PAUSED:
            return CampaignAlreadyPaused()
        paused = int(self._ask(campaign_id, PauseCampaign(reason)))
        return CampaignPaused(stored.name, paused)

    def dump_fields(self) -> dict[str, Any]:
        return {**super().dump_fields(), "campaigns": len(self.children)}


def campaign_directory_spec(
    ctx: RuntimeContext, *, campaign_spec: Callable[[str], ChildSpec] | None = None
) -> ChildSpec:
    """How the root starts (and restarts: active campaigns are reloaded) the directory."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return CampaignDirectory.start(
            ctx, parent=parent, restarts=restarts, campaign_spec=campaign_spec
        )

    return ChildSpec(name=CAMPAIGNS, start=start, kind=CampaignDirectory.kind)
