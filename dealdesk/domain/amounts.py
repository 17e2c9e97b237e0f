"""Reading money as emails write it, and what each amount is for.

``find_amounts(text)`` returns every amount with its position: "$1,500", "1500", "1,500.00",
"$1.5k", "2k", "2 grand", "1500 USD", "USD 1,500", "AU$1,500", "1500€", "€1.500" and "1,2k" as
Europe writes them, "$1,200 per reel", ranges "$1,200-1,500" and "between $1,200 and $1,500"
(a range's ask is its low end, ``amount``; ``upper`` is its top). Each amount says what it is
attached to where the text says so (``amount_basis``). Amounts that point at OUR offer ("you
offered $1,000", "$1,000 is too low", "can't do 800", "bump it from 1,000 to 1,300") are marked
``refers_to_offer``: they are never an ask.

A bare number is money only with money words around it ("my rate is 1500", "how about 1450")
or, given the price under discussion (``reference``), when it is near it ("1,450?" after $1,000)
or is that price said in thousands ("stretch to 1.4"). It is never money when it counts or dates
something ("50,000 views", "3 reels", "in 2025", "30 days", "December 8", "12/08", "6%") or is a
phone number, a time, a handle or a link (``amount_noise``).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Final

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.amount_basis import AmountBasis, attachment
from dealdesk.domain.amount_noise import is_count, is_date_part, noise_spans
from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.money import Money, quantize
from dealdesk.domain.vocabulary import DELIVERABLE_PATTERN

__all__ = ["AmountBasis", "FoundAmount", "find_amounts", "parse_money"]


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
    "usd$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "ca$": "CAD",
    "c$": "CAD",
    "cad": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud$": "AUD",
    "aud": "AUD",
    "nz$": "NZD",
    "nzd": "NZD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
}
# A bare "$" (or "dollars") is the negotiation's own dollar when it is priced in dollars.
_DOLLAR_WORDS: Final = frozenset({"$", "dollars", "dollar", "bucks"})
_DOLLARS: Final = frozenset({"USD", "CAD", "AUD", "NZD"})
_PREFIX = r"(?:USD\$|US\$|CA\$|C\$|AUD\$|AU\$|A\$|NZ\$|\$|€|£|USD|EUR|GBP|CAD|AUD|NZD)"
_SUFFIX = r"(?:(?:USD|EUR|GBP|CAD|AUD|NZD|dollars?|bucks|euros?|pounds|quid)\b|€|£)"
_NUM = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"  # 1,500 and 1,500.00
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?![\d.])"  # 1.500 and 1.500,00 as Europe writes them
    r"|\d{1,3},\d{1,2}(?=\s?[kK](?![A-Za-z]))"  # 1,2k: a decimal comma before k
    r"|\d+(?:\.\d{1,2})?)(?!\d)"
)
_K = r"(?:\s?[kK](?![A-Za-z])|\s?(?:grand|thousand)\b)"
_ONE = (
    r"(?P<c{i}>" + _PREFIX + r")?\s?(?P<n{i}>" + _NUM + r")(?P<k{i}>" + _K + r")?"
    r"(?:\s?(?P<s{i}>" + _SUFFIX + r"))?"
)
_AMOUNT = re.compile(
    r"(?<![\w.,/:#@])"
    + _ONE.replace("{i}", "1")
    + r"(?:\s*(?P<join>-|–|—|to|and)\s*"  # noqa: RUF001 - en and em dashes are how ranges are typed
    + _ONE.replace("{i}", "2")
    + r")?",
    re.IGNORECASE,
)

_MONEY_WORDS = re.compile(
    r"\b(?:rate|rates|fee|fees|price|pricing|charge|charges|charging|pay|paid|budget|cost|"
    r"costs|comp|compensation|flat|total|invoice|offer|offered|do it for|for|at|need|needs|"
    r"ask|asking|quote|quoted|per|each|bundle|package|amount|usually|usual|normally|minimum|"
    r"min|floor|at least|how about|what about|more like|thinking|looking at|want|settle|land|"
    r"meet|make it|around|roughly|approx|deal|happy with|fine with|ok with|okay with|"
    r"can'?t do|cannot do|won'?t do|not happy with|(?:i'?ll|i'?d|id|i will|i would) do|"
    r"(?:can|could|would|wud)\s+(?:you\s+|u\s+)?(?:do|go|get)(?:\s+to)?|"
    r"(?:bump|stretch|push|move|raise|increase|go up|come up|went|came)\w*\b.{0,30}\bto)\b",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(
    r"^\s*(?:would\s+|could\s+|should\s+|totally\s+|definitely\s+|def\s+)?"
    r"(?:works?\b|it\s+is\b|it'?s\b|is\s+(?:fine|ok|okay|good|great|perfect|all good|grand|"
    r"doable|reasonable|fair|my|the|what|too|a bit|way|kinda|kind of|really|not|a no)\b|"
    r"ok\b|okay\b|sounds|feels|seems|isn'?t|doesn'?t|won'?t|would be|and\s+(?:we'?re|i'?m|"
    r"it'?s|you'?ve|you)\b|flat|total|all[- ]in|minimum|min\b|max\b|floor|tops|per\b|each\b|"
    r"\?|\+\s*(?:gst|vat|tax)|(?:ex|excl|inc|incl|plus)\.?\s*(?:gst|vat|tax)|"
    r"for\s+(?:the|a|one|both|all|this|it|that))",
    re.IGNORECASE,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR_BEFORE = re.compile(
    r"(?:" + _MONTHS + r"\s*\d{0,2},?|\bin|\bsince|\bof|©)\s*$", re.IGNORECASE
)
# Before a small bare number, what makes it a price in thousands ("stretch to 1.4").
_SCALE_BEFORE = re.compile(
    r"(?:stretch|settle|land|meet|go|come up|bump|push|move|make it|about|for|at|to|need|"
    r"want|thinking|like|is|be|do|usual|only)\s*$",
    re.IGNORECASE,
)
_SCALE_NOT_AFTER = re.compile(
    r"^\s*(?:more|extra|additional|of\b|x\b|instead|or\s+\d|and\s+\d|-\s*\d)", re.IGNORECASE
)

_OURS_BEFORE = re.compile(
    r"(?:you(?:'ve| have)?\s+(?:offered|proposed|mentioned|quoted|suggested|said)|"
    r"your\s+(?:initial\s+|original\s+|current\s+|last\s+)?(?:offer|budget|proposal|number|rate)|"
    r"you(?:'re| are)\s+(?:offering|proposing|at)|offer(?:ed)?\s+of|the budget of|budget is|"
    r"budget was|up from|from your|instead of|rather than|beyond|"
    r"(?:can'?t|cannot|can not|won'?t|couldn'?t|unable to|not able to)\s+(?:do|go|accept|take|"
    r"work (?:for|with)|go (?:as low as|down to|that low)|manage)(?:\s+(?:it|this|that))?"
    r"(?:\s+(?:for|at))?|not\s+(?:(?:really|too|so|that|super|very)\s+)?(?:happy|comfortable|"
    r"keen|sure|feeling|convinced|loving|into|thrilled)(?:\s+(?:about|with|on|by))?|"
    r"(?:don'?t|do not) (?:think|feel|believe|reckon)(?:\s+that)?|\bnot\s+(?:at|for)|"
    r"(?:bump|move|go|went|come|came|increase|raise|push|take|took|jump|budge|shift|up)\w*\b"
    r"[^.!?\n\d]{0,25}\bfrom)"
    r"(?:\s+(?:of|is|was|at|around|about|was\s+only|is\s+only))?\s*$",
    re.IGNORECASE,
)
_OURS_AFTER = re.compile(
    r"^[?!.\s]*(?:that'?s|that is|this is)\s+(?:(?:a|an|just|so|really|honestly|frankly)\s+)*"
    r"(?:insulting|a joke|joke|laughable|too low|way too low|low|ridiculous)|"
    r"^\s*(?:that\s+)?(?:offer\s+)?(?:you\s+(?:offered|proposed|mentioned|quoted|sent)|"
    r"(?:is|was|'s|feels|seems|sounds|looks)?\s*(?:(?:a\s+)?(?:bit|little|tad|way|much|really|"
    r"too|quite|rather|far|simply|just|definitely|unfortunately|kinda|kind of|pretty|fairly|"
    r"super|very|honestly|still)\s+)*"
    r"(?:too\s+low|low|light|lean|cheap|below|under\b|less than|lower than|short of|"
    r"(?:a )?lowball|not enough|isn'?t enough|is not enough|doesn'?t work|does not work|"
    r"won'?t work|will not work|(?:is|isn'?t|is not)\s+(?:going|gonna)\s+to\s+(?:work|cut it)|"
    r"(?:won'?t|doesn'?t|does not|will not)\s+cut it|(?:is\s+)?a no\b|"
    r"insulting|not (?:quite )?(?:there|workable|feasible|doable)|"
    r"(?:is\s+|'s\s+)?(?:a\s+)?(?:steal|bargain|peanuts)\b))",
    re.IGNORECASE,
)
# "from $1,000 to $1,300" after a verb of change: our number, then theirs; not a range.
_CHANGE_FROM = re.compile(
    r"\b(?:bump|move|go|went|come|came|increase|raise|push|take|took|jump|budge|shift|up)\w*\b"
    r"[^.!?\n\d]{0,25}\bfrom\s*$",
    re.IGNORECASE,
)
ONE: Final = Decimal(1)
THOUSAND: Final = Decimal(1000)


def _not_a_range(text: str, match: re.Match[str], reference: Decimal | None) -> bool:
    before = text[max(0, match.start() - 40) : match.start()]
    join = match["join"].lower()
    if join == "and":
        return not re.search(r"between\s*$", before[-12:], re.IGNORECASE)
    if join == "to" and re.search(r"\bfrom\s*$", before, re.IGNORECASE):
        if _CHANGE_FROM.search(before):
            return True
        if reference is not None and _number(match["n1"], match["k1"]) == reference:
            return True
    return is_count(before, text[match.end() : match.end() + 30])


def _value(digits: str) -> Decimal:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", digits):
        return Decimal(digits.replace(".", "").replace(",", "."))  # 1.500,00 as Europe writes
    if re.fullmatch(r"\d{1,3},\d{1,2}", digits):
        return Decimal(digits.replace(",", "."))  # 1,2 (before a k)
    return Decimal(digits.replace(",", ""))


def _number(digits: str, k: str | None) -> Decimal:
    value = _value(digits)
    return value * THOUSAND if k else value


def parse_money(text: str) -> Decimal | None:
    """The single amount a short text writes ("$1.5k", "1,500 USD"), or ``None``."""
    found = find_amounts(text, bare_numbers=True)
    return found[0].amount if len(found) == 1 else None


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence's words before ``start`` and after ``end`` (a "." inside "1.5k" is kept)."""
    before = re.split(r"[.!?\n](?!\d)", text[max(0, start - 80) : start])[-1]
    after = re.split(r"[.!?\n](?!\d)", text[end : end + 80])[0]
    return before, after


