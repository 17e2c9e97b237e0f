"""The model's turns in a negotiation: a reply read, an email written, off the negotiator's thread.

When the model is on (``ctx[MODEL].pen``; boot sets it, tests set it), the Negotiator asks it
and goes on taking messages: the call runs on the I/O loop (``ModelPen``), and its answer comes
back as a message (:class:`ModelRead`, :class:`ModelWrote`). Rules (:class:`ModelTurns`, mixed
into the Negotiator, runs on its thread):

- While an answer is out, every other message waits, in order, inside the negotiator (the
  campaign's CPM news excepted: it changes no state), so no step is decided on a negotiation
  another step is about to change. The answer taken, the waiting messages are handled in order.
- Nothing is committed before the answer: a crash or a passivation meanwhile leaves the reply
  routed (or the outcome unheard) in the store, and the next activation asks again.
- **Reading.** The model's reading is checked against the rule-based reader's
  (``domain.model_io.cross_check``): disagreeing on an amount or on accept versus counter, the
  reply escalates with both readings shown. No valid reading after one retry: it escalates too.
  The call failing for good (retries ran out; the ErrorReporter was told by the policy): the
  reply waits in the store, routed, and is read again later (:data:`READ_AGAIN_S`).
- **Late replies.** A reply the state table has no edge for in the negotiation's state (one
  after it ended) is recorded and ignored at once, unread by the model: no reading could change
  that. Its supervisor passivates an ended negotiation right after delivering it a late event,
  so an activation waiting for a reading would hand the reply back, be activated and passivated
  again, and hand it back again, for ever: the reply never taken, the threads spinning.
- **Writing.** Each email of the decision is drafted through the guard (one rewrite); the step
  then commits with the drafts (``StepOps.drafts``), which are checked by the guard again
  against the decision as committed. A draft refused twice, or not written, gives way to the
  template when the playbook allows it; else a reply's step is decided again as an escalation
  (the draft and the guard's reasons shown to the team, the creator sent the holding reply's
  fixed words), and any other step's email is refused and the team told. The draft is in the
  audit trail either way.
- Each call is audited (``llm``): job, outcome, tokens, cost at the prices in settings, and the
  guard's reasons; /metrics counts the same.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import pykka

from dealdesk.actors.mail_messages import ReplyArrived
from dealdesk.actors.model_pen import MODEL, ModelAnswer, ModelPen, ModelRead, ModelSlot, ModelWrote
from dealdesk.actors.negotiator_messages import CampaignCpm
from dealdesk.domain import TRANSITIONS, EventType, ReplyReceived, SendEmail, check_email
from dealdesk.domain.model_io import cross_check
from dealdesk.domain.reading import NEEDS_HUMAN_CONFIDENCE
from dealdesk.runtime.virtual import Wake
from dealdesk.store import AppendAudit, AuditKind, MarkInboundDelivered

if TYPE_CHECKING:
    from dealdesk.actors.negotiation_step import StepOps
    from dealdesk.domain import Decision, Event, Negotiation, ReplyReading, WrittenEmail
    from dealdesk.integrations.anthropic import Call, Draft
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.store import NegotiationRecord, Store, StoreOp

__all__ = [
    "MODEL",
    "ModelPen",
    "ModelRead",
    "ModelSlot",
    "ModelTurns",
    "ModelWrote",
    "guard_reason",
    "model_words",
]

READ_AGAIN_S: Final = 60.0  # a reply whose reading failed for good is read again after this


@dataclass
class _Reading:
    token: int
    answer: ModelAnswer
    origin: object  # the message whose handling asked the model
    gmail_id: str
    message_id: str
    from_address: str
    text: str
    rules: ReplyReading


@dataclass
class _Writing:
    token: int
    answer: ModelAnswer
    origin: object
    event: Event
    consumed: StoreOp[Any] | None


@dataclass
class _Turns:
    waiting: _Reading | _Writing | None = None
    deferred: list[Any] = field(default_factory=list)
    drafted: bool = False  # the step being taken again has its drafts
    origin: object = None  # the message being handled (a model's answer carries the asker's)


def model_words(
    draft: Draft,
    after: Negotiation,
    effect: SendEmail,
    template: tuple[WrittenEmail, list[str]],
    template_fallback: bool,
) -> tuple[WrittenEmail, list[str]]:
    """The words an email goes out with, in the step's transaction: the model's draft when the
    guard passes it against the decision as committed; else the template's when the playbook
    allows it; else none (the problems say why, and the email is refused)."""
    if draft.written is not None:
        problems = check_email(draft.written, effect, after)
        if not problems:
            return draft.written, []
    else:
        problems = list(draft.problems) or ["the model wrote no draft"]
    if template_fallback:
        return template
    return draft.written or template[0], [f"the model's draft was refused: {p}" for p in problems]


def guard_reason(problem: str) -> str:
    """A guard problem's kind, for the metrics and the benchmark."""
    text = problem.lower()
    for words, reason in (
        (("placeholder",), "placeholder"),
        (("reveals", "cpm", "internal figure"), "internal_figure"),
        (("not decided", "is missing", "decides none"), "amount"),
        (("deliverable", "the terms say"), "deliverables"),
        (("exclusiv", "paid usage", "usage rights", "guarantee", "future work"), "commitment"),
        (("characters", "empty"), "length"),
    ):
        if any(w in text for w in words):
            return reason
    return "other"


