"""The negotiation runtime in a child process, driven line by line, for the tests that kill -9 it.

``python -m tests.support.negotiation_child``, told ``boot DATA_DIR GMAIL_URL SHEETS_URL``, wires what boot wires
for negotiations, with boot's builders and in boot's order (root supervisor, AuditWriter, the
roster's keeper, the CampaignDirectory whose campaigns activate a Negotiator per negotiation
under boot's playbook, the one difference a gate the test can arm; then, on ``start``, the
Mailroom and the Scheduler), on the real Gmail and Sheets clients against
the sandbox fakes at ``GMAIL_URL`` and ``SHEETS_URL`` that the TEST process runs (so the mailbox
and its personas outlive this process). It loads its modules first and waits for that ``boot``
line (so tests keep a spare loading while a child works: the imports are paid in parallel), touches
the data directory only then, prints ``READY``, and reads commands on stdin, one a line, answering
each with one line once what it caused has been handled (the actors it touched are idle):

- ``campaign ENTRY|ENTRY|…`` submits campaign ``86abc`` with those roster entries -> ``ok``
  (each negotiation commits its outreach; with no Mailroom yet, it waits in the outbox)
- ``start`` starts the Mailroom (which settles what a crash left sending or in doubt, reads the
  mailbox and sends what waits) and the Scheduler -> ``ok``
- ``poll`` has the Mailroom read the mailbox (replies go to their negotiations, whose answers
  are sent) -> ``ok N`` (N: messages recorded)
- ``gate before EVENT`` (``ReplyArrived``, ``EmailSent``): the next such event a Negotiator is
  handed stops it before its step (the Mailroom committed the news, the negotiation has not
  taken it); ``gate after STATE`` (``agreed``): the next step into that state stops after its
  commit, before its effects. The command after it answers ``held`` once a Negotiator is
  stopped there -> ``ok``
- ``release`` lets the stopped Negotiator go on -> ``ok`` once its step and its campaign's part
  in it are done (the Mailroom is not waited for: a test may be holding its Gmail call)

The poll timer is an hour: the mailbox is read at start and when told, never in between.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealdesk.actors.negotiator import Negotiator
from tests.support.child_process import ROOT_DIR, Child

if TYPE_CHECKING:
    import pykka

    from dealdesk.domain import Decision, Negotiation, NegotiationPolicy
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.supervision import ChildSpec

BOX = "deals@agency.example"
CAMPAIGN = "86abc"
TEAM = "team.log"  # in the data directory: what the team was told, in every run
SETTLE_ROUNDS = 3  # campaigns, mailroom, …: a reply's answer is sent and its news taken in 2


class Gate:
    """Stops one Negotiator at one point until released (or for good: the process is killed
    there). ``before`` an event type: after the Mailroom committed what it tells, before the
    negotiation's step. ``after`` a state: the step into it committed, its effects (the email
    sent, the team and the supervisor told) not yet carried out."""

    def __init__(self) -> None:
        self.armed: tuple[str, str] | None = None
        self.reached = threading.Event()
        self.release = threading.Event()
        self.woke = threading.Event()  # reached, or the command settled without reaching it

    def stop(self, where: str, what: str) -> None:
        if self.armed == (where, what):
            self.armed = None
            self.reached.set()
            self.woke.set()
            self.release.wait()


GATE = Gate()


class GatedNegotiator(Negotiator):
    """The Negotiator, with the gate in front of its dispatch and of its effects (a pass-through
    unless armed)."""

    def handle(self, message: Any) -> Any:
        GATE.stop("before", type(message).__name__)
        return super().handle(message)

    def _carry_out(self, after: Negotiation, decision: Decision) -> None:
        GATE.stop("after", after.state.value)
        super()._carry_out(after, decision)


def gated_negotiators(ctx: RuntimeContext, policy: NegotiationPolicy) -> Any:
    """``negotiator_spec``'s seam, starting :class:`GatedNegotiator`."""
    from dealdesk.runtime.registry import negotiation_name
    from dealdesk.runtime.supervision import ChildSpec

    def spec(nid: str) -> ChildSpec:
        def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
            return GatedNegotiator.start(ctx, nid, policy=policy, parent=parent, restarts=restarts)

        return ChildSpec(
            name=negotiation_name(nid), start=start, kind=Negotiator.kind, register=False
        )

    return spec


