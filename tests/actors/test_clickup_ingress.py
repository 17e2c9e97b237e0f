"""The ClickUp ingress end to end: signed deliveries → committed → campaigns, on real actors."""

from __future__ import annotations

import pytest

from dealdesk.runtime.registry import campaign_name
from dealdesk.sandbox.base import Fault
from tests.support.clickup_rig import FORM, ClickUpRig


@pytest.fixture
def rig(ctx):
    harness = ClickUpRig(ctx)
    yield harness
    harness.close()


def test_a_valid_task_starts_its_campaign_with_one_negotiation_per_influencer(rig):
    task_id, statuses = rig.submit(FORM)
    assert statuses == [202]
    rig.settle()
    assert rig.negotiations(task_id) == [
        ("@glowwithmaya", "new"),
        ("jordan@creators.example", "new"),
        ("Priya Patel", "new"),
    ]
    assert rig.rows("SELECT status FROM campaigns WHERE campaign_id = ?", task_id) == [("active",)]
    assert rig.ctx.registry.get(campaign_name(task_id)) is not None
    [text] = rig.team_messages(1)
    assert "3 negotiations start" in text
    assert rig.rows("SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL") == [(0,)]


def test_the_same_delivery_posted_ten_times_concurrently_starts_one_campaign(rig):
    task_id, statuses = rig.submit(FORM, copies=10)
    assert sorted(statuses) == [200] * 9 + [202]
    rig.settle()
    assert len(rig.negotiations(task_id)) == 3
    assert rig.rows("SELECT count(*) FROM campaigns") == [(1,)]
    assert rig.rows("SELECT count(*) FROM webhook_deliveries") == [(1,)]
    assert len(rig.team_messages(1)) == 1


def test_a_wrong_field_reaches_slack_as_one_alert_listing_each_field_and_value(rig):
    bad = {**FORM, "CPM Min": "40", "CPM Max": "20", "Target Deliverables": "3 podcasts"}
    task_id, _ = rig.submit(bad)
    rig.settle()
    [text] = rig.team_messages(1)
    assert "not a valid campaign" in text
    assert "CPM Min" in text
    assert "40" in text
    assert "Target Deliverables" in text
    assert "podcasts" in text
    assert rig.negotiations(task_id) == []
    [(metadata,)] = rig.rows(
        "SELECT metadata FROM audit_log WHERE event_type = 'campaign_rejected'"
    )
    assert "podcasts" in metadata


def test_fixing_a_rejected_task_in_clickup_starts_the_campaign(rig):
    task_id, _ = rig.submit({**FORM, "Budget": "0"})
    rig.settle()
    rig.change(task_id, {"Budget": "5000"})
    rig.settle()
    assert len(rig.negotiations(task_id)) == 3
    texts = rig.team_messages(2)
    assert "Budget" in texts[0]
    assert "3 negotiations start" in texts[1]


def test_added_influencers_start_once_and_other_changes_are_alerted_not_applied(rig):
    task_id, _ = rig.submit(FORM)
    rig.settle()
    rig.change(task_id, {"Influencer List": FORM["Influencer List"] + ", @newface, PRIYA PATEL"})
    rig.change(task_id, {"Influencer List": FORM["Influencer List"] + ", @newface"})
    rig.change(task_id, {"CPM Max": "35"})
    rig.settle()
    names = [name for name, _ in rig.negotiations(task_id)]
    assert sorted(names) == sorted(
        ["@glowwithmaya", "jordan@creators.example", "Priya Patel", "@newface"]
    )
    texts = rig.team_messages(3)
    assert "@newface" in texts[1]
    assert "NOT applied" in texts[2]
    assert "35" in texts[2]
    [(data,)] = rig.rows("SELECT data FROM campaigns WHERE campaign_id = ?", task_id)
    assert '"max":"30.00"' in data  # the live terms did not move


def test_deleting_the_task_pauses_the_campaigns_negotiations_and_tells_the_team(rig):
    task_id, _ = rig.submit(FORM)
    rig.settle()
    rig.delete(task_id)
    rig.settle()
    assert {state for _, state in rig.negotiations(task_id)} == {"paused"}
    assert rig.rows("SELECT status FROM campaigns WHERE campaign_id = ?", task_id) == [("paused",)]
    assert "paused (3 negotiation(s) paused)" in rig.team_messages(2)[1]


def test_tasks_on_other_lists_are_not_campaigns(rig):
    task_id = rig.clickup.create_task("Elsewhere", FORM, list_id="999")
    payload = rig.clickup.created_payload(task_id, "")
    rig.loop.run(rig.clickup.deliver(payload), timeout=10)
    dump = rig.settle()
    assert dump["outcomes"] == {"other_list": 1}
    assert rig.rows("SELECT count(*) FROM campaigns") == [(0,)]


def test_a_clickup_outage_leaves_the_delivery_queued_and_a_later_try_succeeds(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id = rig.clickup.create_task("Glow", FORM)
        rig.clickup.inject(Fault(operation=task_id, status=503, times=3))
        rig.start_ingress(retry_delays_s=(0.0,))  # the retry comes from the loop at once
        rig.loop.run(rig.clickup.deliver(rig.clickup.created_payload(task_id, "")), timeout=10)
        assert rig.slack.wait_until(lambda: len(rig.slack.messages) >= 1, 10)
        assert len(rig.negotiations(task_id)) == 3
        assert rig.settle()["outcomes"] == {"started": 1}
    finally:
        rig.close()


def test_a_delivery_failing_past_the_retry_schedule_is_announced_once_and_kept_trying(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id = rig.clickup.create_task("Glow", FORM)
        # Each try is three calls (the retry policy); four failed tries, the fifth goes through.
        rig.clickup.inject(Fault(operation=task_id, status=503, times=12))
        rig.start_ingress(retry_delays_s=(0.0,))
        rig.loop.run(rig.clickup.deliver(rig.clickup.created_payload(task_id, "")), timeout=10)
        assert rig.slack.wait_until(lambda: len(rig.slack.messages) >= 2, 10)  # warning, start
        assert len(rig.negotiations(task_id)) == 3
        texts = [m.text for m in rig.slack.messages]
        warnings = [t for t in texts if "could not be processed" in t]
        assert len(warnings) == 1
        assert "tried again every 0 s until it goes through" in warnings[0]
        assert rig.settle()["outcomes"] == {"started": 1}
    finally:
        rig.close()


def test_deliveries_committed_before_the_ingress_starts_are_replayed(ctx):
    rig = ClickUpRig(ctx, ingress=False)
    try:
        task_id, statuses = rig.submit(FORM)
        assert statuses == [202]
        assert rig.rows("SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL") == [
            (1,)
        ]
        rig.start_ingress()
        rig.settle()
        assert len(rig.negotiations(task_id)) == 3
        assert rig.rows("SELECT outcome FROM webhook_deliveries") == [("started: 3 negotiations",)]
    finally:
        rig.close()