def _scale(
    text: str, match: re.Match[str], *, bare_numbers: bool, reference: Decimal | None
) -> Decimal | None:
    """1 or 1,000 when the match is money (x1,000 for "1.4" said in thousands); else ``None``."""
    if any(match[g] for g in ("c1", "s1", "c2", "s2")):
        return ONE
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 30]
    thousands = bool(match["k1"] or match["k2"])
    if is_count(before, after, thousands=thousands) or is_date_part(before, after):
        return None
    if not bare_numbers:
        return None
    if match["k1"] or match["k2"]:
        return ONE
    digits = match["n1"]
    value = _value(digits)
    whole = digits.replace(",", "").replace(".", "")
    looks_like_year = len(whole) == 4 and digits.isdigit() and 1990 <= int(digits) <= 2099
    if looks_like_year and (_YEAR_BEFORE.search(before) or not _MONEY_WORDS.search(before[-15:])):
        return None
    sentence_before, sentence_after = _sentence_around(text, match.start(), match.end())
    worded = bool(
        re.search(r"\.\d\d$", digits)
        or _MONEY_AFTER.match(after)
        or _MONEY_WORDS.search(sentence_before)
        or _MONEY_WORDS.match(after.strip())
    )
    if value >= 50 and worded:
        return ONE
    if reference is None or reference <= 0:
        return None
    if value >= 50:
        # A number near the price being discussed is a price ("how about 1,450").
        return ONE if Decimal("0.25") <= value / reference <= 10 else None
    if reference < 500 or _SCALE_NOT_AFTER.match(after):
        return None
    if not Decimal("0.3") <= value * THOUSAND / reference <= 5:
        return None
    if not digits.isdigit():
        return THOUSAND  # "1.4" or "2.5" while the offer is in thousands
    counts = DELIVERABLE_PATTERN.search(sentence_before + " " + sentence_after)
    if value <= 20 and _SCALE_BEFORE.search(sentence_before) and counts is None:
        return THOUSAND
    return None


