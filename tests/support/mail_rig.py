"""A mailbox end to end: the sandbox Gmail, the real google-api-python-client, the Mailroom, the
AuditWriter, a campaign with its supervisor and a recording stand-in for each negotiation (the
Negotiator comes later; the supervisor hands it what the Mailroom sends)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from typing import Any

from pydantic import SecretStr

from dealdesk.actors.campaign_directory import campaign_directory_spec
from dealdesk.actors.campaign_messages import SubmitCampaign
from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.actors.mailroom import mailroom_spec
from dealdesk.actors.negotiator_messages import CampaignCpm
from dealdesk.app.wiring import start_children, start_root, store_specs
from dealdesk.domain.identity import negotiation_id
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import GmailClient, build_gmail
from dealdesk.runtime.actor import BaseActor, DumpState
from dealdesk.runtime.registry import CAMPAIGNS, mailroom_name, negotiation_name
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.runtime.supervision import ChildSpec, StopChild
from dealdesk.runtime.virtual import Wake
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.store import (
    STORE,
    CampaignSource,
    EmailPriority,
    InsertOutbox,
    database_path,
    prepare_database,
)
from tests.domain.harness import make_campaign

BOX = "deals@agency.example"


class Recorder(BaseActor):
    """Stands where the Negotiator will: keeps what its supervisor hands it."""

    kind = "negotiation_stand_in"

    def __init__(self, nid: str, seen: dict[str, list[Any]], lock: threading.Lock, **kw: Any):
        super().__init__(actor_id=nid, **kw)
        self.nid, self.seen, self.lock = nid, seen, lock

    def handle(self, message: Any) -> Any:
        if isinstance(message, (Wake, CampaignCpm)):
            return  # what a negotiator is told to start: a stand-in owns no work
        with self.lock:
            self.seen.setdefault(self.nid, []).append(message)


class MailRig:
    def __init__(self, ctx, *, influencers=("maya@glowwithmaya.example",), cast=False, **fake):
        self.ctx = ctx
        self.loop = ctx.loop
        self.gmail = FakeGmail(cast=cast, **fake)
        self.loop.run(self.gmail.start(), timeout=5)
        self.alerts: list[str] = []
        self.seen: dict[str, list[Any]] = {}
        self.lock = threading.Lock()
        prepare_database(ctx.settings)  # as boot does, before any actor starts
        self.root = start_root(ctx)
        start_children(self.root, store_specs(ctx))
        self.campaign = make_campaign(id="86abc", influencers=list(influencers))

        def recorder(nid: str) -> ChildSpec:
            def start(parent, restarts):
                return Recorder.start(nid, self.seen, self.lock, parent=parent, restarts=restarts)

            return ChildSpec(name=negotiation_name(nid), start=start, register=False)

        def campaign_spec(cid: str) -> ChildSpec:
            return campaign_supervisor_spec(ctx, cid, negotiator_spec=recorder)

        start_children(self.root, [campaign_directory_spec(ctx, campaign_spec=campaign_spec)])
        directory = ctx.registry.get(CAMPAIGNS)
        directory.ask(
            SubmitCampaign(self.campaign, CampaignSource(task_id="86abc"), created=True), timeout=20
        )
        self.endpoint = Endpoint(Service.GMAIL, self.gmail.base_url + "/", SecretStr("x"), True)
        self.policy = RetryPolicy.without_waiting()
        self.mailroom = None

    def client(self) -> GmailClient:
        resource = build_gmail(self.endpoint, None, self.ctx.settings.gmail_timeout_s)
        return GmailClient(resource, policy=self.policy, report=self.ctx.report)

    def start_mailroom(self):
        spec = mailroom_spec(self.ctx, BOX, self.client, alert=self.alerts.append)
        start_children(self.root, [spec])
        self.mailroom = self.ctx.registry.get(mailroom_name(BOX))
        self.settle()  # it has started: what it told itself at start is queued
        self.settle()  # and now handled
        return self.mailroom

    def stop_mailroom(self):
        self.root.ask(StopChild(mailroom_name(BOX)), timeout=20)
        self.mailroom = None

    def close(self):
        self.root.stop(timeout=10)
        self.loop.run(self.gmail.stop(), timeout=5)

    # -- driving --------------------------------------------------------------------------------

    def nid(self, entry="maya@glowwithmaya.example"):
        return negotiation_id("86abc", entry)

    def queue(self, n=1, *, entry="maya@glowwithmaya.example", priority=EmailPriority.OUTREACH,
              subject="Collaboration with Lumen", **fields):  # fmt: skip
        """Put ``n`` emails in the outbox as a negotiation would; answers their Message-IDs."""
        ids = []
        for _ in range(n):
            mid = f"<dealdesk.{len(self.outbox()) + 1}.{priority.name.lower()}@dealdesk.invalid>"
            email = InsertOutbox(mid, self.nid(entry), entry, subject, "Hi! We offer $1,000.",
                                 campaign_id="86abc", mailbox=BOX, priority=priority, **fields)  # fmt: skip
            self.ctx[STORE].write(email)
            ids.append(mid)
        return ids

    def send(self):
        """Barrier: the Mailroom pumped the outbox once (and handled what was queued before)."""
        answer = self.mailroom.ask(SendPending(), timeout=30)
        self.settle()
        return answer

    def poll(self):
        answer = self.mailroom.ask(PollMailbox(), timeout=30)
        self.settle()
        return answer

    def settle(self):
        if self.mailroom is not None:
            self.mailroom.ask(DumpState(), timeout=30)
        directory = self.ctx.registry.get(CAMPAIGNS)
        directory.ask(DumpState(), timeout=30)  # campaign supervisors answer inside it

    def handed(self, entry="maya@glowwithmaya.example"):
        with self.lock:
            return list(self.seen.get(self.nid(entry), []))

    def outbox(self, **where):
        return self.ctx[STORE].reader().outbox(**where)

    def rows(self, sql, *params):
        conn = sqlite3.connect(f"file:{database_path(self.ctx.settings)}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def with_settings(ctx, **changes):
    """The same context with other settings (the store and registry stay)."""
    return replace(ctx, settings=ctx.settings.model_copy(update=changes))
