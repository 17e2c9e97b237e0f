"""``python run.py demo``: a whole campaign negotiated in the sandbox, live, in about a minute.

Self-contained: it starts its own dealdesk in this process (:class:`~dealdesk.app.boot.System`)
on a fresh data directory of its own (``data/demo-<UTC time>/`` unless ``--data-dir`` names a new
one), with every integration sandboxed whatever the environment or ``.env`` says (its settings
are built from its own values only, so real credentials never make the demo email real people),
on an ephemeral HTTP port (so it runs beside ``make run``), and with accelerated timing: replies
read every 0.3 s, follow-ups 3 s and 6 s after the outreach, stale 4 s after the last one, and the
sandbox personas answering after 0.3-1 s.

It adds the sandbox personas (one of each kind: counters, counters twice, asks first, accepts,
far above the cap, declines, silent, via a manager, out of office, opts out, bounces) to the
sandbox roster, submits ``config/example_campaign.yaml`` with them as its influencer list through
the sandbox ClickUp (as ``campaign submit`` does), shows the negotiations by state and the emails
each way while they run, and when every negotiation has come to rest (or ``--timeout`` passed)
stops the service cleanly and prints each influencer's outcome, rate, CPM, rounds and emails, the
spend against the budget, and where the audit database is. Exit 0 when every negotiation came to
rest, 1 when the timeout came first (the table then shows where each one stands).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from rich.console import Console
from rich.live import Live

from dealdesk.app.cli import UsageError, command_parser
from dealdesk.app.demo_view import (
    REST_STATES,
    Snapshot,
    live_view,
    money,
    progress_line,
    read_snapshot,
    summary_table,
)
from dealdesk.errors import DealdeskError, LeaseHeld
from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.gmail.fake import FakeGmail
from dealdesk.sandbox.gmail.personas import Kind, Persona
from dealdesk.sandbox.sheets.example import ROSTER_TAB
from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID, FakeSheets
from dealdesk.store import StoreReader, database_path

if TYPE_CHECKING:
    import argparse

    from pydantic_settings import BaseSettings, PydanticBaseSettingsSource


__all__ = ["DEMO_POOL", "register"]

DEFAULT_INFLUENCERS = 12
DEFAULT_TIMEOUT_S = 110.0
BUDGET_PER_INFLUENCER = Decimal(2000)
POLL_S = 0.25  # the live view refreshes about four times a second
PLAIN_EVERY_S = 5.0  # without a terminal: a line on every change, and at least this often

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"
CAMPAIGN_FILE = "example_campaign.yaml"


@dataclass(frozen=True)
class DemoInfluencer:
    """One influencer of the demo's pool: how the form lists them, and their roster row (None:
    the example roster already has it)."""

    entry: str
    address: str
    row: tuple[str, ...] | None = None
    persona: Persona | None = None  # a persona the demo adds (None: the default cast's)


def _row(
    name: str, handle: str, email: str, views: str, engagement: str, *, notes: str = ""
) -> tuple[str, ...]:
    return (name, handle, "Instagram", email, views, engagement, "", "", "Active", notes)


# The example campaign's three (already in the example roster), the rest of the sandbox cast
# with plausible roster rows, then Lena Ortiz of the example roster, who the demo makes answer.
# fmt: off
DEMO_POOL: tuple[DemoInfluencer, ...] = (
    DemoInfluencer("@glowwithmaya", "maya@glowwithmaya.example"),
    DemoInfluencer("jordan.lee@creatormail.example", "jordan.lee@creatormail.example"),
    DemoInfluencer("Priya Patel", "priya.patel@creators.example"),
    DemoInfluencer("@alexrivera.daily", "alex.rivera@creatormail.example", _row(
        "Alex Rivera", "@alexrivera.daily", "alex.rivera@creatormail.example", "58,000", "4.6%")),
    DemoInfluencer("@noahkimstyle", "noah.kim@creatormail.example", _row(
        "Noah Kim", "@noahkimstyle", "noah.kim@creatormail.example", "140,000", "3.1%",
        notes="Big following; quotes high")),
    DemoInfluencer("@lenafischer", "lena.fischer@creators.example", _row(
        "Lena Fischer", "@lenafischer", "lena.fischer@creators.example", "73,500", "4.0%")),
    DemoInfluencer("@omarhaddad", "omar.haddad@creators.example", _row(
        "Omar Haddad", "@omarhaddad", "omar.haddad@creators.example", "51,200", "3.4%",
        notes="Slow to answer")),
    DemoInfluencer("@tessmorganbeauty", "tess.morgan@creators.example", _row(
        "Tess Morgan", "@tessmorganbeauty", "tess.morgan@creators.example", "76,000", "5.5%",
        notes="Represented by Bright Talent Agency")),
    DemoInfluencer("@bencarter", "ben.carter@creatormail.example", _row(
        "Ben Carter", "@bencarter", "ben.carter@creatormail.example", "64,000", "4.4%")),
    DemoInfluencer("@chloenguyen", "chloe.nguyen@creators.example", _row(
        "Chloe Nguyen", "@chloenguyen", "chloe.nguyen@creators.example", "39,800", "6.2%")),
    DemoInfluencer("@samold", "sam.old@creatormail.example", _row(
        "Sam Old", "@samold", "sam.old@creatormail.example", "22,000", "2.9%",
        notes="Old address, may be out of date")),
    DemoInfluencer("@lenaortiz", "lena@ortiz.example", persona=Persona(
        "lena@ortiz.example", Kind.COUNTERS, "Lena Ortiz", Decimal(800), Decimal(1500))),
)
# The pool's order, for the tables.
ORDER = {influencer.address: n for n, influencer in enumerate(DEMO_POOL)}
# fmt: on


KIND_LABELS = {
    Kind.COUNTERS_TWICE: "counters 2x",
    Kind.ABOVE_CAP: "far above cap",
    Kind.ASKS_FIRST: "asks first",
    Kind.VIA_MANAGER: "via manager",
    Kind.OUT_OF_OFFICE: "out of office",
    Kind.OPTS_OUT: "opts out",
}

# -- settings -------------------------------------------------------------------------------------


class DemoSettings(Settings):
    """Settings from the demo's own values only: no ``DEALDESK_*`` variable, no ``.env``."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        del settings_cls, env_settings, dotenv_settings, file_secret_settings
        return (init_settings,)


