"""What the console's read commands show: ``/audit`` and ``/status`` as Block Kit, from the store.

Reads only (a read-only connection of the caller's thread); within Slack's limits by
construction: ``/audit`` shows the newest :data:`AUDIT_SHOWN` matches whatever their number, with
the CLI command that lists them all; ``/status`` at most :data:`STATUS_CAMPAIGNS` campaigns.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from dealdesk.actors.console_messages import ConsoleAnswer
from dealdesk.domain.money import format_money
from dealdesk.integrations.slack import blocks
from dealdesk.integrations.slack.commands import AuditQuery, CommandError
from dealdesk.store import AuditFilter, AuditKind, agreed_rates_query, campaign_spend_query
from dealdesk.store.campaigns import stored_campaigns
from dealdesk.store.controls import controls_query, held_counts_query

if TYPE_CHECKING:
    from datetime import datetime

    from dealdesk.store import AuditEntry, StoreReader
    from dealdesk.store.campaigns import StoredCampaign

__all__ = ["AUDIT_SHOWN", "STATUS_CAMPAIGNS", "audit_view", "status_view"]

AUDIT_SHOWN = 10
STATUS_CAMPAIGNS = 15


def audit_view(reader: StoreReader, query: AuditQuery, now: datetime) -> ConsoleAnswer:
    event_type = None
    if query.event_type is not None:
        try:
            event_type = AuditKind(query.event_type)
        except ValueError:
            known = ", ".join(sorted(k.value for k in AuditKind))
            raise CommandError(f"unknown event {query.event_type!r}; known: {known}") from None
    since = now - query.last if query.last is not None else None
    page = reader.audit(
        AuditFilter(
            influencer=query.influencer,
            campaign_id=query.campaign_id,
            since=since,
            event_type=event_type,
            limit=AUDIT_SHOWN,
        )
    )
    if page.total == 0:
        return ConsoleAnswer("No audit entries match.")
    shown = [blocks.header(f"Audit: {page.total} entries, newest first")]
    shown += [blocks.section(_entry(e)) for e in page.entries]
    note = f"Showing {len(page.entries)} of {page.total}"
    if page.total > len(page.entries):
        note += f" — the CLI shows all: `{query.cli()}`"
    shown.append(blocks.context(note))
    return ConsoleAnswer(f"{note}.", blocks.fit(shown, note))


def _entry(entry: AuditEntry) -> str:
    who = entry.influencer_name or entry.influencer_email or ""
    head = f"`{entry.ts[:19].replace('T', ' ')}` *{entry.event_type}*"
    parts = [head]
    if who:
        parts.append(who)
    if entry.campaign_id:
        parts.append(f"campaign {entry.campaign_id}")
    if entry.state_from or entry.state_to:
        parts.append(f"{entry.state_from or '∅'} → {entry.state_to or '∅'}")
    line = " · ".join(parts)
    metadata = entry.metadata if isinstance(entry.metadata, dict) else {}
    detail = metadata.get("reason") or metadata.get("summary") or metadata.get("what")
    if detail:
        line += f"\n{str(detail)[:300]}"
    return line


def status_view(reader: StoreReader, campaign_id: str | None) -> ConsoleAnswer:
    campaigns = stored_campaigns(reader, campaign_id)
    if campaign_id is not None and not campaigns:
        raise CommandError(f"no campaign {campaign_id!r}")
    shown = [blocks.header("dealdesk status")]
    kill = reader.run(controls_query("all"))
    if kill:
        shown.append(
            blocks.section(
                f":octagonal_sign: *Kill switch on* ({kill[0].state} by <@{kill[0].by_user}> "
                f"since {kill[0].since[:16]}): no email leaves; `/resume all` lifts it."
            )
        )
    shown.extend(blocks.section(_campaign(reader, s)) for s in campaigns[-STATUS_CAMPAIGNS:])
    if len(campaigns) > STATUS_CAMPAIGNS:
        shown.append(blocks.context(f"{len(campaigns) - STATUS_CAMPAIGNS} older campaign(s) "
                                    "not shown: `/status <campaign id>` for one."))  # fmt: skip
    if not campaigns:
        shown.append(blocks.section("No campaigns yet."))
    outbox = reader.run(held_counts_query(campaign_id))
    shown.append(blocks.context(_outbox(outbox)))
    text = f"{len(campaigns)} campaign(s). {_outbox(outbox)}"
    return ConsoleAnswer(text, blocks.fit(shown))


def _campaign(reader: StoreReader, stored: StoredCampaign) -> str:
    campaign = stored.row.campaign
    states = Counter(r.state for r in reader.negotiations(stored.campaign_id))
    by_state = ", ".join(f"{n} {s}" for s, n in states.most_common()) or "none yet"
    rates = reader.run(agreed_rates_query(stored.campaign_id))
    cpm_range = (
        f"{format_money(campaign.cpm_range.min, campaign.currency)} to "
        f"{format_money(campaign.cpm_range.max, campaign.currency)}"
    )
    if rates:
        average = sum((r.cpm for r in rates), Decimal(0)) / len(rates)
        cpm = f"average CPM {format_money(average, campaign.currency)} (range {cpm_range})"
    else:
        cpm = f"no agreements yet (CPM range {cpm_range})"
    spend = reader.run(campaign_spend_query(stored.campaign_id))
    held = reader.run(controls_query("campaign", stored.campaign_id))
    hold = f" · :pause_button: {held[0].state} by <@{held[0].by_user}>" if held else ""
    return (
        f"*{stored.name}* (`{stored.campaign_id}`, {campaign.client}) — "
        f"{stored.status.value}{hold}\n"
        f"Negotiations: {by_state}\n{cpm}\n"
        f"Spend {format_money(spend, campaign.currency)} of "
        f"{format_money(campaign.budget, campaign.currency)} budget"
    )


def _outbox(counts: dict[str, int]) -> str:
    waiting, held = counts.get("waiting", 0), counts.get("held", 0)
    if not waiting and not held:
        return "Outbox: empty."
    parts = []
    if waiting:
        parts.append(f"{waiting} waiting to go (pacing and daily caps)")
    if held:
        parts.append(f"{held} held by a takeover, pause, stop, the kill switch or a review")
    return "Outbox: " + "; ".join(parts) + "."
