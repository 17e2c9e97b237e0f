"""The base of every dealdesk actor: typed dispatch, state dumps, failure reporting to a parent.

pykka gives each actor a thread and a mailbox and nothing more. On top of it this base adds:

- ``on_receive`` answers :class:`DumpState` and :class:`~dealdesk.runtime.loop.LoopAsk` itself and
  hands every other message to :meth:`BaseActor.handle`, which subclasses write as one ``match``
  over message types; an unknown message is logged (``unknown_message``), never dropped silently.
- A failure (an exception from a ``tell``-ed message, or from ``on_start``) is told to the parent
  as :class:`ChildFailed`, which is how supervision learns of it. An exception from an ``ask`` goes
  back to the asker and the actor lives on (pykka's own rule).
- The logger is bound in ``__init__`` with ``actor`` and ``actor_id`` (contextvars do not cross
  threads).

Mailboxes (their depth, what a crashed actor leaves queued) are read through
:mod:`dealdesk.runtime.mailbox`, the one module that uses pykka's internals.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pykka
import structlog

from dealdesk.runtime.loop import LoopAsk
from dealdesk.runtime.mailbox import drain, fail_waiting, queued

if TYPE_CHECKING:
    from types import TracebackType

    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.mailbox import Envelope

__all__ = ["BaseActor", "ChildFailed", "DumpState"]


@dataclass(frozen=True)
class DumpState:
    """Ask any actor for a JSON-serialisable snapshot of itself."""


@dataclass(frozen=True)
class ChildFailed:
    """Event: the child named ``name`` crashed with ``error`` (told to its parent)."""

    name: str
    ref: pykka.ActorRef[Any]
    error: str
    # Envelopes still waiting in the crashed child's mailbox, for the next activation.
    pending: tuple[Envelope[Any], ...] = ()


class BaseActor(pykka.ThreadingActor):
    """Every dealdesk actor derives from this. Subclasses implement :meth:`handle`."""

    kind: ClassVar[str] = "actor"
    # A wedged actor must not keep the process alive past the shutdown timeout.
    use_daemon_thread = True

    def __init__(
        self, *, actor_id: str, parent: pykka.ActorRef[Any] | None = None, restarts: int = 0
    ) -> None:
        super().__init__()
        self.actor_id = actor_id
        self.parent = parent
        self.restarts = restarts
        self.last_message_at: float | None = None
        self.log = structlog.get_logger(f"dealdesk.{self.kind}").bind(
            actor=self.kind, actor_id=actor_id
        )

    # -- runs on the actor's thread -------------------------------------------------------------

    def on_start(self) -> None:
        try:
            self.started()
        except Exception as exc:
            self._tell_parent_failed(exc)
            raise

    def started(self) -> None:
        """Hook: runs first on the actor's own thread (open connections, load state)."""

    def on_receive(self, message: Any) -> Any:
        self.last_message_at = time.time()
        if isinstance(message, LoopAsk):
            try:
                result = self._dispatch(message.message)
            except Exception as exc:
                self.log.info("loop_ask_failed", error=repr(exc))
                message.reply.fail(exc)
            else:
                message.reply.ok(result)
            return None
        return self._dispatch(message)

    def _dispatch(self, message: Any) -> Any:
        if isinstance(message, DumpState):
            return self.dump()
        return self.handle(message)

    def handle(self, message: Any) -> Any:
        """Dispatch one message; subclasses ``match`` on type and end with ``self.unhandled``."""
        return self.unhandled(message)

    def tell_self_later(self, loop: IoLoop, delay: float, message: object) -> None:
        """``message`` to this activation after ``delay`` seconds (a timer on ``loop``); dropped
        if it has stopped by then — never sent by name, so never to a later activation, nor lost
        for being sent before the name was registered."""
        ref = self.actor_ref

        def tell() -> None:
            with contextlib.suppress(pykka.ActorDeadError):
                ref.tell(message)

        loop.call_later(delay, tell)

    def unhandled(self, message: object) -> None:
        self.log.warning("unknown_message", message_type=type(message).__name__)

    def on_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        del exception_type, traceback
        self._tell_parent_failed(exception_value)

    def _tell_parent_failed(self, exc: BaseException | None) -> None:
        self.log.error("actor_failed", error=repr(exc))
        if self.parent is not None:
            # pykka has marked this actor stopped: what is queued now is all it will ever have.
            pending = tuple(drain(self))
            try:
                self.parent.tell(ChildFailed(self.actor_id, self.actor_ref, repr(exc), pending))
            except pykka.ActorDeadError:
                # Nobody will restart this actor: whoever waits on it (a stop request included)
                # is answered now, not left to time out.
                self.log.warning("parent_gone", error=repr(exc))
                fail_waiting(pending, lambda: pykka.ActorDeadError(f"{self.actor_id} stopped"))

    # -- snapshots ------------------------------------------------------------------------------

    def state_name(self) -> str:
        """A one-word state for dumps; negotiators report their machine's state."""
        return "running"

    def dump_fields(self) -> dict[str, Any]:
        """Hook: an actor's own fields for its snapshot (JSON-serialisable)."""
        return {}

    def dump(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.actor_id,
            "state": self.state_name(),
            "mailbox": queued(self.actor_ref),
            "restarts": self.restarts,
            "last_message_at": self.last_message_at,
            **self.dump_fields(),
        }
