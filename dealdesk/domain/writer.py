"""The templated writer: every email a negotiation sends, worded from the decided terms.

It is the offline mode's writer, and the fallback of the model's writer (issue 12) behind the
same seam: ``write_email(negotiation, effect) -> WrittenEmail``. Rules:

- Code decides every number. The only amounts written are the effect's ``terms.amount`` and
  ``their_ask``, through ``format_money`` in the terms' currency; a holding reply and a close
  without terms carry none. Quantities and usage days come from the terms, dates from the
  campaign's timeline.
- Pure and deterministic: the same negotiation and effect give the same email, byte for byte.
- Outside text (client, names, product offer) is quoted only when ``wording.fragment`` finds it
  safe; if the email still fails the guard (``wording.check_email``: a client called "Studio 54"
  after the word "paid" reads as money), it is written again in plain words, which always pass.
- Replies are ``Re:`` the thread's first subject: the caller's ``first_subject`` when it knows
  it (the outbox does), else the outreach subject, built again the same way.

Pass the negotiation as decided (``Decision.negotiation``): the follow-up's wording counts the
follow-ups already sent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from dealdesk.domain.money import format_money
from dealdesk.domain.negotiation import HistoryKind, Negotiation
from dealdesk.domain.reading import QuestionTopic
from dealdesk.domain.wording import (
    Brief,
    WrittenEmail,
    brief_lines,
    bullet_lines,
    check_email,
    first_name,
    fragment,
    outreach_subject,
    platform_name,
    render_html,
    thread_subject,
    topic_answer,
    usage_phrase,
)
from dealdesk.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

    from dealdesk.domain.effects import SendEmail, Terms

__all__ = ["DEFAULT_SENDER", "write_checked_email", "write_email"]

DEFAULT_SENDER: Final = "The partnerships team"
_NEEDS_TERMS: Final = frozenset({"outreach", "counter", "confirmation"})


@dataclass(frozen=True)
class _Context:
    negotiation: Negotiation
    effect: SendEmail
    purpose: str
    sender_name: str
    agency: str | None
    first_subject: str | None
    plain: bool = False

    @property
    def client(self) -> str:
        name = None if self.plain else fragment(self.negotiation.campaign.client, max_chars=80)
        return name or "our client"

    @property
    def agency_name(self) -> str | None:
        return None if self.plain or not self.agency else fragment(self.agency, max_chars=80)

    @property
    def terms(self) -> Terms | None:
        return self.effect.terms

    def money(self, amount: Decimal) -> str:
        terms = self.terms
        currency = terms.currency if terms is not None else self.negotiation.campaign.currency
        return format_money(amount, currency)

    @property
    def their_ask(self) -> str | None:
        ask = self.effect.their_ask if self.effect is not None else None
        return self.money(ask) if ask is not None else None

    def brief(self) -> Brief:
        """The facts to restate: the decided terms', or the campaign's when there are none."""
        n, terms = self.negotiation, self.terms
        rights = n.campaign.usage_rights
        product = terms.product_offer if terms is not None else n.campaign.product_offer
        safe = None if self.plain or product is None else fragment(product)
        return Brief(
            client=self.client,
            deliverables=terms.deliverables if terms is not None else n.plan.deliverables,
            usage_days=terms.usage_rights_days if terms is not None else rights.duration_days,
            paid_ads=terms.paid_ads if terms is not None else rights.paid_ads,
            timeline=n.campaign.timeline,
            product=None if product is None else safe or f"a product from {self.client}",
            notes=None if self.plain else fragment(rights.notes),
            fee=self.money(terms.amount) if terms is not None else None,
        )


# -- the parts every email shares ----------------------------------------------------------


def _manager_writes(negotiation: Negotiation) -> bool:
    return any(
        entry.kind is HistoryKind.REPLY and entry.reading is not None and entry.reading.manager
        for entry in negotiation.history
    )


def _greeting(ctx: _Context) -> str:
    # A first name has no digits or brackets (first_name), so it stays in plain words too.
    n = ctx.negotiation
    name = first_name(n.influencer.name)
    if name is None:
        return "Hi there,"
    return f"Hi {name} and team," if _manager_writes(n) else f"Hi {name},"


def _sign_off(ctx: _Context) -> str:
    sender = None if ctx.plain else fragment(ctx.sender_name, max_chars=80)
    agency = ctx.agency_name
    return "Best,\n" + (sender or DEFAULT_SENDER) + (f"\n{agency}" if agency else "")


def _answers(ctx: _Context, *, skip: frozenset[QuestionTopic] = frozenset()) -> list[str]:
    topics = ctx.effect.answer_topics
    brief = ctx.brief()
    return [topic_answer(brief, topic) for topic in dict.fromkeys(topics) if topic not in skip]


def _required_terms(ctx: _Context) -> Terms:
    terms = ctx.terms
    if terms is None:
        raise InvalidInput(f"a {ctx.purpose} email needs the decided terms; the effect has none")
    return terms


# -- one body per purpose: paragraphs between the greeting and the sign-off ------------------


def _outreach(ctx: _Context) -> list[str]:
    n = ctx.negotiation
    terms = _required_terms(ctx)
    platform = platform_name(n.campaign.platform)
    agency = ctx.agency_name
    who = f"We are {agency}, and we run" if agency else "We run"
    return [
        (
            f"{who} creator partnerships for {ctx.client}. We love what you create on "
            f"{platform}, and we would like to invite you to a paid collaboration."
        ),
        "Here is what it involves:\n" + brief_lines(ctx.brief(), with_fee=False),
        f"We would like to offer a fee of {ctx.money(terms.amount)} for all of the above.",
        (
            "If that works for you, just reply and we will take care of the next steps. Any "
            "questions are welcome too."
        ),
    ]


def _counter(ctx: _Context) -> list[str]:
    terms = _required_terms(ctx)
    ask = ctx.their_ask
    thanks = "Thank you for getting back to us" + (
        f", and for sharing your rate of {ask}." if ask else "."
    )
    offer = (
        f"We cannot quite reach that, but we can offer {ctx.money(terms.amount)} for:"
        if ask
        else f"We can offer {ctx.money(terms.amount)} for:"
    )
    usage = usage_phrase(terms.usage_rights_days, terms.paid_ads, ctx.client)
    close = (
        "This is our final offer for this campaign: it is the most we are able to do, and we "
        "would be really glad to have you on board."
        if ctx.effect.final_offer
        else "We hope this works for you; just reply to let us know."
    )
    return [
        thanks,
        # The offer lists the deliverables; a "?" after a price is the ask, not another question.
        *_answers(ctx, skip=frozenset({QuestionTopic.DELIVERABLES, QuestionTopic.OTHER})),
        f"{offer}\n{bullet_lines(terms.deliverables)}\nUsage rights: {usage}",
        close,
    ]


def _answer_body(ctx: _Context) -> list[str]:
    terms = ctx.terms
    answers = _answers(ctx)
    topics = ctx.effect.answer_topics
    if answers:
        paragraphs = ["Thanks for your questions, happy to help.", *answers]
    elif terms is not None:
        paragraphs = [
            "Thanks for getting back to us. Here is a recap of the collaboration:\n"
            + brief_lines(ctx.brief(), with_fee=False)
        ]
    else:
        paragraphs = ["Thanks for getting back to us."]
    if terms is not None:
        listed = not answers or QuestionTopic.DELIVERABLES in topics
        stands = f"Our offer stands at {ctx.money(terms.amount)} for the package"
        paragraphs.append(
            f"{stands} above." if listed else f"{stands}:\n{bullet_lines(terms.deliverables)}"
        )
    paragraphs.append("Let us know if it works for you, or if there is anything else you need.")
    return paragraphs


def _follow_up(ctx: _Context) -> list[str]:
    n = ctx.negotiation
    last = n.follow_ups_sent > 1 and n.follow_ups_sent >= n.policy.playbook.max_follow_ups
    opening = (
        f"One last gentle nudge about the paid collaboration with {ctx.client}."
        if last
        else f"Just following up on our last note about a paid collaboration with "
        f"{ctx.client}, in case it got buried in your inbox."
    )
    paragraphs = [opening]
    if ctx.terms is not None:
        paragraphs.append(
            f"Our offer of {ctx.money(ctx.terms.amount)} for the package below still stands:\n"
            + bullet_lines(ctx.terms.deliverables)
        )
    paragraphs.append(
        "If it is not a fit this time, no worries at all; we would still love to work with you "
        "in the future."
        if last
        else "No pressure at all: if the timing is not right, a quick reply lets us know either "
        "way."
    )
    return paragraphs


def _confirmation(ctx: _Context) -> list[str]:
    return [
        (
            f"Wonderful! We are delighted to confirm our collaboration with {ctx.client}. Here is "
            "what we agreed:"
        ),
        brief_lines(ctx.brief(), with_fee=True),
        (
            "Next steps: we will send you the creative brief and a short written agreement with "
            "exactly these terms to sign. If anything above does not match your understanding, "
            "just reply and let us know."
        ),
        "Thank you, we are really excited to work with you!",
    ]


def _exit(ctx: _Context) -> list[str]:
    terms = ctx.terms
    door = (
        "We really appreciate your time, and we would love to work with you on a future "
        "campaign: the door is always open."
    )
    if terms is None:
        return [
            (
                "Thank you for letting us know, and for taking the time to consider it. We "
                "completely understand."
            ),
            door,
        ]
    ask = ctx.their_ask
    return [
        "Thank you for getting back to us"
        + (f", and for sharing your rate of {ask}." if ask else "."),
        (
            "Unfortunately we cannot stretch further on this campaign: the most we could offer "
            f"was {ctx.money(terms.amount)}, so we will have to pass this time."
        ),
        door,
    ]


def _closing(ctx: _Context) -> list[str]:
    withdrawn = (
        f" This means our offer of {ctx.money(ctx.terms.amount)} is withdrawn."
        if ctx.terms is not None
        else ""
    )
    return [
        (
            f"Plans for this campaign with {ctx.client} have changed on our side, so we will "
            f"not be moving forward with the collaboration at this time.{withdrawn} We are "
            "sorry for any inconvenience, and thank you for your time."
        ),
        "We would love to work with you on a future campaign: the door is always open.",
    ]


def _holding(_ctx: _Context) -> list[str]:
    return [
        (
            "Thank you for your reply. A member of our partnerships team is looking at it and "
            "will get back to you shortly."
        ),
    ]


_BODIES: Final[dict[str, Callable[[_Context], list[str]]]] = {
    "outreach": _outreach,
    "counter": _counter,
    "answer": _answer_body,
    "follow_up": _follow_up,
    "confirmation": _confirmation,
    "exit": _exit,
    "closing": _closing,
    "holding": _holding,
}


def _compose(ctx: _Context) -> WrittenEmail:
    body = _BODIES.get(ctx.purpose)
    if body is None:
        raise InvalidInput(f"the templated writer has no wording for a {ctx.purpose!r} email")
    if ctx.purpose in _NEEDS_TERMS:
        _required_terms(ctx)
    subject = (
        outreach_subject(ctx.negotiation)
        if ctx.purpose == "outreach"
        else thread_subject(ctx.negotiation, ctx.first_subject)
    )
    text = "\n\n".join([_greeting(ctx), *body(ctx), _sign_off(ctx)]) + "\n"
    return WrittenEmail(subject=subject, text=text, html=render_html(text))


def _write(ctx: _Context) -> tuple[WrittenEmail, list[str]]:
    written = _compose(ctx)
    problems = check_email(written, ctx.effect, ctx.negotiation)
    if problems:
        # A name or a product text read as money or a placeholder in its sentence: plain words.
        written = _compose(replace(ctx, plain=True))
        problems = check_email(written, ctx.effect, ctx.negotiation)
    return written, problems


def write_email(
    negotiation: Negotiation,
    effect: SendEmail,
    *,
    sender_name: str = DEFAULT_SENDER,
    agency: str | None = None,
    first_subject: str | None = None,
) -> WrittenEmail:
    """Word ``effect`` for ``negotiation``; ``first_subject`` is the thread's first subject when
    the caller knows it (replies are ``Re:`` it), else the outreach subject is built again."""
    return write_checked_email(
        negotiation, effect, sender_name=sender_name, agency=agency, first_subject=first_subject
    )[0]


def write_checked_email(
    negotiation: Negotiation,
    effect: SendEmail,
    *,
    sender_name: str = DEFAULT_SENDER,
    agency: str | None = None,
    first_subject: str | None = None,
) -> tuple[WrittenEmail, list[str]]:
    """:func:`write_email`, and the guard's verdict on the words it chose
    (:func:`~dealdesk.domain.wording.check_email`: empty when they may go out), so the guard runs
    once per email."""
    ctx = _Context(
        negotiation=negotiation,
        effect=effect,
        purpose=effect.purpose.value,
        sender_name=sender_name,
        agency=agency,
        first_subject=first_subject,
    )
    return _write(ctx)