class ModelTurns:
    """Mixed into the Negotiator: the model's turns (see the module's rules)."""

    _model: _Turns | None = None

    if TYPE_CHECKING:  # the Negotiator's own (and pykka's), used here
        ctx: RuntimeContext
        nid: str
        negotiation: Negotiation | None
        log: Any
        store: Store
        actor_ref: pykka.ActorRef[Any]
        supervisor: pykka.ActorRef[Any] | None
        row: NegotiationRecord | None

        def handle(self, message: Any) -> Any: ...
        def step(self, event: Event, *, consumed: StoreOp[Any] | None = None) -> str | None: ...
        def _step_ops(self) -> StepOps: ...
        def catch_up(self) -> None: ...

    def _turns(self) -> _Turns:
        if self._model is None:
            self._model = _Turns()
        return self._model

    def _pen(self) -> ModelPen | None:
        return self.ctx[MODEL].pen

    def model_defers(self, message: Any) -> bool:
        """True when ``message`` must wait for the model's answer (it is kept, in order)."""
        turns = self._turns()
        if turns.waiting is None or isinstance(message, ModelRead | ModelWrote | CampaignCpm):
            if not isinstance(message, ModelRead | ModelWrote):
                turns.origin = message
            return False
        if not (isinstance(message, Wake) and message in turns.deferred):
            turns.deferred.append(message)
        return True

    def model_waiting(self) -> bool:
        """In ``wake``: the rest of the catch-up waits for the model's answer (a Wake again)."""
        return self.model_defers(Wake())

    def model_reads(self, gmail_id: str, message_id: str, from_address: str, text: str,
                    rules: ReplyReading) -> bool:  # fmt: skip
        """Ask the model to read a reply; False when the model is off, or when no reading could
        change what the reply does (the state takes no reply: it is ignored)."""
        pen, turns = self._pen(), self._turns()
        if pen is None or self.negotiation is None:
            return False
        if (self.negotiation.state, EventType.REPLY_RECEIVED) not in TRANSITIONS:
            return False
        token = pen.token()
        answer = ModelAnswer(self.actor_ref, token, self.supervisor)
        turns.waiting = _Reading(
            token, answer, turns.origin, gmail_id, message_id, from_address, text, rules
        )
        key = ("read", self.nid, gmail_id, self._version())
        pen.read(key, self.negotiation, text, rules, answer)
        return True

    def model_writes(self, event: Event, decision: Decision, consumed: StoreOp[Any] | None) -> bool:
        """Ask the model to write the decision's emails; False when the model is off, there is
        no email, or the step is being taken again with its drafts."""
        pen, turns = self._pen(), self._turns()
        effects = [e for e in decision.effects if isinstance(e, SendEmail)]
        if pen is None or turns.drafted or not effects:
            return False
        token = pen.token()
        answer = ModelAnswer(self.actor_ref, token, self.supervisor)
        turns.waiting = _Writing(token, answer, turns.origin, event, consumed)
        key = ("write", self.nid, self._version(), tuple(e.message_id for e in effects))
        pen.write(key, decision.negotiation, effects, answer)
        return True

    def _version(self) -> int:
        return self.row.version if self.row is not None else -1

    def model_stopping(self) -> None:
        """Passivated (or stopped) with the model's answer out: the message it was handling and
        those that waited for the answer go back to the supervisor, in order, once the answer
        is there (:class:`ModelAnswer`), so the next activation takes them up and gets the same
        answer (a message the supervisor cannot route becomes a wake-up: the activation's
        catch-up finds that work in the store)."""
        turns = self._model
        if turns is None or turns.waiting is None:
            return
        again: list[object] = []
        for message in (turns.waiting.origin, *turns.deferred):
            if not hasattr(message, "negotiation_id"):
                message = ReplyArrived(self.nid, "", "reply")  # noqa: PLW2901 - a wake-up
            if message not in again:
                again.append(message)
        answer = turns.waiting.answer
        turns.waiting, turns.deferred = None, []
        self.log.info("model_answer_abandoned", handed_back=len(again))
        answer.abandon(again)

    def model_answered(self, message: ModelRead | ModelWrote) -> str | None:
        turns = self._turns()
        waiting = turns.waiting
        if waiting is None or waiting.token != message.token:
            self.log.info("model_answer_stale", token=message.token)
            return None
        turns.waiting = None
        outcome: str | None = None
        match message, waiting:
            case ModelRead(), _Reading():
                outcome = self._read(message, waiting)
            case ModelWrote(drafts=drafts), _Writing():
                outcome = self._wrote(drafts, waiting)
            case _:
                self.log.warning("model_answer_mismatched", token=message.token)
        # A reading that failed for good is asked again after READ_AGAIN_S, not now: a wake
        # or a catch-up would read the same reply again at once, for as long as the model is
        # down. What else waits is taken up then too (or by the next activation).
        failed = isinstance(message, ModelRead) and message.result is None
        while turns.deferred and turns.waiting is None:
            deferred = turns.deferred.pop(0)
            if failed and isinstance(deferred, Wake | ReplyArrived):
                continue
            self.handle(deferred)
        if turns.waiting is None and not failed:
            # What the store kept while the answer was out (a second reply, taken up by a
            # wake that stopped at the first), whether or not a message for it is still coming.
            self.catch_up()
        return outcome

    def model_awaited(self) -> bool:
        """Whether the model's answer is out (for the state dump)."""
        return self._model is not None and self._model.waiting is not None

    def _read(self, answer: ModelRead, waiting: _Reading) -> str | None:
        assert self.negotiation is not None
        result = answer.result
        if result is None:
            self.log.warning("model_read_failed", gmail_id=waiting.gmail_id, error=answer.error)
            self._read_again_later()
            return None  # the reply stays routed in the store: not lost
        self._audit_calls(result.calls)
        currency = self.negotiation.campaign.currency
        if result.reading is None:
            reading = waiting.rules.model_copy(
                update={
                    "needs_human": f"the model gave no valid reading ({result.why_not}); "
                    f"the rules read it as {waiting.rules.intent.value}",
                    "confidence": min(waiting.rules.confidence, NEEDS_HUMAN_CONFIDENCE / 2),
                }
            )
        else:
            reading = cross_check(waiting.rules, result.reading, currency)
        event = ReplyReceived(
            message_id=waiting.message_id,
            from_address=waiting.from_address,
            text=waiting.text,
            reading=reading,
        )
        return self.step(event, consumed=MarkInboundDelivered(waiting.gmail_id))

    def _wrote(self, drafts: dict[str, Draft], waiting: _Writing) -> str | None:
        turns = self._turns()
        self._audit_calls([call for draft in drafts.values() for call in draft.calls])
        ops = self._step_ops()
        ops.template_fallback = self._pen_allows_template()
        event = waiting.event
        refused = [d for d in drafts.values() if d.written is None]
        if refused and not ops.template_fallback and isinstance(event, ReplyReceived):
            # No words may go out for this reply: a person decides, the draft shown to them
            # (and in the audit trail); the creator gets the holding reply's fixed words.
            event, drafts = self._escalated(event, refused[0]), {}
        ops.drafts.update(drafts)
        turns.drafted = True
        try:
            return self.step(event, consumed=waiting.consumed)
        finally:
            turns.drafted = False
            ops.drafts.clear()

    @staticmethod
    def _escalated(event: ReplyReceived, refused: Draft) -> ReplyReceived:
        why = "; ".join(refused.problems)[:300] or "no draft"
        draft = " ".join((refused.refused_text or "").split())[:300]
        reading = event.reading.model_copy(
            update={
                "needs_human": f"the model's email was refused twice by the guard ({why}); "
                f"its draft: {draft!r}",
                "confidence": min(event.reading.confidence, NEEDS_HUMAN_CONFIDENCE / 2),
            }
        )
        return event.model_copy(update={"reading": reading})

    def _pen_allows_template(self) -> bool:
        pen = self._pen()
        return pen is None or pen.playbook.template_fallback

    def _read_again_later(self) -> None:
        ref = self.actor_ref

        async def later() -> None:
            await asyncio.sleep(READ_AGAIN_S)
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(Wake())

        self.ctx.loop.submit(later())

    def _audit_calls(self, calls: list[Call]) -> None:
        """Each call in the audit trail and /metrics (its own transaction: it happened)."""
        pen = self._pen()
        if not calls or self.negotiation is None or pen is None:
            return
        n = self.negotiation
        settings, metrics = self.ctx.settings, self.ctx.metrics
        ops: list[StoreOp[Any]] = []
        for call in calls:
            cost = call.usage.dollars(settings).quantize(Decimal("0.000001"))
            metrics.llm_calls.labels(call.job, call.outcome).inc()
            for kind, count in call.usage.as_dict().items():
                metrics.llm_tokens.labels(n.campaign.id, kind.removesuffix("_tokens")).inc(count)
            metrics.llm_cost.labels(n.campaign.id).inc(float(cost))
            for problem in call.problems if call.outcome == "guard_rejected" else ():
                metrics.guard_rejections.labels(guard_reason(problem)).inc()
            ops.append(
                AppendAudit(
                    AuditKind.LLM,
                    campaign_id=n.campaign.id,
                    influencer_name=n.influencer.name,
                    influencer_email=n.influencer.email,
                    email_body=call.draft,
                    metadata={
                        "negotiation_id": self.nid,
                        "job": call.job,
                        "outcome": call.outcome,
                        "model": pen.client.model,
                        **call.usage.as_dict(),
                        "cost_usd": str(cost),
                        **({"problems": list(call.problems)} if call.problems else {}),
                    },
                )
            )
        self.store.commit(*ops)
