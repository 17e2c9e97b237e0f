"""What ``run.py demo`` shows: a campaign's negotiations as the store has them, drawn live with
rich while they run and as a summary table at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from dealdesk.domain.negotiation import Negotiation
from dealdesk.domain.pricing import implied_cpm, package_weight
from dealdesk.store import OutboxStatus, StoreReader, inbound_query

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.console import RenderableType

    from dealdesk.store import NegotiationRecord

__all__ = [
    "REST_STATES",
    "Snapshot",
    "Standing",
    "live_view",
    "money",
    "progress_line",
    "read_snapshot",
    "summary_table",
]

REST_STATES = frozenset({"agreed", "declined", "stopped", "failed", "escalated", "stale"})


# -- what the store says --------------------------------------------------------------------------


@dataclass
class Standing:
    """One negotiation as the store has it."""

    entry: str
    name: str
    email: str
    state: str
    views: int | None = None
    agreed: Decimal | None = None
    cpm: Decimal | None = None  # the agreed fee's CPM as the agent prices it (package-weighted)
    rounds: int = 0
    sent: int = 0
    received: int = 0


@dataclass
class Snapshot:
    standings: list[Standing] = field(default_factory=list)
    pending_mail: int = 0
    campaign_status: str = ""
    budget: Decimal | None = None
    currency: str = "USD"

    @property
    def by_state(self) -> Counter[str]:
        return Counter(s.state for s in self.standings)

    @property
    def sent(self) -> int:
        return sum(s.sent for s in self.standings)

    @property
    def received(self) -> int:
        return sum(s.received for s in self.standings)

    @property
    def at_rest(self) -> bool:
        return all(s.state in REST_STATES for s in self.standings)

    @property
    def spend(self) -> Decimal:
        return sum((s.agreed for s in self.standings if s.agreed is not None), Decimal(0))


def _standing(record: NegotiationRecord, sent: Counter[str], received: Counter[str]) -> Standing:
    standing = Standing(
        entry=record.influencer_name,
        name=record.influencer_name,
        email=record.influencer_email or "",
        state=record.state,
        sent=sent[record.negotiation_id],
        received=received[record.negotiation_id],
    )
    data = record.data.get("negotiation") if isinstance(record.data, dict) else None
    try:
        negotiation = Negotiation.model_validate(data)
    except ValueError:
        return standing
    standing.name = negotiation.influencer.name
    standing.views = negotiation.influencer.average_views
    standing.rounds = negotiation.round
    agreed = negotiation.agreed
    if agreed is not None:
        standing.agreed = agreed.amount
        weight = package_weight(agreed.deliverables, negotiation.policy.pricing)
        if weight > 0 and negotiation.influencer.average_views:
            standing.cpm = implied_cpm(agreed.amount, negotiation.influencer.average_views, weight)
    return standing


def _budget(data: Any) -> tuple[Decimal | None, str]:
    campaign = data.get("campaign", data) if isinstance(data, dict) else {}
    try:
        budget = Decimal(str(campaign["budget"]))
    except (KeyError, TypeError, InvalidOperation):
        return None, "USD"
    return budget, str(campaign.get("currency") or "USD")


def read_snapshot(
    reader: StoreReader, campaign_id: str, order: Mapping[str, int] | None = None
) -> Snapshot:
    """The campaign as committed; ``order`` ranks influencers by address (the rest by name)."""
    snapshot = Snapshot()
    campaigns = reader.campaigns(campaign_id)
    if campaigns:
        snapshot.campaign_status = campaigns[0].status
        snapshot.budget, snapshot.currency = _budget(campaigns[0].data)
    outbox = reader.outbox()
    sent = Counter(m.negotiation_id for m in outbox if m.status == OutboxStatus.SENT.value)
    snapshot.pending_mail = sum(
        1 for m in outbox if m.status in {OutboxStatus.PENDING.value, OutboxStatus.SENDING.value}
    )
    received = Counter(m.negotiation_id for m in reader.run(inbound_query()) if m.negotiation_id)
    order = order or {}
    records = reader.negotiations(campaign_id)
    standings = [_standing(r, sent, received) for r in records]
    snapshot.standings = sorted(standings, key=lambda s: (order.get(s.email, len(order)), s.name))
    return snapshot


# -- showing it -----------------------------------------------------------------------------------


def money(amount: Decimal | None, currency: str = "USD") -> str:
    if amount is None:
        return "-"
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"${text}" if currency == "USD" else f"{text} {currency}"


_STATE_STYLE = {
    "agreed": "green",
    "declined": "yellow",
    "stopped": "magenta",
    "failed": "red",
    "escalated": "bold yellow",
    "stale": "dim",
}


def _states_line(snapshot: Snapshot) -> str:
    counts = snapshot.by_state
    return ", ".join(f"{state} {count}" for state, count in sorted(counts.items())) or "starting"


def progress_line(snapshot: Snapshot, elapsed: float) -> str:
    rest = sum(1 for s in snapshot.standings if s.state in REST_STATES)
    return (
        f"[{elapsed:5.1f}s] {rest}/{len(snapshot.standings)} at rest | {_states_line(snapshot)}"
        f" | emails out {snapshot.sent}, replies in {snapshot.received}"
    )


def live_view(snapshot: Snapshot, kinds: dict[str, str], elapsed: float, timeout: float) -> Any:
    table = Table(title="dealdesk demo: negotiations", title_justify="left", expand=False)
    for column in ("influencer", "persona", "state", "round", "out", "in", "rate"):
        table.add_column(column, justify="right" if column in {"round", "out", "in"} else "left")
    for s in snapshot.standings:
        style = _STATE_STYLE.get(s.state, "cyan")
        table.add_row(
            s.name,
            kinds.get(s.email, ""),
            Text(s.state, style=style),
            str(s.rounds),
            str(s.sent),
            str(s.received),
            money(s.agreed, snapshot.currency),
        )
    rest = sum(1 for s in snapshot.standings if s.state in REST_STATES)
    status = Text.assemble(
        ("by state: ", "bold"),
        _states_line(snapshot),
        "\n",
        ("emails out ", "bold"),
        str(snapshot.sent),
        ("  replies in ", "bold"),
        str(snapshot.received),
        ("  at rest ", "bold"),
        f"{rest}/{len(snapshot.standings)}",
        ("  elapsed ", "bold"),
        f"{elapsed:.1f}s (timeout {timeout:g}s)",
    )
    parts: list[RenderableType] = [table, status]
    return Group(*parts)


def summary_table(snapshot: Snapshot, kinds: dict[str, str]) -> Table:
    table = Table(title="dealdesk demo: outcome", title_justify="left")
    table.add_column("influencer")
    table.add_column("persona")
    table.add_column("outcome")
    table.add_column("rate", justify="right")
    table.add_column("CPM", justify="right")
    table.add_column("rounds", justify="right")
    table.add_column("out", justify="right")
    table.add_column("in", justify="right")
    for s in snapshot.standings:
        cpm = s.cpm
        table.add_row(
            s.name,
            kinds.get(s.email, ""),
            Text(s.state, style=_STATE_STYLE.get(s.state, "cyan")),
            money(s.agreed, snapshot.currency),
            "-" if cpm is None else money(cpm, snapshot.currency),
            str(s.rounds),
            str(s.sent),
            str(s.received),
        )
    return table
