"""The words an email is made of, and the guard every outgoing email passes.

Phrases are built from the campaign's and the terms' facts and never write an amount of their
own: the only amount is ``Brief.fee``, the decided one, formatted by the writer. Text that comes
from outside (a client's name, a product offer, usage notes, a person's name) goes through
:func:`fragment`, which drops what would look like a placeholder or carry money of its own
("a serum kit (worth $120)" loses the bracket; a text still naming money is not used at all).
Quantities are written on list lines of their own ("- 2 Instagram stories"): a number after a
money word in the same sentence ("for 75 reels") reads as money, a list line never does.

:func:`check_email` is the guard, whoever wrote the words (template or model): every amount
equals a decided one as money (``email_amount_problems``, in the text, the subject and the HTML
part), no placeholder, no internal figure (our cap, the CPM range, the budget, a later offer of
our schedule, the roster's rates) unless it is the decided amount, not empty, not too long; and
what the words promise (``guard_words``): amounts in words, commitments outside the brief,
internal figures named in words, deliverables not decided.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict

from dealdesk.domain.amounts import find_amounts
from dealdesk.domain.campaign import DeliverableType, Platform
from dealdesk.domain.email_check import email_amount_problems
from dealdesk.domain.events import EmailPurpose
from dealdesk.domain.guard_words import (
    commitment_problems,
    deliverable_problems,
    reveal_problems,
    spelled_amount_problems,
)
from dealdesk.domain.money import quantize
from dealdesk.domain.reading import QuestionTopic

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from decimal import Decimal

    from dealdesk.domain.campaign import Deliverable, Timeline
    from dealdesk.domain.effects import SendEmail
    from dealdesk.domain.negotiation import Negotiation

__all__ = [
    "MAX_EMAIL_CHARS",
    "PLACEHOLDER",
    "Brief",
    "WrittenEmail",
    "brief_lines",
    "bullet_lines",
    "check_email",
    "deliverable_phrase",
    "first_name",
    "fragment",
    "internal_figures",
    "long_date",
    "outreach_subject",
    "platform_name",
    "render_html",
    "thread_subject",
    "timeline_phrase",
    "topic_answer",
    "usage_phrase",
]

MAX_EMAIL_CHARS: Final = 4000
# What a template or a model leaves behind when a value was never filled in.
PLACEHOLDER: Final = re.compile(
    r"\{\{|\}\}|\{[^{}\n]{0,40}\}|\[[^\[\]\n]{0,80}\]|<[^<>\n]{0,80}>|\bTODO\b|\bTBD\b|\bX{3,}\b",
    re.IGNORECASE,
)

_NAMES: Final[dict[DeliverableType, tuple[str, str]]] = {
    DeliverableType.INSTAGRAM_POST: ("Instagram feed post", "Instagram feed posts"),
    DeliverableType.INSTAGRAM_STORY: ("Instagram story", "Instagram stories"),
    DeliverableType.INSTAGRAM_REEL: ("Instagram reel", "Instagram reels"),
    DeliverableType.TIKTOK_VIDEO: ("TikTok video", "TikTok videos"),
    DeliverableType.TIKTOK_STORY: ("TikTok story", "TikTok stories"),
    DeliverableType.YOUTUBE_DEDICATED: ("dedicated YouTube video", "dedicated YouTube videos"),
    DeliverableType.YOUTUBE_INTEGRATION: ("YouTube integration", "YouTube integrations"),
    DeliverableType.YOUTUBE_SHORT: ("YouTube Short", "YouTube Shorts"),
}
_PLATFORMS: Final = {
    Platform.INSTAGRAM: "Instagram",
    Platform.TIKTOK: "TikTok",
    Platform.YOUTUBE: "YouTube",
}
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BRACKETED: Final = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_REPLY_PREFIX: Final = re.compile(r"^(?:(?:re|aw|fwd?)\s*:\s*)+", re.IGNORECASE)
_CPM: Final = re.compile(r"\bCPMs?\b", re.IGNORECASE)
_NO_DATES: Final = "there are no fixed dates yet, so we will agree the posting dates with you."


class WrittenEmail(BaseModel):
    """One email's words: the subject, the plain text, and its HTML alternative."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    text: str
    html: str | None = None


