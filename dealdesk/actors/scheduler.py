"""The Scheduler: durable reminders (follow-ups, stale timeouts) fire when they are due, across
restarts. One per process, registered as ``scheduler``.

Reminders live in the store (``reminders``), written by a negotiation in the same transaction as
the transition that schedules them; the Scheduler only watches the clock. It keeps ONE timer, for
the soonest pending reminder, and when it fires it hands every reminder now due to its
negotiation's campaign supervisor as :class:`~dealdesk.domain.events.ReminderDue` (inside
:class:`ReminderFired`), which passes it to the negotiation. A reminder is marked fired by the
negotiation, in the transaction of the step it causes, so a reminder fires once: one handed out
and not yet taken is handed out again after a restart, and a negotiation ignores one that is no
longer its pending reminder (the domain's rule). A negotiation that schedules a reminder tells
the Scheduler :class:`ReminderScheduled` so an earlier one can move the timer forward; at start
the timer is set from the store, so reminders that came due while the process was down fire at
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dealdesk.domain.events import ReminderDue, ReminderKind
from dealdesk.runtime.actor import BaseActor
from dealdesk.runtime.registry import SCHEDULER, campaign_name
from dealdesk.runtime.supervision import ChildSpec
from dealdesk.store import STORE, due_reminders_query, next_reminder_query, parse_iso

if TYPE_CHECKING:
    import pykka

    from dealdesk.runtime.context import RuntimeContext

__all__ = [
    "FireDue",
    "ReminderFired",
    "ReminderScheduled",
    "Scheduler",
    "scheduler_spec",
]

BATCH = 1000  # reminders handed out per turn; the rest the next turn, at once
RECHECK = timedelta(seconds=30)  # how soon handed-out reminders not yet taken are looked at again


@dataclass(frozen=True)
class ReminderScheduled:
    """Event: a negotiation committed a reminder due at ``due_at`` (wake up by then)."""

    due_at: datetime


@dataclass(frozen=True)
class FireDue:
    """Command: hand out every reminder due now (from the timer, or at start)."""


@dataclass(frozen=True)
class ReminderFired:
    """Event for a campaign supervisor: ``due`` is due for negotiation ``negotiation_id``."""

    negotiation_id: str
    due: ReminderDue


class Scheduler(BaseActor):
    kind = "scheduler"

    def __init__(
        self,
        ctx: RuntimeContext,
        *,
        parent: pykka.ActorRef[Any] | None = None,
        restarts: int = 0,
    ) -> None:
        super().__init__(actor_id=SCHEDULER, parent=parent, restarts=restarts)
        self.ctx = ctx
        self.store = ctx[STORE]
        self.wake_at: datetime | None = None
        self.handed: set[str] = set()  # this activation's: the store knows what was taken
        self.fired = 0

    # -- runs on this actor's thread ------------------------------------------------------------

    def started(self) -> None:
        self.actor_ref.tell(FireDue())

    def on_stop(self) -> None:
        self.store.close_reader()

    def handle(self, message: Any) -> Any:
        match message:
            case FireDue():
                return self.fire_due()
            case ReminderScheduled(due_at=due_at):
                self._wake(due_at)
                return None
            case _:
                return self.unhandled(message)

    def fire_due(self) -> int:
        self.wake_at = None
        now = self.ctx.clock.now()
        due = self.store.reader().run(due_reminders_query(now, BATCH))
        handed = 0
        for reminder in due:
            if reminder.reminder_id in self.handed:
                continue  # handed out already; the negotiation has it queued
            negotiation = self.store.reader().negotiation(reminder.negotiation_id)
            if negotiation is None:
                self.log.warning("reminder_for_unknown_negotiation", reminder=reminder.reminder_id)
                continue
            try:
                kind = ReminderKind(reminder.kind)
            except ValueError:
                self.log.warning("reminder_of_unknown_kind", reminder=reminder.reminder_id)
                continue
            due_event = ReminderDue(reminder_id=reminder.reminder_id, kind=kind)
            event = ReminderFired(reminder.negotiation_id, due_event)
            if self.ctx.registry.tell(campaign_name(negotiation.campaign_id), event):
                self.handed.add(reminder.reminder_id)
                handed += 1
        self.fired += handed
        if len(due) >= BATCH:
            self.actor_ref.tell(FireDue())
            return handed
        upcoming = self.store.reader().run(next_reminder_query(after=now))
        if upcoming is not None:
            self._wake(parse_iso(upcoming))
        if due:
            # Due ones handed out but not taken yet are looked at again later, not in a loop.
            self._wake(now + RECHECK)
        return handed

    def _wake(self, at: datetime) -> None:
        if self.wake_at is not None and self.wake_at <= at:
            return
        self.wake_at = at
        delay = max(0.0, (at - self.ctx.clock.now()).total_seconds())
        self.tell_self_later(self.ctx.loop, delay, FireDue())

    def state_name(self) -> str:
        return "waiting" if self.wake_at is not None else "idle"

    def dump_fields(self) -> dict[str, Any]:
        return {
            "next_wake": self.wake_at.isoformat() if self.wake_at else None,
            "handed_out": self.fired,
        }


def scheduler_spec(ctx: RuntimeContext) -> ChildSpec:
    """How the root starts (and restarts: it reads the store again) the Scheduler."""

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        return Scheduler.start(ctx, parent=parent, restarts=restarts)

    return ChildSpec(name=SCHEDULER, start=start, kind=Scheduler.kind)
