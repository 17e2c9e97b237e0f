"""The real-protocol peer contract: with ``DEALDESK_GMAIL_API_BASE`` and
``DEALDESK_SHEETS_API_BASE`` pointed at a SEPARATE process that speaks Gmail's and Sheets' REST
formats (``run.py sandbox serve``), dealdesk reads the roster and exchanges mail with it exactly
as with its in-process sandbox: the negotiations' addresses come from the peer's roster, every
email the negotiations write lands once in the peer's mailbox (read back through
google-api-python-client), the personas' replies come back recorded against the right negotiation,
and the campaign ends as it ends against the in-process sandbox."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httplib2
from googleapiclient.discovery import build

from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.app.boot import System
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.gmail import FakeGmail, default_cast
from dealdesk.sandbox.sheets import SANDBOX_SPREADSHEET_ID
from dealdesk.sandbox.slack.fake import FakeSlack
from dealdesk.store import STORE, InboundKind, InboundStatus, inbound_query
from tests.app.conftest import FORM
from tests.support.sandbox_server import sandbox_server

MAYA, JORDAN = "maya@glowwithmaya.example", "jordan.lee@creatormail.example"
ENDED = {"agreed", "declined", "stopped", "failed"}
DEADLINE_S = 20.0


def wait_for(condition: Callable[[], bool], step: Callable[[], object]) -> bool:
    """``step()`` (a round trip to an actor, and through it to Gmail) until ``condition()``
    holds or the deadline passes; answers whether it held."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        step()
    return True


def dump_of(system: System, name: str) -> dict[str, Any]:
    assert system.ctx is not None
    actor = system.ctx.registry.get(name)
    assert actor is not None, name
    answer: dict[str, Any] = actor.ask(DumpState(), timeout=30)
    return answer


def run_campaign(system: System, gmail_url: str) -> dict[str, tuple[str, int, int]]:
    """Submit the example campaign through the in-process ClickUp, let it run to its end against
    the Gmail at ``gmail_url``, check the mail both ways, and answer per influencer: the
    negotiation's final state, how many emails we sent, how many replies came back."""
    settings = system.settings
    clickup, slack = system.sandbox.get(Service.CLICKUP), system.sandbox.get(Service.SLACK)
    assert isinstance(clickup, FakeClickUp)
    assert isinstance(slack, FakeSlack)
    assert system.ctx is not None
    store = system.ctx[STORE]
    campaign_id, statuses = system.loop.run(clickup.submit("Glow", FORM), timeout=30)
    assert statuses == [202]
    assert slack.wait_until(lambda: slack.messages_in(settings.slack_team_channel) != [])
    negotiations = {n.negotiation_id: n for n in store.reader().negotiations(campaign_id)}
    # "@glowwithmaya" became an address only by reading the roster.
    assert {n.influencer_email for n in negotiations.values()} == {MAYA, JORDAN}
    [maya] = [n for n in negotiations.values() if n.influencer_email == MAYA]
    assert maya.data["roster"]["handle"] == "glowwithmaya"
    assert Decimal(str(maya.data["roster"]["average_views"])) == 85_000
    # Each negotiation has its actor, which writes its outreach and tells the Mailroom.
    children = dump_of(system, campaign_name(campaign_id))["children"]
    assert sorted(c["kind"] for c in children) == ["negotiator", "negotiator"]
    mailroom = system.ctx.registry.get(mailroom_name(settings.gmail_address))
    assert mailroom is not None

    def states() -> dict[str, str]:
        return {n.negotiation_id: n.state for n in store.reader().negotiations(campaign_id)}

    def ended() -> bool:
        return set(states().values()) <= ENDED

    assert wait_for(ended, lambda: mailroom.ask(PollMailbox(), timeout=30)), states()
    mailroom.ask(SendPending(), timeout=30)
    mailroom.ask(PollMailbox(), timeout=30)

    # Every email sent is in the mailbox exactly once, as sent to its influencer.
    sent = store.reader().outbox(status="sent")
    assert {e.negotiation_id for e in sent} == set(negotiations)
    http = httplib2.Http(timeout=10)
    api = build(
        "gmail", "v1", http=http, static_discovery=True, cache_discovery=False,
        client_options={"api_endpoint": gmail_url},
    )  # fmt: skip
    messages = api.users().messages()
    for email in sent:
        [listed] = messages.list(userId="me", q=f"rfc822msgid:{email.message_id}").execute()[
            "messages"
        ]
        assert listed["id"] == email.gmail_id
        message = messages.get(userId="me", id=listed["id"], format="metadata").execute()
        headers = {h["name"].lower(): h["value"] for h in message["payload"]["headers"]}
        assert headers["to"] == email.recipient
        assert "SENT" in message["labelIds"]
    http.close()

    # Every reply is recorded once, against the negotiation whose email it answers, and taken.
    received = store.reader().run(inbound_query(mailbox=settings.gmail_address))
    assert len({r.gmail_id for r in received}) == len(received)
    ours = {e.message_id: e for e in sent}
    first_names = {p.address: p.first_name for p in default_cast()}
    for reply in received:
        assert reply.kind == InboundKind.REPLY
        assert reply.status in (InboundStatus.ROUTED, InboundStatus.DELIVERED)
        answered = ours[reply.body["in_reply_to"]]
        assert reply.negotiation_id == answered.negotiation_id
        assert reply.thread_id == answered.gmail_thread_id
        assert reply.from_addr == negotiations[answered.negotiation_id].influencer_email
        assert first_names[reply.from_addr] in reply.body["text"]
    # Nothing crashed or restarted on the way.
    assert dump_of(system, campaign_name(campaign_id))["restarts"] == 0
    assert dump_of(system, mailroom_name(settings.gmail_address))["restarts"] == 0
    store.close_reader()

    final = states()
    summary = {}
    for nid, n in negotiations.items():
        emails = sum(e.negotiation_id == nid for e in sent)
        replies = sum(r.negotiation_id == nid for r in received)
        summary[n.influencer_email or ""] = (final[nid], emails, replies)
    return summary


