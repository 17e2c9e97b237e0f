"""Console: the team's Slack commands and buttons, checked, carried out, audited.

Rules:
- The bolt app (``dealdesk.http.slack_app``) has verified the request's signature; it asks this
  actor (from the loop, never blocking it) and shows the :class:`ConsoleAnswer` through the
  command's ``response_url``. Every command and click is audited (``slack_command``) with the
  Slack user who made it, whether it was done or refused, and why.
- Authorisation: ``slack_allowed_users`` may take over, release, pause, resume, stop and decide
  escalations; anyone else is refused (an ephemeral answer, audited). ``/audit`` and ``/status``
  are open to everyone unless ``slack_open_reads`` is off.
- A control is persisted first (``controls``: it holds the outbox, survives restarts), then the
  negotiation is told the person's decision as its domain event (:class:`HumanDecision`, through
  its campaign's supervisor), which it commits as any step. ``all`` is the kill switch: only the
  outbox holds (negotiations go on deciding; nothing leaves until ``/resume all``).
- Names are resolved to negotiations by name, email, handle, id or Gmail thread; several
  matches list the candidates, none says so.
- Buttons: an escalation's decisions (``console_decisions``) and a draft's review
  (``console_reviews``), by the allowlist only, each taken once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealdesk.actors.console_decisions import decide_click
from dealdesk.actors.console_messages import (
    ButtonClick,
    ConsoleAnswer,
    HumanDecision,
    SlashCommand,
    SubmitEdit,
)
from dealdesk.actors.console_reviews import REVIEW_ACTIONS, review_click, submit_edit
from dealdesk.actors.console_views import audit_view, status_view
from dealdesk.actors.mail_messages import SendPending
from dealdesk.domain import TERMINAL_STATES, HumanRelease, HumanTakeover, Pause, Resume, State, Stop
from dealdesk.integrations.slack.blocks import VIEW_THREAD
from dealdesk.integrations.slack.commands import (
    USAGE,
    AuditQuery,
    CommandError,
    Control,
    Help,
    StatusQuery,
    parse_command,
)
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import STORE, AppendAudit, AuditKind
from dealdesk.store.controls import (
    Candidate,
    ClearControl,
    SetControl,
    matching_negotiations_query,
)

if TYPE_CHECKING:
    import pykka

    from dealdesk.domain import Event
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["CONSOLE", "Console", "console_spec"]

CONSOLE = "console"
_READS = ("/audit", "/status")
_AUDIT_KIND = {
    "takeover": AuditKind.TAKEOVER,
    "release": AuditKind.RELEASE,
    "pause": AuditKind.PAUSE,
    "resume": AuditKind.RESUME,
    "stop": AuditKind.STOP,
}
_HOLD = {"takeover": "takeover", "pause": "paused", "stop": "stopped"}
_LIFTS = {"release": ("takeover",), "resume": ("paused",)}


class Console(BaseActor):
    kind = "console"

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=CONSOLE, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.store = ctx[STORE]
        users = ctx.settings.slack_allowed_users
        self.allowed = frozenset(u.strip() for u in users.split(",") if u.strip())

    def handle(self, message: Any) -> Any:
        match message:
            case SlashCommand():
                return self._command(message)
            case ButtonClick():
                return self._click(message)
            case SubmitEdit():
                answer = submit_edit(self, message) if message.user_id in self.allowed else None
                return answer or ConsoleAnswer("Not allowed.", errors="You may not review.")
            case _:
                return self.unhandled(message)

    # -- commands -------------------------------------------------------------------------------

    def _command(self, message: SlashCommand) -> ConsoleAnswer:
        command = message.command.strip().lower()
        if not self._may(message.user_id, command):
            self.audit(message.user_id, command, message.text, "refused: not authorised")
            return ConsoleAnswer(
                f":no_entry: You are not allowed to use {command}. Ask someone on the team's "
                "allowlist (DEALDESK_SLACK_ALLOWED_USERS)."
            )
        try:
            parsed = parse_command(command, message.text)
            answer = self._carry_out(parsed, message.user_id)
        except CommandError as exc:
            self.audit(message.user_id, command, message.text, f"usage: {exc}"[:300])
            return ConsoleAnswer(f":warning: {exc}")
        self.audit(message.user_id, command, message.text, answer.text[:300])
        return answer

    def _may(self, user_id: str, command: str) -> bool:
        if command in _READS and self.ctx.settings.slack_open_reads:
            return True
        return user_id in self.allowed

    def _carry_out(self, parsed: object, user: str) -> ConsoleAnswer:
        match parsed:
            case Help(command=command):
                return ConsoleAnswer(f"Usage: `{USAGE[command]}`")
            case AuditQuery():
                return audit_view(self.store.reader(), parsed, self.ctx.clock.now())
            case StatusQuery(campaign_id=campaign_id):
                return status_view(self.store.reader(), campaign_id)
            case Control(everything=True):
                return self._kill_switch(parsed, user)
            case Control(campaign_id=str(campaign_id)):
                return self._campaign_control(parsed, campaign_id, user)
            case Control(influencer=str(term)):
                return self._negotiation_control(parsed, self._one(term), user)
        raise CommandError("nothing to do")

    def _one(self, term: str) -> Candidate:
        term = _thread_id(term)
        found = self.store.reader().run(matching_negotiations_query(term))
        if not found:
            raise CommandError(f"No negotiation matches {term!r}.")
        live = [c for c in found if State(c.state) not in TERMINAL_STATES] or found
        if len(live) > 1:
            listed = "\n".join(
                f"• {c.influencer_name} <{c.influencer_email or '?'}> — campaign "
                f"{c.campaign_id}, {c.state}"
                for c in live[:10]
            )
            raise CommandError(
                f"{len(live)} negotiations match {term!r}; name one by email or thread link:\n"
                f"{listed}"
            )
        return live[0]

    def _negotiation_control(self, control: Control, c: Candidate, user: str) -> ConsoleAnswer:
        action = control.action
        if State(c.state) in TERMINAL_STATES:
            raise CommandError(f"{c.influencer_name}'s negotiation has ended ({c.state}).")
        ops: list[Any] = [self._control_audit(action, user, c.campaign_id, c)]
        if action in _HOLD:
            ops.insert(0, SetControl("negotiation", c.negotiation_id, _HOLD[action], user))
        else:
            ops.insert(0, ClearControl("negotiation", c.negotiation_id, _LIFTS[action]))
        results = self.store.commit(*ops)
        if action in _LIFTS and results[0] is None:
            return ConsoleAnswer(f"{c.influencer_name}'s negotiation was not held for {action}.")
        self._decide(c, _event(action, user))
        if action in _LIFTS:
            self._send_pending()
        return ConsoleAnswer(_said(action, c.influencer_name, user), response_type="in_channel")

    def _campaign_control(self, control: Control, campaign_id: str, user: str) -> ConsoleAnswer:
        action = control.action
        negotiations = self.store.reader().negotiations(campaign_id)
        if not negotiations:
            raise CommandError(f"No campaign {campaign_id!r} with negotiations.")
        audit = self._control_audit(action, user, campaign_id, None)
        if action in _HOLD:
            self.store.commit(SetControl("campaign", campaign_id, _HOLD[action], user), audit)
        else:
            self.store.commit(ClearControl("campaign", campaign_id, _LIFTS[action]), audit)
        live = [r for r in negotiations if State(r.state) not in TERMINAL_STATES]
        for row in live:
            c = Candidate(row.negotiation_id, campaign_id, row.influencer_name, None, row.state)
            self._decide(c, _event(action, user))
        if action in _LIFTS:
            self._send_pending()
        return ConsoleAnswer(
            _said(action, f"campaign {campaign_id} ({len(live)} negotiation(s))", user),
            response_type="in_channel",
        )

    def _kill_switch(self, control: Control, user: str) -> ConsoleAnswer:
        audit = self._control_audit(control.action, user, None, None)
        if control.action == "resume":
            was = self.store.commit(ClearControl("all", "*"), audit)[0]
            if was is None:
                return ConsoleAnswer("The kill switch was not on.")
            self._send_pending()
            return ConsoleAnswer(
                f":arrow_forward: <@{user}> lifted the kill switch: emails go out again.",
                response_type="in_channel",
            )
        self.store.commit(SetControl("all", "*", _HOLD[control.action], user), audit)
        return ConsoleAnswer(
            f":octagonal_sign: <@{user}> turned the kill switch on ({control.action}): no email "
            "leaves; the outbox holds until `/resume all`.",
            response_type="in_channel",
        )

    def _decide(self, c: Candidate, event: Event) -> None:
        self.ctx.registry.tell(campaign_name(c.campaign_id), HumanDecision(c.negotiation_id, event))

    def _send_pending(self) -> None:
        self.ctx.registry.tell(mailroom_name(self.ctx.settings.gmail_address), SendPending())

    def _control_audit(
        self, action: str, user: str, campaign_id: str | None, c: Candidate | None
    ) -> AppendAudit:
        return AppendAudit(
            _AUDIT_KIND[action],
            campaign_id=campaign_id,
            influencer_name=c.influencer_name if c else None,
            influencer_email=c.influencer_email if c else None,
            metadata={
                "by": user,
                "source": "slack",
                **({"negotiation_id": c.negotiation_id} if c else {}),
                **({"scope": "all"} if campaign_id is None and c is None else {}),
            },
        )

    # -- buttons --------------------------------------------------------------------------------

    def _click(self, click: ButtonClick) -> ConsoleAnswer:
        reading = click.action_id == VIEW_THREAD and self.ctx.settings.slack_open_reads
        if click.user_id not in self.allowed and not reading:
            self.audit(click.user_id, f"button {click.action_id}", click.value, "refused")
            return ConsoleAnswer(":no_entry: You are not allowed to decide this.")
        if click.action_id in REVIEW_ACTIONS:
            answer, outcome = review_click(self, click)
        else:
            answer, outcome = decide_click(self, click)
        self.audit(click.user_id, f"button {click.action_id}", click.value, outcome[:300])
        return answer

    def audit(self, user: str, command: str, text: str, outcome: str) -> None:
        """The command or click, who made it and what came of it (``slack_command``)."""
        self.store.tell(
            AppendAudit(
                AuditKind.SLACK_COMMAND,
                metadata={"user": user, "command": command, "text": text[:500], "what": outcome},
            )
        )


def _thread_id(term: str) -> str:
    """A Gmail thread link names its thread last (``…/#inbox/18c2f…``); anything else stands."""
    term = term.strip().strip("<>").split("|", 1)[0]
    if term.startswith(("http://", "https://")):
        return term.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return term.removeprefix("mailto:")


def _event(action: str, user: str) -> Event:
    match action:
        case "takeover":
            return HumanTakeover(by=user)
        case "release":
            return HumanRelease(by=user)
        case "pause":
            return Pause(by=user, reason="paused from Slack")
        case "resume":
            return Resume(by=user)
        case _:
            return Stop(by=user, reason="stopped from Slack", notify_influencer=False)


def _said(action: str, who: str, user: str) -> str:
    return {
        "takeover": f":raising_hand: <@{user}> took over {who}: the agent sends nothing more; "
        "their replies are posted in this channel's takeover thread.",
        "release": f":leftwards_arrow_with_hook: <@{user}> handed {who} back to the agent.",
        "pause": f":pause_button: <@{user}> paused {who}: nothing is sent until resumed.",
        "resume": f":arrow_forward: <@{user}> resumed {who}.",
        "stop": f":octagonal_sign: <@{user}> stopped {who}: nothing more is sent.",
    }[action]


def console_spec(ctx: RuntimeContext) -> ChildSpec:
    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return Console.start(ctx, parent=parent, restarts=restarts)

    return ChildSpec(name=CONSOLE, start=start, kind=Console.kind)
