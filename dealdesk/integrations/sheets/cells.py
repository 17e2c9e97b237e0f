"""Read roster cells as people write them into a sheet. Pure functions, no I/O.

- views: "125,400", "125400", "125 400", "125.4k", "1.2M" (a bare decimal must be whole);
- rates: "$1,500", "$1,500.00", "1500 USD", "USD 1,500", "CA$1,500", "1.5k" (the currency is
  not checked: the roster is written in the agency's currency);
- engagement: "4.2%", "4.2" (a bare number of 1 or more is a percentage: no creator engages
  100% of their audience), "0.042";
- platform: "Instagram", "IG", "Insta", "TikTok", "TT", "YouTube", "YT", any case and spacing;
- handle: "@glowwithmaya", "glowwithmaya" or a profile URL ("instagram.com/glowwithmaya").

Each reader raises ``ValueError`` with the end of a sentence saying what is wrong with the value
("is not a whole number of views"); the roster puts the field and the value in front.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from dealdesk.domain.campaign import Platform
from dealdesk.domain.money import quantize

__all__ = [
    "PLATFORM_WORDS",
    "parse_engagement",
    "parse_handle",
    "parse_platform",
    "parse_rate",
    "parse_views",
]

# NOTE: integrations/clickup/deliverables.py keeps the same table (PLATFORM_WORDS) for the
# campaign form; both could share one in dealdesk.domain (with the names emails use) rather than
# each integration keeping its own. Left here so this package does not import clickup.
PLATFORM_WORDS: Final[dict[str, Platform]] = {
    "instagram": Platform.INSTAGRAM,
    "ig": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "tiktok": Platform.TIKTOK,
    "tt": Platform.TIKTOK,
    "youtube": Platform.YOUTUBE,
    "yt": Platform.YOUTUBE,
}
_PLATFORM_NAMES: Final = "Instagram, TikTok or YouTube"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
_VIEWS = re.compile(_NUMBER + r"(?P<unit>[km])?(?:views?)?", re.IGNORECASE)
_RATE = re.compile(
    r"(?:(?P<code1>[a-z]{3}))?(?P<symbol>[a-z]{0,2}[$€£])?"
    + _NUMBER
    + r"(?P<unit>k)?(?P<code2>[a-z]{3})?",
    re.IGNORECASE,
)
_ENGAGEMENT = re.compile(r"(?P<num>\d+(?:[.,]\d+)?|[.,]\d+)(?P<pct>%)?")
_PROFILE_URL = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:instagram|tiktok|youtube)\.com/(?P<handle>@?[^/?#]+)",
    re.IGNORECASE,
)
_UNITS: Final = {"k": Decimal(1000), "m": Decimal(1_000_000)}


def _number(match: re.Match[str]) -> Decimal:
    digits = match["int"].replace(",", "")
    return Decimal(f"{digits}.{match['frac']}" if match["frac"] else digits)


def parse_views(text: str) -> int:
    """A number of views; "125.4k" is rounded to whole views, a bare "125.5" is refused."""
    match = _VIEWS.fullmatch(_SPACES.sub("", text))
    if match is None:
        raise ValueError("is not a number of views")
    value = _number(match)
    if match["unit"]:
        value = (value * _UNITS[match["unit"].lower()]).to_integral_value(ROUND_HALF_UP)
    elif value != value.to_integral_value():
        raise ValueError("is not a whole number of views")
    if value <= 0:
        raise ValueError("must be above zero")
    return int(value)


def parse_rate(text: str) -> Decimal:
    """An amount of money, in cents."""
    match = _RATE.fullmatch(_SPACES.sub("", text))
    if match is None or (match["code1"] and match["code2"]):
        raise ValueError("is not an amount")
    value = _number(match)
    if match["unit"]:
        value *= _UNITS["k"]
    return quantize(value)


def parse_engagement(text: str) -> Decimal:
    """A fraction between 0 and 1 ("4.2%" and "4.2" are both 0.042)."""
    match = _ENGAGEMENT.fullmatch(_SPACES.sub("", text))
    if match is None:
        raise ValueError("is not a rate (write 4.2%)")
    value = Decimal(match["num"].replace(",", "."))
    if match["pct"] or value >= 1:
        value /= 100
    if value > 1:
        raise ValueError("is above 100%")
    return value.normalize() if value else Decimal(0)


def parse_platform(text: str) -> Platform:
    word = re.sub(r"[\s.\-_]+", "", text.casefold())
    platform = PLATFORM_WORDS.get(word)
    if platform is None:
        raise ValueError(f"is not a platform dealdesk negotiates on ({_PLATFORM_NAMES})")
    return platform


def parse_handle(text: str) -> str:
    """The handle without its "@" (a profile URL gives its last part)."""
    value = text.strip()
    if (match := _PROFILE_URL.search(value)) is not None:
        value = match["handle"]
    value = value.removeprefix("@").strip()
    if not value or _SPACES.search(value) or "/" in value:
        raise ValueError("is not a social handle")
    return value
