"""Whole conversations through the real runtime: the roster (sandbox Sheets), the Negotiator,
the Mailroom and the sandbox Gmail's personas, until each negotiation ends as the persona
dictates; every step committed before its effects, every email once."""

from __future__ import annotations

import re
import sqlite3
import time
from decimal import Decimal

import pytest
from pydantic import SecretStr

from dealdesk.actors.campaign_messages import SubmitCampaign
from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.actors.mailroom import mailroom_spec
from dealdesk.actors.negotiator import negotiator_spec
from dealdesk.actors.notifier import notifier_spec
from dealdesk.actors.roster_keeper import RosterSetup, roster_keeper_spec
from dealdesk.actors.scheduler import scheduler_spec
from dealdesk.app.wiring import campaign_specs, start_children, start_root, store_specs
from dealdesk.domain import NegotiationPolicy
from dealdesk.domain.campaign import CampaignStatus
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import GmailClient, build_gmail
from dealdesk.integrations.sheets import RosterCache, SheetsClient, build_sheets
from dealdesk.integrations.sheets.cache import default_source, sheet_fetcher
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import CAMPAIGNS, campaign_name, mailroom_name
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.store import (
    STORE,
    CampaignSource,
    campaign_spend_query,
    database_path,
    prepare_database,
    stored_campaign,
)
from tests.domain.harness import make_campaign
from tests.support.team import ListTeam

BOX = "deals@agency.example"
TERMINAL = {"agreed", "declined", "stopped", "failed", "escalated", "stale"}


class Roster:
    """The sandbox roster, with rows a test adds (the example rows stay)."""

    def __init__(self, fake):
        self.fake = fake

    def add_row(self, row):
        rows = self.fake.values_of("sandbox-roster", "Roster")
        self.fake.set_values("sandbox-roster", "Roster", [*rows, row])


class World:
    """The pieces boot starts for a campaign's negotiations, against the sandbox fakes."""

    def __init__(self, ctx, fake_sheets, slack=None, gmail=None):
        """``slack``: where the Notifier posts (default: ``self.team``, a list of texts);
        ``gmail``: a running sandbox Gmail to keep (a restart), else one of its own."""
        self.ctx = ctx
        self.sheets = Roster(fake_sheets)
        self.owns_gmail = gmail is None
        self.gmail = gmail or FakeGmail(cast=True)
        self.gmail.personas.delay_s = 0
        if self.owns_gmail:
            ctx.loop.run(self.gmail.start(), timeout=5)
        self.team: list[str] = []
        policy = RetryPolicy.without_waiting()
        gmail = Endpoint(Service.GMAIL, self.gmail.base_url + "/", SecretStr("x"), sandboxed=True)
        sheets = Endpoint(Service.SHEETS, fake_sheets.base_url + "/", SecretStr("x"), True)

        def roster():
            client = SheetsClient(build_sheets(sheets, None), policy, None)
            cache = RosterCache(sheet_fetcher(client), 300.0, ctx.clock)
            return RosterSetup(client, cache, default_source(ctx.settings, "sandbox-roster"))

        def mailbox():
            return GmailClient(build_gmail(gmail, None, 5.0), policy=policy, report=None)

        prepare_database(ctx.settings)
        self.root = start_root(ctx)
        negotiators = negotiator_spec(ctx, NegotiationPolicy())
        start_children(
            self.root,
            [
                *store_specs(ctx),
                notifier_spec(ctx, slack or ListTeam(self.team)),
                roster_keeper_spec(ctx, roster),
                *campaign_specs(ctx, negotiators),
                mailroom_spec(ctx, BOX, mailbox),
                scheduler_spec(ctx),
            ],
        )
        self.mailroom = ctx.registry.get(mailroom_name(BOX))

    def submit(self, influencers, **fields):
        campaign = make_campaign(id="86abc", influencers=list(influencers), **fields)
        directory = self.ctx.registry.get(CAMPAIGNS)
        return directory.ask(
            SubmitCampaign(campaign, CampaignSource(task_id="86abc"), created=True), timeout=30
        )

    def run_for(self, influencers):
        self.submit(influencers)
        return self.run_until_settled()

    def states(self):
        return {r.influencer_name: r.state for r in self.ctx[STORE].reader().negotiations("86abc")}

    def run_until_settled(self, deadline_s=30.0):
        """Turn the mail crank (send, let personas answer, read) until every negotiation has
        come to rest, or the deadline passes; answers the states."""
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            self.mailroom.ask(PollMailbox(), timeout=30)
            self.ctx.registry.get(CAMPAIGNS).ask(DumpState(), timeout=30)
            if set(self.states().values()) <= TERMINAL:
                break
        self.mailroom.ask(SendPending(), timeout=30)  # what the last steps wrote goes out
        return self.states()

    def rows(self, sql, *params):
        path = database_path(self.ctx.settings)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def eventually(self, condition, deadline_s=10.0):
        """True once ``condition`` holds; each try waits for the campaign actors to be idle."""
        deadline = time.monotonic() + deadline_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            self.ctx.registry.get(CAMPAIGNS).ask(DumpState(), timeout=30)
        return True

    def close(self):
        self.root.stop(timeout=20)
        if self.owns_gmail:
            self.ctx.loop.run(self.gmail.stop(), timeout=5)


