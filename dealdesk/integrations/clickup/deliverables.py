"""Read the deliverables field as people write it: what the campaign asks of every creator.

A line holds items separated by commas, and an item may join several with ``+``, ``&``, "and",
"plus" or "with" ("1 reel + 2 stories", "2 TikToks and 1 story"). Quantities lead or trail
("2x IG reel", "story (3)", "Reels: 2", "two stories"). What is not a campaign-wide deliverable is
set apart rather than misread:

- a usage clause ("30 days organic usage", a "usage: 60 days paid" line) goes to the usage terms
  (:mod:`.usage`), not the deliverables;
- a note in brackets ("1 reel (Maya: 2 reels)") and a line for one creator ("Maya: 1 reel", or
  lines under a "Maya:" heading) are notes: the campaign holds one set of deliverables for
  everyone, so they are kept aside, never added;
- a heading such as "Deliverables:" or "Instagram:" just introduces the items after it.

Only what is really ambiguous raises ``ValueError``, with a sentence saying what would be read.
Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dealdesk.domain.campaign import PLATFORM_DELIVERABLES, DeliverableType, Platform
from dealdesk.integrations.clickup.fields import quoted
from dealdesk.integrations.clickup.usage import (
    NUMBER_WORDS,
    UsageTerms,
    gives_length,
    merge_usage,
    names_usage,
    read_usage,
    states_paid,
)

__all__ = [
    "BULLET",
    "PLATFORM_NAMES",
    "PLATFORM_WORDS",
    "DeliverablesField",
    "read_deliverable_lines",
]

PLATFORM_WORDS: dict[str, Platform] = {
    "instagram": Platform.INSTAGRAM,
    "ig": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "tiktok": Platform.TIKTOK,
    "tiktoks": Platform.TIKTOK,
    "tt": Platform.TIKTOK,
    "youtube": Platform.YOUTUBE,
    "yt": Platform.YOUTUBE,
}
PLATFORM_NAMES: dict[Platform, str] = {
    Platform.INSTAGRAM: "Instagram",
    Platform.TIKTOK: "TikTok",
    Platform.YOUTUBE: "YouTube",
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
BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_TIMES = "x\u00d7"  # "2x" and "2\u00d7" (the multiplication sign)
_LEADING_QTY = re.compile(rf"^(\d+)\s*[{_TIMES}]?\s+(.*)$")
_TRAILING_QTY = re.compile(rf"^(.*?)\s*[{_TIMES}(]\s*(\d+)\)?$")
_COUNTED = re.compile(r"^([^:\d]+?)\s*:\s*(\d+)\b(.*)$")  # "reels: 2"
_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_QTY_ONLY = re.compile(rf"^\s*[{_TIMES}]?\s*(\d+)\s*[{_TIMES}]?\s*$")
_LABEL = re.compile(r"^([^:]{1,60}?)\s*:\s*(.*)$", re.DOTALL)
_ITEMS = re.compile(r",")
_JOINS = re.compile(
    r"\s*(?:\+|&|\band\b|\bplus\b|\bwith\b|\bincl(?:uding|\.)?(?=\s))\s*", re.IGNORECASE
)
# Heading words that introduce the campaign-wide deliverables ("Deliverables:", "Per creator:").
_WIDE_WORDS = "deliverables deliverable content all everyone each every per creator creators"
_WIDE = frozenset(f"{_WIDE_WORDS} influencer influencers campaign scope target targets".split(" "))


@dataclass(frozen=True)
class DeliverablesField:
    """What the field says: the campaign-wide deliverables (``{"kind", "quantity"}`` each), the
    usage terms written into it (``None`` if none) and the notes that are neither."""

    deliverables: tuple[dict[str, object], ...]
    usage: UsageTerms | None = None
    notes: tuple[str, ...] = ()


def _how(platform: Platform | None) -> str:
    first, second = {
        Platform.TIKTOK: ("2 videos", "1 story"),
        Platform.YOUTUBE: ("1 integration", "2 shorts"),
    }.get(platform or Platform.INSTAGRAM, ("1 reel", "2 stories"))
    return f'write deliverables like "{first}, {second}" or "{first} + {second}"'


def _words(text: str) -> list[str]:
    plain = text.lower().replace("_", " ").replace("-", " ")
    return re.findall(r"[a-z]+", plain.replace("tik tok", "tiktok").replace("you tube", "youtube"))


def _kinds_of(words: list[str]) -> list[str]:
    kinds = [_KIND_WORDS[w] for w in words if w in _KIND_WORDS]
    if "dedicated" in kinds:
        return ["dedicated"]
    if len(set(kinds)) > 1 and "video" in kinds:
        kinds = [k for k in kinds if k != "video"]  # "integrated video" is an integration
    return kinds


def _quantity(text: str) -> tuple[int, str]:
    counted = _COUNTED.match(text)
    if counted is not None:
        label, number, tail = counted.groups()
        text = f"{number} {label}{tail}"
    first, _, rest = text.partition(" ")
    if first in NUMBER_WORDS and rest:
        text = f"{NUMBER_WORDS[first]} {rest}"
    match = _LEADING_QTY.match(text) or _TRAILING_QTY.match(text)
    if match is None:
        return 1, text
    first, second = match.groups()
    return (int(first), second) if first.isdigit() else (int(second), first)


def _deliverable(item: str, platform: Platform | None) -> tuple[DeliverableType, int]:
    shown = quoted(item)
    quantity, text = _quantity(item.strip().lower().replace("_", " ").replace("-", " "))
    words = _words(text)
    named = {PLATFORM_WORDS[w] for w in words if w in PLATFORM_WORDS}
    kinds = _kinds_of(words)
    if not kinds and named == {Platform.TIKTOK}:
        kinds = ["video"]
    if not kinds:
        raise ValueError(f"{shown} is not a deliverable; {_how(platform)}")
    if len(set(kinds)) > 1:
        raise ValueError(f"{shown} names more than one deliverable; {_how(platform)}")
    kind = kinds[0]
    if len(named) > 1:
        raise ValueError(f"{shown} names more than one platform; a campaign runs on one")
    chosen = next(iter(named)) if named else _ONLY_ON.get(kind, platform)
    if chosen is None:
        raise ValueError(
            f'{shown} does not say which platform it is for; name it, like "2 Instagram stories"'
        )
    try:
        deliverable = DeliverableType(f"{chosen.value}_{kind}")
    except ValueError:
        name = PLATFORM_NAMES[chosen]
        has = ", ".join(d.value.split("_", 1)[1] for d in PLATFORM_DELIVERABLES[chosen])
        raise ValueError(
            f"{shown} is not a deliverable: {name} has no {kind} (it has {has})"
        ) from None
    if not 1 <= quantity <= 100:
        raise ValueError(f"{shown}: the quantity must be between 1 and 100")
    return deliverable, quantity


def _lift_brackets(line: str) -> tuple[str, list[str]]:
    """``line`` without its bracketed notes, and those notes; "(3)" stays: it is a quantity."""
    lifted: list[str] = []

    def lift(match: re.Match[str]) -> str:
        quantity = _QTY_ONLY.match(match.group(1))
        if quantity is not None:
            return f"({quantity.group(1)})"
        lifted.append(match.group(1).strip())
        return " "

    before = None
    while before != line:
        before, line = line, _BRACKET.sub(lift, line)
    return line.strip(), [note for note in lifted if note]


def _heading(line: str) -> tuple[str, str, str] | None:
    """``(role, label, rest)`` for "label: rest", role being what the label makes the rest:
    ``usage``, ``wide`` (campaign-wide), ``platform`` or ``creator``; ``None`` for no label."""
    found = _LABEL.match(line)
    if found is None:
        return None
    label, rest = found.group(1).strip(), found.group(2).strip()
    words = _words(label)
    if _kinds_of(words) or re.fullmatch(r"\d+", rest):
        return None  # "Reels: 2" is an item
    if names_usage(label):
        return "usage", label, rest
    if words and all(w in PLATFORM_WORDS for w in words):
        return "platform", label, rest
    if all(w in _WIDE for w in words):
        return "wide", label, rest
    return "creator", label, rest


def _role(piece: str) -> str:
    if names_usage(piece):
        return "usage"
    words = _words(piece)
    if _kinds_of(words) or {"tiktok", "tiktoks"}.intersection(words):
        return "deliverable"
    return "usage" if states_paid(piece) else "other"


def _groups(item: str) -> list[tuple[str, str]]:
    """An item split at its joins ("1 reel + 2 stories") into ``(role, text)`` groups. A piece that
    names neither a deliverable nor usage stays with its neighbour ("1 story with link"), and
    usage pieces stay together ("30 days organic + paid usage"), so nothing splits mid-thought."""
    bounds = [0]
    for join in _JOINS.finditer(item):
        bounds += [join.start(), join.end()]
    bounds.append(len(item))
    groups: list[tuple[str, int, int]] = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        role = _role(item[start:end])
        if groups and (role == "other" or role == groups[-1][0] == "usage"):
            groups[-1] = (groups[-1][0], groups[-1][1], end)
        elif groups and groups[-1][0] == "other":
            groups[-1] = (role, groups[-1][1], end)
        else:
            groups.append((role, start, end))
    texts = [(role, item[start:end].strip()) for role, start, end in groups]
    return [(role, text) for role, text in texts if text]


@dataclass
class _Reading:
    """What the lines read so far; ``problems`` are sentences for the person."""

    platform: Platform | None
    totals: dict[DeliverableType, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        heading = _heading(text)
        if heading is not None and heading[0] == "usage":
            self.clauses.append(text)
        elif heading is None and (names_usage(text) or states_paid(text)):
            self.clauses.append(text)  # "1 reel (30 days organic usage)"
        else:
            self.notes.append(text)

    def under(self, role: str, label: str, rest: str) -> None:
        """``rest`` read as ``role`` (see :func:`_heading`) says it is."""
        if role == "creator":
            self.notes.append(f"{label}: {rest}")
            self.creators.append(label)
        elif role == "usage":
            self.clauses.append(f"{label}: {rest}")
        else:
            here = PLATFORM_WORDS[_words(label)[0]] if role == "platform" else self.platform
            for item in _ITEMS.split(rest):
                self.item(BULLET.sub("", item).strip(), here)

    def item(self, item: str, platform: Platform | None) -> None:
        heading = _heading(item)
        if heading is not None:  # "1 reel, Maya: 2 reels"
            self.under(heading[0], heading[1], heading[2])
            return
        for role, text in _groups(item):
            if role == "usage":
                self.clauses.append(text)
                continue
            try:
                kind, quantity = _deliverable(text, platform)
            except ValueError as exc:
                if not _kinds_of(_words(text)) and gives_length(text):
                    self.clauses.append(text)  # "30 days": usage's reader says how to write it
                else:
                    self.problems.append(str(exc))
                continue
            self.totals[kind] = self.totals.get(kind, 0) + quantity


def read_deliverable_lines(lines: list[str], platform: Platform | None) -> DeliverablesField:
    """Read the field's lines (or a labels field's labels); ``platform`` places "2 stories"."""
    reading = _Reading(platform)
    section = ("wide", "")
    for raw_line in lines:
        line, lifted = _lift_brackets(BULLET.sub("", raw_line))
        heading = _heading(line)
        for inner in lifted:
            if (heading or section)[0] == "creator":
                reading.notes.append(inner)  # "Maya: 1 reel (60 days usage)" is Maya's alone
            else:
                reading.note(inner)
        if heading is None:
            reading.under(*section, line)
        elif heading[2]:
            reading.under(*heading)
        else:
            section = (heading[0], heading[1])  # a heading line: the lines after it are its
    usage = _usage(reading.clauses, reading.problems)
    if reading.problems:
        raise ValueError("; ".join(reading.problems))
    if not reading.totals:
        raise ValueError(_nothing_wide(reading.creators, usage, platform))
    deliverables: tuple[dict[str, object], ...] = tuple(
        {"kind": k.value, "quantity": q} for k, q in reading.totals.items()
    )
    return DeliverablesField(deliverables, usage, tuple(reading.notes))


def _usage(clauses: list[str], problems: list[str]) -> UsageTerms | None:
    read: list[UsageTerms] = []
    for clause in clauses:
        try:
            terms = read_usage(clause)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if terms is not None:
            read.append(terms)
    try:
        return merge_usage(read)
    except ValueError as exc:
        problems.append(str(exc))
        return None


def _nothing_wide(creators: list[str], usage: UsageTerms | None, platform: Platform | None) -> str:
    if creators:
        names = ", ".join(dict.fromkeys(creators))
        return (
            f"lists deliverables only for named creators ({names}), and a campaign asks the same "
            f"of everyone: {_how(platform)} on a line of their own (notes for one creator can "
            'follow in brackets, like "1 reel (Maya: 2 reels)")'
        )
    if usage is not None:
        return f"lists usage terms but no deliverable; {_how(platform)}"
    return f"lists no deliverable; {_how(platform)}"
