"""Words emails use for deliverables, resolved to ``DeliverableType`` with the campaign's platform.

"story" is an Instagram story on an Instagram campaign and a TikTok story on a TikTok one; "video"
is a reel, a TikTok video or a dedicated YouTube video depending on the platform. Without a
platform hint and without a platform word ("IG", "TikTok", "YouTube") an ambiguous word resolves
to nothing rather than to a guess.
"""

from __future__ import annotations

import re
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from dealdesk.domain.campaign import DeliverableType, Platform

__all__ = [
    "DELIVERABLE_PATTERN",
    "DeliverableMention",
    "deliverable_mentions",
    "resolve_deliverable",
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
