"""Durable reminders fire when due, across restarts, and reach their negotiation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dealdesk.actors.scheduler import FireDue, ReminderFired, ReminderScheduled, scheduler_spec
from dealdesk.app.wiring import start_children
from dealdesk.domain.events import ReminderKind
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import SCHEDULER
from dealdesk.runtime.supervision import StopChild
from dealdesk.store import STORE, AddReminder, MarkReminderFired
from tests.support.mail_rig import MailRig


@pytest.fixture
def rig(ctx):
    harness = MailRig(ctx)
    yield harness
    harness.close()


def start_scheduler(rig):
    start_children(rig.root, [scheduler_spec(rig.ctx)])
    scheduler = rig.ctx.registry.get(SCHEDULER)
    scheduler.ask(DumpState(), timeout=10)  # started: its first look at the store is queued
    scheduler.ask(DumpState(), timeout=10)  # and done
    rig.settle()
    return scheduler


def fired(rig):
    return [m.due.reminder_id for m in rig.handed() if isinstance(m, ReminderFired)]


def test_a_reminder_that_came_due_while_down_fires_at_start_and_reaches_its_negotiation(rig):
    now = rig.ctx.clock.now()
    rig.ctx[STORE].write(AddReminder("r1", rig.nid(), "follow_up", now - timedelta(hours=2)))
    rig.ctx[STORE].write(AddReminder("r2", rig.nid(), "stale", now + timedelta(days=3)))
    scheduler = start_scheduler(rig)
    [event] = [m for m in rig.handed() if isinstance(m, ReminderFired)]
    assert (event.negotiation_id, event.due.reminder_id, event.due.kind) == (
        rig.nid(), "r1", ReminderKind.FOLLOW_UP,
    )  # fmt: skip
    assert scheduler.ask(DumpState(), timeout=10)["next_wake"] is not None


def test_a_future_reminder_fires_when_its_time_comes_and_once(rig, clock):
    scheduler = start_scheduler(rig)
    due = clock.now() + timedelta(seconds=90)
    rig.ctx[STORE].write(AddReminder("r3", rig.nid(), "follow_up", due))
    scheduler.tell(ReminderScheduled(due))
    assert scheduler.ask(DumpState(), timeout=10)["next_wake"] == due.isoformat()
    assert scheduler.ask(FireDue(), timeout=10) == 0  # not yet
    clock.advance(90)
    assert scheduler.ask(FireDue(), timeout=10) == 1  # as the timer would, at its time
    assert scheduler.ask(FireDue(), timeout=10) == 0  # handed out once
    rig.settle()
    assert fired(rig) == ["r3"]


def test_a_reminder_handed_out_but_not_taken_is_handed_out_again_after_a_restart(rig):
    now = rig.ctx.clock.now()
    rig.ctx[STORE].write(AddReminder("r4", rig.nid(), "follow_up", now - timedelta(minutes=1)))
    rig.ctx[STORE].write(AddReminder("r5", rig.nid(), "follow_up", now - timedelta(minutes=1)))
    start_scheduler(rig)
    rig.ctx[STORE].write(MarkReminderFired("r5"))  # the negotiation took r5 (not r4)
    rig.root.ask(StopChild(SCHEDULER), timeout=10)
    start_scheduler(rig)
    assert fired(rig) == ["r4", "r5", "r4"]


def test_a_reminder_due_soon_is_not_held_back_by_one_handed_out_and_not_yet_taken(rig, clock):
    now = clock.now()
    rig.ctx[STORE].write(AddReminder("r6", rig.nid(), "follow_up", now - timedelta(seconds=1)))
    soon = now + timedelta(seconds=2)
    rig.ctx[STORE].write(AddReminder("r7", rig.nid(), "follow_up", soon))
    scheduler = start_scheduler(rig)  # r6 is handed out at once; r7 comes due in 2 s
    assert scheduler.ask(DumpState(), timeout=10)["next_wake"] == soon.isoformat()
