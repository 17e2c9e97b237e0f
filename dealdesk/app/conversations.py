"""What ``report`` and ``thread`` read, shared: the database a command names, a negotiation's row
as the figures a person asks about, and its emails each way.

Both commands read the database directly over a read-only connection (``StoreReader``), so they
work whether or not the service runs. A negotiation row's ``data`` holds the domain
``Negotiation`` as JSON (``data["negotiation"]``), the roster row it was priced from
(``data["roster"]``) and the campaign entry it was created for (``data["influencer"]``). It is
read here leniently, field by field, never validated whole: a report must still come out for a
row written by an older or newer dealdesk, or for a negotiation that never began.

Figures: the rate is the agreed fee; the CPM is what the agent itself computes for an agreement
(``domain.pricing.implied_cpm``): the fee over ``average views / 1000 x the package's weight``,
which for a weight-1 package (one reel, one TikTok video) is exactly ``fee / views x 1000``; the
campaign's CPM range is in the same unit. Rounds are the offers we made. Emails we sent are the
negotiation's outbox emails that went out; emails they sent are the replies and auto-replies
recorded for it (a bounce is the mail system's, not theirs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealdesk.domain.identity import influencer_key
from dealdesk.domain.money import format_money
from dealdesk.domain.pricing import implied_cpm
from dealdesk.errors import ConfigError
from dealdesk.store.inbox import inbound_query
from dealdesk.store.model import InboundKind, InboundStatus, OutboxStatus, parse_iso
from dealdesk.store.schema import DB_FILENAME

if TYPE_CHECKING:
    import argparse

    from dealdesk.store.queries import NegotiationRecord
    from dealdesk.store.reader import StoreReader

__all__ = [
    "NegotiationView",
    "as_decimal",
    "clean",
    "database_file",
    "emails_each_way",
    "money",
    "negotiation_view",
    "span",
    "usage",
    "utc",
]

# Their mail: what they wrote themselves (a bounce is the mail system's).
_THEIRS = frozenset({InboundKind.REPLY, InboundKind.AUTO_REPLY})
_TAKEN = frozenset({InboundStatus.DELIVERED, InboundStatus.ROUTED})
# Control characters (ANSI escapes included) never reach a terminal or a document from an email.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def usage(message: str) -> Exception:
    """The CLI's ``UsageError`` (one line, exit status 2)."""
    from dealdesk.app.cli import UsageError  # noqa: PLC0415 - the CLI root imports this module

    return UsageError(message)


def database_file(args: argparse.Namespace) -> Path:
    """The database of ``--data-dir``, else of the setting (``DEALDESK_DATA_DIR`` or ./data)."""
    if getattr(args, "data_dir", None):
        return Path(args.data_dir) / DB_FILENAME
    from dealdesk.runtime.settings import load_settings  # noqa: PLC0415

    try:
        return Path(load_settings().data_dir) / DB_FILENAME
    except ConfigError as exc:
        raise usage(str(exc).replace("\n", "; ")) from None


def as_decimal(value: Any) -> Decimal | None:
    """A stored amount (a decimal string) as a Decimal; None when absent or not a number."""
    if value is None or isinstance(value, (bool, float)):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else format_money(amount, currency)


def span(low: Decimal | None, high: Decimal | None, currency: str) -> str:
    """A range of money: ``$20`` to ``$30`` joined by an en dash."""
    return f"{money(low, currency)}\N{EN DASH}{money(high, currency)}"


def utc(stored: str | None) -> str:
    """A stored timestamp as a person reads it: ``2026-11-22 09:00:05 UTC``."""
    if not stored:
        return ""
    try:
        return parse_iso(stored).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return stored