def test_dealdesk_reads_the_roster_and_exchanges_mail_with_a_separate_process(settings, tmp_path):
    base = {"gmail_poll_s": 0.2}
    local_dir, peer_dir = tmp_path / "local", tmp_path / "peer"
    local_dir.mkdir()
    peer_dir.mkdir()

    # The reference: the same campaign against the in-process sandbox.
    system = System(settings.model_copy(update={**base, "data_dir": local_dir})).start()
    try:
        fake = system.sandbox.get(Service.GMAIL)
        assert isinstance(fake, FakeGmail)
        fake.personas.delay_s = 0
        local = run_campaign(system, fake.base_url + "/")
    finally:
        system.stop()

    with sandbox_server(
        "--services", "gmail,sheets", "--reply-delay", "0", log=tmp_path / "peer.log"
    ) as peer:
        gmail_url, sheets_url = peer.urls["gmail"], peer.urls["sheets"]
        system = System(
            settings.model_copy(
                update={
                    **base,
                    "data_dir": peer_dir,
                    "gmail_api_base": gmail_url,
                    "sheets_api_base": sheets_url,
                    "sheets_spreadsheet_id": SANDBOX_SPREADSHEET_ID,
                }
            )
        ).start()
        try:
            # Gmail and Sheets are the other process's; ClickUp and Slack stay in-process.
            assert system.sandbox.get(Service.GMAIL) is None
            assert system.sandbox.get(Service.SHEETS) is None
            assert system.endpoints[Service.GMAIL].base_url == gmail_url
            assert system.endpoints[Service.SHEETS].base_url == sheets_url
            assert not system.endpoints[Service.GMAIL].sandboxed
            remote = run_campaign(system, gmail_url)
        finally:
            system.stop()
        assert peer.stop() == 0

    assert remote == local  # the same conversations, to the same ends
    assert all(replies >= 1 for _state, _emails, replies in remote.values())
