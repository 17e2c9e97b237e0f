"""The negotiation invariants, proven over random campaigns, influencers and reply sequences.

Every conversation is driven through decide() by real events only (OutreachRequested, EmailSent
confirmations, ReplyReceived with a random reading, ReminderDue when the influencer is silent,
Pause/Resume), so the states checked are the ones production visits.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealdesk.domain import (
    PLATFORM_DELIVERABLES,
    AmountBasis,
    CpmTracker,
    DeliverableType,
    EscalationRules,
    EventType,
    FoundAmount,
    Intent,
    Negotiation,
    NegotiationPolicy,
    Pause,
    Platform,
    Playbook,
    ReplyReading,
    Resume,
    SendEmail,
    State,
    next_offer,
    package_weight,
    their_ask,
)
from tests.domain.harness import Driver, make_campaign, make_influencer, make_negotiation

PROPERTY = settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENDED = {State.AGREED, State.DECLINED, State.STOPPED, State.FAILED, State.ESCALATED, State.STALE}
OFFER_PURPOSES = {"outreach", "counter", "follow_up", "answer"}
D = Decimal


@st.composite
def negotiations(draw: st.DrawFn) -> Negotiation:
    platform = draw(st.sampled_from(list(Platform)))
    kinds = draw(
        st.lists(
            st.sampled_from(PLATFORM_DELIVERABLES[platform]), min_size=1, max_size=3, unique=True
        )
    )
    low = draw(st.integers(100, 6000))
    high = low + draw(st.integers(0, 6000))
    campaign = make_campaign(
        platform=platform,
        cpm_range={"min": str(D(low) / 100), "max": str(D(high) / 100)},
        target_deliverables=[{"kind": k, "quantity": draw(st.integers(1, 3))} for k in kinds],
        max_per_influencer_without_approval=draw(st.none() | st.integers(20, 60_000).map(str)),
        usage_rights=draw(
            st.sampled_from([{"duration_days": 30}, {"duration_days": 90, "min_duration_days": 30}])
        ),
        allow_deliverable_trade=draw(st.booleans()),
    )
    influencer = make_influencer(
        platform=platform,
        average_views=draw(st.integers(100, 3_000_000)),
        engagement_rate=draw(st.none() | st.decimals(0, D("0.2"), places=3)),
        min_rate=draw(st.none() | st.integers(10, 20_000).map(str)),
    )
    rounds = draw(st.integers(1, 6))
    steps = sorted(
        draw(st.lists(st.decimals(0, 1, places=2), min_size=rounds - 1, max_size=rounds - 1))
    )
    playbook = Playbook(
        max_rounds=rounds,
        concession_schedule=(D(0), *steps),
        offer_step=draw(st.sampled_from([D(1), D(5), D(25)])),
        follow_up_after_hours=tuple(draw(st.lists(st.integers(1, 200), min_size=1, max_size=3))),
        max_questions=draw(st.integers(0, 3)),
        max_out_of_office=draw(st.integers(0, 3)),
        exit_multiple=draw(st.none() | st.decimals(D("1.1"), 3, places=1)),
        usage_rights_trade_from_round=draw(st.integers(2, 4)),
    )
    escalation = EscalationRules(
        ask_above_cap=draw(st.sampled_from(["at_round_limit", "immediately"])),
        round_limit=draw(st.booleans()),
        talent_manager=draw(st.sampled_from(["notify", "escalate", "ignore"])),
    )
    tracker = CpmTracker(cpm_range=campaign.cpm_range)
    for i, cents in enumerate(draw(st.lists(st.integers(low // 2 + 1, high * 2), max_size=3))):
        tracker = tracker.record(f"n{i}", D(cents) / 100, None)
    policy = NegotiationPolicy(playbook=playbook, escalation=escalation)
    return make_negotiation(
        campaign=campaign, influencer=influencer, policy=policy, tracker=tracker
    )


# One influencer move. Amounts are factors of our cap, so asks land around every threshold.
amount_spec = st.tuples(
    st.decimals(D("0.05"), D(4), places=3),
    # Mostly prices for the brief; now and then a price for something outside it.
    st.sampled_from(["total", "unspecified"] * 3 + ["per_item", "line"] * 2 + ["foreign"]),
    st.booleans(),  # refers to our offer
)
reply_move = st.tuples(
    st.just("reply"),
    # Counters dominate real threads; every other intent still appears.
    st.sampled_from([Intent.COUNTER] * 5 + [Intent.ACCEPT] * 2 + list(Intent)),
    st.lists(amount_spec, max_size=2),
    st.sampled_from([D("0.95"), D("0.9"), D("0.85"), D("0.7"), D("0.4")]),
    st.sampled_from(
        [(False, False, False)] * 6
        + [(True, False, False), (False, True, False), (False, False, True)]
    ),
)
moves = st.lists(
    st.one_of(reply_move, st.just(("silence",)), st.tuples(st.just("pause"), st.booleans())),
    max_size=12,
)


def build_reading(negotiation: Negotiation, move: tuple[Any, ...]) -> ReplyReading:
    _, intent, specs, confidence, (hostile, legal, manager) = move
    cap = negotiation.plan.cap
    brief = negotiation.plan.deliverables
    amounts = []
    for factor, basis, refers in specs:
        amount = (cap * factor).quantize(D("0.01"))
        if basis in {"per_item", "line"}:
            item = brief[int(factor * 100) % len(brief)]
            found = FoundAmount(
                amount=max(D("0.01"), (amount / item.quantity).quantize(D("0.01")))
                if basis == "per_item"
                else amount,
                text="x",
                start=0,
                end=1,
                basis=AmountBasis(basis),
                deliverable=item.kind,
                quantity=1 if basis == "per_item" else item.quantity,
                refers_to_offer=refers,
            )
        elif basis == "foreign":
            foreign = next(k for k in DeliverableType if k not in {d.kind for d in brief})
            found = FoundAmount(
                amount=amount,
                text="x",
                start=0,
                end=1,
                basis=AmountBasis.PER_ITEM,
                deliverable=foreign,
                quantity=1,
                refers_to_offer=refers,
            )
        else:
            found = FoundAmount(
                amount=amount,
                text="x",
                start=0,
                end=1,
                basis=AmountBasis(basis),
                refers_to_offer=refers,
            )
        amounts.append(found)
    return ReplyReading(
        intent=intent,
        amounts=tuple(amounts),
        confidence=confidence,
        hostile=hostile,
        legal=legal,
        manager=manager,
    )


def play(negotiation: Negotiation, script: list[tuple[Any, ...]], check) -> Driver:
    driver = Driver(negotiation)
    driver.start()
    check(driver, None, negotiation)
    for move in script:
        if driver.negotiation.state not in {
            State.AWAITING_REPLY,
            State.COUNTER_SENT,
            State.STALE,
            State.ESCALATED,
        }:
            break
        before = driver.negotiation
        seen = len(driver.decisions)
        if move[0] == "reply":
            reading = build_reading(before, move)
            driver.reply("generated", reading)
        elif move[0] == "silence":
            if driver.silence() is None:
                continue
            reading = None
        else:
            driver.send(Pause(by="prop"))
            reading = None
            if move[1]:
                reading = build_reading(
                    before,
                    (
                        "reply",
                        Intent.COUNTER,
                        [(D("0.5"), "total", False)],
                        D("0.9"),
                        (False, False, False),
                    ),
                )
                driver.reply("queued", reading)
            driver.send(Resume(by="prop"))
        for decision in driver.decisions[seen:]:
            check(driver, reading, before, decision)
    return driver


def offers_sent(driver: Driver) -> list[SendEmail]:
    return [e for e in driver.emails() if e.purpose in OFFER_PURPOSES and e.terms is not None]


@PROPERTY
@given(negotiations(), moves)
def test_we_never_offer_more_than_their_latest_ask(negotiation: Negotiation, script) -> None:
    latest: dict[str, Decimal | None] = {"ask": None}

    def check(driver, reading, before, decision=None) -> None:
        if reading is not None and reading.intent in {Intent.ACCEPT, Intent.COUNTER}:
            ask, package = their_ask(reading, before.plan.deliverables)
            if ask is not None and package == before.plan.deliverables:
                latest["ask"] = ask
        if decision is None or latest["ask"] is None:
            return
        for effect in decision.effects:
            if isinstance(effect, SendEmail) and effect.purpose in OFFER_PURPOSES and effect.terms:
                if effect.terms.deliverables == before.plan.deliverables:
                    assert effect.terms.amount <= latest["ask"]
                if effect.their_ask is not None:
                    assert effect.terms.amount <= effect.their_ask

    play(negotiation, script, check)


@PROPERTY
@given(negotiations(), moves)
def test_we_never_offer_above_the_flexibility_cap(negotiation: Negotiation, script) -> None:
    driver = play(negotiation, script, lambda *a: None)
    cap = negotiation.plan.cap
    assert all(e.terms.amount <= cap for e in offers_sent(driver))
    agreed = driver.negotiation.agreed
    assert agreed is None or agreed.amount <= cap
    flex_cap = negotiation.plan.cap_cpm
    assert (
        flex_cap <= negotiation.campaign.cpm_range.max * negotiation.policy.pricing.max_cap_multiple
    )


@PROPERTY
@given(negotiations(), moves)
def test_our_offers_never_go_down(negotiation: Negotiation, script) -> None:
    driver = play(negotiation, script, lambda *a: None)
    pricing = negotiation.policy.pricing
    offers = driver.negotiation.offers
    for earlier, later in itertools.pairwise(offers):
        if earlier.deliverables == later.deliverables:
            assert later.amount >= earlier.amount
        else:
            # A traded (smaller) package is compared per unit of weight, to the cent.
            per_earlier = earlier.amount / package_weight(earlier.deliverables, pricing)
            per_later = later.amount / package_weight(later.deliverables, pricing)
            assert per_later >= per_earlier - D("0.02")


@PROPERTY
@given(negotiations(), moves)
def test_an_ask_at_or_below_what_we_would_pay_now_is_accepted(
    negotiation: Negotiation, script
) -> None:
    def check(driver, reading, before, decision=None) -> None:
        if decision is None or reading is None or before.state is State.ESCALATED:
            return
        verdicts = {edge[1] for edge in decision.edges if edge[1].is_verdict}
        if not verdicts or reading.intent not in {Intent.ACCEPT, Intent.COUNTER}:
            return
        ask, package = their_ask(reading, before.plan.deliverables)
        if ask is None or package != before.plan.deliverables:
            return
        limit = before.campaign.max_per_influencer_without_approval
        clean = not (reading.hostile or reading.legal) and reading.confidence >= D("0.6")
        clean = clean and not (
            reading.manager and before.policy.escalation.talent_manager == "escalate"
        )
        clean = clean and not any(
            a.basis is AmountBasis.PER_ITEM and a.deliverable not in {d.kind for d in package}
            for a in reading.amounts
        )
        if ask <= next_offer(before):
            assert EventType.POLICY_COUNTER not in verdicts
            if clean and (limit is None or ask <= limit):
                assert verdicts == {EventType.POLICY_ACCEPT}
                assert decision.negotiation.agreed is not None
                assert decision.negotiation.agreed.amount == ask

    play(negotiation, script, check)


@PROPERTY
@given(negotiations(), moves)
def test_every_decision_carries_a_reason_and_the_state_round_trips(
    negotiation: Negotiation, script
) -> None:
    driver = play(negotiation, script, lambda *a: None)
    assert all(d.reason.strip() for d in driver.decisions)
    final = driver.negotiation
    assert Negotiation.model_validate_json(final.model_dump_json()) == final


talkative = st.lists(
    st.tuples(
        st.just("reply"),
        st.sampled_from([Intent.COUNTER, Intent.QUESTION, Intent.OUT_OF_OFFICE, Intent.ACCEPT]),
        st.lists(amount_spec.filter(lambda s: s[1] != "foreign"), max_size=1),
        st.just(D("0.9")),
        st.just((False, False, False)),
    )
    | st.just(("silence",)),
    max_size=60,
)


@PROPERTY
@given(negotiations(), talkative)
def test_every_conversation_ends_within_max_rounds_plus_follow_ups(
    negotiation: Negotiation, script
) -> None:
    playbook = negotiation.policy.playbook
    driver = play(negotiation, script, lambda *a: None)
    # Our offers are bounded by the rounds, and our emails by rounds, answers and follow-ups.
    assert len(driver.negotiation.offers) <= playbook.max_rounds
    answers = [e for e in driver.emails() if e.purpose == "answer"]
    assert len(answers) <= playbook.max_questions
    # Whatever happened, once they go silent it ends within the follow-ups and the stale timer.
    for _ in range(playbook.max_follow_ups + 1):
        if driver.negotiation.state in ENDED:
            break
        assert driver.silence() is not None
    assert driver.negotiation.state in ENDED
