"""Negotiations, effects and readings the writer's and the guard's tests share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings

from dealdesk.domain import (
    EmailPurpose,
    Negotiation,
    SendEmail,
    Terms,
    WrittenEmail,
    check_email,
    find_amounts,
    write_email,
)
from tests.domain.harness import (
    make_campaign,
    make_negotiation,
)

D = Decimal
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
NO_AMOUNT = (EmailPurpose.EXIT, EmailPurpose.CLOSING, EmailPurpose.HOLDING)


def rich_negotiation(**campaign: Any) -> Negotiation:
    """A campaign with two deliverables, 90 days of paid usage, dates and a product."""
    data: dict[str, Any] = {
        "client": "Lumen Skincare",
        "target_deliverables": [
            {"kind": "instagram_reel", "quantity": 1},
            {"kind": "instagram_story", "quantity": 3},
        ],
        "usage_rights": {"duration_days": 90, "paid_ads": True, "notes": "Usage in the US only"},
        "timeline": {"starts_on": "2026-12-01", "ends_on": "2026-12-20"},
        "product_offer": "A full-size Glow Serum kit",
    }
    return make_negotiation(make_campaign(**(data | campaign)))


def terms_of(n: Negotiation, amount: str, **changes: Any) -> Terms:
    c = n.campaign
    data: dict[str, Any] = {
        "amount": D(amount),
        "currency": c.currency,
        "deliverables": n.plan.deliverables,
        "usage_rights_days": c.usage_rights.duration_days,
        "paid_ads": c.usage_rights.paid_ads,
        "product_offer": c.product_offer,
    }
    return Terms(**(data | changes))


def email(
    n: Negotiation, purpose: EmailPurpose, terms: Terms | None = None, **fields: Any
) -> SendEmail:
    return SendEmail(
        message_id=n.next_message_id(),
        to=n.influencer.email,
        purpose=purpose,
        terms=terms,
        reason="test",
        **fields,
    )


def amounts_in(text: str) -> set[Decimal]:
    return {a.amount for a in find_amounts(text)}


def written(n: Negotiation, effect: SendEmail, **kwargs: Any) -> WrittenEmail:
    result = write_email(n, effect, **kwargs)
    assert check_email(result, effect, n) == [], result.text
    return result
