"""Supervision: restart within the intensity limit, give up past it and report once, move the
crashed child's queued messages to its next activation, and stop children first."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pykka
import pytest

from dealdesk.actors.error_reporter import error_reporter_spec
from dealdesk.runtime.actor import BaseActor, DumpState
from dealdesk.runtime.context import RuntimeContext
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
