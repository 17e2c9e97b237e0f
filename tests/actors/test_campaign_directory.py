"""The CampaignDirectory owns which campaigns run; each supervisor owns its campaign's row.

Whole paths through the real AuditWriter and store: a campaign is opened, updated, replayed,
withdrawn; the directory and its supervisors restart from what is persisted, never from memory.
"""

from __future__ import annotations

import pytest

from dealdesk.actors.campaign_directory import campaign_directory_spec
from dealdesk.actors.campaign_messages import (
    CampaignAlreadyPaused,
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
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.domain.identity import negotiation_id
from dealdesk.domain.negotiation import State
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import CAMPAIGNS, campaign_name
from dealdesk.runtime.supervision import StartChild, StopChild
from dealdesk.store import (
    STORE,
    AuditFilter,
    AuditKind,
    CampaignRow,
    CampaignSource,
    SaveCampaign,
    SaveNegotiation,
    stored_campaign,
)
from tests.domain.harness import make_campaign

SOURCE = CampaignSource(task_id="86abc", task_name="Glow launch", list_id="901", url=None)


def campaign(**changes):
    fields = {"id": "86abc", "influencers": ["@maya", "Jordan <JORDAN@x.example>"]}
    return make_campaign(**{**fields, **changes})


@pytest.fixture
def directory(ctx, writer):
    root = ctx.registry.get("runtime")
    return root.ask(StartChild(campaign_directory_spec(ctx)), timeout=10)


def ask(ref, message):
    return ref.ask(message, timeout=20)


def restart_directory(ctx):
    root = ctx.registry.get("runtime")
    root.ask(StopChild(CAMPAIGNS), timeout=20)
    return root.ask(StartChild(campaign_directory_spec(ctx)), timeout=20)


def negotiation_states(ctx):
    rows = ctx[STORE].reader().negotiations("86abc")
    return {row.negotiation_id: row.state for row in rows}


def test_a_new_campaign_is_persisted_by_its_supervisor_with_one_negotiation_each(ctx, directory):
    outcome = ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    assert outcome == CampaignStarted("Glow launch", ("@maya", "Jordan <JORDAN@x.example>"))
    stored = stored_campaign(ctx[STORE].reader(), "86abc")
    assert stored.status is CampaignStatus.ACTIVE
    assert stored.row.campaign == campaign()
    assert stored.row.clickup == SOURCE
    assert set(negotiation_states(ctx)) == {"86abc:@maya", "86abc:jordan@x.example"}


def test_a_replayed_creation_changes_nothing_and_a_paused_campaign_ignores_submissions(
    ctx, directory
):
    ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    again = ask(directory, SubmitCampaign(campaign(influencers=["@new"]), SOURCE, created=True))
    assert again == CampaignUnchanged(already_started=True)
    assert len(negotiation_states(ctx)) == 2
    assert ask(directory, WithdrawCampaign("86abc", "task deleted")) == CampaignPaused(
        "Glow launch", 2
    )
    assert ask(directory, WithdrawCampaign("86abc", "task deleted")) == CampaignAlreadyPaused()
    update = SubmitCampaign(campaign(budget="1"), SOURCE, created=False)
    assert ask(directory, update) == NotActive(CampaignStatus.PAUSED)
    assert ask(directory, WithdrawCampaign("nope", "task deleted")) == CampaignUnknown()


def test_an_update_is_diffed_against_the_persisted_campaign_even_after_a_restart(ctx, directory):
    ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    added = campaign(influencers=["@maya", "Jordan <JORDAN@x.example>", "@new"], budget="30000")
    first = ask(directory, SubmitCampaign(added, SOURCE, created=False))
    assert isinstance(first, CampaignUpdated)
    assert first.created == ("@new",)
    assert [change.term for change in first.changes.terms] == ["budget"]
    # A new activation of everything: the supervisor reloads the row, which holds @new and the
    # budget as it was (the change was recorded, not applied).
    directory = restart_directory(ctx)
    second = ask(directory, SubmitCampaign(added, SOURCE, created=False))
    assert isinstance(second, CampaignUpdated)
    assert second.changes.added == ()
    assert second.created == ()
    stored = stored_campaign(ctx[STORE].reader(), "86abc")
    assert stored.row.campaign.budget == campaign().budget
    assert stored.row.unapplied.terms == ("budget: '25000.00' → '30000.00'",)
    assert len(negotiation_states(ctx)) == 3


def test_the_directory_restarts_active_campaigns_and_leaves_paused_ones(ctx, directory):
    ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    other = SOURCE.model_copy(update={"task_id": "86xyz"})
    ask(directory, SubmitCampaign(campaign(id="86xyz"), other, created=True))
    ask(directory, WithdrawCampaign("86xyz", "task deleted"))
    restart_directory(ctx).ask(DumpState(), timeout=10)  # barrier: it has started
    assert ctx.registry.get(campaign_name("86abc")) is not None
    assert ctx.registry.get(campaign_name("86xyz")) is None


def test_a_rejection_is_audited_and_says_whether_a_running_campaign_was_refused(ctx, directory):
    assert ask(directory, RejectCampaign("86abc", "Glow", ("Budget: must be positive",))) == (
        CampaignRejected(started=False)
    )
    ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    assert ask(directory, RejectCampaign("86abc", "Glow", ("CPM Min: above max",))) == (
        CampaignRejected(started=True)
    )
    page = ctx[STORE].reader().audit(AuditFilter(event_type=AuditKind.CAMPAIGN_REJECTED))
    assert [entry.metadata["started"] for entry in page.entries] == [True, False]


def test_a_pause_leaves_alone_every_state_the_negotiation_table_gives_no_pause_edge(ctx, directory):
    ask(directory, SubmitCampaign(campaign(), SOURCE, created=True))
    failed_id = negotiation_id("86abc", "Jordan <JORDAN@x.example>")
    row = ctx[STORE].reader().negotiation(failed_id)
    ctx[STORE].write(
        SaveNegotiation(
            negotiation_id=failed_id,
            campaign_id="86abc",
            influencer_name=row.influencer_name,
            state=State.FAILED,
            expected_version=row.version,
        )
    )
    supervisor = ctx.registry.get(campaign_name("86abc"))
    supervisor.ask(DumpState(), timeout=10)
    assert ask(directory, WithdrawCampaign("86abc", "task deleted")) == CampaignPaused(
        "Glow launch", 1
    )
    assert negotiation_states(ctx) == {"86abc:@maya": "paused", failed_id: "failed"}


def test_a_creation_replayed_after_a_crash_between_row_and_negotiations_completes_them(
    ctx, directory
):
    # The row committed, the process died before the negotiations did (as a kill -9 could).
    row = CampaignRow(campaign=campaign(), clickup=SOURCE)
    ctx[STORE].write(SaveCampaign("Glow launch", CampaignStatus.ACTIVE, row))
    assert negotiation_states(ctx) == {}
    replay = SubmitCampaign(campaign(influencers=["@someone-else"]), SOURCE, created=True)
    assert ask(directory, replay) == CampaignUnchanged(already_started=True)
    # The campaign as it was opened, not as the task reads now.
    assert set(negotiation_states(ctx)) == {"86abc:@maya", "86abc:jordan@x.example"}
