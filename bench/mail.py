"""Mail both ways: emails through the Mailroom to the sandbox Gmail, replies back through history.

    python bench/mail.py            # 2,000 emails out, 2,000 replies in
    python bench/mail.py --quick    # 300 each

1. N emails are put in the outbox (as negotiations would, one per influencer), then a real
   Mailroom sends them through the real google-api-python-client to the sandbox Gmail on loopback
   (claim, MIME, send, record: each committed through the AuditWriter). Timed until the outbox is
   empty; the pacing limits are raised out of the way (the caps are policy, not speed).
2. N replies arrive, each in the thread of one email, and the Mailroom reads them through
   ``history.list`` + ``messages.get``: recorded with the cursor, routed, handed to the campaign.
   Timed until every reply is recorded.
3. Baseline, in the same run, on the same mailbox: the naive reader, ``threads.get`` per message
   the history shows (the thread to know what the reply answers). Gmail quota units per reply are
   counted for both by Gmail's published costs (send 100, messages.get 5, history.list 2,
   threads.get 10).

Prints a table, then as the LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealdesk.actors.campaign_directory import campaign_directory_spec
from dealdesk.actors.campaign_messages import SubmitCampaign
from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.actors.mailroom import mailroom_spec
from dealdesk.app.wiring import start_children, start_root, store_specs
from dealdesk.domain.campaign import parse_campaign
from dealdesk.domain.identity import negotiation_id
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import GmailClient, build_gmail
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.registry import CAMPAIGNS, mailroom_name
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.store import (
    STORE,
    CampaignSource,
    InboundStatus,
    InsertOutbox,
    inbound_query,
    outbox_counts_query,
    prepare_database,
)

BOX = "deals@agency.example"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 emails each way")
    parser.add_argument("--emails", type=int, default=None)
    args = parser.parse_args()
    n = args.emails or (300 if args.quick else 2000)
    with tempfile.TemporaryDirectory() as data_dir:
        figures = run(Path(data_dir), n)
    print(f"mail: {n} emails out, {n} replies in, sandbox Gmail on loopback, real client")
    print(f"  sent                     {figures['sent_per_s']:>9,.0f} emails/s")
    print(f"  received (history+get)   {figures['received_per_s']:>9,.0f} replies/s")
    print(f"  received (threads.get)   {figures['naive_received_per_s']:>9,.0f} replies/s  naive")
    print(f"  ratio received/naive     {figures['receive_ratio']:>9.2f}")
    print(f"  units per reply          {figures['units_per_reply']:>9.2f}  "
          f"(naive {figures['naive_units_per_reply']:.2f}: "
          f"{figures['naive_units_per_reply'] / figures['units_per_reply']:.1f}x)")  # fmt: skip
    print(f"  units per email sent     {figures['units_per_email']:>9.2f}")
    print(json.dumps({"bench": "mail", "emails": n, **figures}))
    return 0


def run(data_dir: Path, n: int) -> dict[str, float]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        gmail_daily_cap=10 * n,
        gmail_per_minute=10 * n,
        gmail_quota_units_per_minute=10**9,
        gmail_poll_s=3600,
    )
    loop = IoLoop().start()
    gmail = FakeGmail(cast=False)
    loop.run(gmail.start(), timeout=5)
    ctx = RuntimeContext(settings=settings, loop=loop)
    prepare_database(settings)
    root = start_root(ctx)
    start_children(root, [*store_specs(ctx), campaign_directory_spec(ctx)])
    entries = [f"creator{i}@creators.example" for i in range(n)]
    campaign = parse_campaign({
        "id": "bench", "client": "Lumen", "platform": "instagram",
        "cpm_range": {"min": "18", "max": "30"}, "budget": "1000000",
        "target_deliverables": [{"kind": "instagram_reel"}], "influencers": entries,
    })  # fmt: skip
    ctx.registry.get(CAMPAIGNS).ask(
        SubmitCampaign(campaign, CampaignSource(task_id="bench"), created=True), timeout=300
    )
    endpoint = Endpoint(Service.GMAIL, gmail.base_url + "/", SecretStr("x"), sandboxed=True)
    policy = RetryPolicy.without_waiting()
    clients: list[GmailClient] = []

    def client() -> GmailClient:
        made = GmailClient(build_gmail(endpoint, None, 30.0), policy=policy, report=None)
        clients.append(made)
        return made

    store = ctx[STORE]
    emails = [
        InsertOutbox(
            f"<bench.{i}@dealdesk.invalid>",
            negotiation_id("bench", entry),
            entry,
            f"Collaboration {i}",
            f"Hi! We offer ${1000 + i}.",
            campaign_id="bench",
            mailbox=BOX,
        )
        for i, entry in enumerate(entries)
    ]
    for email in emails[:-1]:
        store.tell(email)
    store.write(emails[-1])  # committed after every one told before it
    started = time.perf_counter()  # the Mailroom sends what is waiting as soon as it starts
    start_children(root, [mailroom_spec(ctx, BOX, client)])
    room = ctx.registry.get(mailroom_name(BOX))
    while store.reader().run(outbox_counts_query(BOX)).get("sent", 0) < n:
        room.ask(SendPending(), timeout=600)
    sent_s = time.perf_counter() - started
    units_sent = clients[0].units

    sent = {m.message_id: m for m in gmail.sent()}
    for i, entry in enumerate(entries):
        mid = f"<bench.{i}@dealdesk.invalid>"
        gmail.inbound(entry, f"Re: Collaboration {i}", f"Could you do ${1400 + i}?",
                      in_reply_to=mid, references=mid, thread_id=sent[mid].thread_id)  # fmt: skip
    room.ask(DumpState(), timeout=60)
    units_before = clients[0].units
    started = time.perf_counter()
    room.ask(PollMailbox(), timeout=600)
    received_s = time.perf_counter() - started
    units_received = clients[0].units - units_before
    routed = store.reader().run(inbound_query(status=InboundStatus.ROUTED))
    assert len(routed) == n, f"{len(routed)} of {n} replies routed"

    naive_s, naive_units = naive_read(client(), gmail, n)
    root.stop(timeout=30)
    for made in clients:
        made.close()
    loop.run(gmail.stop(), timeout=5)
    loop.stop()
    return {
        "sent_per_s": round(n / sent_s, 1),
        "received_per_s": round(n / received_s, 1),
        "naive_received_per_s": round(n / naive_s, 1),
        "receive_ratio": round(naive_s / received_s, 2),
        "units_per_reply": round(units_received / n, 2),
        "naive_units_per_reply": round(naive_units / n, 2),
        "units_per_email": round(units_sent / n, 2),
    }


def naive_read(client: GmailClient, gmail: FakeGmail, n: int) -> tuple[float, int]:
    """The naive reader: the whole history since before the replies, a threads.get for each."""
    start_id = str(min(m.history_id for m in gmail.inbox()) - 1)
    started = time.perf_counter()
    units = client.units
    seen = 0
    page = None
    while True:
        answer = client.history(start_id, page)
        for _gmail_id, thread_id in answer.added:
            client.thread(thread_id, "full")
            seen += 1
        page = answer.next_page_token
        if page is None:
            break
    assert seen >= n, f"the naive reader saw {seen} of {n}"
    return time.perf_counter() - started, client.units - units


if __name__ == "__main__":
    raise SystemExit(main())
