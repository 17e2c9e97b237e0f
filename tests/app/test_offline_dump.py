"""``run.py dump --offline``: campaigns and negotiations as persisted, with the service down."""

from __future__ import annotations

import json

import pytest

from dealdesk.app.offline_dump import run_offline_dump
from dealdesk.store import InsertOutbox, SaveNegotiation, UpsertCampaign


@pytest.fixture
def persisted(apply, data_dir):
    apply(
        UpsertCampaign("c1", "Winter launch", "active"),
        UpsertCampaign("c2", "Spring", "draft"),
        SaveNegotiation(
            "c1:jane", "c1", "Jane Doe", "countered", 0, influencer_email="jane@x.example"
        ),
        SaveNegotiation("c1:ann", "c1", "Ann Lee", "agreed", 0),
        SaveNegotiation("c3:bob", "c3", "Bob", "outreach_sent", 0),
    )
    return data_dir


def test_json_lists_every_campaign_with_its_negotiations_and_states(persisted, capsys):
    assert run_offline_dump(persisted, None, as_json=True) == 0
    snapshot = json.loads(capsys.readouterr().out)
    c1, c2 = snapshot["campaigns"]
    assert (c1["campaign_id"], c1["states"]) == ("c1", {"agreed": 1, "countered": 1})
    assert [n["influencer_name"] for n in c1["negotiations"]] == ["Ann Lee", "Jane Doe"]
    assert c2["negotiations"] == []
    assert [n["negotiation_id"] for n in snapshot["orphan_negotiations"]] == ["c3:bob"]


def test_one_campaign_as_a_table(persisted, capsys):
    assert run_offline_dump(persisted, "c1", as_json=False) == 0
    out = capsys.readouterr().out
    assert "Winter launch" in out
    assert "countered" in out
    assert "Spring" not in out


def test_an_unknown_campaign_or_a_missing_database_is_one_line_and_status_1(
    persisted, tmp_path, capsys
):
    assert run_offline_dump(persisted, "nope", as_json=False) == 1
    assert "no campaign 'nope'" in capsys.readouterr().err
    assert run_offline_dump(tmp_path / "none", None, as_json=True) == 1
    assert "no dealdesk database" in capsys.readouterr().err


def test_the_offline_dump_shows_what_waits_in_each_mailboxs_outbox(apply, data_dir, capsys):
    apply(
        InsertOutbox("<a@x>", "n1", "jane@x.example", "S", "R", mailbox="deals@agency.example"),
        InsertOutbox("<b@x>", "n1", "jane@x.example", "S", "R", mailbox="deals@agency.example"),
    )
    assert run_offline_dump(data_dir, None, as_json=True) == 0
    snapshot = json.loads(capsys.readouterr().out)
    assert snapshot["outbox"] == {"deals@agency.example": {"pending": 2}}
