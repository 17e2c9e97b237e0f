"""The one aiohttp application: admin endpoints here, feature routes added by their modules.

- ``GET /healthz``: the process is alive.
- ``GET /readyz``: the loop is responsive and every integration is reachable or sandboxed; 503
  with the reasons otherwise (and while shutting down).
- ``GET /metrics``: Prometheus text.
- ``GET /admin/actors``: the actor snapshot tree; loopback clients only AND the bearer token the
  process wrote to the data directory (mode 0600) at start.

While draining (shutdown has begun) every route that takes new work answers 503, so nothing new is
acknowledged that the process could not finish. Runs on the I/O loop: handlers never block.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from aiohttp import web

from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.registry import ROOT

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from dealdesk.runtime.context import RuntimeContext

__all__ = ["HTTP_STATE", "HttpState", "LoopMonitor", "build_app"]

# Paths that stay open while draining: probes and metrics take no new work.
_ALWAYS_OPEN = frozenset({"/healthz", "/readyz", "/metrics"})


class LoopMonitor:
    """Ticks on the loop and remembers the worst recent stall (how late a tick ran)."""

    def __init__(self, interval_s: float = 0.05) -> None:
        self.interval_s = interval_s
        self.last_tick = time.monotonic()
        self.max_lag_s = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.interval_s)
            now = time.monotonic()
            lag = now - before - self.interval_s
            self.max_lag_s = max(self.max_lag_s * 0.98, lag)  # decays, so a past stall fades
            self.last_tick = now

    def responsive(self, threshold_s: float = 1.0) -> bool:
        return time.monotonic() - self.last_tick < threshold_s + self.interval_s


@dataclass
class HttpState:
    ctx: RuntimeContext
    admin_token: str
    readiness: dict[str, Callable[[], Awaitable[str | None]]] = field(default_factory=dict)
    monitor: LoopMonitor = field(default_factory=LoopMonitor)
    draining: bool = False


HTTP_STATE = web.AppKey("http_state", HttpState)


def _route_name(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def _observe(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    state = request.app[HTTP_STATE]
    started = time.perf_counter()
    status = 500
    try:
        if state.draining and request.path not in _ALWAYS_OPEN:
            status = 503
            return web.json_response(
                {"error": "shutting down; retry later"}, status=503, headers={"Retry-After": "5"}
            )
        response = await handler(request)
        status = response.status
    except web.HTTPException as exc:
        status = exc.status
        raise
    else:
        return response
    finally:
        state.ctx.metrics.http_latency.labels(
            request.method, _route_name(request), str(status)
        ).observe(time.perf_counter() - started)


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


async def _readyz(request: web.Request) -> web.Response:
    state = request.app[HTTP_STATE]
    problems: list[str] = []
    if state.draining:
        problems.append("shutting down")
    if not state.monitor.responsive():
        problems.append("event loop is not responsive")
    if state.ctx.registry.get(ROOT) is None:
        problems.append("runtime supervisor is not running")
    names = list(state.readiness)
    results = await asyncio.gather(
        *(asyncio.wait_for(state.readiness[n](), 5) for n in names), return_exceptions=True
    )
    for name, result in zip(names, results, strict=True):
        if isinstance(result, BaseException):
            problems.append(f"{name}: check failed: {type(result).__name__}")
        elif result:
            problems.append(f"{name}: {result}")
    body: dict[str, Any] = {"ready": not problems, "problems": problems}
    return web.json_response(body, status=200 if not problems else 503)


async def _metrics(request: web.Request) -> web.Response:
    payload = request.app[HTTP_STATE].ctx.metrics.render()
    return web.Response(body=payload, content_type="text/plain", charset="utf-8")


def _is_loopback(request: web.Request) -> bool:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    host = peer[0] if isinstance(peer, tuple) and peer else request.remote
    try:
        return host is not None and ip_address(host).is_loopback
    except ValueError:
        return False


async def _admin_actors(request: web.Request) -> web.Response:
    state = request.app[HTTP_STATE]
    if not _is_loopback(request):
        return web.json_response(
            {"error": "admin endpoints answer loopback clients only"}, status=403
        )
    supplied = request.headers.get("Authorization", "")
    expected = f"Bearer {state.admin_token}"
    if not hmac.compare_digest(supplied.encode(), expected.encode()):
        return web.json_response({"error": "missing or wrong admin token"}, status=401)
    root = state.ctx.registry.get(ROOT)
    if root is None:
        return web.json_response({"error": "runtime supervisor is not running"}, status=503)
    try:
        tree = await state.ctx.loop.ask_actor(root, DumpState(), timeout=10)
    except TimeoutError:
        return web.json_response({"error": "the runtime did not answer in time"}, status=504)
    return web.json_response(tree)


def build_app(
    state: HttpState, *, routes: tuple[Callable[[web.Application], None], ...] = ()
) -> web.Application:
    """Build the application; each of ``routes`` adds a feature's handlers (ClickUp, Slack)."""
    app = web.Application(
        middlewares=[_observe], client_max_size=state.ctx.settings.http_max_body_bytes
    )
    app[HTTP_STATE] = state
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/admin/actors", _admin_actors)
    for add in routes:
        add(app)

    async def monitor_ctx(_app: web.Application) -> Any:
        state.monitor.start()
        yield
        await state.monitor.stop()

    app.cleanup_ctx.append(monitor_ctx)
    return app
