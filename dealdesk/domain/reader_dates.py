"""When an out-of-office says they are back, resolved against the day the reply was written.

Dates are read as people write them: "December 8", "Dec. 8th", "8 Dec", "the 8th of December",
"Monday 15th December", "12/08" (month first, unless the negotiation's currency is one whose
countries write the day first: GBP, EUR, AUD, NZD; a first number above 12 is always a day),
"2025-12-08", "the 8th", "Monday", "tomorrow", "next week", "April". The one that follows a
return word ("until", "back", "returning", "through", "to") wins; otherwise the only date there is.

A date without a year is the next such date on or after the reply's day ("back Jan 3" written on
December 20 is next year's); a day alone ("back on the 8th") is this month's 8th if it has not
passed, else next month's; a weekday is the next one after the reply's day ("back Monday" written
on a Monday is a week later).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from dealdesk.domain.amount_noise import MONTH

__all__ = ["DAY_FIRST_CURRENCIES", "return_date"]

DAY_FIRST_CURRENCIES: Final = frozenset({"GBP", "EUR", "AUD", "NZD"})

_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)?"
_WD = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"
_YEAR = r"(?:,?\s+(?P<{y}>20\d\d))?"

_DATE: Final = re.compile(
    r"(?P<iso>(?P<iy>20\d\d)-(?P<im>\d\d)-(?P<id>\d\d))"
    r"|(?P<num>\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<ny>\d{2}|\d{4}))?\b)"
    r"|(?P<dm>\b(?:"
    + _WD
    + r",?\s+)?(?:the\s+)?(?P<dmd>"
    + _DAY
    + r")"
    + _ORD
    + r"\s+(?:of\s+)?(?P<dmm>"
    + MONTH
    + r")(?![a-z])"
    + _YEAR.format(y="dmy")
    + r")"
    r"|(?P<md>\b(?:"
    + _WD
    + r",?\s+)?(?P<mdm>"
    + MONTH
    + r")\s+(?:the\s+)?(?P<mdd>"
    + _DAY
    + r")"
    + _ORD
    + r"\b"
    + _YEAR.format(y="mdy")
    + r")"
    r"|(?P<wdd>\b" + _WD + r",?\s+(?:the\s+)?(?P<wddd>" + _DAY + r")" + _ORD + r"\b)"
    r"|(?P<the>\bthe\s+(?P<thed>" + _DAY + r")(?:st|nd|rd|th)\b)"
    r"|(?P<wd>\b(?P<next>next\s+)?(?P<wdn>" + _WD + r")(?![a-z]))"
    r"|(?P<tomorrow>\btomorrow\b)"
    r"|(?P<nextweek>\bnext week\b)"
    r"|(?P<mon>\b(?:early |mid |late |mid-)?(?P<monm>" + MONTH + r")(?![a-z]))",
    re.IGNORECASE,
)
_RETURN_WORD: Final = re.compile(
    r"(?:until|till|til|through|thru|back|return\w*|resum\w*|reachable|available|"
    r"in the office|to|[-–])[^.!?\n]{0,25}$",  # noqa: RUF001 - an en dash joins date ranges
    re.IGNORECASE,
)


def _month(word: str) -> int:
    return _MONTHS.index(word[:3].lower()) + 1


def _on_or_after(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _day_of_month(day: int, today: date) -> date | None:
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _resolve(m: re.Match[str], today: date, *, day_first: bool) -> date | None:
    try:
        if m["iso"]:
            return date(int(m["iy"]), int(m["im"]), int(m["id"]))
        if m["num"]:
            first, second = int(m["a"]), int(m["b"])
            month, day = (second, first) if day_first or first > 12 else (first, second)
            if month > 12:  # "3/20" is March 20 wherever it is written
                month, day = day, month
            if m["ny"]:
                year = int(m["ny"]) + (2000 if len(m["ny"]) == 2 else 0)
                return date(year, month, day)
            return _on_or_after(month, day, today)
        if m["dm"] or m["md"]:
            month = _month(m["dmm"] or m["mdm"])
            day = int(m["dmd"] or m["mdd"])
            written = m["dmy"] or m["mdy"]
            return date(int(written), month, day) if written else _on_or_after(month, day, today)
    except ValueError:
        return None
    if m["wdd"] or m["the"]:
        return _day_of_month(int(m["wddd"] or m["thed"]), today)
    if m["wd"]:
        ahead = (_WEEKDAYS.index(m["wdn"][:3].lower()) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if m["tomorrow"]:
        return today + timedelta(days=1)
    if m["nextweek"]:
        return today + timedelta(days=7 - today.weekday())
    return _on_or_after(_month(m["monm"]), 1, today)


def return_date(text: str, today: date, *, day_first: bool = False) -> date | None:
    """The day ``text`` says its writer is back, read as written on ``today``; else ``None``."""
    matches = list(_DATE.finditer(text))
    after_return = [
        m for m in matches if _RETURN_WORD.search(text[max(0, m.start() - 40) : m.start()])
    ]
    chosen = after_return[0] if after_return else (matches[0] if len(matches) == 1 else None)
    return None if chosen is None else _resolve(chosen, today, day_first=day_first)
