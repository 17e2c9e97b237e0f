"""Virtual children (Orleans' virtual actors on pykka): live while they have work, passivated when
idle or when the process holds too many, activated again by the next message for them.

A :class:`VirtualSupervisor` routes every message for a child through :meth:`deliver`: a child
that is not live is activated first (its factory reloads its persisted state) and told
:class:`Wake` before anything else, so it picks up work it owns in the store (the first step not
yet taken, replies kept for it). Each delivery is a use in the process-wide table
(``ctx[ACTIVATIONS]``); when the table holds more than its cap, the least recently used
activations are passivated by their own supervisors (:class:`Passivate`), and this supervisor's
children idle for ``idle_s`` are passivated on :class:`PassivateIdle` (a timer tells it).

At most one activation of a child exists at any moment: passivation stops the child on this
supervisor's thread and waits until its mailbox has drained, so a message that arrives meanwhile
waits in this supervisor's mailbox and is delivered to the next activation — never to a dying one,
never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dealdesk.runtime.activations import ACTIVATIONS
from dealdesk.runtime.actor import ChildFailed
from dealdesk.runtime.supervision import Supervisor

if TYPE_CHECKING:
    import pykka

    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.supervision import ChildSpec

__all__ = ["Passivate", "PassivateIdle", "VirtualSupervisor", "Wake"]


@dataclass(frozen=True)
class Wake:
    """To a child just activated: take up the work you own in the store. ``fresh``: its owner
    created it just now, so the store holds nothing for it yet to catch up on."""

    fresh: bool = False


@dataclass(frozen=True)
class Passivate:
    """To a supervisor: passivate child ``name`` (the table chose it to make room)."""

    name: str


@dataclass(frozen=True)
class PassivateIdle:
    """To a supervisor: passivate every child idle for the idle timeout."""


class VirtualSupervisor(Supervisor):
    """A supervisor whose children are virtual; subclasses route with :meth:`deliver`."""

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        actor_id: str,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(ctx, actor_id=actor_id, parent=parent, restarts=restarts)
        self.activations = ctx[ACTIVATIONS]
        self.idle_s = ctx.settings.passivate_delay.total_seconds()
        self.idle_timer = False
        self.activated = 0
        self.passivated = 0

    def handle(self, message: Any) -> Any:
        match message:
            case Passivate(name=name):
                if self.activations.evicting(name):  # not used again since it was chosen
                    self.passivate(name)
                return None
            case PassivateIdle():
                self.idle_timer = False
                for name in self.activations.idle(self.actor_id, self.idle_s):
                    self.passivate(name)
                self._arm_idle_timer()
                return None
            case ChildFailed(name=name):
                restarted = self._restart(message)
                if restarted is not None:
                    self.wake(restarted, Wake())
                elif name not in self.children:
                    self.activations.gone(name)
                return None
            case _:
                return super().handle(message)

    def _restart(self, event: ChildFailed) -> pykka.ActorRef[Any] | None:
        before = self.children.get(event.name)
        self.child_failed(event)
        after = self.children.get(event.name)
        if before is None or after is None or after.ref is event.ref:
            return None
        return after.ref

    def live(self, name: str) -> pykka.ActorRef[Any] | None:
        child = self.children.get(name)
        return child.ref if child is not None and child.ref.is_alive() else None

    def activate(self, spec: ChildSpec, *, wake: Wake | None = None) -> pykka.ActorRef[Any]:
        """The live activation of ``spec``'s child, started (and woken with ``wake``) if it was
        not live."""
        ref = self.live(spec.name)
        self._used(spec.name)  # room is made (least recently used passivated) before it starts
        if ref is None:
            try:
                ref = self.start_child(spec)
            except Exception:
                self.activations.gone(spec.name)
                raise
            self.wake(ref, wake or Wake())
            self.activated += 1
            self._arm_idle_timer()
        return ref

    def wake(self, ref: pykka.ActorRef[Any], wake: Wake) -> None:
        """The first word to a new activation (a subclass may tell it what it must know first)."""
        ref.tell(wake)

    def deliver(self, spec: ChildSpec, message: object) -> None:
        """``message`` to ``spec``'s child, activating it first when it is passivated."""
        self.activate(spec).tell(message)

    def touch(self, name: str) -> None:
        """A live child did something (told us of it): it is recently used."""
        if self.live(name) is not None:
            self._used(name)
            self._arm_idle_timer()

    def _used(self, name: str) -> None:
        for eviction in self.activations.touch(self.actor_id, name):
            if eviction.owner == self.actor_id:
                self.passivate(eviction.name)
            elif not self.ctx.registry.tell(eviction.owner, Passivate(eviction.name)):
                self.activations.gone(eviction.name)  # its owner is gone, and it with it

    def passivate(self, name: str) -> bool:
        """Stop child ``name`` after its mailbox drains (its state is in the store)."""
        stopped = self.stop_child(name)
        self.activations.gone(name)
        if stopped:
            self.passivated += 1
            self.log.debug("child_passivated", child=name)
        return stopped

    def _arm_idle_timer(self) -> None:
        if self.idle_timer or not self.children:
            return
        self.idle_timer = True
        self.tell_self_later(self.ctx.loop, self.idle_s, PassivateIdle())

    def stop_children(self) -> None:
        names = list(self.children)
        super().stop_children()
        for name in names:
            self.activations.gone(name)

    def dump_fields(self) -> dict[str, Any]:
        return {
            **super().dump_fields(),
            "live": len(self.children),
            "activated": self.activated,
            "passivated": self.passivated,
        }