def _masked(spans: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    return any(start < stop and begin < end for begin, stop in spans)


def _currency(match: re.Match[str], negotiation: str | None) -> str | None:
    symbol = next((match[g] for g in ("c1", "s1", "c2", "s2") if match[g]), None)
    if symbol is None:
        return None
    word = symbol.lower().strip()
    if negotiation in _DOLLARS and word in _DOLLAR_WORDS:
        return negotiation
    return _CURRENCY_CODES.get(word)


def find_amounts(
    text: str,
    *,
    platform: Platform | None = None,
    bare_numbers: bool = True,
    reference: Decimal | None = None,
    currency: str | None = None,
) -> tuple[FoundAmount, ...]:
    """Every amount in ``text`` in order, with its position and what it is attached to.

    ``reference`` is the price under discussion (our last offer): a bare number near it is a
    price even without money words ("how about 1,450"), and a small one is said in thousands
    when the reference is ("stretch to 1.4" after $1,000 is $1,400). ``currency`` is the
    negotiation's: a bare "$" is that dollar when it is one (an Australian's "$1,200" is AUD).

    Remembered (the answer is immutable and depends on the arguments alone): the writer and
    the guard read the same fragments and emails again and again, for every negotiation of a
    campaign. ``reference`` is keyed by its text too (``1000`` and ``1000.00`` are equal).
    """
    ref = None if reference is None else str(reference)
    return _find_amounts(
        text,
        platform=platform,
        bare_numbers=bare_numbers,
        reference=reference,
        reference_text=ref,
        currency=currency,
    )


@functools.lru_cache(maxsize=4096)
def _find_amounts(
    text: str,
    *,
    platform: Platform | None,
    bare_numbers: bool,
    reference: Decimal | None,
    reference_text: str | None,
    currency: str | None,
) -> tuple[FoundAmount, ...]:
    del reference_text  # in the key only
    found: list[FoundAmount] = []
    noise = noise_spans(text)
    position = 0
    while (match := _AMOUNT.search(text, position)) is not None:
        start, end = match.start(), match.end()
        position = max(end, start + 1)
        if _masked(noise, match.start("n1"), match.end("n1")):
            continue  # a phone number, a date, a time, a handle
        if match["n2"] is not None and is_count("", text[end : end + 30]):
            continue  # "60-90 second", "3-4 stories": a range of something else
        if match["n2"] is not None and (
            _not_a_range(text, match, reference) or _masked(noise, start, end)
        ):
            # "$800 and $300" or "$1,200 and 3 stories": two things, not a range. Read the
            # first alone; the scan goes on right after it and finds the second.
            stop = max(match.end(g) for g in ("n1", "k1", "s1") if match[g] is not None)
            first = _AMOUNT.match(text, start, stop)
            if first is None or first["n2"] is not None:
                continue
            match = first
            start, end = match.start(), match.end()
            position = end
        scale = _scale(text, match, bare_numbers=bare_numbers, reference=reference)
        if scale is None:
            continue
        low = _number(match["n1"], match["k1"]) * (ONE if match["k1"] else scale)
        high = None
        if match["n2"]:
            high = _number(match["n2"], match["k2"]) * (ONE if match["k2"] else scale)
        if high is not None and match["k2"] and not match["k1"] and low < 100:
            low *= THOUSAND  # "1.2-1.5k" shares its k
        if high is not None and high < low:
            continue  # "10-5" is not a price range
        basis, kind, qty = attachment(text, start, end, platform)
        before = text[max(0, start - 45) : start]
        refers = bool(_OURS_BEFORE.search(before) or _OURS_AFTER.match(text[end : end + 50]))
        found.append(
            FoundAmount(
                amount=quantize(low),
                upper=quantize(high) if high is not None and high != low else None,
                currency=_currency(match, currency),
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
