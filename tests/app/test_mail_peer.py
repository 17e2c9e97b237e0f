"""The real-protocol peer contract: with ``DEALDESK_GMAIL_API_BASE`` and
``DEALDESK_SHEETS_API_BASE`` pointed at a SEPARATE process that speaks Gmail's and Sheets' REST
formats (``run.py sandbox serve``), dealdesk reads the roster and exchanges mail with it exactly
as with its in-process sandbox: the negotiations' addresses come from the peer's roster, each
outreach email lands once in the peer's mailbox (read back through google-api-python-client), and
the personas' replies come back, recorded against the right negotiation."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal

import httplib2
from googleapiclient.discovery import build

from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.app.boot import System
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.gmail import default_cast
from dealdesk.sandbox.sheets import SANDBOX_SPREADSHEET_ID
from dealdesk.sandbox.slack.fake import FakeSlack
from dealdesk.store import (
    STORE,
    InboundKind,
    InboundRecord,
    InboundStatus,
    InsertOutbox,
    NegotiationRecord,
    OutboxRecord,
    inbound_query,
)
from tests.support.sandbox_server import sandbox_server

FORM = {
    "Client Name": "Lumen Skincare",
    "Budget": "12000",
    "Platform": "Instagram",
    "Target Deliverables": "1 Instagram reel",
    "Influencer List": "@glowwithmaya, jordan.lee@creatormail.example",
    "CPM Min": "18",
    "CPM Max": "30",
    "Timeline": "2026-12-20",
}
MAYA, JORDAN = "maya@glowwithmaya.example", "jordan.lee@creatormail.example"
DEADLINE_S = 20.0


def peer_gmail(base_url: str, http: httplib2.Http):
    """google-api-python-client's own Gmail resource against the peer (unauthenticated)."""
    return build(
        "gmail", "v1", http=http, static_discovery=True, cache_discovery=False,
        client_options={"api_endpoint": base_url},
    )  # fmt: skip


def negotiators_run(system: System, campaign_id: str) -> bool:
    """Whether the campaign's negotiations have their own actors (the Negotiator) to write
    their emails, or only stand as rows."""
    assert system.ctx is not None
    supervisor = system.ctx.registry.get(campaign_name(campaign_id))
    assert supervisor is not None
    children = supervisor.ask(DumpState(), timeout=30).get("children", [])
    return any(child["kind"] == "negotiator" for child in children)


