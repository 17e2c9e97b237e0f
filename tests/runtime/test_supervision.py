"""Supervision: restart within the intensity limit, give up past it and report once, move the
crashed child's queued messages to its next activation, and stop children first. Then the mailbox
functions it does that with (``dealdesk.runtime.mailbox``), each checked against pykka itself."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pykka
import pytest

from dealdesk.actors.error_reporter import error_reporter_spec
from dealdesk.runtime.actor import BaseActor, DumpState
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.mailbox import (
    Envelope,
    SelectiveInbox,
    SelectiveInboxActor,
    drain,
    fail_waiting,
    forward,
    queued,
)
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.supervision import ChildSpec, StartChild, StopChild, Supervisor
from dealdesk.sandbox.slack.fake import FakeSlack
from tests.conftest import slack_gateway


@dataclass(frozen=True)
class Crash:
    pass


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Hold:
    release: threading.Event


class Flaky(BaseActor):
    kind = "flaky"

    def __init__(self, *, parent: Any, restarts: int, stopped: list[str]) -> None:
        super().__init__(actor_id="flaky", parent=parent, restarts=restarts)
        self.stopped = stopped

    def handle(self, message: Any) -> Any:
        match message:
            case Crash():
                raise RuntimeError("boom")
            case Ping():
                return ("pong", self.restarts)
            case Hold(release=release):
                release.wait(10)
                return None
            case _:
                return self.unhandled(message)

    def on_stop(self) -> None:
        self.stopped.append(self.actor_id)


class Starts:
    """A child factory that counts activations and lets a test wait for the n-th one."""

    def __init__(self, name: str = "flaky", stopped: list[str] | None = None) -> None:
        self.name = name
        self.cond = threading.Condition()
        self.count = 0
        self.stopped = stopped if stopped is not None else []

    def __call__(self, parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        ref = Flaky.start(parent=parent, restarts=restarts, stopped=self.stopped)
        with self.cond:
            self.count += 1
            self.cond.notify_all()
        return ref

    def wait_for(self, count: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.count >= count, 10), f"never reached {count}"

    def spec(self) -> ChildSpec:
        return ChildSpec(name=self.name, start=self, kind="flaky")


@pytest.fixture
def reporter(ctx: RuntimeContext, fake_slack: FakeSlack):
    slack = slack_gateway(fake_slack, RetryPolicy.without_waiting())

    async def post(text: str) -> object:
        return await slack.post_once(ctx.settings.slack_errors_channel, text)

    spec = error_reporter_spec(ctx, post)
    ref = spec.start(None, 0)  # type: ignore[arg-type]
    ctx.registry.register(spec.name, ref)
    return ref


def test_a_child_that_raises_is_restarted_and_answers_again(ctx: RuntimeContext):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    first = supervisor.ask(StartChild(starts.spec()), timeout=5)

    first.tell(Crash())
    starts.wait_for(2)

    current = ctx.registry.get("flaky")
    assert current is not None
    assert current is not first
    assert current.ask(Ping(), timeout=5) == ("pong", 1)
    assert (
        ctx.metrics.registry.get_sample_value("dealdesk_actor_restarts_total", {"kind": "flaky"})
        == 1
    )


def test_messages_queued_behind_the_crash_reach_the_restarted_child(ctx: RuntimeContext):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    child = supervisor.ask(StartChild(starts.spec()), timeout=5)
    release = threading.Event()

    child.tell(Hold(release))  # the child is busy while the next two messages queue up
    child.tell(Crash())
    answer = child.ask(Ping(), block=False)
    release.set()

    assert answer.get(timeout=10) == ("pong", 1)  # answered by the second activation


def test_a_child_that_keeps_failing_is_stopped_after_the_limit_and_reported_once(
    ctx: RuntimeContext, reporter: pykka.ActorRef[Any], fake_slack: FakeSlack
):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    supervisor.ask(StartChild(starts.spec()), timeout=5)
    limit = ctx.settings.restart_max  # 3 restarts within the period

    for activation in range(1, limit + 2):
        starts.wait_for(activation)
        child = ctx.registry.get("flaky")
        assert child is not None
        child.tell(Crash())

    channel = ctx.settings.slack_errors_channel
    assert fake_slack.wait_until(lambda: len(fake_slack.messages_in(channel)) >= 1)
    supervisor.ask(DumpState(), timeout=5)  # barriers: both actors handled all they were sent
    reporter.ask(DumpState(), timeout=5)

    posts = fake_slack.messages_in(channel)
    assert len(posts) == 1
    assert "restart_limit" in posts[0].text
    assert "flaky" in posts[0].text
    assert starts.count == limit + 1
    assert ctx.registry.get("flaky") is None
    assert supervisor.ask(DumpState(), timeout=5)["children"] == []


def test_restarts_spread_wider_than_the_period_never_hit_the_limit(ctx: RuntimeContext, clock):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    supervisor.ask(StartChild(starts.spec()), timeout=5)

    for activation in range(1, 8):
        starts.wait_for(activation)
        clock.advance(ctx.settings.restart_period_s)  # each crash in a fresh period
        child = ctx.registry.get("flaky")
        assert child is not None
        child.tell(Crash())
    starts.wait_for(8)

    child = ctx.registry.get("flaky")
    assert child is not None
    assert child.ask(Ping(), timeout=5) == ("pong", 7)


def test_starting_a_live_child_again_returns_the_same_activation(ctx: RuntimeContext):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    first = supervisor.ask(StartChild(starts.spec()), timeout=5)
    second = supervisor.ask(StartChild(starts.spec()), timeout=5)
    assert first is second
    assert starts.count == 1


def test_stopping_a_supervisor_stops_its_children_first_newest_first(ctx: RuntimeContext):
    stopped: list[str] = []
    supervisor = Supervisor.start(ctx, actor_id="sup")
    for name in ("older", "newer"):
        starts = Starts(name, stopped)
        ref = supervisor.ask(StartChild(starts.spec()), timeout=5)
        ref.ask(Ping(), timeout=5)

    supervisor.stop(timeout=10)

    assert len(stopped) == 2
    assert not supervisor.is_alive()
    assert ctx.registry.get("older") is None
    assert ctx.registry.get("newer") is None


class Crashing(Supervisor):
    """A supervisor that fails on :class:`Crash` (its own handler raising, as a bug would)."""

    def handle(self, message: Any) -> Any:
        match message:
            case Crash():
                raise RuntimeError("supervisor bug")
            case _:
                return super().handle(message)


def test_a_supervisor_that_fails_stops_its_children_before_it_is_restarted(ctx: RuntimeContext):
    root = Supervisor.start(ctx, actor_id="root")
    restarted = threading.Event()

    def start(parent: pykka.ActorRef[Any], restarts: int) -> pykka.ActorRef[Any]:
        if restarts:
            restarted.set()
        return Crashing.start(ctx, actor_id="inner", parent=parent, restarts=restarts)

    inner = root.ask(StartChild(ChildSpec(name="inner", start=start, kind="supervisor")), timeout=5)
    stopped: list[str] = []
    kid = inner.ask(StartChild(Starts("kid", stopped).spec()), timeout=5)
    inner.tell(Crash())
    assert restarted.wait(10)
    # Stopped before the parent heard of the failure: no second activation beside the first.
    assert stopped == ["flaky"]
    assert not kid.is_alive()
    assert ctx.registry.get("kid") is None


def test_a_stopped_child_is_not_restarted(ctx: RuntimeContext):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    starts = Starts()
    supervisor.ask(StartChild(starts.spec()), timeout=5)
    assert supervisor.ask(StopChild("flaky"), timeout=5) is True
    assert supervisor.ask(DumpState(), timeout=5)["children"] == []
    assert starts.count == 1


def test_a_supervisor_dump_includes_each_childs_snapshot(ctx: RuntimeContext):
    supervisor = Supervisor.start(ctx, actor_id="sup")
    supervisor.ask(StartChild(Starts().spec()), timeout=5)
    tree = supervisor.ask(DumpState(), timeout=5)
    assert tree["kind"] == "supervisor"
    (child,) = tree["children"]
    assert {"kind", "id", "state", "mailbox", "restarts", "last_message_at"} <= child.keys()
    assert child["kind"] == "flaky"


# -- the mailbox: what supervision (and the AuditWriter) rely on in pykka's internals ------------


@dataclass(frozen=True)
class DrainNow:
    pass


class Draining(pykka.ThreadingActor):
    """Holds on ``Hold``; on ``DrainNow`` takes everything queued behind it (as a crashed
    actor's teardown does) and answers it."""

    def on_receive(self, message: Any) -> Any:
        match message:
            case Hold(release=release):
                release.wait(10)
                return None
            case DrainNow():
                return drain(self)
            case _:
                return message


def test_queued_counts_the_messages_waiting_and_drain_takes_them_in_order_with_their_futures():
    ref = Draining.start()
    release = threading.Event()
    ref.tell(Hold(release))
    drained = ref.ask(DrainNow(), block=False)
    ref.tell("told")
    asked = ref.ask("asked", block=False)
    assert queued(ref) >= 3  # the Hold may or may not have been taken yet
    release.set()

    envelopes = drained.get(timeout=5)
    assert [envelope.message for envelope in envelopes] == ["told", "asked"]
    assert envelopes[0].reply_to is None
    assert envelopes[1].reply_to is asked
    assert queued(ref) == 0

    fail_waiting(envelopes, lambda: pykka.ActorDeadError("gone for good"))
    with pytest.raises(pykka.ActorDeadError, match="gone for good"):
        asked.get(timeout=5)


def test_forward_hands_an_ask_to_another_actor_which_answers_the_same_future():
    ref = Draining.start()
    future: pykka.Future[Any] = pykka.ThreadingFuture()
    forward([Envelope("told"), Envelope("asked", reply_to=future)], ref)
    assert future.get(timeout=5) == "asked"


def _inbox_of(*messages: str) -> tuple[SelectiveInbox, dict[str, pykka.Future[Any]]]:
    inbox, futures = SelectiveInbox(), {}
    for message in messages:
        futures[message] = pykka.ThreadingFuture()
        inbox.put(Envelope(message, reply_to=futures[message]))
    return inbox, futures


def test_a_selective_inbox_takes_weighted_messages_from_the_front_until_one_weighs_nothing():
    inbox, futures = _inbox_of("w1", "w2", "stop", "w3")
    taken = inbox.take_front(lambda m: 0 if m == "stop" else 1, room=10, deadline=float("inf"))
    assert taken == [("w1", futures["w1"]), ("w2", futures["w2"])]
    assert [inbox.get().message for _ in range(inbox.qsize())] == ["stop", "w3"]

    inbox, _ = _inbox_of("w1", "w2", "w3")
    assert [m for m, _ in inbox.take_front(lambda m: 2, room=3, deadline=float("inf"))] == [
        "w1",
        "w2",
    ]
    assert inbox.qsize() == 1


def test_a_selective_inbox_takes_all_wanted_messages_and_keeps_the_rest_in_order():
    inbox, futures = _inbox_of("w1", "x1", "w2", "x2")
    assert inbox.take_all(lambda m: m.startswith("w")) == [
        ("w1", futures["w1"]),
        ("w2", futures["w2"]),
    ]
    assert [inbox.get().message for _ in range(inbox.qsize())] == ["x1", "x2"]


def test_a_selective_inbox_hands_over_the_reply_of_the_message_being_handled_only():
    inbox, futures = _inbox_of("first")
    envelope = inbox.get()
    with pytest.raises(LookupError):
        inbox.take_reply("first but another object")
    assert inbox.take_reply(envelope.message) is futures["first"]
    assert envelope.reply_to is None  # pykka answers nothing now
    assert inbox.take_reply(envelope.message) is None


class AnswersLater(SelectiveInboxActor):
    """Takes over the reply of every ``ask`` and answers it on the next ``"answer"``."""

    def __init__(self) -> None:
        super().__init__()
        self.held: pykka.Future[Any] | None = None

    def on_receive(self, message: Any) -> Any:
        if message == "answer":
            assert self.held is not None
            self.held.set("answered by the actor")
            return None
        self.held = self.inbox.take_reply(message)
        return "what pykka would send"


def test_an_actor_that_takes_over_a_reply_is_the_only_one_to_answer_it():
    ref = AnswersLater.start()
    future = ref.ask("question", block=False)
    with pytest.raises(pykka.Timeout):
        future.get(timeout=0.2)
    ref.tell("answer")
    assert future.get(timeout=5) == "answered by the actor"