def clean(text: str | None, *, one_line: bool = False) -> str:
    """Text from an email or a row, safe to print: control characters replaced (newlines kept
    unless ``one_line``)."""
    if not text:
        return ""
    if one_line:
        text = " ".join(text.split())
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text.replace("\r\n", "\n"))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class NegotiationView:
    """One negotiation row as the figures a person asks about."""

    negotiation_id: str
    campaign_id: str
    entry: str  # the campaign's list entry, as the team wrote it
    name: str  # the roster's name, else the entry
    email: str | None
    handle: str | None
    state: str
    currency: str
    average_views: int | None
    package_weight: Decimal
    offers: tuple[Decimal, ...]
    last_ask: Decimal | None
    agreed: Decimal | None
    opening: Decimal | None
    cap: Decimal | None
    schedule: tuple[Decimal, ...]
    history: tuple[dict[str, Any], ...]
    updated_at: str

    @property
    def rounds(self) -> int:
        """Offers we made (the opening is round 1)."""
        return len(self.offers)

    @property
    def cpm(self) -> Decimal | None:
        """The agreed fee's CPM, as the agent computes it (see the module's docstring)."""
        if self.agreed is None or not self.average_views or self.package_weight <= 0:
            return None
        return implied_cpm(self.agreed, self.average_views, self.package_weight)

    @property
    def key(self) -> str:
        return influencer_key(self.entry)

    def history_entry(self, kind: str, message_id: str | None) -> dict[str, Any] | None:
        """The history entry of ``kind`` for one Message-ID (the first: a queued email's terms
        and purpose, a reply's reading)."""
        if message_id is None:
            return None
        for entry in self.history:
            if entry.get("kind") == kind and entry.get("message_id") == message_id:
                return entry
        return None


def _weight(negotiation: dict[str, Any], agreed: dict[str, Any]) -> Decimal:
    """The weight of the agreed package under the negotiation's own pricing; else the plan's."""
    plan = _dict(negotiation.get("plan"))
    weights = _dict(_dict(_dict(negotiation.get("policy")).get("pricing")).get("weights"))
    deliverables = _list(agreed.get("deliverables"))
    if deliverables and weights:
        total = Decimal(0)
        for item in map(_dict, deliverables):
            weight = as_decimal(weights.get(str(item.get("kind"))))
            quantity = item.get("quantity", 1)
            if weight is None or not isinstance(quantity, int):
                break
            total += weight * quantity
        else:
            return total
    return as_decimal(plan.get("package_weight")) or Decimal(1)


def negotiation_view(record: NegotiationRecord) -> NegotiationView:
    data = _dict(record.data)
    roster = _dict(data.get("roster"))
    negotiation = _dict(data.get("negotiation"))
    influencer = _dict(negotiation.get("influencer"))
    plan = _dict(negotiation.get("plan"))
    campaign = _dict(negotiation.get("campaign"))
    agreed = _dict(negotiation.get("agreed"))
    views = roster.get("average_views", influencer.get("average_views"))
    offers = (as_decimal(_dict(o).get("amount")) for o in _list(negotiation.get("offers")))
    schedule = (as_decimal(s) for s in _list(plan.get("schedule")))
    return NegotiationView(
        negotiation_id=record.negotiation_id,
        campaign_id=record.campaign_id,
        entry=record.influencer_name,
        name=str(roster.get("name") or influencer.get("name") or record.influencer_name),
        email=record.influencer_email or roster.get("email") or influencer.get("email"),
        handle=roster.get("handle") or influencer.get("handle"),
        state=record.state,
        currency=str(plan.get("currency") or campaign.get("currency") or "USD"),
        average_views=views if isinstance(views, int) and views > 0 else None,
        package_weight=_weight(negotiation, agreed),
        offers=tuple(o for o in offers if o is not None),
        last_ask=as_decimal(negotiation.get("last_ask")),
        agreed=as_decimal(agreed.get("amount")),
        opening=as_decimal(plan.get("opening")),
        cap=as_decimal(plan.get("cap")),
        schedule=tuple(s for s in schedule if s is not None),
        history=tuple(_dict(h) for h in _list(negotiation.get("history"))),
        updated_at=record.updated_at,
    )


def emails_each_way(reader: StoreReader, negotiation_id: str) -> tuple[int, int]:
    """(emails we sent, emails they sent) in one negotiation."""
    sent = reader.outbox(negotiation_id=negotiation_id, status=OutboxStatus.SENT.value)
    received = reader.run(inbound_query(negotiation_id=negotiation_id))
    theirs = [r for r in received if r.kind in _THEIRS and r.status in _TAKEN]
    return len(sent), len(theirs)