def wait_for(condition: Callable[[], bool], step: Callable[[], object]) -> bool:
    """``step()`` (a round trip to an actor, and through it to the peer) until ``condition()``
    holds or the deadline passes; answers whether it held."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        step()
    return True


def test_dealdesk_reads_the_roster_and_exchanges_mail_with_a_separate_process(settings, tmp_path):
    with sandbox_server(
        "--services", "gmail,sheets", "--reply-delay", "0", log=tmp_path / "peer.log"
    ) as peer:
        gmail_url, sheets_url = peer.urls["gmail"], peer.urls["sheets"]
        settings = settings.model_copy(
            update={
                "gmail_api_base": gmail_url,
                "sheets_api_base": sheets_url,
                "sheets_spreadsheet_id": SANDBOX_SPREADSHEET_ID,
                "gmail_poll_s": 0.2,
            }
        )
        system = System(settings).start()
        try:
            # Gmail and Sheets are the peer's; ClickUp and Slack stay in-process fakes.
            assert system.sandbox.get(Service.GMAIL) is None
            assert system.sandbox.get(Service.SHEETS) is None
            assert system.endpoints[Service.GMAIL].base_url == gmail_url
            assert system.endpoints[Service.SHEETS].base_url == sheets_url
            clickup = system.sandbox.get(Service.CLICKUP)
            slack = system.sandbox.get(Service.SLACK)
            assert isinstance(clickup, FakeClickUp)
            assert isinstance(slack, FakeSlack)
            assert system.ctx is not None
            store = system.ctx[STORE]

            campaign_id, statuses = system.loop.run(clickup.submit("Glow", FORM), timeout=30)
            assert statuses == [202]
            assert slack.wait_until(lambda: slack.messages_in(settings.slack_team_channel) != [])
            negotiations = store.reader().negotiations(campaign_id)
            # "@glowwithmaya" became an address only by reading the peer's roster.
            assert {n.influencer_email for n in negotiations} == {MAYA, JORDAN}
            maya = next(n for n in negotiations if n.influencer_email == MAYA)
            assert maya.data["roster"]["handle"] == "glowwithmaya"
            assert Decimal(str(maya.data["roster"]["average_views"])) == 85_000

            mailroom = system.ctx.registry.get(mailroom_name(settings.gmail_address))
            assert mailroom is not None
            if not negotiators_run(system, campaign_id):
                # No Negotiator yet: the outreach goes in the outbox as a negotiation writes it,
                # then the Mailroom is told.
                for n in negotiations:
                    slug = re.sub(r"[^A-Za-z0-9]+", "-", n.negotiation_id).strip("-")
                    store.write(
                        InsertOutbox(
                            f"<dealdesk.{slug}.1@dealdesk.invalid>", n.negotiation_id,
                            n.influencer_email or "", "Collaboration with Lumen Skincare",
                            f"Hi {n.influencer_name}! Lumen Skincare would love one Instagram "
                            "reel from you. We can offer $1,000.",
                            campaign_id=campaign_id, mailbox=settings.gmail_address,
                        )
                    )  # fmt: skip
                mailroom.ask(SendPending(), timeout=30)

            def first_email(n: NegotiationRecord) -> OutboxRecord | None:
                mine = store.reader().outbox(negotiation_id=n.negotiation_id)
                return mine[0] if mine else None

            def outreach_sent() -> bool:
                return all((e := first_email(n)) and e.status == "sent" for n in negotiations)

            assert wait_for(outreach_sent, lambda: mailroom.ask(SendPending(), timeout=30))
            outreach = {n.negotiation_id: first_email(n) for n in negotiations}

            # Every email sent is in the peer's mailbox exactly once, as sent to its influencer.
            http = httplib2.Http(timeout=10)
            api = peer_gmail(gmail_url, http)
            for email in store.reader().outbox(status="sent"):
                found = (
                    api.users()
                    .messages()
                    .list(userId="me", q=f"rfc822msgid:{email.message_id}")
                    .execute()
                )
                [listed] = found["messages"]
                assert listed["id"] == email.gmail_id
                message = api.users().messages().get(userId="me", id=listed["id"],
                                                     format="metadata").execute()  # fmt: skip
                headers = {h["name"].lower(): h["value"] for h in message["payload"]["headers"]}
                assert headers["to"] == email.recipient
                assert "SENT" in message["labelIds"]
            http.close()

            # The personas answer; the Mailroom (timer and asks) records each reply once,
            # against the negotiation whose email it answers.
            def replies() -> list[InboundRecord]:
                return [
                    r
                    for r in store.reader().run(inbound_query(mailbox=settings.gmail_address))
                    if r.kind == InboundKind.REPLY
                ]

            def each_answered() -> bool:
                return {r.negotiation_id for r in replies()} == set(outreach)

            assert wait_for(each_answered, lambda: mailroom.ask(PollMailbox(), timeout=30))
            personas = {p.address: p for p in default_cast()}
            for n in negotiations:
                ours = outreach[n.negotiation_id]
                assert ours is not None
                first = next(r for r in replies() if r.body["in_reply_to"] == ours.message_id)
                assert first.negotiation_id == n.negotiation_id
                assert first.status in (InboundStatus.ROUTED, InboundStatus.DELIVERED)
                assert first.from_addr == n.influencer_email
                assert first.thread_id == ours.gmail_thread_id
                assert personas[n.influencer_email or ""].first_name in first.body["text"]
            for reply in replies():  # every reply is its sender's negotiation's
                n = next(n for n in negotiations if n.negotiation_id == reply.negotiation_id)
                assert reply.from_addr == n.influencer_email
            store.close_reader()
        finally:
            system.stop()
        assert peer.stop() == 0
