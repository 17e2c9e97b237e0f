"""The rule-based reply reader: the offline default and, later, the cross-check on the LLM.

``read_reply(text)`` reads only the sender's own words (``quoting.own_words``), then decides the
intent in a fixed order, strongest signal first: unsubscribe, out-of-office, decline (without a
price), accept (a price with "but"/"would need" makes it a counter), a price of theirs, asking for
more without a price, a question, else unclear. Conflicting signals and forwarded-only text lower
the confidence, so the policy escalates what the rules cannot read well.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from dealdesk.domain.amounts import find_amounts
from dealdesk.domain.quoting import own_words
from dealdesk.domain.reading import Intent, QuestionTopic, ReplyReading
from dealdesk.domain.vocabulary import deliverable_mentions

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Platform

__all__ = ["read_reply"]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + "|".join(patterns) + r")", re.IGNORECASE)


_UNSUBSCRIBE: Final = _words(
    r"\bunsubscribe",
    r"\bremove me\b",
    r"\btake me off\b",
    r"\bstop (?:emailing|contacting|messaging|sending|spamming)",
    r"\bdo not (?:contact|email|message)",
    r"\bdon'?t (?:contact|email|message) me",
    r"\bopt(?:ing)? out\b",
    r"\bno (?:more|further) emails?\b",
    r"\bremove (?:my|this) (?:email|address)",
    r"\boff (?:your|the) (?:mailing )?list\b",
)
_OUT_OF_OFFICE: Final = _words(
    r"\bout of (?:the )?office\b",
    r"\bOOO\b",
    r"\bauto(?:matic)?[- ]?reply\b",
    r"\bautoreply\b",
    r"\bon (?:vacation|holiday|leave|parental leave|maternity leave|a break)\b",
    r"\b(?:currently|presently) (?:away|travell?ing|offline)\b",
    r"\blimited (?:access to )?(?:email|internet)",
    r"\baway from (?:my )?(?:email|inbox|desk)\b",
    r"\bwill (?:respond|reply|get back to you) (?:when|upon|after) (?:i|my) return",
)
_RETURN_DATE: Final = re.compile(
    r"(?:back|return(?:ing)?|until|till|through)\s+(?:on\s+)?(?:\w+day,?\s+)?"
    r"(?:(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"|(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|(?P<m3>\d{1,2})/(?P<d3>\d{1,2}))",
    re.IGNORECASE,
)
_MONTH_NUMBERS: Final = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DECLINE: Final = _words(
    r"\bnot interested\b",
    r"\b(?:i'?ll|i will|i'?m going to|i have to|i'?ll have to|will have to|going to|gonna|"
    r"i must|we'?ll|we will|we have to|have to|must|need to|i'?d have to|i'?d like to|we'?d)"
    r" (?:respectfully )?(?:pass|decline)\b",
    r"\bi(?:'m| am) (?:going to )?pass(?:ing)?\b",
    r"\bwe(?:'re| are) (?:going to )?pass(?:ing)?\b",
    r"\bpass on this\b",
    r"\bdecline\b",
    r"\bnot (?:a )?(?:good |great |right )?fit\b",
    r"\bdoesn'?t (?:align|fit)\b",
    r"\bnot (?:taking on|accepting) (?:any )?(?:new )?(?:brand |paid )?(?:deals|partnerships|"
    r"collaborations|collabs|sponsorships|campaigns|work)",
    r"\bno,? thanks?\b",
    r"\bno thank you\b",
    r"\bnot for (?:me|us)\b",
    r"\b(?:fully|completely) booked\b",
    r"\bcan'?t (?:take (?:this|it) on|commit|do this one|make (?:this|it) work)\b",
    r"\bwon'?t be able to (?:take|do|participate|work)",
    r"\bunable to (?:take|participate|work)",
    r"\bnot (?:able to )?(?:move|moving) forward\b",
    r"\bgoing to sit this one out\b",
    r"\bsit this one out\b",
    r"\b(?:is|are|am) (?:unavailable|not available) for this\b",
)
_FUTURE: Final = _words(
    r"\bin the future\b",
    r"\bfuture (?:campaigns?|collab|collaborations?|opportunit|projects?|partnerships?)",
    r"\bkeep me in mind\b",
    r"\bdown the (?:line|road)\b",
    r"\bnext time\b",
    r"\breach out again\b",
    r"\bfeel free to reach out\b",
    r"\bnext (?:quarter|year|season|month)\b",
    r"\bwork together (?:another time|later|soon)",
)
_ACCEPT: Final = _words(
    r"\bsounds? (?:good|great|perfect|amazing|fair|fine)\b",
    r"\b(?:that|this|it|which) works\b",
    r"\bworks (?:for|with) (?:me|us)\b",
    r"\bworks perfectly\b",
    r"\bi(?:'m| am) in\b",
    r"\bcount me in\b",
    r"\bdeal\b(?!s)",
    r"\b(?:happy|glad|excited|thrilled|delighted|keen|love) to (?:do|join|partner|work|be|take|"
    r"move|go ahead|accept|proceed|collaborate|participate)",
    r"\bi(?:'d| would) love to (?:do|join|partner|work|be part)",
    r"\bwe accept\b",
    r"\bi accept\b",
    r"\baccept(?:ed|ing)? (?:the|your) (?:offer|rate|terms|proposal)",
    r"\bagreed\b",
    r"\blet'?s (?:do it|go|go ahead|move forward|proceed|make it happen|lock it in)\b",
    r"\b(?:yes|yep|yeah|absolutely|definitely),? (?:please|let'?s|i'?m|that|we|count|happy|sounds|"
    r"works|i'?d|deal)",
    r"^\s*(?:yes|yep|yeah|absolutely|definitely)\b",
    r"\bhappy with (?:that|the|this|your)",
    r"\bsend (?:over )?the (?:contract|agreement|paperwork)",
    r"\bon board\b",
    r"\bgo ahead\b",
)
_COUNTER_WORDS: Final = _words(
    r"\bbut\b",
    r"\bhowever\b",
    r"\bwould need\b",
    r"\bi(?:'d| would)? need\b",
    r"\bmy (?:usual |standard |minimum |current )?(?:rate|fee|price|minimum)\b",
    r"\bi (?:usually |normally |typically )?charge\b",
    r"\b(?:can|could|would) you (?:do|go|meet|come up|stretch|bump|increase|raise)\b",
    r"\bhow about\b",
    r"\bwhat about\b",
    r"\bat least\b",
    r"\bcounter\b",
    r"\binstead\b",
    r"\bi can do\b",
    r"\bi could do\b",
    r"\bwe can do\b",
    r"\bwe could do\b",
    r"\bmeet (?:me )?(?:in the middle|halfway)\b",
    r"\bbump\b",
    r"\bflexib",
    r"\bbetter (?:rate|offer|number)\b",
    r"\b(?:higher|more)\b.{0,30}\b(?:budget|rate|offer|number|money|fee)\b",
    r"\b(?:budget|rate|offer|number|fee)\b.{0,20}\b(?:higher|increase|more)\b",
    r"\bincrease\b",
    r"\brate card\b",
    r"\btoo low\b",
    r"\blow(?:er)? than\b",
    r"\bbelow my\b",
)
_NEEDS_MORE: Final = _words(
    r"\bflexib",
    r"\bbetter (?:rate|offer|number)\b",
    r"\b(?:can|could|would) you (?:do|go|come up|stretch|bump|increase|raise) "
    r"(?:a (?:bit|little) )?"
    r"(?:more|higher|better|any higher|up)\b",
    r"\b(?:higher|more)\b.{0,30}\b(?:budget|rate|offer|number|money|fee)\b",
    r"\b(?:budget|rate|offer|number|fee)\b.{0,20}\b(?:higher|increase|more)\b",
    r"\bincrease\b",
    r"\bbump\b",
    r"\btoo low\b",
    r"\blow(?:er)? than\b",
    r"\bbelow my\b",
    r"\bmeet (?:me )?(?:in the middle|halfway)\b",
    r"\brate card\b",
)
_QUESTION_LEAD: Final = _words(
    r"^\s*(?:what|when|where|which|who|how|why|is|are|do|does|did|can|could|would|will|should)\b",
    r"\b(?:could|can) you (?:tell|share|send|clarify|confirm|let me know|explain)",
    r"\bwondering\b",
    r"\blet me know (?:what|when|how|if|whether)\b",
    r"\bi(?:'d| would) like to know\b",
)
_TOPICS: Final = (
    (
        QuestionTopic.USAGE_RIGHTS,
        _words(
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
        _words(
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
        _words(
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
    (QuestionTopic.PRODUCT, _words(r"product", r"ship", r"sample", r"gifted")),
    (QuestionTopic.CONTRACT, _words(r"contract", r"agreement", r"terms", r"\bsign\b")),
    (
        QuestionTopic.DELIVERABLES,
        _words(
            r"deliverables?", r"how many", r"\bbrief\b", r"talking points", r"script", r"\bformat\b"
        ),
    ),
)
_HOSTILE: Final = _words(
    r"\bscam\b",
    r"\bspam(?:mer|ming)?\b",
    r"\bwtf\b",
    r"\bridiculous\b",
    r"\binsult(?:ing)?\b",
    r"\ba joke\b",
    r"\bhow dare\b",
    r"\bf+u+c+k",
    r"\bshit",
    r"\bstupid\b",
    r"\bpathetic\b",
    r"\bdisgusting\b",
    r"\bpredatory\b",
    r"\bexploit",
    r"\bclowns?\b",
    r"\bidiots?\b",
    r"\blaughable\b",
    r"\bgarbage\b",
    r"\bcheap(?:skate)?s?\b.{0,10}\b(?:brand|company|agency)",
)
_LEGAL: Final = _words(
    r"\blawyers?\b",
    r"\battorneys?\b",
    r"\blegal action\b",
    r"\bsue\b",
    r"\bsuing\b",
    r"\bcease and desist\b",
    r"\bbreach\b",
    r"\bliab(?:le|ility)\b",
    r"\blawsuit\b",
    r"\binfringe",
    r"\bmy legal team\b",
    r"\blegal counsel\b",
    r"\bGDPR\b",
    r"\bcourt\b",
    r"\bsmall claims\b",
)
_MANAGER: Final = _words(
    r"\btalent manager\b",
    r"\bi manage\b",
    r"\bmanager (?:for|of|to)\b",
    r"\bon (?:behalf|the behalf) of\b",
    r"\bi represent\b",
    r"\bwe represent\b",
    r"\brepresent(?:ing|s)? (?:him|her|them|the creator)",
    r"\bmy client\b",
    r"\bour (?:talent|creator|client)\b",
    r"\bbooking agent\b",
    r"\bmanagement team\b",
    r"\bhis manager\b",
    r"\bher manager\b",
    r"\btheir manager\b",
    r"\bmy manager\b",
    r"\bagency\b",
    r"\bmanagement\b",
    r"\b\w+'s (?:talent )?manager\b",
)


def _return_date(text: str, today: date | None) -> date | None:
    if today is None:
        return None
    match = _RETURN_DATE.search(text)
    if match is None:
        return None
    try:
        if match["mon"]:
            month, day = _MONTH_NUMBERS[match["mon"][:3].lower()], int(match["day"])
        elif match["mon2"]:
            month, day = _MONTH_NUMBERS[match["mon2"][:3].lower()], int(match["day2"])
        else:
            month, day = int(match["m3"]), int(match["d3"])
        candidate = date(today.year, month, day)
    except (ValueError, KeyError):
        return None
    # A date earlier than today means next year ("back Jan 3" written on Dec 20).
    return candidate if candidate >= today else candidate.replace(year=today.year + 1)


def _questions(text: str) -> tuple[QuestionTopic, ...]:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]
    asked = [s for s in sentences if s.strip().endswith("?") or _QUESTION_LEAD.search(s)]
    asked = [s for s in asked if "?" in s or not _ACCEPT.search(s)]
    topics: list[QuestionTopic] = []
    for sentence in asked:
        hit = [topic for topic, pattern in _TOPICS if pattern.search(sentence)]
        for topic in hit or ([QuestionTopic.OTHER] if "?" in sentence else []):
            if topic not in topics:
                topics.append(topic)
    return tuple(topics)


def read_reply(
    text: str, *, platform: Platform | None = None, today: date | None = None
) -> ReplyReading:
    """Read one reply. ``platform`` resolves "story"/"video"; ``today`` dates out-of-office."""
    body, forwarded = own_words(text)
    flat = " ".join(body.split())
    amounts = find_amounts(body, platform=platform)
    asks = [a for a in amounts if not a.refers_to_offer]
    base = {
        "amounts": amounts,
        "deliverables": deliverable_mentions(body, platform),
        "manager": bool(_MANAGER.search(flat)),
        "hostile": bool(_HOSTILE.search(flat)),
        "legal": bool(_LEGAL.search(flat)),
        "future_interest": bool(_FUTURE.search(flat)),
        "questions": _questions(body),
        "text": body,
    }
    accept = bool(_ACCEPT.search(flat))
    decline = bool(_DECLINE.search(flat))
    countering = bool(_COUNTER_WORDS.search(flat))
    if not flat:
        intent, confidence = Intent.UNCLEAR, Decimal("0.2")
    elif _UNSUBSCRIBE.search(flat):
        intent, confidence = Intent.UNSUBSCRIBE, Decimal("0.95")
    elif _OUT_OF_OFFICE.search(flat) and not asks:
        intent, confidence = Intent.OUT_OF_OFFICE, Decimal("0.95")
        base["out_of_office_until"] = _return_date(flat, today)
    elif decline and not asks:
        intent = Intent.DECLINE
        confidence = Decimal("0.6") if accept and not base["future_interest"] else Decimal("0.9")
    elif accept and not asks and not _NEEDS_MORE.search(flat):
        intent, confidence = Intent.ACCEPT, Decimal("0.9")
    elif accept and asks and not countering:
        intent, confidence = Intent.ACCEPT, Decimal("0.85")
    elif asks:
        intent = Intent.COUNTER
        confidence = Decimal("0.7") if decline else Decimal("0.9")
    elif _NEEDS_MORE.search(flat):
        intent, confidence = Intent.COUNTER, Decimal("0.75")
    elif base["questions"]:
        intent, confidence = Intent.QUESTION, Decimal("0.85")
    else:
        intent, confidence = Intent.UNCLEAR, Decimal("0.3")
    if forwarded:
        # Only a forwarded block: whose words these are is a guess.
        confidence = (confidence * Decimal("0.7")).quantize(Decimal("0.01"))
    return ReplyReading.model_validate({**base, "intent": intent, "confidence": confidence})
