"""The buttons of the team's messages, carried out for the Console (on its thread).

An escalation's four decisions become domain events of its negotiation: *Approve their ask*
releases it with the cap raised to their standing ask (the agent then accepts it: an agreement
at exactly their ask), *Counter at our cap* releases it as it is (the agent counters), *Decline
politely* stops it with a closing email, *Take over* hands it to the person. A decision is taken
only while the negotiation is still escalated: a second click, or one after another person
decided, is told what happened instead. The message is replaced by its words and who decided
what. *View thread* answers the conversation's transcript to the person alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.actors.console_messages import ButtonClick, ConsoleAnswer, HumanDecision
from dealdesk.domain import HumanRelease, HumanTakeover, Negotiation, State, Stop
from dealdesk.domain.money import format_money
from dealdesk.domain.negotiation import HistoryKind
from dealdesk.integrations.slack import blocks
from dealdesk.integrations.slack.blocks import ESCALATION_ACTIONS, VIEW_THREAD
from dealdesk.runtime.registry import campaign_name
from dealdesk.store import AppendAudit, AuditKind
from dealdesk.store.controls import SetControl

if TYPE_CHECKING:
    from dealdesk.actors.console import Console
    from dealdesk.domain import Event

__all__ = ["decide_click", "transcript"]

MAX_TRANSCRIPT_ENTRIES = 40


def decide_click(console: Console, click: ButtonClick) -> tuple[ConsoleAnswer, str]:
    """The answer to show and what was done (for the audit trail)."""
    row = console.store.reader().negotiation(click.value)
    data = (row.data or {}) if row is not None else {}
    if row is None or not isinstance(data.get("negotiation"), dict):
        return ConsoleAnswer(f"No negotiation {click.value!r}."), "unknown negotiation"
    negotiation = Negotiation.model_validate(data["negotiation"])
    if click.action_id == VIEW_THREAD:
        return ConsoleAnswer(transcript(negotiation)), "viewed thread"
    label = ESCALATION_ACTIONS.get(click.action_id)
    if label is None:
        return ConsoleAnswer(f"Unknown action {click.action_id!r}."), "unknown action"
    if negotiation.state is not State.ESCALATED:
        said = (
            f"Already decided: {negotiation.influencer.name}'s negotiation is "
            f"{negotiation.state.value} now."
        )
        return ConsoleAnswer(said), f"not escalated ({negotiation.state.value})"
    user, name = click.user_id, negotiation.influencer.name
    event: Event
    match click.action_id:
        case "escalation_approve":
            if negotiation.last_ask is None:
                return ConsoleAnswer(f"{name} named no fee to approve."), "no ask to approve"
            ask = negotiation.last_ask
            event = HumanRelease(
                by=user,
                approved_cap=ask,
                decision="accept_their_ask",
                note="approved their ask in Slack",
            )
            verdict = f"{label}: {format_money(ask, negotiation.campaign.currency)}"
        case "escalation_counter":
            event = HumanRelease(
                by=user, decision="counter_at_cap", note="counter at our cap, decided in Slack"
            )
            cap = format_money(negotiation.effective_cap, negotiation.campaign.currency)
            verdict = f"{label}: {cap}"
        case "escalation_decline":
            event = Stop(by=user, reason="declined politely, decided in Slack")
            verdict = label
        case _:
            console.store.commit(SetControl("negotiation", row.negotiation_id, "takeover", user))
            event = HumanTakeover(by=user, note="took over from an escalation in Slack")
            verdict = label
    console.store.commit(
        AppendAudit(
            AuditKind.RELEASE if isinstance(event, HumanRelease) else _kind(event),
            campaign_id=row.campaign_id,
            influencer_name=row.influencer_name,
            influencer_email=negotiation.influencer.email,
            metadata={
                "negotiation_id": row.negotiation_id,
                "by": user,
                "decision": click.action_id,
                "what": verdict,
                "source": "slack",
            },
        )
    )
    console.ctx.registry.tell(
        campaign_name(row.campaign_id), HumanDecision(row.negotiation_id, event)
    )
    said = f":white_check_mark: <@{user}> chose *{verdict}* for {name}."
    updated = blocks.decided(list(click.message_blocks) or None, click.message_text, said)
    return ConsoleAnswer(said, updated, "in_channel", replace_original=True), verdict


def _kind(event: Event) -> AuditKind:
    return AuditKind.TAKEOVER if isinstance(event, HumanTakeover) else AuditKind.STOP


def transcript(negotiation: Negotiation) -> str:
    """The conversation as the person reads it, newest last, trimmed to Slack's limits."""
    lines = []
    for entry in negotiation.history[-MAX_TRANSCRIPT_ENTRIES:]:
        when = entry.at.strftime("%Y-%m-%d %H:%M")
        match entry.kind:
            case HistoryKind.REPLY:
                who = f"*{negotiation.influencer.name}*"
            case HistoryKind.EMAIL_QUEUED:
                who = f"*us* ({entry.purpose.value if entry.purpose else 'email'})"
            case _:
                who = f"_{entry.kind.value}_"
        words = " ".join(entry.text.split())[:300]
        lines.append(f"`{when}` {who}: {words}")
    head = f"Thread with {negotiation.influencer.name} ({negotiation.state.value}):\n"
    return (head + "\n".join(lines))[:2900]
