"""The base of every sandbox fake: a loopback aiohttp server with recorded requests and faults.

A fake runs inside the dealdesk process (on the I/O loop, in sandbox mode) or stand-alone in
tests; either way it listens on 127.0.0.1 and speaks its service's real wire format, so the real
SDK clients are what talk to it. Faults are injected per operation (the last path segment, e.g.
``chat.postMessage``, unless a fake names its operations otherwise): a status with headers and
body, a slow answer, or a dropped connection, either instead of the request or after it took
effect (``apply_first``: the cases an exactly-once sender must survive). Tests wait on the record
with :meth:`FakeServer.wait_until` (a condition, never a sleep).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

__all__ = ["FakeServer", "Fault", "RecordedRequest"]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    operation: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Fault:
    """Answer the next ``times`` calls of ``operation`` ("*" for any) this way instead.

    The answer waits ``delay_s`` first (a fake that stops ends the wait), then the connection is
    dropped (``disconnect``), or ``status`` is answered with ``body`` and ``headers``, or, with
    ``status=0``, the request is handled normally (a slow answer). By default the request is never
    handled: nothing takes effect. With ``apply_first`` the handler runs first and its effect
    stands (a message stored, a history record written); only its answer is replaced, delayed
    or lost: a 500 after the fact, a dropped connection after the fact, or a hang longer than the
    client waits (``status=0`` and a long ``delay_s``).
    """

    operation: str = "*"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    disconnect: bool = False
    times: int = 1
    apply_first: bool = False


class FakeServer:
    service: ClassVar[str] = "fake"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._cond = threading.Condition()
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self.app = web.Application(middlewares=[self._middleware], client_max_size=16 * 2**20)
        self.add_routes(self.app)

    def add_routes(self, app: web.Application) -> None:
        """Subclasses add their service's routes."""

    # -- the hook boot loops over (every fake, the same two calls) -------------------------------

    def app_defaults(self) -> dict[str, str]:
        """Values the app takes from this fake when its settings name none: ids and secrets the
        fake chose for itself (the ClickUp fake's List and webhook secret)."""
        return {}

    def call_back(self, url: str) -> None:
        """Where this fake calls the app (a service that sends webhooks delivers there); boot
        calls it once the app listens. A fake that never calls back ignores it."""

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> str:
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        return self.base_url

    async def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()  # ends the waits of slow and hanging faults
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- faults and records (any thread) ---------------------------------------------------------

    def inject(self, fault: Fault) -> None:
        with self._cond:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._cond:
            self._faults.clear()

    def _take_fault(self, operation: str, *, exact: bool = False) -> Fault | None:
        """The next fault for ``operation`` (and for "*" too, unless ``exact``: a call inside a
        batch, whose batch request already met the faults for any operation)."""
        with self._cond:
            for fault in self._faults:
                if fault.operation == operation or (not exact and fault.operation == "*"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def record(self, item: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(item)
            self._cond.notify_all()

    def changed(self) -> None:
        """Wake waiters after a subclass updated its own records."""
        with self._cond:
            self._cond.notify_all()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block (a test thread, never the loop) until ``predicate()`` holds or time runs out."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def calls(self, operation: str) -> list[RecordedRequest]:
        with self._cond:
            return [r for r in self.requests if r.operation == operation]

    # -- the middleware every request passes -----------------------------------------------------

    def operation_of(self, request: web.Request) -> str:
        """The name faults and records use for ``request``: its last path segment."""
        return request.path.rstrip("/").rsplit("/", 1)[-1]

    async def _pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the fake stops meanwhile."""
        if self._stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        operation = self.operation_of(request)
        body = await request.read()
        self.record(
            RecordedRequest(request.method, request.path, operation, dict(request.headers), body)
        )
        fault = self._take_fault(operation)
        if fault is None:
            response: web.StreamResponse = await handler(request)
            return response
        answer = await self.faulted(fault, lambda: handler(request))
        if answer is None:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        return answer

    async def faulted(
        self, fault: Fault, handle: Callable[[], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse | None:
        """The answer ``fault`` makes of a request ``handle`` would answer; None: the connection
        is dropped."""
        handled: web.StreamResponse | None = None
        if fault.apply_first:
            handled = await handle()
        if fault.delay_s:
            await self._pause(fault.delay_s)
        if fault.disconnect or (self._stopping is not None and self._stopping.is_set()):
            return None
        if fault.status:
            payload = fault.body if fault.body is not None else {"error": "injected fault"}
            text = payload if isinstance(payload, str) else json.dumps(payload)
            return web.Response(
                status=fault.status,
                text=text,
                headers=fault.headers,
                content_type="application/json",
            )
        if handled is None:
            handled = await handle()
        return handled
