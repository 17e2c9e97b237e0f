"""A campaign's influencers are looked up in the team's roster (the sandbox Sheets, through the real
client) before anyone is emailed: found ones get negotiations with their roster email; missing
ones, and anyone on the do-not-contact list, are skipped with why, for the team's one message."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from dealdesk.actors.campaign_directory import campaign_directory_spec
from dealdesk.actors.campaign_messages import CampaignStarted, SubmitCampaign
from dealdesk.actors.roster_keeper import RosterSetup, roster_keeper_spec
from dealdesk.app.wiring import start_children, start_root, store_specs
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.sheets import RosterCache, SheetsClient, build_sheets
from dealdesk.integrations.sheets.cache import default_source, sheet_fetcher
from dealdesk.integrations.slack.messages import started_text
from dealdesk.runtime.registry import CAMPAIGNS
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.sheets import FakeSheets
from dealdesk.store import STORE, AddDoNotContact, CampaignSource, prepare_database
from tests.domain.harness import make_campaign


@pytest.fixture
def directory(ctx):
    sheets = FakeSheets()
    ctx.loop.run(sheets.start(), timeout=5)
    endpoint = Endpoint(Service.SHEETS, sheets.base_url + "/", SecretStr("x"), True)

    def build():
        client = SheetsClient(build_sheets(endpoint, None), RetryPolicy.without_waiting(), None)
        cache = RosterCache(sheet_fetcher(client), 300.0, ctx.clock)
        default = default_source(ctx.settings, sheets.app_defaults()["spreadsheet_id"])
        return RosterSetup(client, cache, default)

    sheets.set_values("sandbox-roster", "VIP", [
        ["Name", "Email", "Platform", "Handle", "Average Views"],
        ["Maya Chen", "maya.vip@glowwithmaya.example", "Instagram", "@glowwithmaya", "90,000"],
    ])  # fmt: skip
    prepare_database(ctx.settings)
    root = start_root(ctx)
    start_children(root, [*store_specs(ctx), roster_keeper_spec(ctx, build),
                          campaign_directory_spec(ctx)])  # fmt: skip
    yield ctx.registry.get(CAMPAIGNS)
    root.stop(timeout=10)
    ctx.loop.run(sheets.stop(), timeout=5)


def test_only_influencers_on_the_roster_and_not_on_the_do_not_contact_list_start(ctx, directory):
    ctx[STORE].write(AddDoNotContact("priya.patel@creators.example", "asked to be removed"))
    entries = ["@glowwithmaya", "Jordan Lee", "Priya Patel", "Nobody Known"]
    campaign = make_campaign(id="86abc", influencers=entries)
    outcome = directory.ask(
        SubmitCampaign(campaign, CampaignSource(task_id="86abc"), created=True), timeout=30
    )
    assert isinstance(outcome, CampaignStarted)
    assert outcome.created == ("@glowwithmaya", "Jordan Lee")
    assert dict(outcome.skipped) == {
        "Priya Patel": "on the do-not-contact list",
        "Nobody Known": "not on the roster",
    }
    rows = {r.influencer_name: r for r in ctx[STORE].reader().negotiations("86abc")}
    assert rows["@glowwithmaya"].influencer_email == "maya@glowwithmaya.example"
    assert rows["Jordan Lee"].influencer_email == "jordan.lee@creatormail.example"
    assert rows["Jordan Lee"].data["roster"]["average_views"] == 62000
    text = started_text(campaign, "Glow", len(outcome.created), None, outcome.skipped)
    assert "2 negotiations start" in text
    assert "Nobody Known: not on the roster" in text
    assert "Priya Patel: on the do-not-contact list" in text


def test_a_campaign_naming_its_own_roster_tab_is_looked_up_there(ctx, directory):
    campaign = make_campaign(id="86vip", influencers=["@glowwithmaya", "Jordan Lee"], roster="VIP")
    outcome = directory.ask(
        SubmitCampaign(campaign, CampaignSource(task_id="86vip"), created=True), timeout=30
    )
    assert outcome.created == ("@glowwithmaya",)
    assert outcome.skipped == (("Jordan Lee", "not on the roster"),)
    [row] = ctx[STORE].reader().negotiations("86vip")
    assert row.influencer_email == "maya.vip@glowwithmaya.example"
