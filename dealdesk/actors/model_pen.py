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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pykka

from dealdesk.domain import SendEmail, check_email
from dealdesk.domain.writer import write_checked_email
from dealdesk.errors import UpstreamError
from dealdesk.integrations.anthropic import Draft, Prefix, ReadResult, read_reply, write_email
from dealdesk.runtime.context import ContextKey

if TYPE_CHECKING:
    import concurrent.futures

    from dealdesk.domain import Negotiation, ReplyReading
    from dealdesk.integrations.anthropic import ModelClient, ModelPlaybook
    from dealdesk.runtime.context import RuntimeContext

__all__ = ["MODEL", "ModelAnswer", "ModelPen", "ModelRead", "ModelSlot", "ModelWrote"]


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
    the asking actor. Shared by every negotiator of the process."""

    def __init__(
        self, ctx: RuntimeContext, client: ModelClient, playbook: ModelPlaybook, *, cache: bool
    ) -> None:
        self.ctx = ctx
        self.client = client
        self.playbook = playbook
        self.prefix = Prefix(playbook, cache=cache)
        self._tokens = itertools.count(1)

    def token(self) -> int:
        return next(self._tokens)

    def read(
        self, negotiation: Negotiation, text: str, rules: ReplyReading, answer: ModelAnswer
    ) -> None:
        coro = read_reply(self.client, self.prefix, negotiation, text, rules)
        future = self.ctx.loop.submit(coro)

        def done(f: concurrent.futures.Future[ReadResult]) -> None:
            try:
                answer.tell(ModelRead(answer.token, f.result()))
            except UpstreamError as exc:
                answer.tell(ModelRead(answer.token, None, f"{exc.kind}: {exc}"[:300]))
            except Exception as exc:  # told, never lost on the loop
                answer.tell(ModelRead(answer.token, None, repr(exc)[:300]))

        future.add_done_callback(done)

    def write(self, after: Negotiation, effects: list[SendEmail], answer: ModelAnswer) -> None:
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
                    made[effect.message_id] = Draft(
                        None, problems=(f"the model could not write it ({exc.kind})",)
                    )
            return made

        future = self.ctx.loop.submit(drafts())

        def done(f: concurrent.futures.Future[dict[str, Draft]]) -> None:
            try:
                answer.tell(ModelWrote(answer.token, f.result()))
            except Exception as exc:  # told, never lost on the loop
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


@dataclass(frozen=True)
class ModelAnswer:
    """Where an answer goes: the asking actor, and the token its wait carries."""

    ref: pykka.ActorRef[Any]
    token: int

    def tell(self, message: object) -> None:
        with contextlib.suppress(pykka.ActorDeadError):  # passivated: the store keeps the work
            self.ref.tell(message)
