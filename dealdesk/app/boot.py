"""Start-up and shutdown of one dealdesk process, in order.

Start: lease the data directory → database migrations → I/O loop → sandbox fakes (for the
integrations with no credential) → actors under the root supervisor (ErrorReporter, AuditWriter,
ClickUpIngress) → HTTP last; then ``runtime.json`` and the admin token are written for local
commands.

Stop (SIGTERM/SIGINT, or :meth:`System.stop`): HTTP drains first (new work gets 503), actors stop
children-first in reverse start order (each finishes what its mailbox holds), HTTP closes, the
fakes stop, the loop stops, the lease is released. The whole of it is bounded by
``shutdown_timeout_s``; actor threads are daemons, so a wedged one cannot hold the exit.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from aiohttp import web

from dealdesk.actors.audit_writer import audit_writer_spec
from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
from dealdesk.actors.clickup_ingress import ACTIVE, clickup_ingress_spec
from dealdesk.actors.error_reporter import error_reporter_spec
from dealdesk.actors.runtime_supervisor import RuntimeSupervisor
from dealdesk.app.lease import DataDirLease
from dealdesk.app.paths import ADMIN_TOKEN_FILE, RUNTIME_FILE
from dealdesk.domain import Campaign
from dealdesk.http.app import HttpState, build_app
from dealdesk.http.clickup_webhook import WEBHOOK_PATH, clickup_webhook_routes
from dealdesk.integrations.clickup.client import ClickUpClient
from dealdesk.integrations.clickup.config import resolve_list_id, resolve_webhook_secret
from dealdesk.integrations.clickup.mapping import load_field_mapping
from dealdesk.integrations.endpoints import resolve_endpoints
from dealdesk.integrations.slack.gateway import SlackGateway
from dealdesk.runtime.clock import Clock, SystemClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.logging import register_secrets
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.registry import ROOT
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.runtime.supervision import ChildSpec, StartChild
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.manager import Sandbox
from dealdesk.store import StoreReader, database_path, prepare_database
from dealdesk.store.queries import campaigns_query

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    import pykka

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.settings import Settings

__all__ = ["System"]

PROBE_CACHE_S = 15.0

log = structlog.get_logger("dealdesk.boot")


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (mode 0600 from the first byte)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(0o600)


@dataclass
class _CachedProbe:
    """Readiness probes of remote services, cached so /readyz never hammers them."""

    probe: Callable[[], Awaitable[str | None]]
    at: float = float("-inf")
    result: str | None = None

    async def __call__(self) -> str | None:
        now = time.monotonic()
        if now - self.at >= PROBE_CACHE_S:
            self.result = await self.probe()
            self.at = now
        return self.result


class System:
    """One running dealdesk: build with settings, :meth:`start`, and later :meth:`stop`."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.lease = DataDirLease(settings.data_dir)
        self.loop = IoLoop()
        self.sandbox = Sandbox()
        self.ctx: RuntimeContext | None = None
        self.endpoints: dict[Service, Endpoint] = {}
        self.slack: SlackGateway | None = None
        self.clickup: ClickUpClient | None = None
        self.root: pykka.ActorRef[Any] | None = None
        self.http: HttpState | None = None
        self._runner: web.AppRunner | None = None
        self.http_url = ""

    # -- start ----------------------------------------------------------------------------------

    def start(self) -> System:
        settings = self.settings
        register_secrets(settings.secret_values())
        self.lease.acquire()  # raises LeaseHeld naming the holder
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        settings = self.settings
        prepare_database(settings)  # migrations before any actor; a too-new database stops here
        self.loop.start()
        self.loop.run(self.sandbox.start(settings), timeout=30)
        self.endpoints = resolve_endpoints(settings, self.sandbox.urls(), self.sandbox.tokens())
        ctx = RuntimeContext(settings=settings, loop=self.loop, clock=self.clock)
        self.ctx = ctx
        policy = RetryPolicy.from_settings(settings)
        self.slack = SlackGateway(self.endpoints[Service.SLACK], policy, ctx.report)
        slack = self.slack

        async def post_error(text: str) -> object:
            return await slack.post_once(settings.slack_errors_channel, text)

        # Config files and secrets first: a wrong one stops start-up before any actor runs.
        fake_clickup = self.sandbox.get(Service.CLICKUP)
        sandbox_clickup = fake_clickup if isinstance(fake_clickup, FakeClickUp) else None
        webhook_secret = resolve_webhook_secret(
            settings, sandbox_clickup.webhook_secret if sandbox_clickup else None
        )
        list_id = resolve_list_id(settings, sandbox_clickup.list_id if sandbox_clickup else None)
        mapping = load_field_mapping(settings.config_dir / "campaign_fields.yaml")
        self.clickup = ClickUpClient(
            self.endpoints[Service.CLICKUP],
            policy,
            ctx.report,
            requests_per_minute=settings.clickup_requests_per_minute,
        )

        self.root = RuntimeSupervisor.start(ctx, actor_id=ROOT)
        ctx.registry.register(ROOT, self.root)
        specs = [
            error_reporter_spec(ctx, post_error),
            audit_writer_spec(ctx),
            *self._live_campaign_specs(ctx),
            clickup_ingress_spec(
                ctx, clickup=self.clickup, mapping=mapping, slack=slack, list_id=list_id
            ),
        ]
        for spec in specs:  # dependency order; shutdown runs it backwards
            self.root.ask(StartChild(spec), timeout=30)

        admin_token = secrets.token_urlsafe(32)
        self.http = HttpState(
            ctx=ctx,
            admin_token=admin_token,
            readiness={
                "slack": _CachedProbe(slack.probe),
                "clickup": _CachedProbe(self.clickup.probe),
            },
        )
        app = build_app(self.http, routes=(clickup_webhook_routes(webhook_secret),))
        self.http_url = self.loop.run(self._serve(app), timeout=30)
        if sandbox_clickup is not None:
            sandbox_clickup.set_target(self.http_url + WEBHOOK_PATH)
        write_private(settings.data_dir / ADMIN_TOKEN_FILE, admin_token + "\n")
        write_private(
            settings.data_dir / RUNTIME_FILE,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "http": self.http_url,
                    "sandbox": {s.value: url for s, url in self.sandbox.urls().items()},
                    "integrations": {s.value: e.mode for s, e in self.endpoints.items()},
                },
                indent=2,
            ),
        )
        log.info(
            "dealdesk_started",
            http=self.http_url,
            integrations={s.value: e.mode for s, e in self.endpoints.items()},
        )

    def _live_campaign_specs(self, ctx: RuntimeContext) -> list[ChildSpec]:
        """Campaigns that were running when the process last stopped come back with it."""
        with StoreReader(database_path(self.settings)) as reader:
            records = reader.run(campaigns_query())
        return [
            campaign_supervisor_spec(ctx, Campaign.model_validate(record.data["campaign"]))
            for record in records
            if record.status == ACTIVE and isinstance(record.data, dict)
        ]

    async def _serve(self, app: web.Application) -> str:
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        port = int(sockets[0].getsockname()[1]) if sockets else self.settings.http_port
        return f"http://{self.settings.http_host}:{port}"

    # -- stop -----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Drain, stop actors children-first, close HTTP and fakes, release the lease."""
        started = time.monotonic()
        if self.http is not None:
            self.http.draining = True
        if self.root is not None:
            try:
                self.root.stop(block=True, timeout=self.settings.shutdown_timeout_s)
            except Exception as exc:
                log.warning("actor_shutdown_incomplete", error=repr(exc))
            self.root = None
        for name in (RUNTIME_FILE, ADMIN_TOKEN_FILE):
            (self.settings.data_dir / name).unlink(missing_ok=True)
        try:
            if self._runner is not None:
                self.loop.run(self._runner.cleanup(), timeout=5)
            if self.clickup is not None:
                self.loop.run(self.clickup.close(), timeout=5)
            self.loop.run(self.sandbox.stop(), timeout=5)
        except (RuntimeError, TimeoutError) as exc:
            log.warning("http_shutdown_incomplete", error=repr(exc))
        self._runner = None
        self.loop.stop()
        self.lease.release()
        log.info("dealdesk_stopped", seconds=round(time.monotonic() - started, 3))
