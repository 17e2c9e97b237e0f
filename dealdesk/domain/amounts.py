"""Reading money as emails write it, and what each amount is for.

``find_amounts(text)`` returns every amount with its position: "$1,500", "1500", "1,500.00",
"$1.5k", "2k", "1500 USD", "USD 1,500", "$1,200 per reel", ranges "$1,200-1,500" and
"between $1,200 and $1,500". Each amount says what it is attached to where the text says so:
a per-item price ("$400 per story", "$1,200 each"), a line ("2 reels for $2,000", "reel: $900"),
the total ("$3,000 all in", "bundle price $2,500") or nothing. Amounts that point at OUR offer
("you offered $1,000", "$1,000 is too low") are marked ``refers_to_offer``: they are never an ask.

A bare number is money only with money words around it ("my rate is 1500", "for 1500") and not
when it counts something else ("50,000 views", "3 reels", "in 2025", "30 days").
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.money import Money, quantize
from dealdesk.domain.vocabulary import DELIVERABLE_PATTERN, quantity_of, resolve_deliverable

__all__ = ["AmountBasis", "FoundAmount", "find_amounts", "parse_money"]


class AmountBasis(StrEnum):
    TOTAL = "total"  # the whole package
    PER_ITEM = "per_item"  # one unit of ``deliverable``
    LINE = "line"  # ``quantity`` x ``deliverable`` together
    UNSPECIFIED = "unspecified"


class FoundAmount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Money
    upper: Money | None = None  # the top of a range; ``amount`` is its bottom
    currency: str | None = None
    text: str
    start: int
    end: int
    basis: AmountBasis = AmountBasis.UNSPECIFIED
    deliverable: DeliverableType | None = None
    quantity: int | None = None
    refers_to_offer: bool = False


_CURRENCY_CODES: Final = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "ca$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "aud": "AUD",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
}
_PREFIX = r"(?:US\$|CA\$|A\$|\$|€|£|USD|EUR|GBP|CAD|AUD)"
_SUFFIX = r"(?:USD|EUR|GBP|CAD|AUD|dollars?|bucks|euros|pounds)\b"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?(?!\d)"
_K = r"(?:\s?[kK](?![A-Za-z]))"
_ONE = (
    r"(?P<c{i}>" + _PREFIX + r")?\s?(?P<n{i}>" + _NUM + r")(?P<k{i}>" + _K + r")?"
    r"(?:\s?(?P<s{i}>" + _SUFFIX + r"))?"
)
_AMOUNT = re.compile(
    r"(?<![\w.,/:])"
    + _ONE.replace("{i}", "1")
    + r"(?:\s*(?:-|–|—|to|and)\s*"  # noqa: RUF001 - en and em dashes are how ranges are typed
    + _ONE.replace("{i}", "2")
    + r")?",
    re.IGNORECASE,
)

# A number followed by one of these counts something else.
_UNIT_AFTER = re.compile(
    r"^\s*(?:k\s*)?(?:views?|followers?|subs(?:cribers)?|impressions|likes|plays|reach|"
    r"people|%|percent|days?|weeks?|months?|hours?|hrs?|mins?|minutes?|seconds?|years?|"
    r"am\b|pm\b|st\b|nd\b|rd\b|th\b|x\b|reels?|posts?|stories|story|videos?|shorts?|"
    r"tiktoks?|integrations?|carousels?|pieces?|deliverables?|times|rounds?|emails?)",
    re.IGNORECASE,
)
_MONEY_WORDS = re.compile(
    r"\b(?:rate|rates|fee|fees|price|pricing|charge|charges|charging|pay|paid|budget|cost|"
    r"costs|comp|compensation|flat|total|invoice|offer|offered|do it for|for|at|need|needs|"
    r"ask|asking|quote|quoted|per|each|bundle|package|amount|usually|normally|minimum|min|"
    r"(?:can|could|would)\s+(?:you\s+)?(?:do|go|get)(?:\s+to)?)\b",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(
    r"^\s*(?:would\s+|could\s+|should\s+)?(?:works?|is\s+(?:fine|ok|okay|good|great|perfect)|"
    r"sounds|flat|total|all[- ]in|per\b|each\b|for\s+(?:the|a|one|both|all))",
    re.IGNORECASE,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR_BEFORE = re.compile(
    r"(?:" + _MONTHS + r"\s*\d{0,2},?|\bin|\bsince|\bof|©)\s*$", re.IGNORECASE
)

_PER_AFTER = re.compile(
    r"^\s*(?:/|per|a|an|for\s+each|each)\s*(?:" + DELIVERABLE_PATTERN.pattern + r")",
    re.IGNORECASE,
)
_EACH_AFTER = re.compile(
    r"^\s*(?:each|apiece|a piece|per piece|per item|per deliverable)\b", re.IGNORECASE
)
_PER_BEFORE = re.compile(r"\b(?:per|each)\s*$", re.IGNORECASE)
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
    r"(?:" + DELIVERABLE_PATTERN.pattern + r")\s*(?:\([^)]*\)\s*)?,?\s*"
    r"(?:[:=@\-–—]|at|would be|will be|is|are|for|would run|runs|costs?|goes for|"  # noqa: RUF001
    r"i(?:'d| would)?\s+(?:charge|need|ask(?:\s+for)?|want))\s*"
    r"(?:is\s+|of\s+|around\s+|about\s+)?$",
    re.IGNORECASE,
)
_OURS_BEFORE = re.compile(
    r"(?:you(?:'ve| have)?\s+(?:offered|proposed|mentioned|quoted|suggested)|"
    r"your\s+(?:initial\s+|original\s+|current\s+)?(?:offer|budget|proposal|number|rate)|"
    r"you(?:'re| are)\s+(?:offering|proposing)|offer(?:ed)?\s+of|the budget of|budget is|"
    r"budget was|up from|from your|instead of|rather than|beyond)"
    r"(?:\s+(?:of|is|was|at|around|about|was\s+only|is\s+only))?\s*$",
    re.IGNORECASE,
)
_OURS_AFTER = re.compile(
    r"^[?!.\s]*(?:that'?s|that is|this is)\s+(?:(?:a|an|just|so|really|honestly|frankly)\s+)*"
    r"(?:insulting|a joke|joke|laughable|too low|way too low|low|ridiculous)|"
    r"^\s*(?:that\s+)?(?:offer\s+)?(?:you\s+(?:offered|proposed|mentioned|quoted|sent)|"
    r"(?:is|was|feels|seems|sounds)?\s*(?:(?:a\s+)?(?:bit|little|way|much|really|too|quite|"
    r"rather|far|simply|just|definitely|unfortunately)\s+)*"
    r"(?:too\s+low|low|below|under\b|not enough|isn't enough|is not enough|doesn't work|"
    r"does not work|won't work|will not work|is not going to work|isn't going to work|"
    r"insulting|not (?:quite )?(?:there|workable|feasible)))",
    re.IGNORECASE,
)


def _not_a_range(text: str, match: re.Match[str]) -> bool:
    joined = text[match.end("n1") : match.start("n2")]
    if re.search(r"\band\b", joined, re.IGNORECASE):
        return not re.search(
            r"between\s*$", text[max(0, match.start() - 12) : match.start()], re.IGNORECASE
        )
    return bool(_UNIT_AFTER.match(text[match.end() : match.end() + 30]))


def _number(digits: str, k: str | None) -> Decimal:
    value = Decimal(digits.replace(",", ""))
    return value * 1000 if k else value


def parse_money(text: str) -> Decimal | None:
    """The single amount a short text writes ("$1.5k", "1,500 USD"), or ``None``."""
    found = find_amounts(text, bare_numbers=True)
    return found[0].amount if len(found) == 1 else None


def _is_money(text: str, match: re.Match[str], *, bare_numbers: bool) -> bool:
    has_currency = any(match[g] for g in ("c1", "s1", "c2", "s2"))
    after = text[match.end() : match.end() + 30]
    if _UNIT_AFTER.match(after) and not has_currency:
        return False
    if has_currency:
        return True
    if not bare_numbers:
        return False
    digits = match["n1"].replace(",", "")
    value = _number(match["n1"], match["k1"])
    if match["k1"] or match["k2"]:
        return True
    before = text[max(0, match.start() - 40) : match.start()]
    looks_like_year = len(digits) == 4 and "." not in digits and 1990 <= int(digits) <= 2099
    if looks_like_year and (_YEAR_BEFORE.search(before) or not _MONEY_WORDS.search(before[-15:])):
        return False
    if value < 50:
        return False
    if re.search(r"\.\d\d$", digits) or _MONEY_AFTER.match(after):
        return True
    sentence_before = re.split(r"[.!?\n]", before)[-1]
    return bool(_MONEY_WORDS.search(sentence_before) or _MONEY_WORDS.match(after.strip()))


def _attachment(
    text: str, start: int, end: int, platform: Platform | None
) -> tuple[AmountBasis, DeliverableType | None, int | None]:
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


def find_amounts(
    text: str, *, platform: Platform | None = None, bare_numbers: bool = True
) -> tuple[FoundAmount, ...]:
    """Every amount in ``text`` in order, with its position and what it is attached to."""
    found: list[FoundAmount] = []
    position = 0
    while (match := _AMOUNT.search(text, position)) is not None:
        start, end = match.start(), match.end()
        position = max(end, start + 1)
        if match["n2"] is not None and _UNIT_AFTER.match(text[end : end + 30]):
            continue  # "60-90 second", "3-4 stories": a range of something else
        if match["n2"] is not None and _not_a_range(text, match):
            # "$800 and $300" or "$1,200 and 3 stories": two things, not a range. Read the
            # first alone; the scan goes on right after it and finds the second.
            stop = max(match.end(g) for g in ("n1", "k1", "s1") if match[g] is not None)
            first = _AMOUNT.match(text, start, stop)
            if first is None or first["n2"] is not None:
                continue
            match = first
            start, end = match.start(), match.end()
            position = end
        if not _is_money(text, match, bare_numbers=bare_numbers):
            continue
        low = _number(match["n1"], match["k1"])
        high = _number(match["n2"], match["k2"]) if match["n2"] else None
        if high is not None and match["k2"] and not match["k1"] and low < 100:
            low *= 1000  # "1.2-1.5k" shares its k
        if high is not None and high < low:
            continue  # "10-5" is not a price range
        symbol = next((match[g] for g in ("c1", "s1", "c2", "s2") if match[g]), None)
        currency = _CURRENCY_CODES.get(symbol.lower().strip()) if symbol else None
        basis, kind, qty = _attachment(text, start, end, platform)
        before = text[max(0, start - 45) : start]
        refers = bool(_OURS_BEFORE.search(before) or _OURS_AFTER.match(text[end : end + 50]))
        found.append(
            FoundAmount(
                amount=quantize(low),
                upper=quantize(high) if high is not None and high != low else None,
                currency=currency,
                text=text[start:end],
                start=start,
                end=end,
                basis=basis,
                deliverable=kind,
                quantity=qty,
                refers_to_offer=refers,
            )
        )
    return tuple(found)
