"""The verdict on one reply: accept, counter, answer, wait, escalate, exit, or stop.

Rules, in order (the first that applies wins):

1. "Remove me" -> do-not-contact, stop; no more email (that is what they asked for).
2. Out-of-office -> wait; the pending reminder moves past their return date. It does not count
   as a reply, so follow-ups still run out.
3. Unless a human cleared this reply: legal or hostile language, a reading below the confidence
   floor, an unclear intent, a talent manager (if configured), deliverables outside the brief ->
   escalate. Every escalation tells them, once, that a person will get back to them (a holding
   reply, no amount) — except after legal or hostile words, where a person chooses every word.
4. Decline -> thank them and close, tell the team.
5. Question -> answer it restating our current terms (at most ``max_questions`` times).
6. Price: their ask (their total for the package; per-item and line prices are summed over the
   brief; a range counts at its low end; our own quoted offer is never their ask). Accepting our
   offer without a number is an ask of our last offer.
   - above the max-without-approval -> escalate;
   - at or below what we would offer now (the next scheduled offer) -> accept AT THEIR ASK;
   - above ``exit_multiple`` x cap (when the playbook sets one) -> polite exit;
   - above ``far_above_cap`` x cap -> escalate (a holding reply tells them someone will answer);
   - above the cap with ``ask_above_cap: immediately`` -> escalate;
   - no concession left (final offer made) -> escalate (round limit) or, if a human already
     cleared it, exit politely with the final offer standing;
   - else counter with the next scheduled offer, which is below their ask and at most the cap,
     shortening usage rights from the configured round where the campaign allows it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dealdesk.domain.amounts import AmountBasis
from dealdesk.domain.effects import MarkDoNotContact, RecordAgreement, TeamTopic
from dealdesk.domain.events import EmailPurpose, EventType
from dealdesk.domain.money import format_money, quantize
from dealdesk.domain.negotiation import HistoryKind
from dealdesk.domain.pricing import implied_cpm, package_weight
from dealdesk.domain.reading import Intent, ReplyReading
from dealdesk.domain.rules import AskAboveCap, ManagerHandling

if TYPE_CHECKING:
    from dealdesk.domain.campaign import Deliverable, DeliverableType
    from dealdesk.domain.conversation import Draft
    from dealdesk.domain.negotiation import Negotiation

__all__ = ["judge_reply", "next_offer", "their_ask"]


def their_ask(
    reading: ReplyReading, brief: tuple[Deliverable, ...]
) -> tuple[Decimal | None, tuple[Deliverable, ...]]:
    """Their price and the package it buys (the brief, or the part of it they priced)."""
    asks = reading.asks
    if not asks:
        return None, brief
    totals = [a.amount for a in asks if a.basis is AmountBasis.TOTAL]
    if totals:
        return min(totals), brief
    wanted = {d.kind for d in brief}
    unit: dict[DeliverableType, Decimal] = {}
    for found in asks:
        if found.deliverable in wanted and found.basis in {AmountBasis.PER_ITEM, AmountBasis.LINE}:
            price = found.amount
            if found.basis is AmountBasis.LINE:
                price = found.amount / (found.quantity or 1)
            kind = found.deliverable
            unit[kind] = min(unit.get(kind, price), price)
    unspecified = [a.amount for a in asks if a.basis is AmountBasis.UNSPECIFIED]
    if unit:
        package = tuple(d for d in brief if d.kind in unit)
        if len(package) < len(brief) and unspecified:
            return min(unspecified), brief
        return quantize(sum((unit[d.kind] * d.quantity for d in package), Decimal(0))), package
    return min(a.amount for a in asks), brief


def next_offer(negotiation: Negotiation) -> Decimal:
    """What we would offer now: the next scheduled offer, never below our last, never over cap."""
    plan = negotiation.plan
    last = negotiation.last_offer.amount if negotiation.last_offer is not None else Decimal(0)
    if negotiation.round < plan.max_rounds:
        amount = plan.offer_for_round(negotiation.round + 1)
    else:
        # Past the schedule only a human's approved cap can move us.
        amount = negotiation.effective_cap if negotiation.approved_cap is not None else last
    return min(max(amount, last), negotiation.effective_cap)


def _escalation_trigger(negotiation: Negotiation, reading: ReplyReading) -> str | None:
    rules = negotiation.policy.escalation
    if reading.needs_human:  # options or a condition outside the brief: never picked silently
        return reading.needs_human
    if reading.legal and rules.legal:
        return "The reply uses legal language."
    if reading.hostile and rules.hostile:
        return "The reply is hostile."
    if reading.confidence < rules.min_confidence:
        return (
            f"The reading's confidence {reading.confidence} is below the "
            f"{rules.min_confidence} floor."
        )
    if reading.intent is Intent.UNCLEAR and rules.unclear:
        return "The reply's intent is unclear."
    if reading.manager and rules.talent_manager is ManagerHandling.ESCALATE:
        return "A talent manager or agency replied."
    if reading.intent in {Intent.ACCEPT, Intent.COUNTER} and rules.deliverables_outside_brief:
        brief = {d.kind for d in negotiation.plan.deliverables}
        outside = sorted({m.kind.value for m in reading.deliverables} - brief)
        if outside:
            return f"The reply names deliverables outside the brief: {', '.join(outside)}."
    return None


def _escalate(d: Draft, why: str, ask: Decimal | None = None, *, hold: bool = True) -> EventType:
    """To a human, with the numbers; they hear from us that someone will get back to them (a
    holding reply, no amount) unless ``hold`` is off (legal or hostile words: a person chooses
    every word) or our last email already was one."""
    n = d.negotiation
    d.because(why)
    d.note(f"Escalated: {why}")
    if hold and _last_email_purpose(n) is not EmailPurpose.HOLDING:
        d.email(
            EmailPurpose.HOLDING,
            terms=None,
            reason="Tell them a person is looking at their reply; no amount.",
            report_sent=False,
        )
    d.notify(
        TeamTopic.ESCALATED,
        f"{n.influencer.name} ({n.campaign.client}) needs a human: {why}",
        their_ask=ask,
        our_offer=n.last_offer.amount if n.last_offer else None,
        cap=n.effective_cap,
    )
    return EventType.POLICY_ESCALATE


def _last_email_purpose(n: Negotiation) -> EmailPurpose | None:
    queued = (e.purpose for e in reversed(n.history) if e.kind is HistoryKind.EMAIL_QUEUED)
    return next(queued, None)


def _agree(
    d: Draft, amount: Decimal, package: tuple[Deliverable, ...], ask: Decimal | None, why: str
) -> EventType:
    n = d.negotiation
    if n.budget_left is not None and amount > n.budget_left:
        # Budget guard: the campaign's agreed fees never exceed its budget.
        money = format_money
        return _escalate(
            d,
            f"Agreeing {money(amount)} would exceed the campaign's budget: "
            f"{money(n.budget_left)} of {money(n.campaign.budget)} is left.",
            ask,
        )
    terms = d.terms(amount, deliverables=package)
    cpm = implied_cpm(amount, n.influencer.average_views, package_weight(package, n.policy.pricing))
    d.update(agreed=terms)
    d.because(why + f" Agreed: {terms.describe()} (CPM {format_money(cpm)}).")
    d.email(
        EmailPurpose.CONFIRMATION,
        terms=terms,
        reason=f"Confirm the agreement: {terms.describe()}.",
        their_ask=ask,
        report_sent=False,
    )
    d.effects.append(
        RecordAgreement(
            negotiation_id=n.id, terms=terms, cpm=cpm, engagement_rate=n.influencer.engagement_rate
        )
    )
    d.notify(
        TeamTopic.AGREED,
        f"Agreed with {n.influencer.name}: {terms.describe()}.",
        their_ask=ask,
        our_offer=amount,
        cap=n.effective_cap,
        terms=terms,
    )
    return EventType.POLICY_ACCEPT


def _exit(d: Draft, why: str, ask: Decimal | None) -> EventType:
    n = d.negotiation
    best = d.current_terms()
    d.because(why)
    d.email(
        EmailPurpose.EXIT,
        terms=best,
        reason=f"Close politely; our best was {best.describe()}.",
        their_ask=ask,
        report_sent=False,
    )
    d.notify(
        TeamTopic.DECLINED,
        f"Closed with {n.influencer.name}: {why}",
        their_ask=ask,
        our_offer=best.amount,
        cap=n.effective_cap,
    )
    return EventType.POLICY_EXIT


def _out_of_office(d: Draft, reading: ReplyReading) -> EventType:
    n = d.negotiation
    count = n.out_of_office_count + 1
    d.update(out_of_office_count=count)
    until = reading.out_of_office_until
    if until is not None and count <= n.policy.playbook.max_out_of_office:
        back = datetime.combine(until + timedelta(days=1), time(15, 0), tzinfo=UTC)
        kind = n.reminder.kind if n.reminder is not None else None
        if kind is None:
            d.schedule_next_reminder(not_before=back)
        else:
            d.schedule(kind, max(back, n.reminder.due_at if n.reminder else back))
        d.because(f"Out of office until {until}; the next reminder waits until they are back.")
    elif n.reminder is None:
        d.schedule_next_reminder()
        d.because("Out of office; the follow-up schedule carries on.")
    else:
        d.because("Out of office; the pending reminder stands.")
    return EventType.POLICY_WAIT


def judge_reply(
    d: Draft, reading: ReplyReading, *, cleared: bool, human: str | None = None
) -> EventType:
    """Decide the verdict on the negotiation's ``last_reply`` read as ``reading``; ``human`` is
    a person's decision on it (``HumanRelease.decision``), which the playbook does not second-
    guess within the cap."""
    n = d.negotiation
    if reading.intent is Intent.OUT_OF_OFFICE:
        return _out_of_office(d, reading)
    d.cancel_reminder()
    # A real reply restarts the follow-up count.
    d.update(follow_ups_sent=0)
    if reading.intent is Intent.UNSUBSCRIBE:
        d.because("They asked not to be contacted: marked do-not-contact, no further email.")
        d.effects.append(MarkDoNotContact(email=n.influencer.email, reason="asked to be removed"))
        d.notify(TeamTopic.UNSUBSCRIBED, f"{n.influencer.name} asked not to be contacted again.")
        return EventType.POLICY_UNSUBSCRIBE
    if not cleared and (why := _escalation_trigger(n, reading)) is not None:
        ask = their_ask(reading, n.plan.deliverables)[0]
        return _escalate(d, why, ask, hold=not (reading.legal or reading.hostile))
    rules = n.policy.escalation
    if reading.manager and rules.talent_manager is ManagerHandling.NOTIFY and not n.manager_noted:
        d.update(manager_noted=True)
        d.notify(TeamTopic.TALENT_MANAGER, f"A manager or agency speaks for {n.influencer.name}.")
    if reading.intent is Intent.DECLINE:
        later = " They are open to future campaigns." if reading.future_interest else ""
        d.because("They declined; thank them and close." + later)
        d.email(EmailPurpose.EXIT, terms=None, reason="Thank them for replying.", report_sent=False)
        last = n.last_offer.amount if n.last_offer else None
        d.notify(TeamTopic.DECLINED, f"{n.influencer.name} declined.{later}", our_offer=last)
        return EventType.POLICY_THEY_DECLINED
    if reading.intent in {Intent.QUESTION, Intent.UNCLEAR}:
        if n.questions_answered >= n.policy.playbook.max_questions and not cleared:
            return _escalate(d, f"They have asked {n.questions_answered + 1} questions.")
        d.update(questions_answered=n.questions_answered + 1)
        d.because("They asked a question; answer it and restate our current offer.")
        d.email(
            EmailPurpose.ANSWER,
            terms=d.current_terms(),
            answer_topics=reading.questions,
            reason="Answer their question; the offer is unchanged.",
        )
        return EventType.POLICY_ANSWER
    return _judge_price(d, reading, cleared=cleared, human=human)


def _judge_price(
    d: Draft, reading: ReplyReading, *, cleared: bool, human: str | None = None
) -> EventType:
    n = d.negotiation
    plan = n.plan
    money = format_money
    ask, package = their_ask(reading, plan.deliverables)
    if reading.intent is Intent.ACCEPT and ask is None:
        if n.last_offer is None:
            return _escalate(d, "They accepted before we made any offer.")
        ask = n.last_offer.amount
        package = n.last_offer.deliverables
    if package != plan.deliverables:
        return _judge_trade(d, ask, package, cleared=cleared)
    limit = n.campaign.max_per_influencer_without_approval
    approved = n.approved_cap is not None and ask is not None and ask <= n.approved_cap
    if (
        ask is not None
        and limit is not None
        and ask > limit
        and n.policy.escalation.ask_above_max_without_approval
        and not (cleared or approved)
    ):
        return _escalate(d, f"Their ask {money(ask)} is above the {money(limit)} limit.", ask)
    if ask is not None:
        d.update(last_ask=ask)
    cap = n.effective_cap
    if human == "accept_their_ask" and ask is not None and ask <= cap:
        return _agree(d, ask, package, ask, f"A person approved their ask {money(ask)}.")
    if human == "counter_at_cap" and ask is not None and ask > cap:
        d.because(f"A person chose to counter at our cap {money(cap)}.")
        return _counter(d, cap, ask, package, reading)
    now = next_offer(n)
    if ask is None and n.last_ask is not None and n.last_ask < now:
        # "Can you do better?" after naming a price: never offer more than their own last ask.
        now = n.last_ask
    if ask is not None and ask <= now:
        return _agree(
            d,
            ask,
            package,
            ask,
            f"Their ask {money(ask)} is at or below our next offer {money(now)}.",
        )
    multiple = n.policy.playbook.exit_multiple
    if ask is not None and multiple is not None and ask > cap * multiple:
        return _exit(d, f"Their ask {money(ask)} is beyond {multiple}x our cap {money(cap)}.", ask)
    far = n.policy.escalation.far_above_cap
    if ask is not None and far is not None and ask > cap * far and not cleared:
        return _escalate(
            d, f"Their ask {money(ask)} is more than {far}x our cap {money(cap)}.", ask
        )
    if (
        ask is not None
        and ask > cap
        and n.policy.escalation.ask_above_cap is AskAboveCap.IMMEDIATELY
        and not cleared
    ):
        return _escalate(d, f"Their ask {money(ask)} is above our cap {money(cap)}.", ask)
    last = n.last_offer.amount if n.last_offer is not None else None
    if last is not None and now <= last and n.round >= plan.max_rounds:
        asked = money(ask) if ask is not None else "more"
        if n.policy.escalation.round_limit and not cleared:
            return _escalate(
                d, f"Round limit: our final offer {money(last)} stands and they ask {asked}.", ask
            )
        return _exit(d, f"Our final offer {money(last)} stands and they ask {asked}.", ask)
    return _counter(d, now, ask, package, reading)


def _counter(
    d: Draft,
    amount: Decimal,
    ask: Decimal | None,
    package: tuple[Deliverable, ...],
    reading: ReplyReading,
) -> EventType:
    n = d.negotiation
    round_number = n.round + 1
    rights = n.campaign.usage_rights
    usage = None
    lever = ""
    if (
        rights.min_duration_days is not None
        and round_number >= n.policy.playbook.usage_rights_trade_from_round
    ):
        usage = rights.min_duration_days
        lever = f" and shorten usage rights to {usage} days"
    terms = d.terms(amount, deliverables=package, usage_rights_days=usage)
    final = round_number >= n.plan.max_rounds or amount >= n.effective_cap
    asked = format_money(ask) if ask is not None else "more without a number"
    d.because(
        f"They ask {asked}; counter with offer {round_number} of {n.plan.max_rounds}, "
        f"{format_money(amount)}{lever}."
    )
    d.email(
        EmailPurpose.COUNTER,
        terms=terms,
        their_ask=ask,
        final_offer=final,
        answer_topics=reading.questions,
        reason=f"Counter: {terms.describe()}.",
    )
    return EventType.POLICY_COUNTER


def _judge_trade(
    d: Draft, ask: Decimal | None, package: tuple[Deliverable, ...], *, cleared: bool
) -> EventType:
    """They priced only part of the brief: trade deliverables for price where allowed."""
    n = d.negotiation
    what = ", ".join(x.describe() for x in package)
    if not n.campaign.allow_deliverable_trade:
        if not cleared:
            return _escalate(
                d, f"They priced a smaller package ({what}); this campaign does not trade.", ask
            )
        d.because("They priced a smaller package; restate the full brief and our offer.")
        d.email(EmailPurpose.ANSWER, terms=d.current_terms(), reason="Restate the full brief.")
        return EventType.POLICY_ANSWER
    pricing = n.policy.pricing
    share = package_weight(package, pricing) / package_weight(n.plan.deliverables, pricing)
    scaled_now = quantize(next_offer(n) * share)
    if ask is not None and ask <= scaled_now:
        return _agree(
            d,
            ask,
            package,
            ask,
            f"Their ask {format_money(ask)} for {what} is within our {format_money(scaled_now)}.",
        )
    if n.round >= n.plan.max_rounds and not cleared:
        return _escalate(d, f"Round limit reached on a smaller package ({what}).", ask)
    return _counter(d, scaled_now, ask, package, ReplyReading(intent=Intent.COUNTER))
