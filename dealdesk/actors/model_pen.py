"""The model as negotiators use it: each call submitted to the I/O loop, its answer told back to
the asking actor as a message (:class:`ModelRead`, :class:`ModelWrote`), never waited for.

One :class:`ModelPen` per process, kept on the runtime context (``ctx[MODEL].pen``; ``None``:
the model is off). Its methods run on the asking actor's thread and return at once; the calls
run on the I/O loop (``integrations.anthropic``), and their answers, failures included, always
come back as a message (a failure is never lost on the loop).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pykka

from dealdesk.domain import SendEmail, check_email
from dealdesk.domain.writer import write_checked_email
from dealdesk.errors import UpstreamError
from dealdesk.integrations.anthropic import Draft, Prefix, ReadResult, read_reply, write_email
from dealdesk.runtime.context import ContextKey

if TYPE_CHECKING:
    import concurrent.futures
    from collections.abc import Callable, Coroutine, Hashable

    from dealdesk.domain import Negotiation, ReplyReading
    from dealdesk.integrations.anthropic import ModelClient, ModelPlaybook
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["MODEL", "ModelAnswer", "ModelPen", "ModelRead", "ModelSlot", "ModelWrote"]

T = TypeVar("T")


@dataclass(frozen=True)
class ModelRead:
    """Event: the model's reading of a reply came back (``result`` None: the call failed)."""

    token: int
    result: ReadResult | None
    error: str | None = None


@dataclass(frozen=True)
class ModelWrote:
    """Event: the model's drafts of a decision's emails came back, by Message-ID."""

    token: int
    drafts: dict[str, Draft]


class ModelPen:
    """The model as negotiators use it: each call submitted to the I/O loop, its answer told to
    the asking actor. Shared by every negotiator of the process.

    A call is shared by key (the negotiation, what it is about, the negotiation's version): an
    activation that asks what an earlier activation of the same negotiation already asked (it
    was passivated while the answer was out) gets the same call's answer, at once when it came
    already, instead of a second call. Failed calls are forgotten (asking again calls again);
    answered ones are kept for the :data:`KEPT` latest keys (a key is never asked again once
    the step it was for committed: the version moved on).
    """

    KEPT: ClassVar[int] = 4096

    def __init__(
        self, ctx: RuntimeContext, client: ModelClient, playbook: ModelPlaybook, *, cache: bool
    ) -> None:
        self.ctx = ctx
        self.client = client
        self.playbook = playbook
        self.prefix = Prefix(playbook, cache=cache)
        self._tokens = itertools.count(1)
        self._calls: OrderedDict[Hashable, concurrent.futures.Future[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def token(self) -> int:
        return next(self._tokens)

    def _shared(
        self, key: Hashable, start: Callable[[], Coroutine[Any, Any, T]]
    ) -> concurrent.futures.Future[T]:
        with self._lock:
            future = self._calls.get(key)
            if future is None:
                future = self.ctx.loop.submit(start())
                self._calls[key] = future
                while len(self._calls) > self.KEPT:
                    self._calls.popitem(last=False)
            else:
                self._calls.move_to_end(key)
        return future

    def _forget(self, key: Hashable) -> None:
        with self._lock:
            self._calls.pop(key, None)

    def read(
        self,
        key: Hashable,
        negotiation: Negotiation,
        text: str,
        rules: ReplyReading,
        answer: ModelAnswer,
    ) -> None:
        future = self._shared(
            key, lambda: read_reply(self.client, self.prefix, negotiation, text, rules)
        )

        def done(f: concurrent.futures.Future[ReadResult]) -> None:
            try:
                answer.tell(ModelRead(answer.token, f.result()))
            except Exception as exc:  # told, never lost on the loop
                self._forget(key)
                why = f"{exc.kind}: {exc}" if isinstance(exc, UpstreamError) else repr(exc)
                answer.tell(ModelRead(answer.token, None, why[:300]))

        future.add_done_callback(done)

    def write(
        self, key: Hashable, after: Negotiation, effects: list[SendEmail], answer: ModelAnswer
    ) -> None:
        async def drafts() -> dict[str, Draft]:
            made: dict[str, Draft] = {}
            for effect in effects:
                reference, _ = write_checked_email(after, effect)

                def guard(written: Any, effect: SendEmail = effect) -> list[str]:
                    return check_email(written, effect, after)

                try:
                    made[effect.message_id] = await write_email(
                        self.client, self.prefix, after, effect, reference=reference, guard=guard
                    )
                except UpstreamError as exc:
                    self._forget(key)
                    made[effect.message_id] = Draft(
                        None, problems=(f"the model could not write it ({exc.kind})",)
                    )
            return made

        future = self._shared(key, drafts)

        def done(f: concurrent.futures.Future[dict[str, Draft]]) -> None:
            try:
                answer.tell(ModelWrote(answer.token, f.result()))
            except Exception as exc:  # told, never lost on the loop
                self._forget(key)
                why = (f"the model could not write it ({type(exc).__name__})",)
                answer.tell(
                    ModelWrote(
                        answer.token, {e.message_id: Draft(None, problems=why) for e in effects}
                    )
                )

        future.add_done_callback(done)


@dataclass
class ModelSlot:
    """Where the process keeps its model (None: off, the rules and templates alone)."""

    pen: ModelPen | None = None


MODEL: ContextKey[ModelSlot] = ContextKey("model", lambda _ctx: ModelSlot())


class ModelAnswer:
    """Where an answer goes: the asking activation, while it lives.

    An activation passivated while its answer is out :meth:`abandon` s it with the messages it
    was handling and holding; those go back to its supervisor (which activates the negotiation
    again) once the answer is there — not before, so two passivated negotiations never take
    turns evicting each other while their answers are out — and the new activation, asking
    again, gets the same call's answer (:class:`ModelPen` shares it by key). Exactly one of
    :meth:`tell` (on the loop) and :meth:`abandon` (on the actor's thread) hands them back.
    """

    def __init__(
        self, ref: pykka.ActorRef[Any], token: int, supervisor: pykka.ActorRef[Any] | None
    ) -> None:
        self.ref = ref
        self.token = token
        self.supervisor = supervisor
        self._lock = threading.Lock()
        self._told = False
        self._abandoned: list[object] | None = None

    def tell(self, message: object) -> None:
        with self._lock:
            self._told = True
            abandoned = self._abandoned
        if abandoned is not None:
            self._hand_back(abandoned)
            return
        # Stopped without abandoning it (a crash): the store keeps the work for the restart.
        with contextlib.suppress(pykka.ActorDeadError):
            self.ref.tell(message)

    def abandon(self, messages: list[object]) -> None:
        with self._lock:
            self._abandoned = messages
            told = self._told
        if told:  # the answer came and may be lost in a stopping mailbox: hand back now
            self._hand_back(messages)

    def _hand_back(self, messages: list[object]) -> None:
        if self.supervisor is None:
            return
        for message in messages:
            with contextlib.suppress(pykka.ActorDeadError):
                self.supervisor.tell(message)
