"""Prices offered on conditions, read as options and checked against the campaign's brief.

"1,650 with whitelisting, otherwise 1,900", "2k for reel + stories, 1.5k reel only" and "$1,800
for 30 days of usage or $2,400 for 90 days" each offer two prices. The reply is cut into clauses
(at sentence ends, commas, semicolons and before "or"/"otherwise"/"alternatively"); each of their
prices takes the words of its clause, and a clause without a price lends its words to a
neighbour ("With exclusivity it's 2,500; without, 1,700"). A price is an option when its clause
states a condition (a package, a term such as whitelisting or exclusivity, a usage length) or
offers an alternative ("or", "otherwise"), which makes the price before it an option too. A rate
card ("Reel: $1,100 / Stories: $250 each / Or $1,600 for the package") prices parts, not options.

An "otherwise" clause drops what the other options add; a clause that adds deliverables ("if you
want 2 stories added on") buys them on top of the first option's package. Each option is then
compared with the brief (deliverables, paid usage, usage days; exclusivity, raw footage and a
link in bio are never in a brief): any difference, or no brief to compare with, is for a person.
A single price with a condition outside the brief ("1,300 but only if it's organic" when the
brief includes paid usage) is for a person too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from dealdesk.domain.amounts import AmountBasis, FoundAmount
from dealdesk.domain.campaign import Deliverable, DeliverableType, UsageRights
from dealdesk.domain.reading import PriceOption
from dealdesk.domain.vocabulary import (
    DELIVERABLE_PATTERN,
    Extra,
    deliverable_mentions,
    extra_mentions,
    usage_days_in,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dealdesk.domain.campaign import Platform

__all__ = ["Brief", "conditions_outside_brief", "price_options"]

_CUT: Final = re.compile(
    r"[.!?](?=\s|$)|\n|;|,(?!\d)|\s(?=(?:or|otherwise|alternatively|else)\b)|\s[/|]\s",
    re.IGNORECASE,
)
_SENTENCE_END: Final = re.compile(r"[.!?\n]")
_ALTERNATIVE: Final = re.compile(
    r"\b(?:or|otherwise|alternatively|else|instead|if not|without)\b", re.IGNORECASE
)
# "otherwise 1,900", "1,700 without": the option without what the others add.
_NEGATED_ALTERNATIVE: Final = re.compile(
    r"\b(?:otherwise|else|if not|without(?:\s+(?:it|that|them|those))?\s*(?:[,:]|$|\d|[$€£]))",
    re.IGNORECASE,
)
_IF: Final = re.compile(
    r"\b(?:if|provided|as long as|so long as|assuming|on condition|in exchange for|in return for)"
    r"\b[^,;.!?]*",
    re.IGNORECASE,
)
_BARE_TERM: Final = re.compile(r"\b(?:with|for|at)\s+(?P<n>\d{1,3})\s*$", re.IGNORECASE)
# The reply itself says it offers a choice: every price in it is an option.
_CHOICE: Final = re.compile(r"\b(?:options?|either|choices?|alternatives?)\b", re.IGNORECASE)
_ONLY: Final = re.compile(r"\b(?:only|just|alone|by itself|on its own)\b", re.IGNORECASE)
_ADDED: Final = re.compile(
    r"\b(?:add(?:ed|ing)?|plus|on top|extra|additional|as well|also|too)\b|\+", re.IGNORECASE
)
_EXTRA_NAMES: Final = {
    Extra.PAID_USAGE: "paid usage (whitelisting or ads)",
    Extra.EXCLUSIVITY: "exclusivity",
    Extra.RAW_FOOTAGE: "raw footage",
    Extra.LINK_IN_BIO: "a link in bio",
}


@dataclass(frozen=True)
class Brief:
    """What the campaign buys, to compare conditions with; ``None`` fields are not known."""

    deliverables: tuple[Deliverable, ...] | None = None
    usage_rights: UsageRights | None = None

    @property
    def known(self) -> bool:
        return self.deliverables is not None and self.usage_rights is not None


@dataclass
class _Group:
    ask: FoundAmount
    text: str
    sentence: int
    others: list[FoundAmount] = field(default_factory=list)


def _segments(body: str) -> list[tuple[int, int, int]]:
    """(start, end, sentence number) of each clause."""
    pieces: list[tuple[int, int, int]] = []
    start, sentence = 0, 0
    for cut in _CUT.finditer(body):
        pieces.append((start, cut.start(), sentence))
        if _SENTENCE_END.match(cut.group()):
            sentence += 1
        start = cut.end()
    pieces.append((start, len(body), sentence))
    return [p for p in pieces if body[p[0] : p[1]].strip()]


def _kind_words(text: str) -> set[str]:
    """The deliverables a clause names, as words (a "story" counts even without a platform)."""
    named: set[str] = set()
    for match in DELIVERABLE_PATTERN.finditer(text):
        word = match["kind"].lower().rstrip("s").replace("storie", "story")
        if word not in {"post", "short"} or match["qty"] or match["plat"]:  # "I'll post it"
            named.add(word)
    return named


def _only(text: str) -> bool:
    """Whether a clause prices a package alone ("1.5k reel only")."""
    return bool(_kind_words(text) and _ONLY.search(text))


def _stated(text: str) -> bool:
    """Whether a clause states a condition of its own (a package, a term, a usage length)."""
    return bool(
        extra_mentions(text)
        or usage_days_in(text) is not None
        or len(_kind_words(text)) >= 2
        or _only(text)
    )


def _groups(body: str, asks: Sequence[FoundAmount]) -> list[_Group]:
    groups: list[_Group] = []
    pending: list[tuple[str, int]] = []
    for start, end, sentence in _segments(body):
        text = body[start:end].strip()
        inside = [a for a in asks if start <= a.start < end]
        if not inside:
            last = groups[-1] if groups else None
            if (
                last is not None
                and last.sentence == sentence
                and not pending
                and not _stated(last.text)
            ):
                last.text = f"{last.text} {text}"
            else:
                pending.append((text, sentence))
            continue
        lead = " ".join(t for t, s in pending if s == sentence)
        pending = []
        for found in inside:
            group = _Group(found, f"{lead} {text}".strip(), sentence)
            group.others = [a for a in inside if a is not found]
            groups.append(group)
    return groups


def _usage_days(group: _Group, *, assume_usage: bool) -> int | None:
    """The usage term of an option; "or $1,200 with 30" borrows the unit of the other options."""
    days = usage_days_in(group.text, assume_usage=assume_usage)
    if days is None and assume_usage:
        rest = group.text.replace(group.ask.text, " ")
        if (bare := _BARE_TERM.search(rest)) is not None:
            return int(bare["n"])
    return days


def _package(text: str, platform: Platform | None) -> dict[DeliverableType, int]:
    package: dict[DeliverableType, int] = {}
    for mention in deliverable_mentions(text, platform):
        package[mention.kind] = max(package.get(mention.kind, 0), mention.quantity)
    return package


def _outside(option: PriceOption, brief: Brief, *, options: bool = False) -> tuple[str, ...]:
    """How ``option`` differs from the brief; for ``options``, an unread "if ..." counts too."""
    reasons: list[str] = []
    if brief.deliverables is not None and option.deliverables:
        wanted = {d.kind: d.quantity for d in brief.deliverables}
        counts = {d.kind: d.quantity for d in option.deliverables}
        recounted = any(q > 1 and q != wanted.get(k) for k, q in counts.items())
        if set(counts) != set(wanted) or recounted:
            what = ", ".join(d.describe() for d in option.deliverables)
            brief_what = ", ".join(d.describe() for d in brief.deliverables)
            reasons.append(f"it buys {what}, not the brief's {brief_what}")
    rights = brief.usage_rights
    reasons.extend(
        f"it adds {_EXTRA_NAMES[extra]}, which the brief does not include"
        for extra in option.adds
        if extra is not Extra.PAID_USAGE or (rights is not None and not rights.paid_ads)
    )
    if Extra.PAID_USAGE in option.drops and rights is not None and rights.paid_ads:
        reasons.append("it leaves out the paid usage the brief includes")
    days = option.usage_days
    if days is not None and rights is not None and days != rights.duration_days:
        reasons.append(f"it names {days} days of usage; the brief has {rights.duration_days}")
    named = option.adds or option.drops or option.deliverables or option.usage_days is not None
    if options and not named and (condition := _IF.search(option.condition)) is not None:
        reasons.append(f"it comes with a condition the brief does not cover: {condition.group()!r}")
    return tuple(reasons)


def _option(
    group: _Group, first: dict[DeliverableType, int], platform: Platform | None
) -> PriceOption:
    package = _package(group.text, platform)
    if first and package and _ADDED.search(group.text) and not set(package) >= set(first):
        package = {**first, **package}
    mentions = extra_mentions(group.text)
    return PriceOption(
        amount=group.ask.amount,
        upper=group.ask.upper,
        condition=group.text,
        deliverables=tuple(Deliverable(kind=k, quantity=q) for k, q in package.items()),
        adds=tuple(dict.fromkeys(m.extra for m in mentions if not m.dropped)),
        drops=tuple(dict.fromkeys(m.extra for m in mentions if m.dropped)),
    )


def price_options(
    body: str, asks: Sequence[FoundAmount], platform: Platform | None, brief: Brief
) -> tuple[tuple[PriceOption, ...], str | None]:
    """The options ``body`` offers (none when it names one price) and why a person must choose."""
    groups = _groups(body, asks)
    chosen: list[_Group] = []
    choice = bool(_CHOICE.search(body))
    for index, group in enumerate(groups):
        if group.ask.basis is AmountBasis.PER_ITEM:
            continue  # a price per item is a part of a rate card, not an option
        # "or", "otherwise" and "X only" set a price against the one before it.
        alternative = bool(_ALTERNATIVE.search(group.text)) or _only(group.text)
        if _stated(group.text) or alternative or choice:
            before = groups[index - 1] if index > 0 else None
            if (
                alternative
                and before is not None
                and before.ask.basis is not AmountBasis.PER_ITEM
                and before not in chosen
            ):
                chosen.append(before)
            chosen.append(group)
    if len(chosen) < 2 or len({(g.ask.amount, g.ask.upper) for g in chosen}) < 2:
        return (), None
    first = _package(chosen[0].text, platform)
    options = [_option(g, first, platform) for g in chosen]
    usage = any(usage_days_in(g.text) is not None for g in chosen)
    finished: list[PriceOption] = []
    for group, read in zip(chosen, options, strict=True):
        update: dict[str, object] = {"usage_days": _usage_days(group, assume_usage=usage)}
        if not read.adds and not read.drops and _NEGATED_ALTERNATIVE.search(group.text):
            others = [o for o in options if o is not read]
            update["drops"] = tuple(dict.fromkeys(e for o in others for e in o.adds))
            update["adds"] = tuple(dict.fromkeys(e for o in others for e in o.drops))
        option = read.model_copy(update=update)
        checked = {"outside_brief": _outside(option, brief, options=True)}
        finished.append(option.model_copy(update={**checked, "unchecked": not brief.known}))
    described = "; ".join(_describe(o) for o in finished)
    if not brief.known:
        return tuple(finished), f"They offer {len(finished)} prices on conditions: {described}."
    if any(o.outside_brief for o in finished):
        return tuple(finished), (
            f"They offer {len(finished)} prices on conditions, not all within the brief: "
            f"{described}."
        )
    return tuple(finished), None


def _describe(option: PriceOption) -> str:
    words = f"{option.amount.normalize():f} ({option.condition})"
    return words + (f" - {'; '.join(option.outside_brief)}" if option.outside_brief else "")


def conditions_outside_brief(body: str, asks: Sequence[FoundAmount], brief: Brief) -> str | None:
    """Why a person must look at a single price whose sentence sets terms outside the brief."""
    if not brief.known or not asks:
        return None
    reasons: list[str] = []
    for found in asks:
        start = max(_sentence_start(body, found.start), 0)
        end = _sentence_end(body, found.end)
        sentence = body[start:end]
        mentions = extra_mentions(sentence)
        option = PriceOption(
            amount=found.amount,
            condition=sentence.strip(),
            adds=tuple(dict.fromkeys(m.extra for m in mentions if not m.dropped)),
            drops=tuple(dict.fromkeys(m.extra for m in mentions if m.dropped)),
            usage_days=usage_days_in(sentence),
        )
        reasons.extend(_outside(option, brief))
    if not reasons:
        return None
    return f"Their price comes with terms outside the brief: {'; '.join(dict.fromkeys(reasons))}."


def _sentence_start(body: str, position: int) -> int:
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)|\n", body[:position])]
    return ends[-1] if ends else 0


def _sentence_end(body: str, position: int) -> int:
    match = re.search(r"[.!?](?=\s|$)|\n", body[position:])
    return position + match.start() if match else len(body)
