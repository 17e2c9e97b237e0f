"""Words emails use for deliverables and for terms beyond them, resolved to types.

"story" is an Instagram story on an Instagram campaign and a TikTok story on a TikTok one; "video"
is a reel, a TikTok video or a dedicated YouTube video depending on the platform. Without a
platform hint and without a platform word ("IG", "TikTok", "YouTube") an ambiguous word resolves
to nothing rather than to a guess.

Terms beyond the deliverables (``Extra``: paid usage such as whitelisting or spark ads,
exclusivity, raw footage, a link in bio) are found with whether the words include or exclude
them ("with whitelisting" adds paid usage; "no whitelisting", "organic only" drop it), and a
usage term is read in days ("90 days", "3 months", "a year", "in perpetuity").
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from dealdesk.domain.campaign import DeliverableType, Platform

__all__ = [
    "DELIVERABLE_PATTERN",
    "DeliverableMention",
    "Extra",
    "ExtraMention",
    "deliverable_mentions",
    "extra_mentions",
    "resolve_deliverable",
    "usage_days_in",
]

_NUMBER_WORDS: Final = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "the": 1,
    "two": 2,
    "both": 2,
    "couple of": 2,
    "pair of": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
}

_PLATFORM_WORD = r"(?:instagram|insta|ig|tiktok|tik\s?tok|youtube|yt)"
_KIND_WORD = (
    r"(?:reels?|(?:grid\s+|feed\s+|in-feed\s+|static\s+)?posts?|carousels?|stories|story|"
    r"dedicated(?:\s+videos?)?|integrations?|shorts?|videos?|tiktoks?|vids?)"
)

# One deliverable phrase: optional quantity, optional platform word, the kind word.
DELIVERABLE_PATTERN: Final = re.compile(
    r"(?:(?P<qty>\d{1,2}|a|an|one|single|two|both|couple of|pair of|three|four|five|six)\s*"
    r"(?:x\s*)?)?(?:(?P<plat>" + _PLATFORM_WORD + r")\s*)?(?P<kind>" + _KIND_WORD + r")\b",
    re.IGNORECASE,
)


class DeliverableMention(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DeliverableType
    quantity: int = Field(ge=1)
    start: int
    end: int


def _platform_of(word: str | None, hint: Platform | None) -> Platform | None:
    if word:
        w = word.lower().replace(" ", "")
        if w in {"instagram", "insta", "ig"}:
            return Platform.INSTAGRAM
        if w == "tiktok":
            return Platform.TIKTOK
        return Platform.YOUTUBE
    return hint


def resolve_deliverable(
    kind_word: str, platform_word: str | None, hint: Platform | None
) -> DeliverableType | None:
    """The deliverable type a phrase means, or ``None`` when it cannot be told."""
    kind = kind_word.lower().split()[-1] if kind_word.strip() else ""
    platform = _platform_of(platform_word, hint)
    if kind.startswith("reel"):
        return DeliverableType.INSTAGRAM_REEL
    if kind.startswith(("post", "carousel")):
        return DeliverableType.INSTAGRAM_POST
    if kind.startswith("tiktok"):
        return DeliverableType.TIKTOK_VIDEO
    if kind.startswith("short"):
        return DeliverableType.YOUTUBE_SHORT
    if kind.startswith("integration"):
        return DeliverableType.YOUTUBE_INTEGRATION
    if kind_word.lower().startswith("dedicated"):
        return DeliverableType.YOUTUBE_DEDICATED
    if kind.startswith(("stor", "stories")):
        if platform is Platform.TIKTOK:
            return DeliverableType.TIKTOK_STORY
        return DeliverableType.INSTAGRAM_STORY if platform is Platform.INSTAGRAM else None
    if kind.startswith("vid"):
        return {
            Platform.INSTAGRAM: DeliverableType.INSTAGRAM_REEL,
            Platform.TIKTOK: DeliverableType.TIKTOK_VIDEO,
            Platform.YOUTUBE: DeliverableType.YOUTUBE_DEDICATED,
            None: None,
        }[platform]
    return None


def quantity_of(word: str | None) -> int:
    if not word:
        return 1
    w = " ".join(word.lower().split())
    if w.isdigit():
        return max(1, int(w))
    return _NUMBER_WORDS.get(w, 1)


def deliverable_mentions(
    text: str, platform: Platform | None = None
) -> tuple[DeliverableMention, ...]:
    """Every deliverable the text names, with its quantity and position."""
    found: list[DeliverableMention] = []
    for match in DELIVERABLE_PATTERN.finditer(text):
        word = match["kind"].lower()
        # "I'll post it Monday" and "on short notice" are verbs and adjectives, not deliverables:
        # a bare "post" or "short" counts only with a quantity or a platform word.
        if word in {"post", "posts", "short", "shorts"} and not (match["qty"] or match["plat"]):
            continue
        kind = resolve_deliverable(match["kind"], match["plat"], platform)
        if kind is None:
            continue
        found.append(
            DeliverableMention(
                kind=kind, quantity=quantity_of(match["qty"]), start=match.start(), end=match.end()
            )
        )
    return tuple(found)


class Extra(StrEnum):
    """A term a reply may add to the deliverables (or leave out) that changes what is bought."""

    PAID_USAGE = "paid_usage"  # whitelisting, spark/partnership ads, boosting, paid media
    EXCLUSIVITY = "exclusivity"
    RAW_FOOTAGE = "raw_footage"
    LINK_IN_BIO = "link_in_bio"


_EXTRA_WORDS: Final = (
    (
        Extra.PAID_USAGE,
        (
            r"white[- ]?list\w*|allow[- ]?list\w*|spark[- ]?ads?|partnership ads?|"
            r"paid (?:ads?|usage|media|social|amplification|promotion|boost\w*|rights|placement)|"
            r"boost(?:ing|ed)?\b|ads? (?:usage|rights)|dark posts?|"
            r"run (?:it |them )?as (?:an? )?ads?|"
            r"organic(?:[- ]only)?"
        ),
    ),
    (Extra.EXCLUSIVITY, r"exclusiv\w*|non[- ]?compete"),
    (Extra.RAW_FOOTAGE, r"raw (?:footage|files|content|clips|video)"),
    (Extra.LINK_IN_BIO, r"link in (?:my |the )?bio|bio link|link sticker|swipe[- ]?up"),
)
_EXTRA: Final = re.compile(
    "|".join(f"(?P<{extra.name}>\\b(?:{words}))" for extra, words in _EXTRA_WORDS), re.IGNORECASE
)
_WITHOUT: Final = re.compile(
    r"\b(?:without|w/o|no|not|excluding|excl\.?|minus|sans|except|non|skip(?:ping)?|"
    r"don'?t (?:need|want|include)|doesn'?t (?:need|include))\b[^,;.!?\n]{0,20}$",
    re.IGNORECASE,
)


class ExtraMention(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    extra: Extra
    dropped: bool  # the words leave it out ("no whitelisting", "organic only")
    start: int
    end: int


def extra_mentions(text: str) -> tuple[ExtraMention, ...]:
    """Every term beyond the deliverables that ``text`` names, and whether it excludes it."""
    found: list[ExtraMention] = []
    for match in _EXTRA.finditer(text):
        extra = Extra[match.lastgroup or ""]
        organic = match.group().lower().startswith("organic")
        dropped = organic != bool(_WITHOUT.search(text[max(0, match.start() - 30) : match.start()]))
        found.append(
            ExtraMention(extra=extra, dropped=dropped, start=match.start(), end=match.end())
        )
    return tuple(found)


_UNIT_DAYS: Final = {"d": 1, "w": 7, "m": 30, "y": 365}
_TERM_NUMBERS: Final = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "nine": 9,
    "twelve": 12,
}
_USAGE_TERM: Final = re.compile(
    r"\b(?P<n>\d{1,3}|a|an|one|two|three|four|six|nine|twelve)[\s-]*"
    r"(?P<unit>days?|d\b|weeks?|wks?\b|months?|mos?\b|m\b|years?|yrs?\b|y\b)"
    r"|(?P<forever>perpetuity|forever|in perpetuity|unlimited)",
    re.IGNORECASE,
)
_USAGE_WORDS: Final = re.compile(
    r"usage|rights|licen[cs]\w*|whitelist\w*|paid|ads?\b|boost\w*", re.IGNORECASE
)


def usage_days_in(text: str, *, assume_usage: bool = False) -> int | None:
    """The usage term ``text`` names, in days, when it speaks of usage (or ``assume_usage``)."""
    if not assume_usage and not _USAGE_WORDS.search(text):
        return None
    match = _USAGE_TERM.search(text)
    if match is None:
        return None
    if match["forever"]:
        return 3650
    n = match["n"].lower()
    count = int(n) if n.isdigit() else _TERM_NUMBERS[n]
    return count * _UNIT_DAYS[match["unit"][0].lower()]
