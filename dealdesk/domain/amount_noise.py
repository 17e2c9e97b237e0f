"""Numbers in an email that are not money: phone numbers, dates, times, handles and counts.

``find_amounts`` asks here before it takes a number for a price. Spans that are certainly
something else (a phone number, "12/08", "2025-12-08", "3:30pm", "@maya_120", a link) are masked
outright; a number next to a unit ("120k followers", "2 reels", "24 hours", "6%"), after a
metric ("audience is 45K", "IG: 120k") or inside a date ("December 8", "8th of Dec") is a count,
unless a currency says otherwise.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MONTH", "is_count", "is_date_part", "noise_spans"]

# "May" is a month only when capitalised: "I may do 1,500" is a verb.
MONTH: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May|MAY)|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY: Final = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"

_NOISE: Final = re.compile(
    r"\+\d[\d\s().\-]{6,}\d"  # +44 7700 900123
    r"|\(\d{2,4}\)\s*\d{3,4}[\s.\-]?\d{3,4}"  # (555) 201-3344
    r"|(?<![\d,.$€£])\d{3}[.\-]\d{3}[.\-]\d{4}\b"  # 555-201-3344
    r"|(?<![\d,.$€£])0\d{2,4}[\s.\-]?\d{3}[\s.\-]?\d{3,4}\b"  # 0412 345 678
    r"|\b(?:tel|phone|ph|mob|mobile|cell|whatsapp|m|p|t)\s*[:.]\s*[\d+(][\d\s().\-]{6,}\d"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"  # 12/08, 12/08/2025
    r"|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"  # 8.12.2025
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2025-12-08
    r"|\b\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?"  # 3:30, 3:30pm
    r"|\S+@\S+\.\w+"  # an address
    r"|(?<!\w)[@#]\w+"  # a handle or a hashtag
    r"|\b(?:https?://|www\.)\S+"  # a link
    r"|\bnet[\s-]?\d{1,3}\b",  # payment terms: net 30
    re.IGNORECASE,
)

_PLATFORM: Final = r"(?:ig|insta(?:gram)?|tiktok|tik tok|tt|youtube|yt|fb|facebook|twitter)"
# Before a number only the words that are never a deliverable: "IG: 120k" is a following.
_PROFILE: Final = r"(?:ig|insta(?:gram)?|tt|youtube|yt|fb|facebook|twitter)"
_UNIT_AFTER: Final = re.compile(
    r"^\s*(?:k\s*)?\+?\s*(?:(?:" + _PLATFORM + r"|monthly|weekly|daily|avg|average|organic|"
    r"engaged|real|loyal|active|total|unique)\s+)*"
    r"(?:views?|followers?|subs(?:cribers)?|impressions|likes|plays|reach|fans|viewers|"
    r"comments|saves|shares|clicks|sales|members|people|%|pct\b|percent|per ?cent|"
    r"days?|weeks?|wks?\b|months?|mos?\b|hours?|hrs?\b|h\b|d\b|mins?\b|minutes?|secs?\b|"
    r"seconds?|years?|yrs?\b|am\b|pm\b|a\.m|p\.m|st\b|nd\b|rd\b|th\b|x\b|"
    r"times|rounds?|emails?|stars?|slides?|photos?|pics?|images?|"
    r"frames?|assets?|revisions?|edits?|drafts?|words?|characters?|of (?:these|them|those))",
    re.IGNORECASE,
)
# "2 reels" counts reels; "1.5k reel" is a price for one.
_PIECES_AFTER: Final = re.compile(
    r"^\s*(?:" + _PLATFORM + r"\s+)?(?:reels?|posts?|stories|story|videos?|vids?\b|shorts?|"
    r"tiktoks?|integrations?|carousels?|pieces?|deliverables?)",
    re.IGNORECASE,
)
_UNIT_BEFORE: Final = re.compile(
    r"\b(?:followers?|following|views?|subs(?:cribers)?|audience|reach|impressions|engagement|"
    r"er|plays|likes|fans|rating|rated|score|version|" + _PROFILE + r")\b"
    r"\s*(?:(?:of|is|are|at|was|sits at|sitting at|around|about|approx\.?|over|nearly|almost|"
    r"roughly|rate|now|currently|~|:|=|-)\s*)*$",
    re.IGNORECASE,
)
_DATE_BEFORE: Final = re.compile(
    r"\b(?:" + MONTH + r"|" + _WEEKDAY + r")\s*,?\s*(?:the\s+)?$", re.IGNORECASE
)
_DATE_AFTER: Final = re.compile(
    r"^(?:st|nd|rd|th)?\s*(?:of\s+)?" + MONTH + r"(?![a-z])", re.IGNORECASE
)


def noise_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text`` writes phone numbers, numeric dates, times, addresses, handles or links."""
    return tuple(m.span() for m in _NOISE.finditer(text))


def is_date_part(before: str, after: str) -> bool:
    """Whether the number between ``before`` and ``after`` is the day of a written date."""
    return bool(_DATE_BEFORE.search(before) or _DATE_AFTER.match(after))


def is_count(before: str, after: str, *, thousands: bool = False) -> bool:
    """Whether the number between ``before`` and ``after`` counts or measures something.

    A number in ``thousands`` ("1.5k") before a deliverable ("reel") is its price, not a count.
    """
    pieces = not thousands and _PIECES_AFTER.match(after)
    return bool(_UNIT_AFTER.match(after) or pieces or _UNIT_BEFORE.search(before))
