"""Read campaign terms out of decoded ClickUp values: platforms, deliverables, influencer lists.

The form's fields are filled by people, so each reader accepts what a person would write
("2 Instagram reels, 1 story", "IG", "@handle, jane@x.com\\nJane Doe") and raises ``ValueError``
with a sentence naming what it could not read. Pure functions; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.identity import influencer_key

__all__ = [
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_deliverables",
    "parse_influencers",
    "parse_platform",
    "parse_timeline",
    "text_of",
]

_PLATFORM_WORDS: dict[str, Platform] = {
    "instagram": Platform.INSTAGRAM,
    "ig": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "tiktok": Platform.TIKTOK,
    "tt": Platform.TIKTOK,
    "youtube": Platform.YOUTUBE,
    "yt": Platform.YOUTUBE,
}
_KIND_WORDS: dict[str, str] = {
    "post": "post",
    "posts": "post",
    "feed": "post",
    "static": "post",
    "story": "story",
    "stories": "story",
    "reel": "reel",
    "reels": "reel",
    "video": "video",
    "videos": "video",
    "dedicated": "dedicated",
    "integration": "integration",
    "integrations": "integration",
    "integrated": "integration",
    "short": "short",
    "shorts": "short",
}
# Kinds only one platform has: "2 reels" needs no platform word.
_ONLY_ON = {
    "reel": Platform.INSTAGRAM,
    "dedicated": Platform.YOUTUBE,
    "integration": Platform.YOUTUBE,
    "short": Platform.YOUTUBE,
}
_SPLIT = re.compile(r"[,;\n\r]+")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MAX_ENTRY = 200
_TIMES = "x\u00d7"  # "2x" and "2\u00d7" (the multiplication sign)
_LEADING_QTY = re.compile(rf"^(\d+)\s*[{_TIMES}]?\s+(.*)$")
_TRAILING_QTY = re.compile(rf"^(.*?)\s*[{_TIMES}(]\s*(\d+)\)?$")
_MAX_INFLUENCERS = 1000


def text_of(value: object) -> str:
    """A decoded value as text: labels/users are joined with commas, dates written ISO."""
    if isinstance(value, tuple | list):
        return ", ".join(text_of(v) for v in value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_amount(value: object) -> Decimal:
    """An amount from a number, currency or text field ("$1,500", "1500.50 USD")."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        cleaned = re.sub(r"[\s,$€£]|\b[A-Za-z]{3}\b|%", "", value)
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError("is not an amount") from None
        if result.is_finite():
            return result
    raise ValueError("is not an amount")


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"yes", "y", "true", "1", "on"}:
            return True
        if word in {"no", "n", "false", "0", "off"}:
            return False
    raise ValueError("is not yes or no")


def parse_platform(value: object) -> Platform:
    word = text_of(value).strip().lower().replace(" ", "")
    platform = _PLATFORM_WORDS.get(word)
    if platform is None:
        raise ValueError("is not a platform dealdesk negotiates on (Instagram, TikTok or YouTube)")
    return platform


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    found = _ISO_DATE.findall(text_of(value))
    if len(found) != 1:
        raise ValueError("is not a date (write it as 2026-12-31)")
    return _to_date(found[0])


def _to_date(parts: tuple[str, str, str]) -> date:
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"{'-'.join(parts)} is not a calendar date") from None


def parse_timeline(value: object) -> tuple[date | None, date]:
    """A date field is the end date; text may give one date (the end) or a start and an end."""
    if isinstance(value, datetime):
        return None, value.date()
    found = _ISO_DATE.findall(text_of(value))
    if len(found) == 1:
        return None, _to_date(found[0])
    if len(found) == 2:
        return _to_date(found[0]), _to_date(found[1])
    raise ValueError("is not a timeline (write 2026-12-31, or 2026-12-01 to 2026-12-31)")


def _deliverable(item: str, platform: Platform | None) -> tuple[DeliverableType, int]:
    text = item.strip().lower().replace("_", " ").replace("-", " ")
    quantity = 1
    match = _LEADING_QTY.match(text) or _TRAILING_QTY.match(text)
    if match is not None:
        first, second = match.groups()
        number, text = (first, second) if first.isdigit() else (second, first)
        quantity = int(number)
    words = re.findall(r"[a-z]+", text.replace("tik tok", "tiktok").replace("you tube", "youtube"))
    named = {_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS}
    kinds = [_KIND_WORDS[w] for w in words if w in _KIND_WORDS]
    if "dedicated" in kinds:
        kinds = ["dedicated"]
    if not kinds and named == {Platform.TIKTOK}:
        kinds = ["video"]
    if len(set(kinds)) != 1:
        raise ValueError(f"{item.strip()!r} is not a deliverable (e.g. '2 Instagram reels')")
    kind = kinds[0]
    if len(named) > 1:
        raise ValueError(f"{item.strip()!r} names more than one platform")
    chosen = next(iter(named)) if named else _ONLY_ON.get(kind, platform)
    if chosen is None:
        raise ValueError(f"{item.strip()!r} does not say which platform it is for")
    try:
        deliverable = DeliverableType(f"{chosen.value}_{kind}")
    except ValueError:
        raise ValueError(f"{item.strip()!r}: {chosen.value} has no {kind}") from None
    if not 1 <= quantity <= 100:
        raise ValueError(f"{item.strip()!r}: the quantity must be between 1 and 100")
    return deliverable, quantity


def parse_deliverables(value: object, platform: Platform | None) -> tuple[dict[str, object], ...]:
    """ "2 Instagram reels, 1 story" -> ({"kind": "instagram_reel", "quantity": 2}, ...)."""
    items = (
        [text_of(v) for v in value]
        if isinstance(value, tuple | list)
        else _SPLIT.split(text_of(value))
    )
    totals: dict[DeliverableType, int] = {}
    problems: list[str] = []
    for item in items:
        if not item.strip():
            continue
        try:
            kind, quantity = _deliverable(_BULLET.sub("", item), platform)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        totals[kind] = totals.get(kind, 0) + quantity
    if problems:
        raise ValueError("; ".join(problems))
    if not totals:
        raise ValueError("lists no deliverable")
    return tuple({"kind": k.value, "quantity": q} for k, q in totals.items())


def parse_influencers(value: object) -> tuple[str, ...]:
    """Names, emails or @handles, comma- or newline-separated (or a labels/users list)."""
    items = (
        [text_of(v) for v in value]
        if isinstance(value, tuple | list)
        else _SPLIT.split(text_of(value))
    )
    seen: set[str] = set()
    out: list[str] = []
    for raw in items:
        entry = " ".join(_BULLET.sub("", raw).split())
        if not entry:
            continue
        if len(entry) > _MAX_ENTRY:
            raise ValueError(f"entry {entry[:40]!r}... is longer than {_MAX_ENTRY} characters")
        if any(unicodedata.category(c).startswith("C") for c in entry):
            raise ValueError(f"entry {entry!r} holds control characters")
        key = influencer_key(entry)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    if len(out) > _MAX_INFLUENCERS:
        raise ValueError(f"lists {len(out)} influencers; at most {_MAX_INFLUENCERS} per campaign")
    return tuple(out)