@pytest.fixture
def world(ctx, fake_sheets):
    built = World(ctx, fake_sheets)
    yield built
    built.close()


def agreed_amount(world, entry):
    [row] = [
        r for r in world.ctx[STORE].reader().negotiations("86abc") if r.influencer_name == entry
    ]
    return Decimal(row.data["negotiation"]["agreed"]["amount"])


def test_a_counter_persona_and_a_twice_countering_one_end_agreed_within_our_cap(world):
    world.submit(["@glowwithmaya", "Jordan Lee"])
    states = world.run_until_settled()
    assert states == {"@glowwithmaya": "agreed", "Jordan Lee": "agreed"}
    for entry, persona in (
        ("@glowwithmaya", "maya@glowwithmaya.example"),
        ("Jordan Lee", "jordan.lee@creatormail.example"),
    ):
        [conversation] = world.gmail.personas.conversations(persona)
        agreed = agreed_amount(world, entry)
        assert agreed >= world.gmail.personas.get(persona).reservation
        assert agreed <= conversation.asks[-1]  # never above their standing ask
    sent = world.gmail.sent()
    ids = [m.message_id for m in sent]
    assert len(ids) == len(set(ids))  # no email twice
    confirmations = [m for m in sent if "confirm" in m.text.lower()]
    assert len(confirmations) == 2
    assert world.eventually(
        lambda: any("agreed" in text.lower() or "agreement" in text.lower() for text in world.team)
    )
    assert world.eventually(lambda: any("is finished" in text for text in world.team))
    finished = [text for text in world.team if "is finished" in text]
    assert len(finished) == 1
    assert "2 agreed" in finished[0]
    stored = stored_campaign(world.ctx[STORE].reader(), "86abc")
    assert stored.status is CampaignStatus.COMPLETED
    supervisor = world.ctx.registry.get(campaign_name("86abc"))
    assert supervisor.ask(DumpState(), timeout=10)["negotiations"] == {"agreed": 2}


def test_each_persona_ends_as_it_dictates_and_nobody_who_opted_out_hears_again(world):
    for name, email, handle in (
        ("Lena Fischer", "lena.fischer@creators.example", "@lenaf"),
        ("Noah Kim", "noah.kim@creatormail.example", "@noahkim"),
        ("Chloe Nguyen", "chloe.nguyen@creators.example", "@chloen"),
        ("Sam Old", "sam.old@creatormail.example", "@samold"),
    ):
        world.sheets.add_row([name, handle, "Instagram", email, "60,000", "4%", "", "", "", ""])
    states = world.run_for(["Lena Fischer", "Noah Kim", "Chloe Nguyen", "Sam Old"])
    assert states == {
        "Lena Fischer": "declined",  # declines: a polite exit
        "Noah Kim": "escalated",  # far above twice our cap: a human, and a holding reply
        "Chloe Nguyen": "stopped",  # "remove me": do-not-contact, nothing more
        "Sam Old": "failed",  # bounced
    }
    assert world.ctx[STORE].reader().is_do_not_contact("chloe.nguyen@creators.example")
    to_chloe = [m for m in world.gmail.sent() if "chloe.nguyen" in str(m.recipients)]
    assert len(to_chloe) == 1  # the outreach, and nothing after her opt-out
    assert world.eventually(lambda: any("Sam Old" in t for t in world.team))  # of the bounce
    to_noah = [m for m in world.gmail.sent() if "noah.kim" in str(m.recipients)]
    assert len(to_noah) == 2  # the outreach, then one holding reply with no amount
    assert "get back to you shortly" in to_noah[-1].text
    assert not re.search(r"\d", to_noah[-1].text.split("\n\n", 1)[1].rsplit("\n\n", 1)[0])
    assert world.eventually(
        lambda: any("Noah Kim" in text and "needs a human" in text for text in world.team)
    )


def test_the_campaigns_agreed_fees_never_exceed_its_budget_the_next_acceptance_escalates(world):
    world.submit(["@glowwithmaya", "Jordan Lee"], budget="2500")
    states = world.run_until_settled()
    assert sorted(states.values()) == ["agreed", "escalated"]
    spend = world.ctx[STORE].reader().run(campaign_spend_query("86abc"))
    assert Decimal(0) < spend <= Decimal(2500)
    [escalated] = [name for name, state in states.items() if state == "escalated"]
    rows = world.rows(
        "SELECT json_extract(metadata, '$.reason') FROM audit_log "
        "WHERE event_type = 'state_transition' AND json_extract(metadata, '$.reason') LIKE '%budget%'"
    )
    assert rows, "the escalation says it is the budget, with the numbers"
    assert "$2,500" in rows[-1][0]
    assert escalated
