"""A campaign's spend: the agreed fees, kept in cents, one row per negotiation, and the budget
guard that holds in the store itself.

:class:`RecordSpend` goes in the transaction that commits an agreement; it refuses
(``BudgetExceeded``, failing the whole transaction) an agreement that would take the campaign's
agreed fees over its budget. The AuditWriter runs one transaction at a time, so two negotiations
agreeing at once cannot both slip under the budget; the one refused decides again knowing what is
left (and escalates, with the numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dealdesk.store.errors import StoreError
from dealdesk.store.ops import Plan, Stmt, StoreOp, require_texts
from dealdesk.store.queries import Query

__all__ = [
    "AgreedRate",
    "BudgetExceeded",
    "RecordSpend",
    "agreed_rates_query",
    "campaign_spend_query",
]

_CENT = Decimal("0.01")


def _cents(amount: Decimal) -> int:
    return int((amount / _CENT).to_integral_value())


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class AgreedRate:
    """One agreement of a campaign as its CPM tracker counts it."""

    negotiation_id: str
    cpm: Decimal
    engagement_rate: Decimal | None


class BudgetExceeded(StoreError):
    """An agreement would take the campaign over its budget; nothing was committed."""

    status_hint = 409

    def __init__(self, campaign_id: str, spent: Decimal, amount: Decimal, budget: Decimal) -> None:
        super().__init__(
            f"campaign {campaign_id}: {amount} more would make {spent + amount} of a "
            f"{budget} budget"
        )
        self.spent = spent
        self.amount = amount
        self.budget = budget


@dataclass(frozen=True, slots=True)
class RecordSpend(StoreOp[Decimal]):
    """Record ``negotiation_id``'s agreed fee against its campaign's ``budget``; answers the
    campaign's spend after it. Recording the same negotiation again changes nothing."""

    campaign_id: str
    negotiation_id: str
    amount: Decimal
    budget: Decimal
    cpm: Decimal | None = None
    engagement_rate: Decimal | None = None

    def __post_init__(self) -> None:
        require_texts(campaign_id=self.campaign_id, negotiation_id=self.negotiation_id)

    def plan(self, now: str) -> Plan[Decimal]:
        found = yield Stmt(
            "SELECT coalesce(sum(amount_cents), 0), "
            "coalesce(sum(CASE WHEN negotiation_id = ?2 THEN 1 ELSE 0 END), 0) "
            "FROM agreements WHERE campaign_id = ?1",
            (self.campaign_id, self.negotiation_id),
            fetch=True,
        )
        spent_cents, already = int(found.rows[0][0]), int(found.rows[0][1])
        spent = Decimal(spent_cents) * _CENT
        if already:
            return spent
        if spent_cents + _cents(self.amount) > _cents(self.budget):
            raise BudgetExceeded(self.campaign_id, spent, self.amount, self.budget)
        yield Stmt(
            "INSERT INTO agreements (negotiation_id, campaign_id, amount_cents, created_at, "
            "cpm, engagement_rate) VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.negotiation_id,
                self.campaign_id,
                _cents(self.amount),
                now,
                _text(self.cpm),
                _text(self.engagement_rate),
            ),
        )
        return spent + self.amount


def campaign_spend_query(campaign_id: str, *, excluding: str | None = None) -> Query[Decimal]:
    """The campaign's agreed fees (those of one negotiation left out, if named)."""
    return Query(
        "SELECT coalesce(sum(amount_cents), 0) FROM agreements "
        "WHERE campaign_id = ?1 AND (?2 IS NULL OR negotiation_id != ?2)",
        (campaign_id, excluding),
        lambda rows: Decimal(int(rows[0][0])) * _CENT,
    )


def agreed_rates_query(campaign_id: str) -> Query[list[AgreedRate]]:
    """The campaign's agreements with their CPM, in the order they were made."""
    return Query(
        "SELECT negotiation_id, cpm, engagement_rate FROM agreements "
        "WHERE campaign_id = ?1 AND cpm IS NOT NULL ORDER BY created_at, negotiation_id",
        (campaign_id,),
        lambda rows: [
            AgreedRate(str(nid), Decimal(cpm), None if rate is None else Decimal(rate))
            for nid, cpm, rate in rows
        ],
    )