@dataclass(frozen=True)
class Brief:
    """What one email restates, every text already safe to quote; ``fee`` is the decided
    amount as written (``None``: this email names none), ``product`` ``None``: no product."""

    client: str
    deliverables: tuple[Deliverable, ...]
    usage_days: int
    paid_ads: bool
    timeline: Timeline
    product: str | None
    notes: str | None = None
    fee: str | None = None


def fragment(text: str | None, *, max_chars: int = 200) -> str | None:
    """Outside text made safe to quote, or ``None`` when it cannot be (empty, a placeholder,
    money of its own, or too long to be a name or a one-line description)."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if find_amounts(cleaned):
        # "Glow kit (worth $120)": the bracket goes, the kit stays.
        cleaned = _BRACKETED.sub("", cleaned).strip()
    cleaned = cleaned.strip(" .;,")
    if (
        not cleaned
        or len(cleaned) > max_chars
        or PLACEHOLDER.search(cleaned)
        or re.search(r"[{}\[\]<>]", cleaned)
        or _CPM.search(cleaned)
        or find_amounts(cleaned)
    ):
        return None
    return cleaned


def first_name(name: str) -> str | None:
    """The first word of a person's name, or ``None`` when the name is a handle or an address."""
    words = name.split()
    if not words:
        return None
    first = words[0].strip(",;:.")
    if not first or "@" in first or any(c.isdigit() for c in first):
        return None
    return fragment(first, max_chars=40)


def platform_name(platform: Platform) -> str:
    return _PLATFORMS[platform]


def deliverable_phrase(deliverable: Deliverable) -> str:
    """``2 Instagram stories``: the quantity and the name, plural when it is more than one."""
    one, many = _NAMES[deliverable.kind]
    return f"{deliverable.quantity} {one if deliverable.quantity == 1 else many}"


def bullet_lines(deliverables: Iterable[Deliverable]) -> str:
    """One list line per deliverable: a quantity alone on its line is never read as money."""
    return "\n".join(f"- {deliverable_phrase(d)}" for d in deliverables)


def usage_phrase(days: int, paid_ads: bool, client: str) -> str:
    """What the client may do with the content, in a sentence that ends with a full stop."""
    if days == 0:
        return "the content stays yours: no usage rights beyond your own posts."
    span = "1 day" if days == 1 else f"{days:,} days"
    if paid_ads:
        return f"{client} may reuse the content for {span}, including in paid ads."
    return f"{client} may reuse the content organically for {span} (no paid ads)."


def long_date(day: date) -> str:
    """``March 3, 2025``: a year after a month and day is never read as money."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def timeline_phrase(timeline: Timeline) -> str | None:
    """When the content goes live, as a sentence; ``None`` when the campaign has no dates."""
    start, end = timeline.starts_on, timeline.ends_on
    if start is not None and end is not None:
        if start == end:
            return f"content goes live on {long_date(start)}."
        return f"content goes live between {long_date(start)} and {long_date(end)}."
    if end is not None:
        return f"content goes live by {long_date(end)}."
    if start is not None:
        return f"content goes live from {long_date(start)}."
    return None


def render_html(text: str) -> str:
    """The plain text as simple, escaped HTML: paragraphs, line breaks and bullet lists."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # Within a paragraph, runs of "- " lines become a list and other runs a paragraph.
        for bullets, run in groupby(block.split("\n"), key=lambda line: line.startswith("- ")):
            lines = [html.escape(line[2:] if bullets else line) for line in run]
            parts.append(
                "<ul>\n" + "".join(f"<li>{line}</li>\n" for line in lines) + "</ul>"
                if bullets
                else "<p>" + "<br>\n".join(lines) + "</p>"
            )
    return "\n".join(parts) + "\n"


def _clean_subject(subject: str) -> str | None:
    text = _REPLY_PREFIX.sub("", " ".join(subject.split()))
    if not text or find_amounts(text) or PLACEHOLDER.search(text):
        return None
    return text


