"""The real-protocol peer contract: with ``DEALDESK_GMAIL_API_BASE`` and
``DEALDESK_SHEETS_API_BASE`` pointed at a SEPARATE process that speaks Gmail's and Sheets' REST
formats (``run.py sandbox serve``), dealdesk reads the roster and exchanges mail with it exactly
as with its in-process sandbox: the negotiations' addresses come from the peer's roster, each
outreach email lands once in the peer's mailbox (read back through google-api-python-client), and
the personas' replies come back, recorded against the right negotiation."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import httplib2
from googleapiclient.discovery import build

from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.app.boot import System
from dealdesk.runtime.registry import mailroom_name
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.gmail import default_cast
from dealdesk.sandbox.sheets import SANDBOX_SPREADSHEET_ID
from dealdesk.sandbox.slack.fake import FakeSlack
from dealdesk.store import STORE, InboundKind, InboundStatus, InsertOutbox, inbound_query
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

            # As a negotiation will: the email in the outbox, then the Mailroom told.
            sent_ids: dict[str, str] = {}
            for n in negotiations:
                slug = re.sub(r"[^A-Za-z0-9]+", "-", n.negotiation_id).strip("-")
                mid = f"<dealdesk.{slug}.1@dealdesk.invalid>"  # as a negotiation names it
                store.write(
                    InsertOutbox(
                        mid, n.negotiation_id, n.influencer_email or "",
                        "Collaboration with Lumen Skincare",
                        f"Hi {n.influencer_name}! Lumen Skincare would love one Instagram reel "
                        "from you. We can offer $1,000.",
                        campaign_id=campaign_id, mailbox=settings.gmail_address,
                    )
                )  # fmt: skip
                sent_ids[n.negotiation_id] = mid
            mailroom = system.ctx.registry.get(mailroom_name(settings.gmail_address))
            assert mailroom is not None
            mailroom.ask(SendPending(), timeout=30)
            outbox = {
                r.message_id: r for r in store.reader().outbox(mailbox=settings.gmail_address)
            }
            assert {outbox[m].status for m in sent_ids.values()} == {"sent"}

            # Each email is in the peer's mailbox exactly once, as sent to its influencer.
            http = httplib2.Http(timeout=10)
            api = peer_gmail(gmail_url, http)
            for n in negotiations:
                mid = sent_ids[n.negotiation_id]
                found = api.users().messages().list(userId="me", q=f"rfc822msgid:{mid}").execute()
                [listed] = found["messages"]
                assert listed["id"] == outbox[mid].gmail_id
                message = api.users().messages().get(userId="me", id=listed["id"],
                                                     format="metadata").execute()  # fmt: skip
                headers = {h["name"].lower(): h["value"] for h in message["payload"]["headers"]}
                assert headers["to"] == n.influencer_email
                assert "SENT" in message["labelIds"]
            http.close()

            # The personas answer; the Mailroom (timer and asks) records each reply once.
            def replies() -> list:
                return [
                    r
                    for r in store.reader().run(inbound_query(mailbox=settings.gmail_address))
                    if r.kind == InboundKind.REPLY
                ]

            deadline = time.monotonic() + DEADLINE_S
            while len(replies()) < len(negotiations) and time.monotonic() < deadline:
                mailroom.ask(PollMailbox(), timeout=30)  # a round trip to the peer each time
            mailroom.ask(PollMailbox(), timeout=30)  # and once more: nothing twice
            got = replies()
            assert len(got) == len(negotiations), got
            personas = {p.address: p for p in default_cast()}
            for reply in got:
                n = next(n for n in negotiations if n.negotiation_id == reply.negotiation_id)
                assert reply.status == InboundStatus.ROUTED
                assert reply.from_addr == n.influencer_email
                assert reply.thread_id == outbox[sent_ids[n.negotiation_id]].gmail_thread_id
                assert reply.body["in_reply_to"] == sent_ids[n.negotiation_id]
                assert personas[n.influencer_email or ""].first_name in reply.body["text"]
            store.close_reader()
        finally:
            system.stop()
        assert peer.stop() == 0
