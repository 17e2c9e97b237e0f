"""What an amount in an email is attached to: one item, a line of items, the total, or nothing.

"$400 per story" and "$1,200 each" price one item; "2 reels for $2,000" and "reel: $900" a line;
"$3,000 all in", "bundle price $2,500" and "reel plus two stories would be $1,500" the total.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from dealdesk.domain.vocabulary import DELIVERABLE_PATTERN, quantity_of, resolve_deliverable

if TYPE_CHECKING:
    from dealdesk.domain.campaign import DeliverableType, Platform

__all__ = ["AmountBasis", "attachment"]


class AmountBasis(StrEnum):
    TOTAL = "total"  # the whole package
    PER_ITEM = "per_item"  # one unit of ``deliverable``
    LINE = "line"  # ``quantity`` x ``deliverable`` together
    UNSPECIFIED = "unspecified"


_PER_AFTER = re.compile(
    r"^\s*(?:/|per|a|an|for\s+each|each)\s*(?:" + DELIVERABLE_PATTERN.pattern + r")",
    re.IGNORECASE,
)
_EACH_AFTER = re.compile(
    r"^\s*(?:each|apiece|a piece|per piece|per item|per deliverable)\b", re.IGNORECASE
)
_LINE_AFTER = re.compile(
    r"^\s*(?:for|on)\s+(?:the\s+)?(?:" + DELIVERABLE_PATTERN.pattern + r")", re.IGNORECASE
)
_TOTAL_AFTER = re.compile(
    r"^\s*(?:\(?total\)?|in total|all[- ]in(?:clusive)?|altogether|for everything|flat|"
    r"for (?:the )?(?:whole|full|entire|complete) (?:package|bundle|thing|campaign|deal)|"
    r"for (?:both|all(?: of (?:it|them|that))?|the (?:package|bundle|lot|set))|"
    r"as a (?:package|bundle)|(?:package|bundle)(?: price| rate| deal)?\b)",
    re.IGNORECASE,
)
_TOTAL_BEFORE = re.compile(
    r"(?:total|all[- ]in|bundle|package|everything|altogether|overall|for both|the lot|"
    r"for all(?: of (?:it|them|that))?|in all|combined)\b[^.$\d\n]{0,25}$",
    re.IGNORECASE,
)
_LINE_BEFORE = re.compile(
    r"(?:" + DELIVERABLE_PATTERN.pattern + r")\s*(?:\([^)]*\)\s*)?"
    r"(?:(?:only|alone|on its own|by itself)\s*)?,?\s*"
    r"(?:[:=@\-–—]|at|would be|will be|is|are|for|would run|runs|costs?|goes for|"  # noqa: RUF001
    r"i(?:'d| would)?\s+(?:charge|need|ask(?:\s+for)?|want))\s*"
    r"(?:is\s+|of\s+|around\s+|about\s+)?$",
    re.IGNORECASE,
)
_SEVERAL_BEFORE = re.compile(
    r"(?:" + DELIVERABLE_PATTERN.pattern + r")\s*(?:\+|&|\bplus\b|\band\b|\bwith\b)\s*"
    r"(?:" + DELIVERABLE_PATTERN.pattern.replace("?P<", "?P<x") + r")",
    re.IGNORECASE,
)


def attachment(
    text: str, start: int, end: int, platform: Platform | None
) -> tuple[AmountBasis, DeliverableType | None, int | None]:
    """What the amount at ``start:end`` prices: an item, a line, the total, or nothing said."""
    after = text[end : end + 60]
    before_line = text[max(0, start - 60) : start]
    before = re.split(r"[.!?\n;]", before_line)[-1]
    if (m := _PER_AFTER.match(after)) is not None:
        kind = resolve_deliverable(m["kind"], m["plat"], platform)
        return AmountBasis.PER_ITEM, kind, 1
    if (m := _LINE_AFTER.match(after)) is not None:
        kind = resolve_deliverable(m["kind"], m["plat"], platform)
        if kind is not None:
            qty = quantity_of(m["qty"])
            if _EACH_AFTER.match(after[m.end() :]):
                return AmountBasis.PER_ITEM, kind, 1
            return AmountBasis.LINE, kind, qty
    if _TOTAL_AFTER.match(after):
        return AmountBasis.TOTAL, None, None
    if (m := _LINE_BEFORE.search(before)) is not None:
        kind = resolve_deliverable(m["kind"], m["plat"], platform)
        if kind is not None and _SEVERAL_BEFORE.search(before[: m.end()]):
            return AmountBasis.TOTAL, None, None  # "reel plus two stories would be $1,500"
        if kind is not None:
            if _EACH_AFTER.match(after) or re.search(
                r"\bper\s*$|\beach\s*$", before, re.IGNORECASE
            ):
                return AmountBasis.PER_ITEM, kind, 1
            return AmountBasis.LINE, kind, quantity_of(m["qty"])
    if _EACH_AFTER.match(after):
        return AmountBasis.PER_ITEM, None, 1
    if _TOTAL_BEFORE.search(before):
        return AmountBasis.TOTAL, None, None
    return AmountBasis.UNSPECIFIED, None, None
