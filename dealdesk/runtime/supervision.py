"""Supervision on top of pykka, OTP-style.

A :class:`Supervisor` starts named children from :class:`ChildSpec` factories, hears of a child's
crash as :class:`~dealdesk.runtime.actor.ChildFailed`, and restarts it (the factory reloads the
child's persisted state, where it has one) as long as the child stays within its restart intensity:
at most ``restart_max`` restarts in any ``restart_period_s`` seconds. Past that, the child stays
stopped and the failure goes to the ErrorReporter once. Messages that were still waiting in the
crashed child's mailbox move to the new activation in order (asks included, with their futures), so
a restart loses nothing but the message that crashed it (the moving is
:mod:`dealdesk.runtime.mailbox`'s).

Shutdown is children-first: a supervisor stops its children in reverse start order, each after
it has drained the mailbox it had, and only then stops itself.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pykka

from dealdesk.runtime.actor import BaseActor, ChildFailed, DumpState
from dealdesk.runtime.mailbox import fail_waiting, forward, queued
from dealdesk.runtime.reports import ErrorReport

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.mailbox import Envelope

__all__ = [
    "ChildSpec",
    "RestartIntensity",
    "StartChild",
    "StopChild",
    "Supervisor",
]


@dataclass(frozen=True)
class ChildSpec:
    """How to start one child. ``start(parent, restarts)`` starts an activation and returns it;
    on a restart it is the factory's job to reload the child's persisted state."""

    name: str
    start: Callable[[pykka.ActorRef[Any], int], pykka.ActorRef[Any]]
    kind: str = "actor"
    register: bool = True
    restart: Literal["permanent", "temporary"] = "permanent"


@dataclass(frozen=True)
class StartChild:
    """Command: start (or return the live) child for ``spec``; answers its ActorRef."""

    spec: ChildSpec


@dataclass(frozen=True)
class StopChild:
    """Command: stop the child called ``name`` (after its mailbox drains)."""

    name: str


class RestartIntensity:
    """At most ``max_restarts`` within any ``period_s`` window (OTP's intensity and period)."""

    def __init__(self, max_restarts: int, period_s: float, monotonic: Callable[[], float]) -> None:
        self.max_restarts = max_restarts
        self.period_s = period_s
        self._monotonic = monotonic
        self._stamps: deque[float] = deque()

    def allow(self) -> bool:
        now = self._monotonic()
        while self._stamps and now - self._stamps[0] >= self.period_s:
            self._stamps.popleft()
        if len(self._stamps) >= self.max_restarts:
            return False
        self._stamps.append(now)
        return True


@dataclass
class _Child:
    spec: ChildSpec
    ref: pykka.ActorRef[Any]
    intensity: RestartIntensity
    restarts: int = 0


class Supervisor(BaseActor):
    """A supervisor actor; the runtime's root and each campaign's supervisor derive from it."""

    kind = "supervisor"
    dump_timeout_s = 2.0

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        actor_id: str,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=actor_id, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.children: dict[str, _Child] = {}

    def handle(self, message: Any) -> Any:
        match message:
            case StartChild(spec=spec):
                return self.start_child(spec)
            case StopChild(name=name):
                return self.stop_child(name)
            case ChildFailed():
                return self.child_failed(message)
            case _:
                return self.unhandled(message)

    def start_child(self, spec: ChildSpec) -> pykka.ActorRef[Any]:
        existing = self.children.get(spec.name)
        if existing is not None and existing.ref.is_alive():
            return existing.ref
        ref = spec.start(self.actor_ref, 0)
        settings = self.ctx.settings
        intensity = RestartIntensity(
            settings.restart_max, settings.restart_period_s, self.ctx.clock.monotonic
        )
        self.children[spec.name] = _Child(spec, ref, intensity)
        if spec.register:
            self.ctx.registry.register(spec.name, ref)
        self.log.info("child_started", child=spec.name, child_kind=spec.kind)
        return ref

    def stop_child(self, name: str) -> bool:
        child = self.children.pop(name, None)
        if child is None:
            return False
        self._stop_ref(child)
        return True

    def _stop_ref(self, child: _Child) -> None:
        if child.spec.register:
            self.ctx.registry.unregister(child.spec.name, child.ref)
        try:
            child.ref.stop(block=True, timeout=self.ctx.settings.shutdown_timeout_s)
        except pykka.ActorDeadError:
            pass
        except pykka.Timeout:
            self.log.warning("child_stop_timed_out", child=child.spec.name)

    def child_failed(self, event: ChildFailed) -> None:
        child = self.children.get(event.name)
        if child is None or child.ref is not event.ref:
            self.log.info("stale_child_failure_ignored", child=event.name)
            return
        pending = list(event.pending)
        if child.spec.restart == "temporary" or not child.intensity.allow():
            self._give_up(child, event, pending)
            return
        child.restarts += 1
        self.ctx.metrics.restarts.labels(child.spec.kind).inc()
        try:
            child.ref = child.spec.start(self.actor_ref, child.restarts)
        except Exception as exc:
            self._give_up(child, ChildFailed(event.name, event.ref, repr(exc)), pending)
            return
        forward(pending, child.ref)
        if child.spec.register:
            self.ctx.registry.register(child.spec.name, child.ref)
        self.log.warning(
            "child_restarted",
            child=event.name,
            restarts=child.restarts,
            error=event.error,
            moved_messages=len(pending),
        )

    def _give_up(self, child: _Child, event: ChildFailed, pending: list[Envelope[Any]]) -> None:
        del self.children[child.spec.name]
        if child.spec.register:
            self.ctx.registry.unregister(child.spec.name, child.ref)
        message = f"{child.spec.name} stopped after repeated failures"
        fail_waiting(pending, lambda: pykka.ActorDeadError(message))
        intensity = child.intensity
        self.log.error(
            "child_given_up",
            child=event.name,
            restarts=child.restarts,
            error=event.error,
            limit=f"{intensity.max_restarts} in {intensity.period_s}s",
        )
        if child.spec.restart == "permanent":
            self.ctx.report(
                ErrorReport(
                    service="dealdesk",
                    operation=f"supervise {child.spec.kind}",
                    kind="restart_limit",
                    message=(
                        f"{event.name} crashed more than {intensity.max_restarts} times in "
                        f"{intensity.period_s:g}s and was stopped; last error: {event.error}"
                    ),
                    context={"actor": event.name},
                )
            )

    def on_stop(self) -> None:
        self.stop_children()
        self.log.info("supervisor_stopped")

    def on_failure(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # pykka calls no on_stop after a failure: its children would outlive it, and its restart
        # would start second activations of them. They stop before its parent hears of it.
        self.stop_children()
        super().on_failure(exception_type, exception_value, traceback)

    def stop_children(self) -> None:
        """Children first, newest first: intake and dependants stop before what they depend on."""
        for name in reversed(list(self.children)):
            self._stop_ref(self.children.pop(name))

    def dump_fields(self) -> dict[str, Any]:
        asks: list[tuple[str, _Child, pykka.Future[dict[str, Any]] | None]] = []
        for name, child in self.children.items():
            try:
                asks.append((name, child, child.ref.ask(DumpState(), block=False)))
            except pykka.ActorDeadError:
                asks.append((name, child, None))
        deadline = time.monotonic() + self.dump_timeout_s
        children = []
        for name, child, future in asks:
            snapshot = self._child_snapshot(future, deadline)
            if snapshot is None:
                snapshot = {
                    "kind": child.spec.kind,
                    "id": name,
                    "state": "unresponsive" if child.ref.is_alive() else "dead",
                    "mailbox": queued(child.ref),
                    "last_message_at": None,
                }
            snapshot["restarts"] = child.restarts
            children.append(snapshot)
        return {"children": children}

    @staticmethod
    def _child_snapshot(
        future: pykka.Future[dict[str, Any]] | None, deadline: float
    ) -> dict[str, Any] | None:
        if future is None:
            return None
        try:
            return future.get(timeout=max(0.0, deadline - time.monotonic()))
        except (pykka.Timeout, pykka.ActorDeadError):
            return None
