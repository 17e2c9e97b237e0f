"""The builders the composition root is made of, shared with the tests' rigs.

``boot.System`` calls these in order; a test that needs the ClickUp path end to end calls the
same ones against the sandbox fakes, so there is one way to wire dealdesk, not two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from dealdesk.actors.audit_writer import audit_writer_spec
from dealdesk.actors.campaign_directory import campaign_directory_spec
from dealdesk.actors.campaign_supervisor import campaign_supervisor_spec
from dealdesk.actors.clickup_ingress import clickup_ingress_spec
from dealdesk.actors.mailroom import mailroom_spec
from dealdesk.actors.roster_keeper import RosterSetup, roster_keeper_spec
from dealdesk.actors.runtime_supervisor import RuntimeSupervisor
from dealdesk.actors.scheduler import scheduler_spec
from dealdesk.http import HttpState, build_app, clickup_webhook_routes
from dealdesk.integrations.clickup import (
    ClickUpClient,
    FieldMapping,
    load_field_mapping,
    resolve_list_id,
    resolve_webhook_secret,
)
from dealdesk.integrations.gmail import GmailClient, build_gmail, load_credentials
from dealdesk.integrations.sheets import (
    RosterCache,
    SheetsClient,
    build_sheets,
    load_roster_mapping,
)
from dealdesk.integrations.sheets.cache import default_source, sheet_fetcher
from dealdesk.runtime.registry import ROOT
from dealdesk.runtime.settings import Service
from dealdesk.runtime.supervision import StartChild

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    import pykka
    from pydantic import SecretStr

    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.reports import ErrorReport
    from dealdesk.runtime.retry import RetryPolicy
    from dealdesk.runtime.settings import Settings
    from dealdesk.runtime.supervision import ChildSpec

__all__ = [
    "ClickUpWiring",
    "campaign_specs",
    "clickup_wiring",
    "http_application",
    "ingress_spec",
    "mail_specs",
    "reminder_specs",
    "serve",
    "start_children",
    "start_root",
    "store_specs",
]


@dataclass(frozen=True)
class ClickUpWiring:
    """What the ClickUp path needs: the client, the field mapping, the List, the secret."""

    client: ClickUpClient
    mapping: FieldMapping
    list_id: str | None
    webhook_secret: SecretStr | str


def clickup_wiring(
    settings: Settings,
    endpoint: Endpoint,
    policy: RetryPolicy,
    report: Callable[[ErrorReport], None],
    defaults: Mapping[str, str],
) -> ClickUpWiring:
    """Secret, List and field mapping resolved (a wrong one raises ``ConfigError``), client made.
    ``defaults`` are the sandbox fake's own values, used when settings name none."""
    webhook_secret = resolve_webhook_secret(settings, defaults.get("webhook_secret"))
    list_id = resolve_list_id(settings, defaults.get("list_id"))
    mapping = load_field_mapping(settings.config_dir / "campaign_fields.yaml")
    client = ClickUpClient(
        endpoint, policy, report, requests_per_minute=settings.clickup_requests_per_minute
    )
    return ClickUpWiring(client, mapping, list_id, webhook_secret)


def start_root(ctx: RuntimeContext) -> pykka.ActorRef[Any]:
    root = RuntimeSupervisor.start(ctx, actor_id=ROOT)
    ctx.registry.register(ROOT, root)
    return root


def store_specs(ctx: RuntimeContext) -> list[ChildSpec]:
    """The store's one writer (before anything that writes)."""
    return [audit_writer_spec(ctx)]


def campaign_specs(
    ctx: RuntimeContext,
    negotiators: Callable[[str], ChildSpec] | None = None,
) -> list[ChildSpec]:
    """The campaigns (the directory restores the ones that were running); ``negotiators`` is
    how each campaign starts a negotiation's actor (none: negotiations are only persisted)."""
    if negotiators is None:
        return [campaign_directory_spec(ctx)]

    def campaign(campaign_id: str) -> ChildSpec:
        return campaign_supervisor_spec(ctx, campaign_id, negotiator_spec=negotiators)

    return [campaign_directory_spec(ctx, campaign_spec=campaign)]


def reminder_specs(ctx: RuntimeContext) -> list[ChildSpec]:
    """The Scheduler: reminders that came due while the process was down fire at its start."""
    return [scheduler_spec(ctx)]


def ingress_spec(ctx: RuntimeContext, wiring: ClickUpWiring, **options: Any) -> ChildSpec:
    return clickup_ingress_spec(
        ctx,
        clickup=wiring.client,
        mapping=wiring.mapping,
        list_id=wiring.list_id,
        **options,
    )


def start_children(root: pykka.ActorRef[Any], specs: Sequence[ChildSpec]) -> None:
    """In dependency order; shutdown runs it backwards."""
    for spec in specs:
        root.ask(StartChild(spec), timeout=30)


def http_application(
    ctx: RuntimeContext,
    wiring: ClickUpWiring,
    *,
    admin_token: str,
    readiness: Mapping[str, Callable[[], Awaitable[str | None]]] | None = None,
    extra_routes: Sequence[Callable[[web.Application], None]] = (),
) -> tuple[HttpState, web.Application]:
    state = HttpState(ctx=ctx, admin_token=admin_token, readiness=dict(readiness or {}))
    routes = (clickup_webhook_routes(wiring.webhook_secret), *extra_routes)
    return state, build_app(state, routes=routes)


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Listen (on the I/O loop); the runner to clean up, and the URL (the real port)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = int(sockets[0].getsockname()[1]) if sockets else port
    return runner, f"http://{host}:{bound}"


def mail_specs(
    ctx: RuntimeContext,
    endpoints: Mapping[Service, Endpoint],
    policy: RetryPolicy,
    *,
    sandbox_defaults: Mapping[str, str] | None = None,
    alert: Callable[[str], None] | None = None,
) -> list[ChildSpec]:
    """The roster's keeper and the mailbox's Mailroom. Credentials and the roster's column
    mapping are read here (a bad one stops start-up); each client is built on its owner's
    thread, the first time it is needed."""
    settings = ctx.settings
    credentials = load_credentials(settings)
    mapping = load_roster_mapping(settings.config_dir / "roster.yaml")
    default = default_source(settings, (sandbox_defaults or {}).get("spreadsheet_id"))
    sheets, gmail = endpoints[Service.SHEETS], endpoints[Service.GMAIL]

    def roster() -> RosterSetup:
        client = SheetsClient(build_sheets(sheets, credentials), policy, ctx.report)
        cache = RosterCache(sheet_fetcher(client), settings.roster_ttl_s, ctx.clock, mapping)
        return RosterSetup(client, cache, default)

    def mailbox() -> GmailClient:
        resource = build_gmail(gmail, credentials, settings.gmail_timeout_s)
        return GmailClient(resource, policy=policy, report=ctx.report)

    return [
        roster_keeper_spec(ctx, roster),
        mailroom_spec(ctx, settings.gmail_address, mailbox, alert=alert),
    ]
