"""A negotiation's prices as the campaign stands now: the CPM tracker is consulted by every
decision, not only the first.

As agreements land, the campaign's running average moves and with it the flexibility the next
decision may use (:meth:`~dealdesk.domain.cpm.CpmTracker.flexibility`): a campaign paying below
its midpoint lets the rest go further; one paying above its max pulls them back. :func:`reprice`
replans the cap and the offers not yet made from the flexibility now; what we already offered
stands (an offer is never withdrawn), so the cap never falls below our last offer. A negotiation
that has ended, or whose flexibility is unchanged, is returned as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.domain.money import format_money
from dealdesk.domain.pricing import plan_prices

if TYPE_CHECKING:
    from dealdesk.domain.cpm import Flexibility
    from dealdesk.domain.negotiation import Negotiation

__all__ = ["reprice"]


def reprice(negotiation: Negotiation, flexibility: Flexibility) -> Negotiation:
    """``negotiation`` with its cap and remaining schedule from ``flexibility``."""
    n = negotiation
    plan = n.plan
    if n.is_terminal or n.agreed is not None or flexibility.cap_cpm == plan.cap_cpm:
        return n
    policy = n.policy
    fresh = plan_prices(
        n.campaign,
        n.influencer,
        flexibility,
        policy.playbook,
        policy.pricing,
        deliverables=plan.deliverables,
    )
    made = [t.amount for t in n.offers]
    last = max(made, default=plan.opening)
    cap = max(fresh.cap, last, plan.opening)
    schedule = tuple(
        plan.schedule[i] if i < n.round else min(max(fresh.schedule[i], last), cap)
        for i in range(len(plan.schedule))
    )
    money = format_money
    held = f" (held at our last offer {money(last)}: an offer stands)" if cap > fresh.cap else ""
    reason = (
        f"Repriced as the campaign stands: cap {money(plan.cap)} -> {money(cap)}{held}. "
        f"{flexibility.reason} Offers made stand; schedule now: "
        f"{', '.join(money(o) for o in schedule)}."
    )
    return n.model_copy(
        update={
            "plan": plan.model_copy(
                update={
                    "cap": cap,
                    "cap_cpm": flexibility.cap_cpm,
                    "schedule": schedule,
                    "reason": reason,
                }
            )
        }
    )