def demo_settings(data_dir: Path, config_dir: Path, *, model: str = "off") -> Settings:
    return DemoSettings(
        model=model,  # "sandbox": the sandbox Anthropic reads and writes (never the real one)
        data_dir=data_dir,
        config_dir=config_dir,
        http_port=0,
        log_level="error",
        gmail_poll_s=0.3,
        gmail_per_minute=1000,
        follow_ups="3s,6s",
        stale_after="4s",
        shutdown_timeout_s=10.0,
    )


# -- command line ---------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = command_parser(
        subparsers, "demo", "watch a sandboxed campaign negotiated end to end (under 2 minutes)"
    )
    parser.description = (
        "Starts its own sandboxed dealdesk on a fresh data directory, submits the example "
        "campaign with the sandbox personas as influencers, shows the negotiations live and "
        "prints each outcome. Exit 0 when all came to rest, 1 at the timeout."
    )
    parser.add_argument(
        "--data-dir",
        help="a new directory for the demo's data (default: data/demo-<UTC time>/)",
    )
    parser.add_argument(
        "--influencers",
        type=int,
        default=DEFAULT_INFLUENCERS,
        help=f"how many influencers, 1..{len(DEMO_POOL)} (default {DEFAULT_INFLUENCERS})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds until it gives up waiting (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--model",
        choices=("off", "sandbox"),
        default="off",
        help="off: the rule-based reader and templated writer (default); sandbox: the sandbox "
        "Anthropic reads every reply and writes every email, through the guard",
    )
    parser.set_defaults(handler=demo)


def _config_dir() -> Path:
    local = Path("config")
    return local if (local / CAMPAIGN_FILE).is_file() else REPO_CONFIG


def _data_dir(given: str | None) -> Path:
    if given:
        path = Path(given)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(f"--data-dir {given!r} is not empty: the demo starts on a new one")
        return path
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path("data") / f"demo-{stamp}"
    suffix = 1
    while path.exists():
        suffix += 1
        path = Path("data") / f"demo-{stamp}-{suffix}"
    return path


