"""A campaign's supervisor owns its campaign's row and negotiations: one negotiation per
influencer, exactly once; pauses; updates; and reloads everything when it restarts."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from dealdesk.actors.audit_writer import audit_writer_spec
from dealdesk.actors.campaign_messages import AddInfluencers, PauseCampaign
from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.domain.identity import negotiation_id
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import AUDIT_WRITER, ROOT, campaign_name
from dealdesk.runtime.supervision import ChildSpec, StartChild, Supervisor
from dealdesk.store import STORE, CampaignRow, CampaignSource, SaveCampaign
from dealdesk.store.schema import database_path, prepare_database
from tests.domain.harness import make_campaign

CAMPAIGN = make_campaign(id="86abc", influencers=["@maya", "Jordan <JORDAN@x.example>", "Priya"])


@pytest.fixture
def root(ctx):
    prepare_database(ctx.settings)
    ref = Supervisor.start(ctx, actor_id=ROOT)
    ctx.registry.register(ROOT, ref)
    ref.ask(StartChild(audit_writer_spec(ctx)), timeout=10)
    # The campaign as its ClickUp task started it (its negotiations are what these tests add).
    row = CampaignRow(campaign=CAMPAIGN, clickup=CampaignSource(task_id=CAMPAIGN.id))
    ctx[STORE].write(SaveCampaign("Glow launch", CampaignStatus.ACTIVE, row))
    yield ref
    ref.stop(timeout=10)


def rows(ctx):
    ctx.registry.get(AUDIT_WRITER).ask(DumpState(), timeout=10)
    conn = sqlite3.connect(f"file:{database_path(ctx.settings)}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT negotiation_id, state, version FROM negotiations ORDER BY negotiation_id"
        ).fetchall()
    finally:
        conn.close()


def test_influencers_get_one_new_negotiation_each_and_are_never_added_twice(ctx, root):
    supervisor = root.ask(StartChild(campaign_supervisor_spec(ctx, CAMPAIGN.id)), timeout=10)
    first = supervisor.ask(AddInfluencers(CAMPAIGN.influencers), timeout=10)
    again = supervisor.ask(AddInfluencers(("@MAYA", "jordan@x.example", "@new")), timeout=10)
    assert first.created == CAMPAIGN.influencers
    assert again.created == ("@new",)
    assert again.existing == ("@MAYA", "jordan@x.example")
    assert [r[1] for r in rows(ctx)] == ["new"] * 4
    assert ctx.registry.get(campaign_name("86abc")) is supervisor


def test_two_activations_racing_on_the_same_influencers_create_each_row_once(ctx, root):
    # Two supervisors of one campaign (what a broken single-activation guarantee would give):
    # the store's id check still keeps one negotiation per influencer.
    spec = campaign_supervisor_spec(ctx, CAMPAIGN.id)
    a = spec.start(root, 0)
    b = spec.start(root, 0)
    barrier = threading.Barrier(2)
    answers = []

    def add(ref):
        barrier.wait(5)
        answers.append(ref.ask(AddInfluencers(CAMPAIGN.influencers), timeout=20))

    threads = [threading.Thread(target=add, args=(ref,)) for ref in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(len(answer.created) for answer in answers) == 3
    assert len(rows(ctx)) == 3


def test_a_restarted_supervisor_reloads_its_negotiations_from_the_store(ctx, root):
    spec = campaign_supervisor_spec(ctx, CAMPAIGN.id)
    first = spec.start(root, 0)
    first.ask(AddInfluencers(CAMPAIGN.influencers), timeout=10)
    first.stop(timeout=10)
    second = spec.start(root, 1)
    dump = second.ask(DumpState(), timeout=10)
    assert dump["negotiations"] == {"new": 3}
    assert second.ask(AddInfluencers(CAMPAIGN.influencers), timeout=10).created == ()


def test_pausing_moves_every_live_negotiation_to_paused_and_remembers_where_it_was(ctx, root):
    supervisor = root.ask(StartChild(campaign_supervisor_spec(ctx, CAMPAIGN.id)), timeout=10)
    supervisor.ask(AddInfluencers(CAMPAIGN.influencers), timeout=10)
    assert supervisor.ask(PauseCampaign("task deleted"), timeout=10) == 3
    assert supervisor.ask(PauseCampaign("task deleted"), timeout=10) == 0
    assert {(state, version) for _, state, version in rows(ctx)} == {("paused", 2)}
    assert supervisor.ask(DumpState(), timeout=10)["state"] == "paused"


def test_the_negotiator_seam_starts_one_child_per_negotiation(ctx, root):
    started = []

    def negotiator_spec(nid):
        def start(parent, restarts):
            started.append(nid)
            return Supervisor.start(ctx, actor_id=nid, parent=parent)

        return ChildSpec(name=f"negotiation:{nid}", start=start, register=False)

    spec = campaign_supervisor_spec(ctx, CAMPAIGN.id, negotiator_spec=negotiator_spec)
    supervisor = root.ask(StartChild(spec), timeout=10)
    supervisor.ask(AddInfluencers(CAMPAIGN.influencers), timeout=10)
    assert started == [negotiation_id("86abc", i) for i in CAMPAIGN.influencers]
    assert negotiation_id("86abc", "Jordan <JORDAN@x.example>") == "86abc:jordan@x.example"