def outreach_subject(negotiation: Negotiation) -> str:
    """``Paid collaboration: <client> x <influencer>`` (a multiplication sign), in plainer
    words when a name is unsafe to quote."""
    client = fragment(negotiation.campaign.client, max_chars=80)
    name = fragment(negotiation.influencer.name, max_chars=80)
    candidates = [
        f"Paid collaboration: {client} \N{MULTIPLICATION SIGN} {name}" if client and name else None,
        f"Paid collaboration with {client}" if client else None,
    ]
    for candidate in candidates:
        if candidate is not None and (subject := _clean_subject(candidate)) is not None:
            return subject
    return "Paid collaboration opportunity"


def thread_subject(negotiation: Negotiation, first_subject: str | None = None) -> str:
    """``Re: <the thread's first subject>``; without it, the outreach subject built again."""
    base = _clean_subject(first_subject) if first_subject else None
    return f"Re: {base or outreach_subject(negotiation)}"


def brief_lines(brief: Brief, *, with_fee: bool) -> str:
    """The terms as lines: fee, deliverables, usage rights, paid ads, timeline, product."""
    lines = [f"Fee: {brief.fee} in total"] if with_fee and brief.fee else []
    lines += ["Deliverables:", bullet_lines(brief.deliverables)]
    days = brief.usage_days
    lines.append(f"Usage rights: {days:,} days" if days else "Usage rights: none beyond your posts")
    lines.append(
        f"Paid ads: yes, {brief.client} may also run the content as paid ads"
        if brief.paid_ads
        else "Paid ads: no, organic use only"
    )
    lines.append(f"Timeline: {timeline_phrase(brief.timeline) or _NO_DATES}")
    lines.append(f"Product: {_product(brief)}")
    return "\n".join(lines)


def _product(brief: Brief) -> str:
    if brief.product is None:
        return "none, this is a paid collaboration without a product."
    return f"{brief.product}."


def topic_answer(brief: Brief, topic: QuestionTopic) -> str:
    """A paragraph answering one kind of question from the brief's facts."""
    match topic:
        case QuestionTopic.DELIVERABLES:
            return "On deliverables, the collaboration covers:\n" + bullet_lines(brief.deliverables)
        case QuestionTopic.USAGE_RIGHTS:
            usage = usage_phrase(brief.usage_days, brief.paid_ads, brief.client)
            return f"On usage rights: {usage}" + (f" {brief.notes}." if brief.notes else "")
        case QuestionTopic.DATES:
            return f"On timing: {timeline_phrase(brief.timeline) or _NO_DATES}"
        case QuestionTopic.PRODUCT:
            return f"On the product: {_product(brief)}"
        case QuestionTopic.PAYMENT:
            fee = f"the fee is {brief.fee}" if brief.fee else "the fee is"
            return (
                f"On payment: {fee} as one flat fee for the whole package. We will confirm "
                "invoicing and payment details in writing once we have agreed terms."
            )
        case QuestionTopic.CONTRACT:
            return (
                "On the agreement: once we have agreed terms, we will send a short written "
                "agreement setting out exactly these terms for you to review."
            )
        case QuestionTopic.OTHER:
            return (
                "If we missed anything you asked, just reply and we will make sure you get "
                "an answer."
            )


# -- the guard -------------------------------------------------------------------------------


def internal_figures(negotiation: Negotiation) -> dict[Decimal, str]:
    """Amounts the other side must never read unless decided, each with what it is."""
    n = negotiation
    sent = {offer.amount for offer in n.offers}
    later = [(amount, "a later offer of our schedule") for amount in n.plan.schedule]
    candidates: list[tuple[Decimal | None, str]] = [
        (n.effective_cap, "our cap"),
        (n.plan.cap, "our cap"),
        (n.campaign.budget, "the campaign's budget"),
        (n.campaign.cpm_range.min, "the campaign's CPM minimum"),
        (n.campaign.cpm_range.max, "the campaign's CPM maximum"),
        (n.plan.cap_cpm, "our cap CPM"),
        (n.campaign.max_per_influencer_without_approval, "the limit without approval"),
        (n.influencer.min_rate, "the roster's minimum rate"),
        (n.influencer.max_rate, "the roster's maximum rate"),
        *((amount, label) for amount, label in later if amount not in sent),
    ]
    figures: dict[Decimal, str] = {}
    for amount, label in candidates:
        if amount is not None:
            figures.setdefault(quantize(amount), label)
    return figures


