"""The Notifier: every team message written before it is posted, posted once, in order per
channel, paced, 429's Retry-After honoured, nothing dropped while Slack is down, nothing posted
twice after a lost answer or a restart. Against the sandbox Slack through slack_sdk."""

from __future__ import annotations

import time

import pytest

from dealdesk.actors.notifier import NOTIFIER, Notify, PostPending, notifier_spec
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.registry import AUDIT_WRITER
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.sandbox.base import Fault
from dealdesk.store import STORE
from dealdesk.store.notifications import (
    ClaimNotification,
    EnqueueNotification,
    notification_query,
    waiting_notifications_query,
)
from tests.conftest import slack_gateway
from tests.support.settings import test_settings

TEAM = "#dealdesk"
OTHER = "#dealdesk-errors"


class Rig:
    def __init__(self, ctx, fake_slack):
        self.ctx = ctx
        self.slack = fake_slack
        self.gateway = slack_gateway(fake_slack, RetryPolicy.without_waiting())
        self.ref = None

    def start(self):
        spec = notifier_spec(self.ctx, self.gateway)
        self.ref = spec.start(None, 0)
        self.ctx.registry.register(NOTIFIER, self.ref)
        return self

    def tell(self, message):
        self.ref.tell(message)

    def idle(self, deadline_s=20.0):
        """Until no post is in flight (each answer comes back to the actor as a message; each
        ask is a barrier behind the messages before it)."""
        deadline = time.monotonic() + deadline_s
        while self.ref.ask(DumpState(), timeout=10)["in_flight"]:
            if time.monotonic() > deadline:
                raise AssertionError("a post never came back")

    def waiting(self):
        return self.ctx[STORE].reader().run(waiting_notifications_query())

    def row(self, key):
        return self.ctx[STORE].reader().run(notification_query(key))

    def texts(self, channel=TEAM):
        return [m.text for m in self.slack.messages_in(channel)]


@pytest.fixture
def rig(ctx, writer, fake_slack):
    return Rig(ctx, fake_slack)


def test_notifications_are_posted_once_each_in_order_and_marked_with_slacks_ts(rig):
    rig.start()
    for n in range(3):
        rig.tell(Notify(f"team {n}", key=f"k{n}"))
    rig.tell(Notify("errors 0", channel=OTHER, key="e0"))
    rig.tell(Notify("team 0 again", key="k0"))  # the same key: a repeat, not a message
    assert rig.slack.wait_until(lambda: len(rig.slack.messages) == 4)
    rig.idle()
    assert rig.texts() == ["team 0", "team 1", "team 2"]
    assert rig.texts(OTHER) == ["errors 0"]
    posted = rig.slack.messages_in(TEAM)
    assert [rig.row(f"k{n}").ts for n in range(3)] == [m.ts for m in posted]
    assert all(rig.row(f"k{n}").status == "posted" for n in range(3))
    assert posted[0].metadata == {
        "event_type": "dealdesk_notification",
        "event_payload": {"key": "k0"},
    }


def test_a_429_waits_its_retry_after_then_the_message_goes_once(rig, clock):
    rig.slack.inject(
        Fault(
            operation="chat.postMessage",
            status=429,
            headers={"Retry-After": "30"},
            body={"ok": False, "error": "ratelimited"},
        )
    )
    rig.start()
    rig.tell(Notify("hello", key="k"))
    assert rig.slack.wait_until(lambda: len(rig.slack.calls("chat.postMessage")) == 1)
    rig.idle()
    assert rig.row("k").status == "pending"
    clock.advance(29)
    rig.tell(PostPending())
    rig.idle()
    assert rig.texts() == []  # still inside Retry-After
    clock.advance(2)
    rig.tell(PostPending())
    assert rig.slack.wait_until(lambda: rig.texts() == ["hello"])
    rig.idle()
    assert rig.row("k").status == "posted"


