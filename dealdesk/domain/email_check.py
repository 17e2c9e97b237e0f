"""The check every outgoing email passes: its amounts are exactly the decided ones.

Whoever wrote the words (template or LLM), the text is read back with the same money parser
that reads replies, and amounts are compared as money: "$1,000", "1,000 USD", "1k" and
"1000.00" are all $1,000.00. The decided amount must appear when the email carries terms, and
no other amount may appear except their ask (when we repeat it). The outreach email is checked
like every other one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealdesk.domain.amounts import find_amounts
from dealdesk.domain.money import format_money

if TYPE_CHECKING:
    from decimal import Decimal

    from dealdesk.domain.effects import SendEmail

__all__ = ["email_amount_problems"]


def email_amount_problems(text: str, email: SendEmail) -> tuple[str, ...]:
    """Every way ``text`` disagrees with the amounts ``email`` decided; empty when it agrees."""
    currency = email.terms.currency if email.terms is not None else "USD"
    allowed: set[Decimal] = set()
    if email.terms is not None:
        allowed.add(email.terms.amount)
    if email.their_ask is not None:
        allowed.add(email.their_ask)
    found = find_amounts(text)
    problems: list[str] = []
    seen: set[Decimal] = set()
    for amount in found:
        for value in (amount.amount, amount.upper):
            if value is None:
                continue
            seen.add(value)
            if value not in allowed:
                problems.append(
                    f"{amount.text!r} is {format_money(value, currency)}, which was not decided"
                )
    if email.terms is not None and email.terms.amount not in seen:
        problems.append(
            f"the decided amount {format_money(email.terms.amount, currency)} is missing"
        )
    return tuple(problems)