def main() -> None:
    from pydantic import SecretStr

    from dealdesk.actors.campaign_messages import SubmitCampaign
    from dealdesk.actors.mail_messages import PollMailbox
    from dealdesk.actors.notifier import notifier_spec
    from dealdesk.app.config_files import load_policy
    from dealdesk.app.wiring import (
        campaign_specs,
        mail_specs,
        reminder_specs,
        start_children,
        start_root,
        store_specs,
    )
    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.actor import DumpState
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.logging import configure_logging
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.registry import CAMPAIGNS, mailroom_name
    from dealdesk.runtime.retry import RetryPolicy
    from dealdesk.runtime.settings import Service, Settings
    from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID
    from dealdesk.store import CampaignSource, StoreReader, database_path, prepare_database
    from dealdesk.store.queries import Query
    from tests.domain.harness import make_campaign
    from tests.support.team import FileTeam

    configure_logging("warning", json=True)  # logs to stderr; stdout carries only answers
    command, *args = sys.stdin.readline().split()
    if command != "boot":
        return  # a spare no test needed
    data_dir, gmail_url, sheets_url = args
    settings = Settings(
        _env_file=None, data_dir=Path(data_dir), config_dir=ROOT_DIR / "config", http_port=0,
        retry_initial_s=0, retry_jitter_s=0, gmail_poll_s=3600, gmail_address=BOX,
        slack_pace_s=0,  # the team file is no Slack channel: nothing to pace
    )  # fmt: skip
    loop = IoLoop().start()
    ctx = RuntimeContext(settings=settings, loop=loop)
    prepare_database(settings)
    endpoints = {
        Service.GMAIL: Endpoint(Service.GMAIL, gmail_url.rstrip("/") + "/", SecretStr("x"), True),
        Service.SHEETS: Endpoint(
            Service.SHEETS, sheets_url.rstrip("/") + "/", SecretStr("x"), True
        ),
    }
    # As boot: the playbook with the settings' timing, the roster first, the mailbox after the
    # campaigns (it settles what may have been sent, then sends), reminders after it.
    policy = load_policy(settings.config_dir)
    policy = policy.model_copy(
        update={
            "playbook": policy.playbook.with_timing(settings.follow_up_delays, settings.stale_delay)
        }
    )
    team = Path(data_dir) / TEAM

    mail = mail_specs(
        ctx,
        endpoints,
        RetryPolicy.without_waiting(),
        sandbox_defaults={"spreadsheet_id": SANDBOX_SPREADSHEET_ID},
        alert=print_alert,
    )
    root = start_root(ctx)
    # The Notifier posts what the team is told to the file, as boot's posts it to Slack.
    start_children(root, [*store_specs(ctx), notifier_spec(ctx, FileTeam(team))])
    start_children(
        root,
        [*mail[:1], *campaign_specs(ctx, gated_negotiators(ctx, policy))],
    )
    directory = ctx.registry.get(CAMPAIGNS)
    assert directory is not None
    mailroom: Any = None

    # What a step of the runtime changes: the audit trail grows, an email or a reply moves on.
    quiet = Query(
        "SELECT (SELECT max(id) FROM audit_log), "
        "(SELECT group_concat(message_id || status) FROM outbox), "
        "(SELECT group_concat(gmail_id || status) FROM mail_received), "
        "(SELECT count(*) FROM notifications WHERE status IN ('pending', 'posting'))",
        (),
        lambda rows: rows,
    )

    def snapshot() -> object:
        with StoreReader(database_path(settings)) as reader:
            return reader.run(quiet)

    def rounds() -> str:
        """Until what the command caused has been handled: each round waits for the campaigns
        (and their negotiators) and the Mailroom to answer after what they were told; the
        first rounds may overtake what a just-started actor tells itself, so at least
        SETTLE_ROUNDS, then until a round changes nothing in the store."""
        before, count = snapshot(), 0
        while True:
            directory.ask(DumpState(), timeout=120)  # campaigns, and their negotiators, answer
            if mailroom is not None:
                mailroom.ask(DumpState(), timeout=120)
            count, now = count + 1, snapshot()
            if count >= SETTLE_ROUNDS and now == before and now[0][-1] == 0:  # team told
                return "ok"
            before = now

    def settle() -> str:
        """``rounds``; with the gate armed, ``held`` as soon as a Negotiator stops at it (the
        rounds, which would wait on it, go on in the background)."""
        if GATE.armed is None and not GATE.reached.is_set():
            return rounds()
        settled: list[str] = []

        def run() -> None:
            settled.append(rounds())
            GATE.woke.set()

        threading.Thread(target=run, daemon=True).start()
        GATE.woke.wait(timeout=120)
        if GATE.reached.is_set():  # (perhaps before this command's own call got here)
            GATE.reached.clear()
            return "held"
        return settled[0] if settled else "wedged"

    settle()  # the campaigns that were running are restored, their negotiations active
    print("READY", flush=True)
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command == "campaign":
            campaign = make_campaign(id=CAMPAIGN, influencers=rest.split("|"))
            directory.ask(
                SubmitCampaign(campaign, CampaignSource(task_id=CAMPAIGN), created=True),
                timeout=30,
            )
            answer = settle()
        elif command == "start":
            start_children(root, [*mail[1:], *reminder_specs(ctx)])
            mailroom = ctx.registry.get(mailroom_name(BOX))
            answer = settle()
        elif command == "poll":
            recorded = mailroom.ask(PollMailbox(), timeout=120)
            answer = settle()
            answer = f"{answer} {recorded}" if answer == "ok" else answer
        elif command == "gate":
            where, _, what = rest.partition(" ")
            GATE.armed = (where, what)
            GATE.woke.clear()
            answer = "ok"
        elif command == "release":
            GATE.release.set()
            for _ in range(2):  # its step ends (its negotiator answers), then its campaign's news
                directory.ask(DumpState(), timeout=120)
            answer = "ok"
        else:
            answer = f"unknown command {command!r}"
        print(answer, flush=True)


class Spares:
    """Children that have loaded their modules and wait to be booted; one is always loading."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.next = self._spawn()

    def _spawn(self) -> Child:
        with self.log.open("a") as stderr:  # the child holds its own copy
            return Child(["-m", "tests.support.negotiation_child"], stderr=stderr)

    def boot(self, data_dir: Path, gmail_url: str, sheets_url: str) -> Child:
        """The waiting child, wired on ``data_dir``, once it is READY (another starts loading)."""
        child, self.next = self.next, self._spawn()
        try:
            child.write(f"boot {data_dir} {gmail_url} {sheets_url}")
            child.until("READY")
        except BaseException:
            child.close()
            raise
        return child

    def close(self) -> None:
        self.next.close()


def told_team(data_dir: Path) -> list[str]:
    """What the team was told, in every run, in order."""
    path = data_dir / TEAM
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def print_alert(text: str) -> None:
    print(f"team: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
