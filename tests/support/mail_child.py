"""A Mailroom in a child process, driven line by line, for the tests that kill -9 it.

``python -m tests.support.mail_child DATA_DIR GMAIL_URL TIMEOUT_S`` runs what boot runs for a
mailbox (root supervisor, AuditWriter, the CampaignDirectory with a stand-in per negotiation that
appends what it is handed to ``DATA_DIR/handed.log``, and the Mailroom on the real Gmail client)
against the sandbox Gmail at ``GMAIL_URL`` that the test process runs, with reads and sends timing
out after ``TIMEOUT_S``. It prints ``READY``, then reads commands on stdin, one a line, and answers
each with one line once it is done (the actors it touched have handled what it caused):

- ``campaign ENTRY,ENTRY,…`` submits campaign ``86abc`` with those influencers -> ``ok``
- ``start`` starts the Mailroom (which settles what a crash left sending or in doubt) -> ``ok``
- ``queue ENTRY MESSAGE-ID`` puts an outreach email in the outbox -> ``ok``
- ``send`` / ``poll`` asks the Mailroom to send / to read the mailbox -> ``ok N``

The poll timer is an hour, so the mailbox is read at start and when told, never in between.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from dealdesk.actors.negotiator_messages import CampaignCpm
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.virtual import Wake
from tests.support.child_process import Child

BOX = "deals@agency.example"
CAMPAIGN = "86abc"
HANDED = "handed.log"


class StandIn(BaseActor):
    """Where the Negotiator will be: appends each event it is handed to a file, one a line, so
    the test sees what reached the negotiation even after this process was killed."""

    kind = "negotiation_stand_in"

    def __init__(self, nid: str, path: Path, lock: threading.Lock, **kw: Any) -> None:
        super().__init__(actor_id=nid, **kw)
        self.nid, self.path, self.lock = nid, path, lock

    def handle(self, message: Any) -> Any:
        if isinstance(message, (Wake, CampaignCpm)):
            return  # what a negotiator is told to start: a stand-in owns no work
        ident = getattr(message, "gmail_id", None) or getattr(message, "message_id", "")
        with self.lock, self.path.open("a", encoding="utf-8") as log:
            log.write(f"{type(message).__name__} {self.nid} {ident}\n")  # one write: kill-safe


def main(data_dir: str, gmail_url: str, timeout_s: str) -> None:
    from pydantic import SecretStr

    from dealdesk.actors.campaign_directory import campaign_directory_spec
    from dealdesk.actors.campaign_messages import SubmitCampaign
    from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
    from dealdesk.actors.mail_messages import PollMailbox, SendPending
    from dealdesk.actors.mailroom import mailroom_spec
    from dealdesk.app.wiring import start_children, start_root, store_specs
    from dealdesk.domain.identity import negotiation_id
    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.integrations.gmail import GmailClient, build_gmail
    from dealdesk.runtime.actor import DumpState
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.logging import configure_logging
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.registry import CAMPAIGNS, mailroom_name, negotiation_name
    from dealdesk.runtime.retry import RetryPolicy
    from dealdesk.runtime.settings import Service, Settings
    from dealdesk.runtime.supervision import ChildSpec
    from dealdesk.store import STORE, CampaignSource, InsertOutbox, prepare_database
    from tests.domain.harness import make_campaign

    configure_logging("warning", json=True)  # logs to stderr; stdout carries only answers
    settings = Settings(
        _env_file=None, data_dir=Path(data_dir), http_port=0, retry_initial_s=0,
        retry_jitter_s=0, gmail_poll_s=3600, gmail_timeout_s=float(timeout_s),
    )  # fmt: skip
    loop = IoLoop().start()
    ctx = RuntimeContext(settings=settings, loop=loop)
    prepare_database(settings)
    root = start_root(ctx)
    start_children(root, store_specs(ctx))
    handed, lock = Path(data_dir) / HANDED, threading.Lock()

    def stand_in(nid: str) -> ChildSpec:
        def start(parent: Any, restarts: int) -> Any:
            return StandIn.start(nid, handed, lock, parent=parent, restarts=restarts)

        return ChildSpec(name=negotiation_name(nid), start=start, register=False)

    def campaign_spec(cid: str) -> ChildSpec:
        return campaign_supervisor_spec(ctx, cid, negotiator_spec=stand_in)

    start_children(root, [campaign_directory_spec(ctx, campaign_spec=campaign_spec)])
    directory = ctx.registry.get(CAMPAIGNS)
    assert directory is not None
    directory.ask(DumpState(), timeout=30)  # it has restored the campaigns that were running
    endpoint = Endpoint(Service.GMAIL, gmail_url.rstrip("/") + "/", SecretStr("x"), True)

    def client() -> GmailClient:
        resource = build_gmail(endpoint, None, settings.gmail_timeout_s)
        return GmailClient(resource, policy=RetryPolicy.without_waiting(), report=ctx.report)

    mailroom: Any = None

    def settle() -> None:
        if mailroom is not None:
            mailroom.ask(DumpState(), timeout=120)
        directory.ask(DumpState(), timeout=120)  # campaigns, and their stand-ins, answer in it

    print("READY", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        answer = "ok"
        if command == "campaign":
            campaign = make_campaign(id=CAMPAIGN, influencers=args[0].split(","))
            directory.ask(
                SubmitCampaign(campaign, CampaignSource(task_id=CAMPAIGN), created=True),
                timeout=30,
            )
        elif command == "start":
            start_children(root, [mailroom_spec(ctx, BOX, client, alert=print_alert)])
            mailroom = ctx.registry.get(mailroom_name(BOX))
            settle()  # started: what it told itself at start is queued
            settle()  # and now handled
        elif command == "queue":
            entry, mid = args
            ctx[STORE].write(
                InsertOutbox(
                    mid,
                    negotiation_id(CAMPAIGN, entry),
                    entry,
                    "Collaboration",
                    "Hi! We offer $1,000.",
                    campaign_id=CAMPAIGN,
                    mailbox=BOX,
                )
            )
        elif command in ("send", "poll"):
            message = SendPending() if command == "send" else PollMailbox()
            answer = f"ok {mailroom.ask(message, timeout=120)}"
            settle()
        else:
            answer = f"unknown command {command!r}"
        print(answer, flush=True)


def start_mail_child(data_dir: Path, gmail_url: str, timeout_s: float, log: Path) -> Child:
    """Start a child (its stderr appended to ``log``) and wait until it is READY."""
    with log.open("a") as stderr:
        child = Child(
            ["-m", "tests.support.mail_child", str(data_dir), gmail_url, str(timeout_s)],
            stderr=stderr,
        )
    try:
        child.until("READY")
    except BaseException:
        child.close()
        raise
    return child


def handed(data_dir: Path) -> list[tuple[str, str, str]]:
    """What the negotiations' stand-ins were handed, in every run: (event, negotiation, id)."""
    path = data_dir / HANDED
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [tuple(line.split(" ", 2)) for line in lines]  # type: ignore[misc]


def print_alert(text: str) -> None:
    print(f"alert: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
