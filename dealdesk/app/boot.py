"""Start-up and shutdown of one dealdesk process, in order.

Start: lease the data directory → database migrations → I/O loop → sandbox fakes (for the
integrations with no credential) → actors under the root supervisor (ErrorReporter, AuditWriter,
CampaignDirectory, ClickUpIngress) → HTTP last, then each fake learns where to call the app back;
``runtime.json`` and the admin token are written for local commands.

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

from dealdesk.actors.console import console_spec
from dealdesk.actors.error_reporter import error_reporter_spec
from dealdesk.actors.negotiator import negotiator_spec
from dealdesk.actors.notifier import NOTIFIER, Notify, notifier_spec
from dealdesk.app.config_files import load_policy
from dealdesk.app.do_not_contact import apply_do_not_contact, load_do_not_contact
from dealdesk.app.lease import DataDirLease
from dealdesk.app.model_wiring import close_model, start_model
from dealdesk.app.paths import ADMIN_TOKEN_FILE, RUNTIME_FILE
from dealdesk.app.slack_console import SlackConsole, slack_console
from dealdesk.app.wiring import (
    campaign_specs,
    clickup_wiring,
    http_application,
    ingress_spec,
    mail_specs,
    reminder_specs,
    serve,
    start_children,
    start_root,
    store_specs,
)
from dealdesk.http import CALLBACK_PATHS, gmail_push_routes
from dealdesk.integrations.endpoints import resolve_endpoints
from dealdesk.integrations.slack import SlackGateway
from dealdesk.runtime.clock import Clock, SystemClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.logging import register_secrets
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox import Sandbox
from dealdesk.store import STORE, prepare_database

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    import pykka
    from aiohttp import web

    from dealdesk.http import HttpState
    from dealdesk.integrations.clickup import ClickUpClient
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
        self.console: SlackConsole | None = None
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
        clickup = clickup_wiring(
            settings,
            self.endpoints[Service.CLICKUP],
            policy,
            ctx.report,
            self.sandbox.app_defaults(Service.CLICKUP),
        )
        self.clickup = clickup.client

        def tell_team(text: str) -> None:
            """Through the Notifier: written to the store, then posted, paced, once."""
            ctx.registry.tell(NOTIFIER, Notify(text))

        mail = mail_specs(
            ctx,
            self.endpoints,
            policy,
            sandbox_defaults=self.sandbox.app_defaults(Service.SHEETS),
            alert=tell_team,
        )
        do_not_contact = load_do_not_contact(settings.config_dir / "do_not_contact.txt")
        playbook = load_policy(settings.config_dir)  # pricing, playbook, escalation rules
        playbook = playbook.model_copy(
            update={
                "playbook": playbook.playbook.with_timing(
                    settings.follow_up_delays, settings.stale_delay
                )
            }
        )
        # The model (DEALDESK_MODEL): its playbook read, its id and key probed, before any actor.
        start_model(ctx, self.endpoints, self.sandbox.urls(), policy)

        self.root = start_root(ctx)
        start_children(
            self.root,
            [
                error_reporter_spec(ctx, post_error),
                *store_specs(ctx),
                notifier_spec(ctx, slack),
                console_spec(ctx),  # the team's Slack commands and buttons
            ],
        )
        apply_do_not_contact(ctx, do_not_contact)  # before anything could email anyone
        start_children(
            self.root,
            [
                *mail[:1],  # the roster, which campaigns look influencers up in
                *campaign_specs(ctx, negotiator_spec(ctx, playbook)),
                # The mailbox settles what may have been sent and reads what came meanwhile.
                # It starts after the campaigns so every outcome it tells reaches one; what a
                # crash kept from a negotiation is in the store (an outcome not yet taken, a
                # reply routed) and wakes it when its supervisor starts.
                *mail[1:],
                *reminder_specs(ctx),  # then reminders that came due meanwhile
                ingress_spec(ctx, clickup),  # intake last
            ],
        )

        admin_token = secrets.token_urlsafe(32)
        readiness = {
            "slack": _CachedProbe(slack.probe),
            "clickup": _CachedProbe(clickup.client.probe),
        }
        self.console = slack_console(ctx, slack, self.endpoints[Service.SLACK])
        console_routes = (
            () if self.console is None or self.console.routes is None else (self.console.routes,)
        )
        self.http, app = http_application(
            ctx,
            clickup,
            admin_token=admin_token,
            readiness=readiness,
            extra_routes=(gmail_push_routes(settings.gmail_push_token), *console_routes),
        )
        self._runner, self.http_url = self.loop.run(
            serve(app, settings.http_host, settings.http_port), timeout=30
        )
        self.sandbox.call_back({s: self.http_url + path for s, path in CALLBACK_PATHS.items()})
        if self.console is not None:
            self.loop.run(self.console.start(), timeout=30)  # Socket Mode connects here
        write_private(settings.data_dir / ADMIN_TOKEN_FILE, admin_token + "\n")
        write_private(
            settings.data_dir / RUNTIME_FILE,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "http": self.http_url,
                    "sandbox": {s.value: url for s, url in self.sandbox.urls().items()},
                    "sandbox_tokens": {s.value: tok for s, tok in self.sandbox.tokens().items()},
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
        if self.ctx is not None:
            self.ctx[STORE].close_idle_readers()
        for name in (RUNTIME_FILE, ADMIN_TOKEN_FILE):
            (self.settings.data_dir / name).unlink(missing_ok=True)
        try:
            if self.console is not None:
                self.loop.run(self.console.close(), timeout=5)
            if self._runner is not None:
                self.loop.run(self._runner.cleanup(), timeout=5)
            if self.clickup is not None:
                self.loop.run(self.clickup.close(), timeout=5)
            if self.ctx is not None:
                close_model(self.ctx)
            self.loop.run(self.sandbox.stop(), timeout=5)
        except (RuntimeError, TimeoutError) as exc:
            log.warning("http_shutdown_incomplete", error=repr(exc))
        self._runner = None
        self.loop.stop()
        self.lease.release()
        log.info("dealdesk_stopped", seconds=round(time.monotonic() - started, 3))
