"""The guard's checks on what an email's words promise, beyond its digits.

:func:`~dealdesk.domain.wording.check_email` runs these on every outgoing email, whoever wrote it
(the templated writer or the model), after its amount, placeholder and internal-figure checks:

- **Amounts in words.** "fifteen hundred dollars", "two grand", "one thousand five hundred USD"
  are money as surely as "$1,500": each must equal a decided amount (the terms' fee or their ask
  we repeat), and an email that decides no amount has none.
- **Commitments outside the brief.** Exclusivity; paid usage (whitelisting, spark ads) when the
  terms are organic; a usage term longer than the decided one ("in perpetuity", "12 months");
  guarantees ("guaranteed", "we promise"); future deals ("we will book you for the next
  campaign", "long-term partnership", "ambassador"). Wishing someone well for a future campaign
  ("we would love to work with you on a future campaign") is no promise and passes.
- **Internal figures in words.** Our budget, cap, ceiling or walk-away, and what other creators
  are paid, are never mentioned, with or without a number.
- **Deliverables.** Every deliverable the email names is one of the decided ones, in the decided
  quantity when it states one.

Pure functions over text and the decided terms: no I/O, deterministic.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from dealdesk.domain.money import format_money
from dealdesk.domain.vocabulary import Extra, deliverable_mentions, extra_mentions

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dealdesk.domain.campaign import Deliverable, Platform

__all__ = [
    "commitment_problems",
    "deliverable_problems",
    "reveal_problems",
    "spelled_amount_problems",
    "spelled_amounts",
]

_ONES: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: Final = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000}
_WORD = "|".join(sorted([*_ONES, *_TENS, *_SCALES, "half", "and"], key=len, reverse=True))
# A run of number words ("one thousand five hundred", "fifteen hundred and fifty").
_RUN: Final = re.compile(rf"\b(?:(?:{_WORD})(?:[\s-]+|$|(?=\W)))+", re.IGNORECASE)
_MONEY_AFTER: Final = re.compile(
    r"^\s*(?:us\s*)?(?:dollars?|bucks|usd|eur|euros?|pounds?|gbp|quid|cad|aud)\b", re.IGNORECASE
)
_MONEY_BEFORE: Final = re.compile(
    r"(?:\$|€|£|\b(?:fee|offer|rate|budget|price|pay|paid|paying|payment|of|at|for|to|is)"
    r"(?:\s+of)?)\s*$",
    re.IGNORECASE,
)


def _value(words: Sequence[str]) -> Decimal | None:
    """The number a run of number words says, or ``None`` when it is not one number."""
    total, current = Decimal(0), Decimal(0)
    seen = False
    for i, word in enumerate(words):
        if word == "and" or (word in {"a", "an"} and words[i + 1 : i + 2] == ["half"]):
            continue
        if word == "half":
            current += Decimal("0.5")
        elif word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or Decimal(1)) * scale
            if scale >= 1000:
                total, current = total + current, Decimal(0)
        else:
            return None
        seen = True
    return total + current if seen else None


def spelled_amounts(text: str) -> list[tuple[str, Decimal]]:
    """Every amount of money ``text`` writes in words, with the words: "fifteen hundred dollars"
    is ("fifteen hundred dollars", 1500); "two grand" is 2,000; "three reels" is no money."""
    found: list[tuple[str, Decimal]] = []
    for match in _RUN.finditer(text):
        words = [w.lower() for w in re.split(r"[\s-]+", match.group().strip()) if w]
        while words and words[-1] in {"and", "a", "an"}:
            words.pop()
        while words and words[0] == "and":
            words.pop(0)
        if not words or all(w in {"a", "an"} for w in words):
            continue
        value = _value(words)
        if value is None or value == 0:
            continue
        after = text[match.end() :]
        before = text[: match.start()]
        grand = words[-1] in {"grand", "k"}
        money = grand or _MONEY_AFTER.match(after) or (
            value >= 100 and _MONEY_BEFORE.search(before[-24:])
        )  # fmt: skip
        if not money:
            continue
        tail = _MONEY_AFTER.match(after)
        found.append(((match.group() + (tail.group() if tail else "")).strip(), value))
    return found


def spelled_amount_problems(
    text: str, allowed: Iterable[Decimal], currency: str, *, decides_amount: bool
) -> list[str]:
    """Amounts in words that are not a decided one (any, when the email decides none)."""
    allowed_set = set(allowed)
    problems = []
    for words, value in spelled_amounts(text):
        if not decides_amount:
            problems.append(f"{words!r} is an amount, and this email decides none")
        elif value not in allowed_set:
            shown = format_money(value, currency)
            problems.append(f"{words!r} is {shown}, which was not decided")
    return problems


_GUARANTEE: Final = re.compile(
    r"\bguarantee\w*|\bwe (?:promise|commit)\b|\bpromise (?:you|that)\b|\bassure you\b.{0,40}"
    r"\b(?:results?|views?|sales?|more work|future)\b",
    re.IGNORECASE,
)
_FUTURE_DEAL: Final = re.compile(
    r"\b(?:we(?:'ll| will| can| are going to)|you(?:'ll| will) (?:get|have))\b[^.!?\n]{0,60}"
    r"\b(?:future|next|another|more|ongoing|upcoming|additional|follow-?up|repeat)\b"
    r"[^.!?\n]{0,30}\b(?:campaigns?|deals?|collaborations?|partnerships?|projects?|bookings?|"
    r"contracts?|work)\b"
    r"|\blong[- ]term (?:partnership|deal|contract|collaboration)\b"
    r"|\b(?:brand )?ambassador(?:ship)?\b|\bretainer\b|\bfirst refusal\b",
    re.IGNORECASE,
)
_USAGE_SENTENCE: Final = re.compile(r"usage|rights|licen[cs]|reuse|re-use", re.IGNORECASE)
_TERM: Final = re.compile(
    r"\b(?P<n>\d{1,3}(?:,\d{3})?|a|an|one|two|three|four|six|nine|twelve|eighteen|"
    r"twenty-four)[\s-]*(?P<unit>days?|weeks?|months?|years?)\b"
    r"|(?P<forever>\bperpetu\w*|\bforever\b|\bunlimited\b|\bindefinite\w*|\ball media\b)",
    re.IGNORECASE,
)
_TERM_NUMBERS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9,
    "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_UNIT_DAYS: Final = {"d": 1, "w": 7, "m": 30, "y": 365}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _usage_days(text: str) -> int | None:
    """The longest usage term any sentence about usage names, in days."""
    longest: int | None = None
    for sentence in _sentences(text):
        if not _USAGE_SENTENCE.search(sentence):
            continue
        for match in _TERM.finditer(sentence):
            if match["forever"]:
                days = 36500
            else:
                n = match["n"].lower().replace(",", "")
                count = int(n) if n.isdigit() else _TERM_NUMBERS[n]
                days = count * _UNIT_DAYS[match["unit"][0].lower()]
            longest = days if longest is None else max(longest, days)
    return longest


_NO_AFTER: Final = re.compile(r"\s*[:=-]?\s*(?:no|none|not included|excluded)\b", re.IGNORECASE)


def commitment_problems(text: str, *, usage_days: int, paid_ads: bool) -> list[str]:
    """Promises the brief does not make: exclusivity, paid usage or a longer usage term than
    decided, guarantees, future deals."""
    problems: list[str] = []
    for mention in extra_mentions(text):
        words = text[mention.start : mention.end]
        after = text[mention.end : mention.end + 30]
        if mention.dropped or _NO_AFTER.match(after):
            continue
        if mention.extra is Extra.EXCLUSIVITY:
            problems.append(f"{words!r} commits to exclusivity, which the brief does not ask")
        elif mention.extra is Extra.PAID_USAGE and not paid_ads:
            problems.append(f"{words!r} commits to paid usage; the terms are organic only")
    days = _usage_days(text)
    if days is not None and days > usage_days:
        problems.append(f"it promises {days:,} days of usage rights; the terms give {usage_days:,}")
    if (match := _GUARANTEE.search(text)) is not None:
        problems.append(f"{match.group()!r} is a guarantee the brief does not give")
    if (match := _FUTURE_DEAL.search(text)) is not None:
        problems.append(f"{match.group()!r} promises future work outside the brief")
    return list(dict.fromkeys(problems))


_REVEAL: Final = re.compile(
    r"\b(?:our|my|the client'?s?|the brand'?s?|the campaign'?s?)\s+(?:total\s+|overall\s+)?"
    r"(?:budget|cap|ceiling|max(?:imum)?(?: budget| rate| fee)?|limit|top end|walk[- ]?away)\b"
    r"|\b(?:budget|ceiling)\s+(?:is|of|for)\b"
    r"|\b(?:other|another|the other)\s+(?:creators?|influencers?)\b[^.!?\n]{0,50}"
    r"\b(?:paid|pay|getting|get|charg\w*|rates?|fees?|agreed|accepted)\b"
    r"|\b(?:we(?:'re| are)? pay(?:ing)?|we paid)\s+(?:other|another|the other)\b",
    re.IGNORECASE,
)


def reveal_problems(text: str) -> list[str]:
    """Internal figures named in words: our budget, cap or limit, what others are paid."""
    return [
        f"{match.group()!r} reveals an internal figure (our budget, cap or another creator's fee)"
        for match in _REVEAL.finditer(text)
    ]


_COUNTED: Final = re.compile(
    r"(?:\d+|an?|one|single|two|both|couple of|pair of|three|four|five|six)\b", re.IGNORECASE
)


def deliverable_problems(
    text: str,
    decided: Sequence[Deliverable],
    platform: Platform | None,
) -> list[str]:
    """Deliverables named with a count that are not the decided ones (kind, or quantity)."""
    wanted = {d.kind: d.quantity for d in decided}
    problems: list[str] = []
    for mention in deliverable_mentions(text, platform):
        start = mention.start
        while start > 0 and text[start - 1].isdigit():
            start -= 1  # "100 posts": the pattern counts two digits at most
        words = text[start : mention.end]
        digits = re.match(r"\d+", words)
        quantity = int(digits.group()) if digits else mention.quantity
        if not _COUNTED.match(words) or re.fullmatch(
            r"(?:an?|one)\s+(?:shorts?|posts?)", words, re.IGNORECASE
        ):
            # Named with a count only ("2 reels", "a TikTok video"): "on TikTok" is a platform,
            # "a short written agreement" an adjective.
            continue
        if mention.kind not in wanted:
            problems.append(f"{words!r} is not among the decided deliverables")
            continue
        stated = re.match(
            r"\s*(\d+|two|three|four|five|six|both|couple|pair)\b", words, re.IGNORECASE
        )
        if stated is not None and quantity != wanted[mention.kind]:
            problems.append(f"{words!r} says {quantity}; the terms say {wanted[mention.kind]}")
    return list(dict.fromkeys(problems))