def _campaign(config_dir: Path, pool: tuple[DemoInfluencer, ...]) -> tuple[str, dict[str, Any]]:
    path = config_dir / CAMPAIGN_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read the example campaign {path}: {exc}") from None
    fields = dict(data["fields"])
    fields["Influencer List"] = "\n".join(i.entry for i in pool)
    # The example's budget is for its three; the demo's campaign is larger.
    budget = max(Decimal(str(fields.get("Budget") or 0)), BUDGET_PER_INFLUENCER * len(pool))
    fields["Budget"] = int(budget)
    return str(data.get("name") or "Demo campaign"), fields


# -- the sandbox ----------------------------------------------------------------------------------


def _prepare_sandbox(system: Any, pool: tuple[DemoInfluencer, ...]) -> dict[str, str]:
    """Roster rows and personas for the pool; answers each address's persona kind."""
    sheets = system.sandbox.get(Service.SHEETS)
    gmail = system.sandbox.get(Service.GMAIL)
    if not isinstance(sheets, FakeSheets) or not isinstance(gmail, FakeGmail):
        raise DealdeskError("the demo needs the sandbox Sheets and Gmail")
    rows = sheets.values_of(SANDBOX_SPREADSHEET_ID, ROSTER_TAB)
    sheets.set_values(
        SANDBOX_SPREADSHEET_ID, ROSTER_TAB, [*rows, *(i.row for i in pool if i.row is not None)]
    )
    personas = gmail.personas
    for influencer in pool:
        if influencer.persona is not None:
            personas.add(influencer.persona)
    kinds: dict[str, str] = {}
    for index, persona in enumerate(personas.all()):
        # Everyone answers within 0.3-1 s, not all at once.
        personas.add(replace(persona, delay_s=round(0.3 + (index * 0.37) % 0.7, 2)))
        kinds[persona.address] = KIND_LABELS.get(persona.kind, persona.kind.value)
    return kinds


def _submit(system: Any, name: str, fields: dict[str, Any]) -> str:
    clickup = system.sandbox.get(Service.CLICKUP)
    if not isinstance(clickup, FakeClickUp):
        raise DealdeskError("the demo needs the sandbox ClickUp")
    task_id, statuses = system.loop.run(clickup.submit(name, fields), timeout=30)
    if not any(status in {200, 202} for status in statuses):
        raise DealdeskError(f"the sandbox ClickUp's webhook was not accepted: {statuses}")
    return str(task_id)


# -- the command ----------------------------------------------------------------------------------


def _watch(
    console: Console,
    *,
    reader: StoreReader,
    campaign_id: str,
    expected: int,
    kinds: dict[str, str],
    timeout: float,
) -> tuple[bool, float]:
    """Until every negotiation has come to rest and its mail is out, or the timeout."""
    started = time.monotonic()

    def done(snapshot: Snapshot) -> bool:
        started_all = len(snapshot.standings) >= expected or snapshot.campaign_status not in {
            "",
            "new",
        }
        return (
            bool(snapshot.standings)
            and started_all
            and snapshot.at_rest
            and snapshot.pending_mail == 0
        )

    if console.is_terminal:
        with Live(console=console, refresh_per_second=4, transient=False) as live:
            while True:
                elapsed = time.monotonic() - started
                snapshot = read_snapshot(reader, campaign_id, ORDER)
                live.update(live_view(snapshot, kinds, elapsed, timeout))
                if done(snapshot):
                    return True, elapsed
                if elapsed >= timeout:
                    return False, elapsed
                time.sleep(POLL_S)
    last_line, last_at = "", float("-inf")
    while True:
        elapsed = time.monotonic() - started
        snapshot = read_snapshot(reader, campaign_id, ORDER)
        line = progress_line(snapshot, 0).partition("] ")[2]
        if line != last_line or elapsed - last_at >= PLAIN_EVERY_S:
            print(progress_line(snapshot, elapsed), flush=True)
            last_line, last_at = line, elapsed
        if done(snapshot):
            return True, elapsed
        if elapsed >= timeout:
            return False, elapsed
        time.sleep(POLL_S)


