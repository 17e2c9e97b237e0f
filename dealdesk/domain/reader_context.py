"""What the thread tells the reader: our offers, what was copied from our emails, who signs.

A reply is read after our last offer and the earlier messages. From them the reader learns:

- **our numbers**: the last offer (given, or the last amount in our last message) and every
  amount we wrote before. A reply that names one of them beside a number of its own ("you went
  from 1,000 to 1,200, I need 1,500") is citing us, not asking; "the $1,000" is ours too.
- **what is not theirs**: lines of our emails pasted into the reply without quote marks, and
  everything below a "<name> wrote:" line, are dropped before reading.
- **who writes**: the signature below a "--" line (which ``own_words`` leaves out of the body)
  still names a talent manager or an agency.

``read_reply_in(negotiation, text, received=...)`` reads a reply with all of it taken from the
negotiation: its last offer, currency, brief, usage rights and history.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from dealdesk.domain.amounts import FoundAmount, find_amounts
from dealdesk.domain.negotiation import HistoryKind
from dealdesk.domain.quoting import html_to_text, looks_like_html, own_words
from dealdesk.domain.reading import ThreadMessage

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime
    from decimal import Decimal

    from dealdesk.domain.negotiation import Negotiation
    from dealdesk.domain.reading import ReplyReading

__all__ = [
    "OurNumbers",
    "cut_copied",
    "foreign_currency",
    "our_numbers",
    "read_reply_in",
    "relate_to_ours",
    "signature_of",
    "thread_of",
]

_WROTE: Final = re.compile(r"^\s*\S.{0,80}\bwrote\s*:\s*$", re.IGNORECASE)
_DASHES: Final = re.compile(r"^\s*(?:--|—|–|__)\s*$")  # noqa: RUF001 - signature separators
_OURS_LEAD: Final = re.compile(r"\b(?:the|that|this|your|ur)\s*$", re.IGNORECASE)
_JOINED: Final = re.compile(r"\s*(?:to|and|then|,|/|->|→)?\s*(?:then\s+)?", re.IGNORECASE)


class OurNumbers:
    """Our last offer and every amount we wrote in the thread."""

    __slots__ = ("all", "last")

    def __init__(self, last: Decimal | None, every: frozenset[Decimal]) -> None:
        self.last = last
        self.all = every | ({last} if last is not None else set())


def _normal(line: str) -> str:
    return " ".join(line.lstrip(" >").split()).strip("\"'“”").lower()


def cut_copied(body: str, thread: Sequence[ThreadMessage]) -> str:
    """``body`` without our lines pasted into it and without anything under "X wrote:"."""
    ours = {
        _normal(line)
        for message in thread
        if message.ours
        for line in message.text.splitlines()
        if len(_normal(line)) >= 15
    }
    kept: list[str] = []
    for line in body.splitlines():
        if _WROTE.match(line):
            break
        if _normal(line) not in ours:
            kept.append(line)
    return "\n".join(kept).strip()


def our_numbers(offer: Decimal | None, thread: Sequence[ThreadMessage]) -> OurNumbers:
    """Our last offer (``offer``, else the last amount of our last message) and all we wrote."""
    written: list[Decimal] = []
    last_message: list[Decimal] = []
    for message in thread:
        if not message.ours:
            continue
        amounts = [a.amount for a in find_amounts(message.text) if a.upper is None]
        written.extend(amounts)
        last_message = amounts or last_message
    if offer is None and last_message:
        offer = last_message[-1]
    return OurNumbers(offer, frozenset(written))


def relate_to_ours(
    amounts: Sequence[FoundAmount], ours: OurNumbers, body: str
) -> tuple[FoundAmount, ...]:
    """Mark the amounts that cite one of our numbers rather than ask for theirs.

    One of our numbers is cited when the reply points at it ("the $1,000", "that 1k") or names
    it right after another of ours ("from 1,000 to 1,200" when we offered both). Named alone
    ("1,000 works", "I can do 1,000") it is theirs: agreeing to it is asking for it.
    """
    related: list[FoundAmount] = []
    for found in amounts:
        previous = related[-1] if related else None
        cites = (
            not found.refers_to_offer
            and found.upper is None
            and found.amount in ours.all
            and (
                bool(_OURS_LEAD.search(body[max(0, found.start - 12) : found.start]))
                or (
                    previous is not None
                    and previous.refers_to_offer
                    and bool(_JOINED.fullmatch(body[previous.end : found.start]))
                )
            )
        )
        related.append(found.model_copy(update={"refers_to_offer": True}) if cites else found)
    return tuple(related)


def foreign_currency(asks: Sequence[FoundAmount], currency: str | None) -> str | None:
    """Why a person must look: an ask written in a currency the negotiation is not in."""
    if currency is None:
        return None
    other = [a for a in asks if a.currency is not None and a.currency != currency]
    if not other:
        return None
    shown = ", ".join(f"{a.text.strip()} ({a.currency})" for a in other)
    return f"They wrote {shown}; this negotiation is in {currency}."


def signature_of(text: str) -> str:
    """The sign-off block under a "--" line, which ``own_words`` leaves out of the body."""
    if looks_like_html(text):
        text = html_to_text(text)
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if _DASHES.match(line):
            below, _ = own_words("\n".join(lines[index + 1 : index + 10]))
            return below
        if _WROTE.match(line) or line.lstrip().startswith(">"):
            break
    return ""


def thread_of(negotiation: Negotiation) -> tuple[ThreadMessage, ...]:
    """The negotiation's earlier messages: our emails (their text, else the terms) and replies."""
    messages: list[ThreadMessage] = []
    for entry in negotiation.history:
        if entry.kind is HistoryKind.REPLY:
            messages.append(ThreadMessage(ours=False, text=entry.text))
        elif entry.kind is HistoryKind.EMAIL_QUEUED and entry.terms is not None:
            messages.append(ThreadMessage(ours=True, text=f"{entry.terms.amount}"))
    return tuple(messages)


def read_reply_in(
    negotiation: Negotiation, text: str, *, received: date | datetime | None = None
) -> ReplyReading:
    """Read ``text`` as a reply in ``negotiation``: its offer, currency, brief and thread."""
    from dealdesk.domain.reader import read_reply  # noqa: PLC0415 - reader uses this module

    last = negotiation.last_offer
    return read_reply(
        text,
        platform=negotiation.campaign.platform,
        our_offer=last.amount if last is not None else None,
        currency=negotiation.campaign.currency,
        received=received,
        thread=thread_of(negotiation),
        brief=last.deliverables if last is not None else negotiation.plan.deliverables,
        usage_rights=negotiation.campaign.usage_rights,
    )
