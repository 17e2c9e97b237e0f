"""The I/O loop bridge: actors wait on the loop with a timeout; the loop asks actors without
ever blocking."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest

from dealdesk.runtime.actor import BaseActor, DumpState
from dealdesk.runtime.loop import IoLoop


@dataclass(frozen=True)
class SlowCall:
    release: threading.Event


@dataclass(frozen=True)
class Boom:
    pass


class Worker(BaseActor):
    kind = "worker"

    def __init__(self) -> None:
        super().__init__(actor_id="worker")

    def handle(self, message: Any) -> Any:
        match message:
            case SlowCall(release=release):
                assert release.wait(10), "the loop never ticked while the actor worked"
                return "done"
            case Boom():
                raise ValueError("bad input")
            case _:
                return self.unhandled(message)


def test_an_actor_thread_runs_a_coroutine_on_the_loop_and_gets_its_result(io_loop: IoLoop):
    async def add() -> int:
        await asyncio.sleep(0)
        return 42

    assert io_loop.run(add(), timeout=5) == 42


def test_running_on_the_loop_thread_itself_raises_instead_of_deadlocking(io_loop: IoLoop):
    async def nested() -> str:
        async def inner() -> str:
            return "never"

        try:
            io_loop.run(inner(), timeout=1)
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "would block the loop" in io_loop.run(nested(), timeout=5)


def test_a_loop_call_that_overruns_its_timeout_raises_and_is_cancelled(io_loop: IoLoop):
    never = threading.Event()
    cancelled = threading.Event()

    async def stuck() -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, never.wait, 30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(TimeoutError):
        io_loop.run(stuck(), timeout=0.05)
    assert cancelled.wait(5)
    never.set()


def test_the_loop_keeps_ticking_while_it_waits_for_a_slow_actor(io_loop: IoLoop):
    worker = Worker.start()
    release = threading.Event()
    interval = 0.005

    async def scenario() -> tuple[str, float]:
        gaps: list[float] = []

        async def ticker() -> None:
            last = time.perf_counter()
            while True:
                await asyncio.sleep(interval)
                now = time.perf_counter()
                gaps.append(now - last - interval)
                last = now
                if len(gaps) >= 20:
                    release.set()  # the actor may finish only after the loop ticked 20 times

        task = asyncio.create_task(ticker())
        result = await io_loop.ask_actor(worker, SlowCall(release), timeout=10)
        task.cancel()
        return result, max(gaps)

    result, worst_stall = io_loop.run(scenario(), timeout=15)
    assert result == "done"
    assert worst_stall < 0.050


def test_an_actor_error_asked_from_the_loop_reaches_the_loop_caller(io_loop: IoLoop):
    worker = Worker.start()

    async def ask() -> str:
        try:
            await io_loop.ask_actor(worker, Boom(), timeout=5)
        except ValueError as exc:
            return str(exc)
        return "no error"

    assert io_loop.run(ask(), timeout=10) == "bad input"
    assert worker.ask(DumpState(), timeout=5)["state"] == "running"  # an ask failure is not fatal
