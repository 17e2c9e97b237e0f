"""Read usage terms a person writes in words ("30 days organic usage", "usage: 60 days paid").

People put the usage clause into the deliverables field as often as into its own field, so the
deliverables reader (:mod:`.terms`) hands every clause it finds here. A clause gives a length
(days, weeks, months or years; "1 month" is 30 days, "1 year" 365) and/or whether paid use is
included ("paid", "ads", "whitelisting", "boosting" include it; "organic", "organic only",
"no paid" exclude it). Anything it cannot pin down raises ``ValueError`` with a sentence saying
how to write it. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dealdesk.integrations.clickup.fields import quoted

__all__ = [
    "NUMBER_WORDS",
    "UsageTerms",
    "gives_length",
    "merge_usage",
    "names_usage",
    "read_usage",
    "states_paid",
]

_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve"
NUMBER_WORDS: dict[str, int] = {word: number for number, word in enumerate(_NUMBERS.split(" "))}
HOW = 'write usage like "30 days organic usage" or "usage: 60 days paid"'

_USAGE = re.compile(r"\b(?:usage|rights|licen[cs](?:e|ed|ing))\b", re.IGNORECASE)
# "paid partnership" is Instagram's branded-content tag, not paid usage.
_PAID = re.compile(
    r"\b(?:paid(?!\s+partnership)|ads?|whitelist(?:ing|ed)?|boost(?:s|ed|ing)?|spark)\b",
    re.IGNORECASE,
)
_ORGANIC = re.compile(r"\borganic\b", re.IGNORECASE)
_NO_PAID = re.compile(
    r"\b(?:no|not|without|excl(?:uding)?\.?)\s+(?:paid|ads?|whitelisting|boosting)\b"
    r"|\borganic[\s-]+only\b|\bonly\s+organic\b",
    re.IGNORECASE,
)
# "30d" and "30-day" glue a digit to its unit; a word needs a space ("and" is not "an d").
_WORDS = "|".join(["an?", *NUMBER_WORDS])
_DURATION = re.compile(
    rf"\b(?:(\d{{1,4}})\s*-?\s*|({_WORDS})[\s-]+)"
    r"(days?|d|weeks?|wks?|months?|mos?|mths?|years?|yrs?)\b",
    re.IGNORECASE,
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
# Words a bare mention of usage is made of ("with usage rights included"): no terms in them.
_FILLER_WORDS = "usage rights right with incl including included includes of for the and plus"
_FILLER = frozenset(f"{_FILLER_WORDS} full standard usual content all".split(" "))


@dataclass(frozen=True)
class UsageTerms:
    """One usage clause: ``text`` as written; ``None`` where the clause does not say."""

    text: str
    duration_days: int | None
    paid_ads: bool | None


def names_usage(text: str) -> bool:
    """Whether ``text`` is about usage by name ("usage", "rights", "licence")."""
    return _USAGE.search(text) is not None


def gives_length(text: str) -> bool:
    """Whether ``text`` gives a length of time ("30 days", "a month")."""
    return _DURATION.search(text) is not None


def states_paid(text: str) -> bool:
    """Whether ``text`` says whether paid use is in ("paid", "organic", "whitelisting")."""
    return _PAID.search(text) is not None or _ORGANIC.search(text) is not None


def _days(digits: str, word: str, unit: str) -> int:
    count = int(digits) if digits else NUMBER_WORDS.get(word.lower(), 1)  # "a"/"an" month
    return count * _UNIT_DAYS.get(unit.lower()[0], 1)


def read_usage(text: str) -> UsageTerms | None:
    """The terms in one clause; ``None`` for a bare mention ("with usage rights")."""
    lengths = {_days(*found) for found in _DURATION.findall(text)}
    if len(lengths) > 1:
        raise ValueError(
            f"{quoted(text)} gives more than one usage length; dealdesk holds one usage term "
            'per campaign: write it once, like "60 days organic + paid usage"'
        )
    if _NO_PAID.search(text):
        paid: bool | None = False
    elif _PAID.search(text):
        paid = True
    elif _ORGANIC.search(text):
        paid = False  # "30 days organic usage" buys organic use only
    else:
        paid = None
    length = lengths.pop() if lengths else None
    if length is not None and paid is None and not names_usage(text):
        raise ValueError(
            f"{quoted(text)} does not say what it is for: {HOW} (dates belong in the timeline)"
        )
    if length is None and paid is None:
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if words - _FILLER:
            raise ValueError(f"{quoted(text)} gives no usage length dealdesk can read: {HOW}")
        return None
    return UsageTerms(" ".join(text.split()), length, paid)


def merge_usage(clauses: list[UsageTerms]) -> UsageTerms | None:
    """One usage term from every clause in a field; clauses that disagree are ambiguous."""
    if not clauses:
        return None
    lengths = {c.duration_days for c in clauses if c.duration_days is not None}
    stances = {c.paid_ads for c in clauses if c.paid_ads is not None}
    if len(lengths) > 1 or len(stances) > 1:
        listed = ", ".join(quoted(c.text) for c in clauses)
        raise ValueError(
            f"gives usage terms that disagree ({listed}); dealdesk holds one usage term per "
            'campaign: write it once, like "60 days organic + paid usage"'
        )
    text = "; ".join(c.text for c in clauses)
    return UsageTerms(text, next(iter(lengths), None), next(iter(stances), None))