def test_one_channel_gets_one_message_per_pace_while_another_channel_is_not_held(
    settings, io_loop, clock, writer, fake_slack
):
    paced = RuntimeContext(
        settings=test_settings(settings.data_dir, slack_pace_s=1.0), loop=io_loop, clock=clock
    )
    paced.registry.register(AUDIT_WRITER, writer)
    rig = Rig(paced, fake_slack).start()
    rig.tell(Notify("first", key="a"))
    rig.tell(Notify("second", key="b"))
    rig.tell(Notify("elsewhere", channel=OTHER, key="c"))
    assert fake_slack.wait_until(lambda: len(fake_slack.messages) == 2)
    rig.idle()
    rig.tell(PostPending())
    rig.idle()
    assert rig.texts() == ["first"]
    assert rig.texts(OTHER) == ["elsewhere"]
    clock.advance(1.0)
    rig.tell(PostPending())
    assert fake_slack.wait_until(lambda: rig.texts() == ["first", "second"])


def test_while_slack_is_down_nothing_is_dropped_and_all_goes_in_order_when_it_is_back(rig, clock):
    rig.slack.inject(Fault(operation="chat.postMessage", status=503, times=3))
    rig.start()
    for n in range(3):
        rig.tell(Notify(f"m{n}", key=f"k{n}"))
    for _ in range(3):
        rig.idle()
        clock.advance(120)  # past any backoff
        rig.tell(PostPending())
    assert rig.slack.wait_until(lambda: len(rig.texts()) == 3)
    rig.idle()
    assert rig.texts() == ["m0", "m1", "m2"]
    assert rig.waiting() == []


def test_a_post_whose_answer_was_lost_is_found_in_the_channel_and_not_posted_again(rig, clock):
    rig.slack.inject(Fault(operation="chat.postMessage", status=500, apply_first=True))
    rig.start()
    rig.tell(Notify("agreed with Maya", key="k"))
    assert rig.slack.wait_until(lambda: len(rig.texts()) == 1)
    rig.idle()
    assert rig.row("k").status == "posting"  # it may be in Slack: never posted blind
    clock.advance(120)
    rig.tell(PostPending())
    assert rig.slack.wait_until(lambda: len(rig.slack.calls("conversations.history")) == 1)
    rig.idle()
    assert rig.texts() == ["agreed with Maya"]
    assert rig.row("k").status == "posted"
    assert rig.row("k").ts == rig.slack.messages_in(TEAM)[0].ts


def test_claims_a_killed_process_left_are_settled_from_the_channel_at_start(rig, io_loop):
    store = rig.ctx[STORE]
    for key in ("in-slack", "not-in-slack"):
        store.commit(EnqueueNotification(key, TEAM, key), ClaimNotification(key))
    ts = io_loop.run(
        rig.gateway.post_notification(
            TEAM, "in-slack", blocks=None, thread_ts=None, key="in-slack"
        ),
        timeout=5,
    )  # the first run's post got in; its answer died with it
    rig.start()
    assert rig.slack.wait_until(lambda: len(rig.texts()) == 2)
    rig.idle()
    assert rig.texts() == ["in-slack", "not-in-slack"]
    assert rig.row("in-slack").ts == ts
    assert rig.waiting() == []


def test_slacks_refusal_is_recorded_and_the_channel_goes_on(rig):
    rig.slack.inject(
        Fault(
            operation="chat.postMessage", status=200, body={"ok": False, "error": "invalid_blocks"}
        )
    )
    rig.start()
    rig.tell(Notify("bad", key="bad"))
    rig.tell(Notify("good", key="good"))
    assert rig.slack.wait_until(lambda: rig.texts() == ["good"])
    rig.idle()
    assert rig.row("bad").status == "failed"
    assert rig.row("good").status == "posted"


def test_answers_reach_the_notifier_that_asked_even_before_its_name_is_registered(rig):
    # Slack may answer before the supervisor has registered the new activation's name: the
    # answer goes to the activation itself, so its channel is never left waiting on it.
    rig.ref = notifier_spec(rig.ctx, rig.gateway).start(None, 0)  # never registered
    rig.tell(Notify("one", key="k1"))
    rig.tell(Notify("two", key="k2"))
    assert rig.slack.wait_until(lambda: rig.texts() == ["one", "two"])
    rig.idle()
    assert rig.waiting() == []
