"""The campaign supervisor owns the campaign's CPM tracker: fed by every agreement, rebuilt from
the store when the supervisor starts again, told to every negotiator before its first decision and
after every agreement, so each decision weighs the campaign's running average."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dealdesk.actors.campaign_messages import SubmitCampaign
from dealdesk.actors.mail_messages import PollMailbox
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import CAMPAIGNS, campaign_name
from dealdesk.runtime.supervision import StopChild
from dealdesk.store import STORE, CampaignSource, agreed_rates_query
from tests.actors.test_negotiator import World
from tests.domain.harness import make_campaign


@pytest.fixture
def world(ctx, fake_sheets):
    built = World(ctx, fake_sheets)
    built.sheets.add_row(
        ["Lena Fischer", "@lenaf", "Instagram", "lena.fischer@creators.example", "60,000", "4%"]
        + [""] * 4
    )
    yield built
    built.close()


def negotiation_data(world, entry):
    [row] = [
        r for r in world.ctx[STORE].reader().negotiations("86abc") if r.influencer_name == entry
    ]
    return row.data["negotiation"]


def supervisor(world):
    return world.ctx.registry.get(campaign_name("86abc"))


def crank_until(world, condition, rounds=60):
    """Turn the mail crank (send, let personas answer, read) until ``condition`` holds."""
    for _ in range(rounds):
        if condition():
            return True
        world.mailroom.ask(PollMailbox(), timeout=30)
        world.ctx.registry.get(CAMPAIGNS).ask(DumpState(), timeout=30)
    return condition()


def test_agreements_feed_the_tracker_and_a_later_negotiation_starts_from_its_average(world):
    # Omar stays silent, so the campaign is still running when it grows.
    world.sheets.add_row(
        ["Omar Haddad", "@omarh", "Instagram", "omar.haddad@creators.example", "70,000", "3%"]
        + [""] * 4
    )
    world.submit(["@glowwithmaya", "Jordan Lee", "Omar Haddad"])
    agreed = {"@glowwithmaya": "agreed", "Jordan Lee": "agreed"}
    assert crank_until(world, lambda: agreed.items() <= world.states().items())
    rates = world.ctx[STORE].reader().run(agreed_rates_query("86abc"))
    assert len(rates) == 2
    average = sum((r.cpm for r in rates), Decimal(0)) / 2
    dump = supervisor(world).ask(DumpState(), timeout=10)
    assert Decimal(dump["running_average_cpm"]) == average.quantize(Decimal("0.01"))

    # The campaign grows: the new negotiation's first decision weighs both agreements.
    entries = ["@glowwithmaya", "Jordan Lee", "Omar Haddad", "Lena Fischer"]
    campaign = make_campaign(id="86abc", influencers=entries)
    directory = world.ctx.registry.get(CAMPAIGNS)
    directory.ask(
        SubmitCampaign(campaign, CampaignSource(task_id="86abc"), created=False), timeout=30
    )
    assert crank_until(world, lambda: world.states().get("Lena Fischer") == "declined")
    reason = negotiation_data(world, "Lena Fischer")["plan"]["reason"]
    assert "over 2 agreement(s)" in reason


def test_a_restarted_supervisor_rebuilds_the_tracker_from_the_store(world):
    world.run_for(["@glowwithmaya", "Jordan Lee"])
    before = supervisor(world).ask(DumpState(), timeout=10)["running_average_cpm"]
    assert before is not None
    directory = world.ctx.registry.get(CAMPAIGNS)
    directory.ask(StopChild(campaign_name("86abc")), timeout=30)
    campaign = make_campaign(id="86abc", influencers=["@glowwithmaya", "Jordan Lee"])
    directory.ask(
        SubmitCampaign(campaign, CampaignSource(task_id="86abc"), created=True), timeout=30
    )
    after = supervisor(world).ask(DumpState(), timeout=10)["running_average_cpm"]
    assert after == before
