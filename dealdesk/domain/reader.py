"""The rule-based reply reader: the offline default and, later, the cross-check on the LLM.

``read_reply(text, ...)`` reads only the sender's own words (``quoting.own_words``, then without
our lines pasted in: ``reader_context.cut_copied``), in the context it is given:

- ``our_offer``: our last offer. "$800 it is" after $800 is an acceptance at $800; "could you
  stretch to 1.4?" after $1,000 is an ask of $1,400; a number we offered named beside theirs is
  ours, never their ask. Without it, the last amount of our last message in ``thread`` stands in.
- ``currency``: the negotiation's. "$" is its dollar when it is one; an ask in another currency
  is for a person (``needs_human``); "12/08" is read day first for GBP, EUR, AUD and NZD.
- ``received``: the day the reply was written (``today`` is the older name for it); an
  out-of-office's return date is the next such date from then.
- ``thread``: the earlier messages in their writers' own words (``ThreadMessage``).
- ``brief`` and ``usage_rights``: what the campaign buys; a price offered on a condition the
  brief does not include, or options to choose between, are for a person.

Then it decides the intent in a fixed order, strongest signal first: unsubscribe,
out-of-office (a present absence, and not a real answer written while away), decline (without
a price), then price: with our offer known, an ask above it is a counter, an ask at or below it
an acceptance unless it is asked as a question ("is 800 ok?" is an ask of 800); our own number
rejected ("can't do 800") is a counter without a number. Then acceptance (not negated, not
asked, not hesitant), asking for more, a question, else unclear. Conflicting signals,
forwarded-only text and anything for a person lower the confidence, so the policy escalates
what the rules cannot read well.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from dealdesk.domain.amounts import AmountBasis, FoundAmount, find_amounts
from dealdesk.domain.quoting import own_words
from dealdesk.domain.reader_context import (
    cut_copied,
    foreign_currency,
    our_numbers,
    relate_to_ours,
    signature_of,
)
from dealdesk.domain.reader_dates import DAY_FIRST_CURRENCIES, return_date
from dealdesk.domain.reader_options import Brief, conditions_outside_brief, price_options
from dealdesk.domain.reader_words import (
    ACCEPT_ASKING,
    ACCEPT_SOFT,
    ACCEPT_STRONG,
    AUTO_REPLY,
    COUNTER_WORDS,
    DECLINE,
    FUTURE,
    HESITATION,
    HOSTILE,
    LEGAL,
    MANAGER,
    NEEDS_MORE,
    NEGATION_BEFORE,
    NOT_MANAGER,
    OUT_OF_OFFICE,
    OUT_OF_OFFICE_PAST,
    REJECTION,
    UNSUBSCRIBE,
    words,
)
from dealdesk.domain.reading import (
    NEEDS_HUMAN_CONFIDENCE,
    Intent,
    QuestionTopic,
    ReplyReading,
    ThreadMessage,
)
from dealdesk.domain.vocabulary import DeliverableMention, deliverable_mentions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dealdesk.domain.campaign import Deliverable, Platform, UsageRights

__all__ = ["read_reply"]

_SENTENCE: Final = re.compile(r"[^.!?\n]+(?:[.!?]+|$)|[^.!?\n]*\n")
_CLAUSE_CUT: Final = re.compile(r"[,;:—–]|\s-\s")  # noqa: RUF001 - dashes cut clauses
# After an amount, what starts another clause: "$1000 sounds good but can we do 50% upfront?"
_CLAUSE_BREAK: Final = re.compile(
    r"\s[-—–]\s|;|\bbut\b|\b(?:and|also) (?:can|could|would|will|do|is|are)\b",  # noqa: RUF001
    re.IGNORECASE,
)
# Phones and mail apps type curly quotes (U+2019 for an apostrophe): read them as plain ones.
_PLAIN_QUOTES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_ASKED_WITHIN: Final = 15  # an acceptance this close before "?" is what the question asks
_QUESTION_LEAD: Final = words(
    r"^\s*(?:what|when|where|which|who|how|why|is|are|do|does|did|can|could|would|will|should)\b",
    r"\b(?:could|can) you (?:tell|share|send|clarify|confirm|let me know|explain)",
    r"\bwondering\b",
    r"\blet me know (?:what|when|how|if|whether)\b",
    r"\bi(?:'d| would) like to know\b",
)
# A question asks about what follows it: "is 800 ok?", "would that work for you?".
_QUESTION_WORD: Final = words(
    r"\b(?:is|are|does|do|did|would|will|could|can|should|shall|what|how|when|where|which|who|"
    r"why|any chance|ok if|okay if)\b"
)
_TOPICS: Final = (
    (
        QuestionTopic.USAGE_RIGHTS,
        words(
            r"usage",
            r"\brights\b",
            r"whitelist",
            r"paid ads?",
            r"boost",
            r"licen[cs]",
            r"exclusiv",
            r"repurpos",
            r"\bads\b",
        ),
    ),
    (
        QuestionTopic.DATES,
        words(
            r"\bwhen\b",
            r"\bdates?\b",
            r"deadline",
            r"timeline",
            r"schedule",
            r"go live",
            r"\bpost(?:ing)? date",
            r"\bby when\b",
            r"how soon",
        ),
    ),
    (
        QuestionTopic.PAYMENT,
        words(
            r"\bpaid\b",
            r"payment",
            r"invoice",
            r"net ?\d+",
            r"upfront",
            r"deposit",
            r"paypal",
            r"wire",
        ),
    ),
    (QuestionTopic.PRODUCT, words(r"product", r"ship", r"sample", r"gifted")),
    (QuestionTopic.CONTRACT, words(r"contract", r"agreement", r"terms", r"\bsign\b")),
    (
        QuestionTopic.DELIVERABLES,
        words(
            r"deliverables?", r"how many", r"\bbrief\b", r"talking points", r"script", r"\bformat\b"
        ),
    ),
)


def _sentences(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _said(body: str, amounts: Sequence[FoundAmount]) -> str:
    """``body`` with every amount written as the word AMOUNT, for the word patterns."""
    for found in sorted(amounts, key=lambda a: a.start, reverse=True):
        body = f"{body[: found.start]} AMOUNT {body[found.end :]}"
    return body


def _accepts(said: str) -> tuple[bool, bool]:
    """(strong, soft) acceptance, leaving out negated ones and what a question asks."""
    strong = soft = False
    for _, sentence in _sentences(said):
        question = sentence.rstrip().endswith("?")
        if question and ACCEPT_ASKING.search(sentence):
            strong = True
        for pattern, is_strong in ((ACCEPT_STRONG, True), (ACCEPT_SOFT, False)):
            for match in pattern.finditer(sentence):
                before = sentence[: match.start()]
                if NEGATION_BEFORE.search(_CLAUSE_CUT.split(before)[-1]):
                    continue
                asked = len(sentence.rstrip()) - match.end() <= _ASKED_WITHIN
                if question and (_QUESTION_WORD.search(before) or asked):
                    continue
                strong, soft = (True, soft) if is_strong else (strong, True)
    return strong, soft


def _out_of_office(flat: str) -> bool:
    return any(
        not OUT_OF_OFFICE_PAST.search(flat[max(0, m.start() - 30) : m.start()])
        for m in OUT_OF_OFFICE.finditer(flat)
    )


def _manager(flat: str) -> bool:
    return any(
        not NOT_MANAGER.search(flat[max(0, m.start() - 30) : m.start()])
        for m in MANAGER.finditer(flat)
    )


def _sentence_of(body: str, found: FoundAmount) -> tuple[int, str]:
    for start, sentence in _sentences(body):
        if start <= found.start < start + len(sentence):
            return start, sentence
    return found.start, ""


def _asked(body: str, found: FoundAmount, echo: Decimal | None) -> bool:
    """Whether the amount is what a question asks ("is 800 ok?", not "800 - where do I sign?").

    ``echo`` is our offer when the reply also accepts: "1k? Sure." repeats it, then takes it.
    """
    start, sentence = _sentence_of(body, found)
    if not sentence.rstrip().endswith("?"):
        return False
    rest = sentence.replace(body[found.start : found.end], " ")
    if found.amount == echo and len(re.findall(r"\w+", rest)) <= 1:
        return False
    return not _CLAUSE_BREAK.search(body[found.end : start + len(sentence)])


def _questions(text: str) -> tuple[QuestionTopic, ...]:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
    asked = [s for s in sentences if s.strip().endswith("?") or _QUESTION_LEAD.search(s)]
    asked = [s for s in asked if "?" in s or not ACCEPT_STRONG.search(s)]
    topics: list[QuestionTopic] = []
    for sentence in asked:
        hit = [topic for topic, pattern in _TOPICS if pattern.search(sentence)]
        for topic in hit or ([QuestionTopic.OTHER] if "?" in sentence else []):
            if topic not in topics:
                topics.append(topic)
    return tuple(topics)


def _worth(found: FoundAmount, mentions: Sequence[DeliverableMention]) -> Decimal:
    """What an ask comes to: a price per item times the items named ("2 reels at $1,000 each")."""
    if found.basis is not AmountBasis.PER_ITEM:
        return found.amount
    count = max((m.quantity for m in mentions if m.kind == found.deliverable), default=1)
    return found.amount * count


def _price_intent(
    asks: Sequence[FoundAmount],
    worths: Sequence[Decimal],
    asked: bool,
    reference: Decimal | None,
    signals: dict[str, bool],
) -> tuple[Intent, Decimal] | None:
    """The intent when the reply is about price; ``None`` when it is not."""
    accept = signals["accept"]
    if asks and reference is not None:
        if any(worth > reference for worth in worths) or asked:
            return Intent.COUNTER, Decimal("0.7") if signals["decline"] else Decimal("0.9")
        if signals["needs_more"] or signals["rejects"]:
            return Intent.COUNTER, Decimal("0.75")  # "I've done 1,000 before, this needs more"
        if accept or not signals["hesitant"]:
            # Their number is ours or lower: taking our offer is asking for it.
            return Intent.ACCEPT, Decimal("0.9") if accept else Decimal("0.8")
        return None
    if asks:
        if accept and not signals["countering"] and not asked:
            return Intent.ACCEPT, Decimal("0.85")
        return Intent.COUNTER, Decimal("0.7") if signals["decline"] else Decimal("0.9")
    if accept and not signals["needs_more"] and not signals["rejects"]:
        return Intent.ACCEPT, Decimal("0.9")
    if signals["needs_more"] or signals["rejects"]:
        return Intent.COUNTER, Decimal("0.75")
    return None


def read_reply(
    text: str,
    *,
    platform: Platform | None = None,
    today: date | None = None,
    our_offer: Decimal | None = None,
    currency: str | None = None,
    received: date | datetime | None = None,
    thread: Sequence[ThreadMessage] = (),
    brief: Sequence[Deliverable] | None = None,
    usage_rights: UsageRights | None = None,
) -> ReplyReading:
    """Read one reply in its context (every context argument is optional; see the module).

    ``platform`` resolves "story"/"video"; ``received`` (or ``today``) dates an out-of-office;
    ``our_offer`` and ``thread`` tell our numbers from theirs; ``currency`` is the negotiation's;
    ``brief`` and ``usage_rights`` are what the campaign buys, to check conditions against.
    """
    text = text.translate(_PLAIN_QUOTES)
    body, forwarded = own_words(text)
    body = cut_copied(body, thread)
    ours = our_numbers(our_offer, thread)
    reference = ours.last
    found = find_amounts(body, platform=platform, reference=reference, currency=currency)
    amounts = relate_to_ours(found, ours, body)
    asks = [a for a in amounts if not a.refers_to_offer]
    flat = " ".join(body.split())
    said = " ".join(_said(body, amounts).split())
    strong, soft = _accepts(said)
    hesitant = bool(HESITATION.search(said))
    signals = {
        "accept": strong or (soft and not hesitant),
        "hesitant": hesitant,
        "decline": bool(DECLINE.search(said)),
        "countering": bool(COUNTER_WORDS.search(said)),
        "needs_more": bool(NEEDS_MORE.search(said)),
        "rejects": any(
            a.refers_to_offer
            and REJECTION.search(_sentence_of(body, a)[1].replace(body[a.start : a.end], " "))
            for a in amounts
        ),
    }
    echo = reference if signals["accept"] else None
    asked = any(_asked(body, a, echo) for a in asks)
    mentions = deliverable_mentions(body, platform)
    reading: dict[str, object] = {
        "amounts": amounts,
        "deliverables": mentions,
        "manager": _manager(flat) or _manager(" ".join(signature_of(text).split())),
        "hostile": bool(HOSTILE.search(flat)),
        "legal": bool(LEGAL.search(flat)),
        "future_interest": bool(FUTURE.search(flat)),
        "questions": _questions(body),
        "text": body,
    }
    # A real answer written while away is read as the answer; an auto-reply asks nothing.
    busy = asks or signals["accept"] or signals["decline"] or signals["needs_more"] or "?" in flat
    worths = [_worth(a, mentions) for a in asks]
    price = _price_intent(asks, worths, asked, reference, signals)
    if not flat:
        intent, confidence = Intent.UNCLEAR, Decimal("0.2")
    elif UNSUBSCRIBE.search(flat):
        intent, confidence = Intent.UNSUBSCRIBE, Decimal("0.95")
    elif _out_of_office(flat) and (AUTO_REPLY.search(flat) or not busy):
        intent, confidence = Intent.OUT_OF_OFFICE, Decimal("0.95")
        day = received if received is not None else today
        if isinstance(day, datetime):
            day = day.date()
        if day is not None:
            first = currency in DAY_FIRST_CURRENCIES
            reading["out_of_office_until"] = return_date(flat, day, day_first=first)
    elif signals["decline"] and not asks:
        confidence = (
            Decimal("0.6")
            if signals["accept"] and not reading["future_interest"]
            else Decimal("0.9")
        )
        intent = Intent.DECLINE
    elif price is not None:
        intent, confidence = price
    elif reading["questions"]:
        intent, confidence = Intent.QUESTION, Decimal("0.85")
    else:
        intent, confidence = Intent.UNCLEAR, Decimal("0.3")
    if forwarded:
        # Only a forwarded block: whose words these are is a guess.
        confidence = (confidence * Decimal("0.7")).quantize(Decimal("0.01"))
    if intent in {Intent.ACCEPT, Intent.COUNTER}:
        terms = Brief(
            deliverables=tuple(brief) if brief is not None else None, usage_rights=usage_rights
        )
        options, why = price_options(body, asks, platform, terms) if len(asks) > 1 else ((), None)
        reasons = [
            why,
            None if options else conditions_outside_brief(body, asks, terms),
            foreign_currency(asks, currency),
        ]
        reading["options"] = options
        if needed := " ".join(r for r in reasons if r):
            reading["needs_human"] = needed
            confidence = min(confidence, NEEDS_HUMAN_CONFIDENCE)
    return ReplyReading.model_validate({**reading, "intent": intent, "confidence": confidence})