def _visible(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", html_text))


def _amount_problems(text: str, email: SendEmail | None, where: str) -> list[str]:
    if email is not None:
        found = list(email_amount_problems(text, email))
    else:
        found = [
            f"{a.text!r} is an amount, and this email decides none" for a in find_amounts(text)
        ]
    return [where + problem for problem in found]


def check_email(
    written: WrittenEmail,
    email: SendEmail | None,
    negotiation: Negotiation,
    *,
    max_chars: int = MAX_EMAIL_CHARS,
) -> list[str]:
    """Every reason ``written`` must not go out as ``email`` (``None``: an email that decides
    no amount, such as a holding reply); empty when it may."""
    if email is not None and email.purpose is EmailPurpose.HOLDING:
        email = None  # a holding reply decides no amount, whatever it carries
    problems: list[str] = []
    if not written.subject.strip() or "\n" in written.subject or "\r" in written.subject:
        problems.append("the subject is empty or not one line")
    if not written.text.strip():
        problems.append("the text is empty")
    if len(written.text) > max_chars:
        problems.append(f"the text is {len(written.text):,} characters, over {max_chars:,}")
    parts = {"subject": written.subject, "text": written.text}
    # An HTML part that is the text rendered (as the writer makes it) says nothing the text does
    # not: the text's checks are its checks. Any other HTML is read on its own.
    if written.html is not None and written.html != render_html(written.text):
        parts["HTML part"] = _visible(written.html)
        if not parts["HTML part"].strip():
            problems.append("the HTML part is empty")
    for where, part in parts.items():
        if (match := PLACEHOLDER.search(part)) is not None:
            problems.append(f"the {where} has a placeholder: {match.group()!r}")
        if _CPM.search(part):
            problems.append(f"the {where} mentions CPM, an internal pricing figure")
    message = f"{written.subject}\n\n{written.text}"
    problems += _amount_problems(message, email, "")
    if "HTML part" in parts:
        problems += _amount_problems(parts["HTML part"], email, "HTML part: ")
    allowed = {
        a
        for a in (
            email.terms.amount if email and email.terms else None,
            email.their_ask if email else None,
        )
        if a is not None
    }
    internal = internal_figures(negotiation)
    words = message + "\n\n" + parts["HTML part"] if "HTML part" in parts else message
    for found in find_amounts(words):
        for value in (found.amount, found.upper):
            if value is not None and value not in allowed and value in internal:
                problems.append(f"{found.text!r} reveals {internal[value]}")
    problems += _word_problems(words, email, negotiation)
    return list(dict.fromkeys(problems))


def _word_problems(text: str, email: SendEmail | None, negotiation: Negotiation) -> list[str]:
    """What the words promise beyond the digits (``guard_words``): amounts in words,
    commitments outside the brief, internal figures named, deliverables not decided."""
    n, terms = negotiation, (email.terms if email is not None else None)
    allowed = {a for a in (terms.amount if terms else None, email and email.their_ask) if a}
    currency = terms.currency if terms is not None else n.campaign.currency
    rights = n.campaign.usage_rights
    return [
        *spelled_amount_problems(text, allowed, currency, decides_amount=email is not None),
        *commitment_problems(
            text,
            usage_days=terms.usage_rights_days if terms else rights.duration_days,
            paid_ads=terms.paid_ads if terms else rights.paid_ads,
        ),
        *reveal_problems(text),
        *deliverable_problems(
            text,
            terms.deliverables if terms else n.plan.deliverables,
            n.campaign.platform,
        ),
    ]