def demo(args: argparse.Namespace) -> int:
    if not 1 <= args.influencers <= len(DEMO_POOL):
        raise UsageError(f"--influencers must be 1..{len(DEMO_POOL)}, got {args.influencers}")
    if not 0 < args.timeout <= 3600:
        raise UsageError(f"--timeout must be above 0 and at most 3600 seconds, got {args.timeout}")
    data_dir = _data_dir(args.data_dir)
    config_dir = _config_dir()
    pool = DEMO_POOL[: args.influencers]
    name, fields = _campaign(config_dir, pool)
    settings = demo_settings(data_dir.resolve(), config_dir.resolve(), model=args.model)
    data_dir.mkdir(parents=True, exist_ok=True)

    # Imported here: the commands that only read the database do not pay for the runtime.
    from dealdesk.app.boot import System  # noqa: PLC0415
    from dealdesk.runtime.logging import configure_logging  # noqa: PLC0415

    configure_logging(settings.log_level)
    console = (
        Console(highlight=False) if sys.stdout.isatty() else Console(width=120, highlight=False)
    )
    console.print(
        f"dealdesk demo: a sandboxed dealdesk on {data_dir} (every integration sandboxed;"
        " follow-ups 3 s and 6 s after the outreach, stale 4 s later; personas answer in"
        " 0.3-1 s)"
    )
    system = System(settings)
    try:
        system.start()
    except LeaseHeld as exc:
        print(f"dealdesk: the demo cannot start: {exc}", file=sys.stderr)
        return 1
    except DealdeskError as exc:
        print(f"dealdesk: the demo cannot start: {exc}", file=sys.stderr)
        return 1
    completed, elapsed, campaign_id = False, 0.0, ""
    reader: StoreReader | None = None
    kinds: dict[str, str] = {}
    try:
        kinds = _prepare_sandbox(system, pool)
        campaign_id = _submit(system, name, fields)
        console.print(
            f"Submitted '{name}' with {len(pool)} influencers through the sandbox ClickUp"
            f" (task {campaign_id})."
        )
        reader = StoreReader(database_path(settings))
        completed, elapsed = _watch(
            console,
            reader=reader,
            campaign_id=campaign_id,
            expected=len(pool),
            kinds=kinds,
            timeout=args.timeout,
        )
    except KeyboardInterrupt:
        console.print("Interrupted: stopping.")
    except DealdeskError as exc:
        print(f"dealdesk: the demo failed: {exc}", file=sys.stderr)
    finally:
        if reader is not None:
            reader.close()
        system.stop()
    if not campaign_id:
        return 1
    with StoreReader(database_path(settings)) as final_reader:
        snapshot = read_snapshot(final_reader, campaign_id, ORDER)
    _print_summary(console, snapshot, kinds, settings, completed=completed, elapsed=elapsed)
    return 0 if completed else 1


def _print_summary(
    console: Console,
    snapshot: Snapshot,
    kinds: dict[str, str],
    settings: Settings,
    *,
    completed: bool,
    elapsed: float,
) -> None:
    console.print()
    console.print(summary_table(snapshot, kinds))
    console.print(
        "rate: the agreed fee; CPM: rate / (average views / 1000 x the package's weight), as the"
        " agent prices it against the campaign's range; rounds: offers we made;"
        " out / in: emails sent to them / received from them."
    )
    agreed = [s for s in snapshot.standings if s.agreed is not None]
    budget = snapshot.budget
    share = f" ({snapshot.spend / budget:.0%})" if budget else ""
    console.print(
        f"Spend: {money(snapshot.spend, snapshot.currency)} agreed with {len(agreed)}"
        f" influencer(s), against a budget of {money(budget, snapshot.currency)}{share}."
    )
    if budget is not None and snapshot.spend > budget:
        over = money(snapshot.spend - budget, snapshot.currency)
        console.print(f"[bold red]Over budget by {over}.[/]")
    if completed:
        console.print(f"Every negotiation came to rest in {elapsed:.1f} s.")
    else:
        moving = [s.name for s in snapshot.standings if s.state not in REST_STATES]
        console.print(
            f"Timed out after {elapsed:.1f} s; still moving: {', '.join(moving) or 'none'}."
        )
    data_dir = settings.data_dir
    console.print(f"Audit database: {database_path(settings)}", soft_wrap=True)
    console.print("Look at it:", soft_wrap=True)
    console.print(f"  python run.py audit --data-dir {data_dir}", soft_wrap=True)
    console.print(f"  python run.py dump --offline --data-dir {data_dir}", soft_wrap=True)
