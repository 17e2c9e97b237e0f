"""Read campaign terms out of decoded ClickUp values: platforms, deliverables, influencer lists.

The form's fields are filled by people, so each reader accepts what a person would write
("2 Instagram reels, 1 story", "IG", "@handle, jane@x.com\\nJane Doe") and raises ``ValueError``
with a sentence naming what it could not read. The deliverables field, with the usage terms and
notes people write into it, is read by :mod:`.deliverables`. Pure functions; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from dealdesk.domain.identity import influencer_key
from dealdesk.integrations.clickup.deliverables import (
    BULLET,
    PLATFORM_NAMES,
    PLATFORM_WORDS,
    DeliverablesField,
    read_deliverable_lines,
)

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Platform

__all__ = [
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_deliverables",
    "parse_influencers",
    "parse_platform",
    "parse_timeline",
    "read_deliverables",
    "text_of",
]

_SPLIT = re.compile(r"[,;\n\r]+")
_LINES = re.compile(r"[;\n\r]+")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MAX_ENTRY = 200
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
    platform = PLATFORM_WORDS.get(word)
    if platform is None:
        names = ", ".join(PLATFORM_NAMES.values())
        raise ValueError(f"is not a platform dealdesk negotiates on ({names})")
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


def read_deliverables(value: object, platform: Platform | None) -> DeliverablesField:
    """The deliverables field: deliverables, usage terms written into it, and notes."""
    lines = (
        [text_of(v) for v in value]
        if isinstance(value, tuple | list)
        else _LINES.split(text_of(value))
    )
    return read_deliverable_lines(lines, platform)


def parse_deliverables(value: object, platform: Platform | None) -> tuple[dict[str, object], ...]:
    """ "2 Instagram reels, 1 story" -> ({"kind": "instagram_reel", "quantity": 2}, ...)."""
    return read_deliverables(value, platform).deliverables


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
        entry = " ".join(BULLET.sub("", raw).split())
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
