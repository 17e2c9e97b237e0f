"""The I/O loop: one asyncio event loop in its own thread, and the bridge both ways.

Rules (ARCHITECTURE.md, "Threads, loop and actors"):

- The loop never blocks. Code on the loop never calls ``ActorRef.ask(...).get()`` or awaits a pykka
  future; it uses :meth:`IoLoop.ask_actor`, which sends a :class:`LoopAsk` and resolves an asyncio
  future from the actor's thread through ``call_soon_threadsafe``.
- An actor that needs the loop (an aiohttp call, the Slack client) submits a coroutine with
  :meth:`IoLoop.run`, which waits with a timeout. Calling it from the loop thread raises instead of
  deadlocking.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import structlog

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    import pykka

__all__ = ["IoLoop", "LoopAsk", "LoopReply"]

T = TypeVar("T")
log = structlog.get_logger("dealdesk.loop")


@dataclass(frozen=True)
class LoopReply:
    """Where an actor delivers the answer to a :class:`LoopAsk`: an asyncio future on the loop.

    ``ok`` and ``fail`` run on the actor's thread and never block: they schedule the result on the
    loop. A future the asker stopped waiting for (timeout, cancellation) is left alone.
    """

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]

    def ok(self, value: object) -> None:
        self._deliver(lambda: self.future.set_result(value))

    def fail(self, exc: BaseException) -> None:
        self._deliver(lambda: self.future.set_exception(exc))

    def _deliver(self, setter: Callable[[], None]) -> None:
        def settle() -> None:
            if not self.future.done():
                setter()

        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(settle)


@dataclass(frozen=True)
class LoopAsk:
    """A message for an actor, asked from the loop: the actor replies through ``reply``."""

    message: object
    reply: LoopReply


class IoLoop:
    """Owns the event loop thread. Start once, stop once."""

    def __init__(self, name: str = "io-loop") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the I/O loop is not running")
        return self._loop

    def start(self) -> IoLoop:
        self._thread = threading.Thread(target=self._main, name=self._name, daemon=True)
        self._thread.start()
        self._ready.wait()
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    @property
    def running(self) -> bool:
        """True while the loop thread runs (False before start and after stop)."""
        return self._loop is not None and self._loop.is_running()

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop from any thread; returns a thread-safe future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run ``coro`` on the loop and wait for it, from a thread that is not the loop's.

        On timeout the coroutine is cancelled and ``TimeoutError`` raised: a caller never waits
        forever on the outside world.
        """
        if self.in_loop_thread():
            coro.close()
            raise RuntimeError("IoLoop.run() called on the loop thread: it would block the loop")
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"loop call did not finish within {timeout}s") from None

    def call_soon(self, func: Callable[..., object], *args: object) -> None:
        """Run a plain callback on the loop, from any thread, without waiting."""
        self.loop.call_soon_threadsafe(func, *args)

    def call_later(self, delay: float, func: Callable[..., object], *args: object) -> None:
        """Run ``func`` on the loop after ``delay`` seconds, from any thread, without waiting."""
        self.loop.call_soon_threadsafe(self.loop.call_later, delay, func, *args)

    async def ask_actor(self, ref: pykka.ActorRef[Any], message: object, timeout: float) -> Any:  # noqa: ASYNC109
        """Ask an actor from the loop without blocking it. Raises ``TimeoutError`` on timeout."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        ref.tell(LoopAsk(message, LoopReply(loop, future)))
        return await asyncio.wait_for(future, timeout)

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is None or self._thread is None:
            return
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("io_loop_stop_timed_out", timeout_s=timeout)
