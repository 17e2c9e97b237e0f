"""Negotiation quality: creators with hidden floors, negotiated through the whole runtime.

    python bench/market.py               # 500 creators, seed 7
    python bench/market.py --quick       # 100 creators
    python bench/market.py --creators 2000 --seed 11
    python bench/market.py --schedule 0,0.4,0.75,1   # ours with another concession schedule

Measured as an automated negotiator is in the research literature (the ANAC/negmas lineage; see
``ARCHITECTURE.md``). Each creator is a sandbox persona (``dealdesk.sandbox.gmail.personas``) with
a hidden reservation fee r (its floor: it never asks or accepts below it), an opening ask above it
and a concession style (linear, firm, fast-caving, anchoring high, accepting the first workable
offer, countering twice, tit for tat (walking away when we stand still), asking a question first,
answering through a talent manager, declining, opting out), all drawn from ``--seed``, with views
and engagement spread so that some floors sit above our cap. Every creator is a roster row in the
sandbox Sheets, one campaign names them all, and the whole runtime negotiates: CampaignDirectory,
CampaignSupervisor, one Negotiator each, the Mailroom over the real google-api-python-client to
the sandbox Gmail on loopback, the Scheduler, the rule reader reading what each persona wrote.
Pacing limits are lifted; the clock is manual (nobody is silent, so no follow-up is ever due).
Asks far above our cap, round limits and replies the reader cannot place escalate: no deal.

With our cap c (the plan the negotiation persisted) and the agreed price p, per creator:

- feasible: a creator who negotiates on price (not declining or opting out) with r <= c;
- ``deal_rate_feasible``: agreements among the feasible;
- ``buyer_advantage``: mean over agreements of (c - p) / (c - r) (1: their floor, 0: our cap);
- ``overpayment_pct``: mean over agreements of (p - r) / r, in percent;
- ``mean_rounds``: offers we made up to an agreement (the opening is 1);
- violations: ``over_cap`` (p > c), ``over_their_ask`` (p above the persona's standing ask),
  ``over_budget`` (the campaign's agreed fees above its budget), ``emails_after_opt_out``; and
  ``not_their_agreement``: an agreement we recorded that the persona did not make at that price.

The same creators are then negotiated again, in the same run, by the baseline "counter at the cap":
the playbook ``concession_schedule: [1, 1, 1, 1]`` (open at the cap, restate it every round, never
move); everything else is the same config. Prints a table, then as the LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pykka
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealdesk.actors.campaign_messages import SubmitCampaign
from dealdesk.actors.mail_messages import PollMailbox, SendPending
from dealdesk.actors.mailroom import mailroom_spec
from dealdesk.actors.negotiator import negotiator_spec
from dealdesk.actors.roster_keeper import RosterSetup, roster_keeper_spec
from dealdesk.actors.scheduler import scheduler_spec
from dealdesk.app.config_files import load_policy
from dealdesk.app.wiring import campaign_specs, start_children, start_root, store_specs
from dealdesk.domain import NegotiationPolicy
from dealdesk.domain.campaign import parse_campaign
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.integrations.gmail import GmailClient, build_gmail
from dealdesk.integrations.sheets import RosterCache, SheetsClient, build_sheets
from dealdesk.integrations.sheets.cache import default_source, sheet_fetcher
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.logging import configure_logging
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.registry import CAMPAIGNS, mailroom_name
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service, Settings
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.sandbox.gmail.personas import Kind, Outcome, Persona
from dealdesk.sandbox.sheets.example import EXAMPLE_ROSTER, ROSTER_TAB
from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID, FakeSheets
from dealdesk.store import STORE, CampaignSource, database_path, prepare_database

ROOT = Path(__file__).resolve().parents[1]
BOX = "deals@agency.example"
CAMPAIGN = "market"
CPM_MIN, CPM_MAX = Decimal(20), Decimal(30)
SETTLED = {"agreed", "declined", "stopped", "failed", "escalated", "stale"}
NO_PRICE = {"declines", "opts_out"}  # styles that never deal, whatever the price
FIRST = (
    "Ava",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jade",
    "Kai",
    "Lia",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sol",
    "Tara",
    "Uma",
    "Vic",
    "Wes",
    "Yara",
)
LAST = (
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Novak",
    "Haddad",
    "Costa",
    "Byrne",
    "Kowalski",
    "Sato",
    "Mensah",
    "Ivanova",
    "Dubois",
    "Park",
    "Larsen",
    "Quinn",
)


@dataclass(frozen=True)
class Style:
    """A concession style: the persona kind, how far its opening ask sits above its floor, how
    much of the gap it gives up per counter, and how often it occurs."""

    name: str
    kind: Kind
    weight: int
    markup: tuple[float, float] = (1.3, 1.8)
    concession: tuple[float, float] = (0.5, 0.5)
    then: Kind = Kind.COUNTERS
    patience: int = 5


STYLES = (
    Style("linear", Kind.COUNTERS, 20),
    Style("firm", Kind.COUNTERS, 14, (1.15, 1.4), (0.15, 0.25), patience=6),
    Style("fast_caving", Kind.COUNTERS, 12, concession=(0.75, 0.9)),
    Style("anchors_high", Kind.ABOVE_CAP, 12, (2.0, 3.0), (0.4, 0.6)),
    Style("accepts_first", Kind.ACCEPTS, 10, (1.1, 1.4)),
    Style("counters_twice", Kind.COUNTERS_TWICE, 10, (1.3, 1.7)),
    Style("tit_for_tat", Kind.TIT_FOR_TAT, 10, (1.2, 1.6), (0.7, 1.2)),
    Style("asks_first", Kind.ASKS_FIRST, 7),
    Style("via_manager", Kind.VIA_MANAGER, 7, concession=(0.4, 0.4)),
    Style("declines", Kind.DECLINES, 4),
    Style("opts_out", Kind.OPTS_OUT, 4),
)


@dataclass(frozen=True)
class Creator:
    persona: Persona
    style: str
    handle: str
    views: int
    engagement: Decimal


def population(n: int, seed: int) -> list[Creator]:
    """``n`` creators drawn from ``seed``: views log-uniform 8k-300k, engagement 1-8%, a floor
    CPM log-normal around $25 (a campaign of $20-$30 CPM: some floors are above any cap)."""
    rng = random.Random(seed)
    styles = rng.choices(STYLES, weights=[s.weight for s in STYLES], k=n)
    creators = []
    for i, style in enumerate(styles):
        views = round(math.exp(rng.uniform(math.log(8_000), math.log(300_000))), -2)
        engagement = Decimal(str(round(rng.uniform(0.01, 0.08), 3)))
        floor_cpm = rng.lognormvariate(math.log(25), 0.25)
        reservation = max(Decimal(100), Decimal(round(views / 1000 * floor_cpm, -1)))
        markup = Decimal(str(round(rng.uniform(*style.markup), 2)))
        concession = Decimal(str(round(rng.uniform(*style.concession), 2)))
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        name = f"{first} {last} {i:04d}"
        persona = Persona(
            f"{first}.{last}{i:04d}@creators.example".lower(),
            style.kind,
            name,
            reservation,
            max(reservation, Decimal(round(reservation * markup, -1))),
            then=style.then,
            concession=concession,
            patience=style.patience,
        )
        creators.append(Creator(persona, style.name, f"@mkt{i:04d}", int(views), engagement))
    return creators


def with_schedule(policy: NegotiationPolicy, steps: tuple[Decimal, ...]) -> NegotiationPolicy:
    """The policy with another concession schedule (and as many rounds)."""
    playbook = policy.playbook.model_validate(
        {**policy.playbook.model_dump(), "max_rounds": len(steps), "concession_schedule": steps}
    )
    return policy.model_copy(update={"playbook": playbook})


def baseline_policy(policy: NegotiationPolicy) -> NegotiationPolicy:
    """Counter at the cap: the first offer is the cap, restated every round, never moved."""
    rounds = policy.playbook.max_rounds
    playbook = policy.playbook.model_copy(update={"concession_schedule": (Decimal(1),) * rounds})
    return policy.model_copy(update={"playbook": playbook})


def roster_rows(creators: list[Creator]) -> list[list[str]]:
    rows = [list(EXAMPLE_ROSTER[0])]
    for c in creators:
        p = c.persona
        rows.append([p.name, c.handle, "Instagram", p.address, f"{c.views:,}",
                     f"{c.engagement * 100:.1f}%", "", "", "Active", ""])  # fmt: skip
    return rows


def market_settings(data_dir: Path, **overrides: Any) -> Settings:
    """The runtime's settings for a market: no retry waits, pacing lifted (the caps are policy,
    not speed), the mailbox read when the market turns the crank rather than on a timer."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        config_dir=ROOT / "config",
        retry_initial_s=0,
        retry_jitter_s=0,
        gmail_daily_cap=10**6,
        gmail_per_minute=10**6,
        gmail_quota_units_per_minute=10**9,
        gmail_poll_s=3600,
        **overrides,
    )


def negotiate(
    creators: list[Creator], policy: NegotiationPolicy, deadline_s: float
) -> dict[str, Any]:
    """One campaign naming every creator, negotiated to rest through the whole runtime; what
    the store persisted (per negotiation) and what each persona saw, and the seconds it took."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = market_settings(Path(data_dir))
        loop = IoLoop(name="market").start()
        sheets, gmail = FakeSheets(), FakeGmail(cast=False)
        gmail.personas.delay_s = 0
        for creator in creators:
            gmail.personas.add(creator.persona)
        loop.run(sheets.start(), timeout=5)
        loop.run(gmail.start(), timeout=5)
        sheets.set_values(SANDBOX_SPREADSHEET_ID, ROSTER_TAB, roster_rows(creators))
        ctx = RuntimeContext(settings=settings, loop=loop, clock=ManualClock())
        try:
            started = time.perf_counter()
            budget = _wire_and_submit(ctx, sheets, gmail, creators, policy)
            states = _crank(ctx, len(creators), deadline_s)
            seconds = time.perf_counter() - started
            rows = _rows(ctx)
            conversations = {c.persona.address: gmail.personas.conversation(c.persona.address)
                             for c in creators}  # fmt: skip
            errors = list(gmail.personas.errors)
        finally:
            pykka.ActorRegistry.stop_all(block=True, timeout=30)
            loop.run(gmail.stop(), timeout=5)
            loop.run(sheets.stop(), timeout=5)
            loop.stop()
    return {"rows": rows, "conversations": conversations, "budget": budget, "states": states,
            "seconds": seconds, "persona_errors": errors}  # fmt: skip


def _wire_and_submit(
    ctx: RuntimeContext,
    sheets: FakeSheets,
    gmail: FakeGmail,
    creators: list[Creator],
    policy: NegotiationPolicy,
) -> Decimal:
    retry = RetryPolicy.without_waiting()
    gmail_at = Endpoint(Service.GMAIL, gmail.base_url + "/", SecretStr("x"), sandboxed=True)
    sheets_at = Endpoint(Service.SHEETS, sheets.base_url + "/", SecretStr("x"), sandboxed=True)

    def roster() -> RosterSetup:
        client = SheetsClient(build_sheets(sheets_at, None), retry, None)
        cache = RosterCache(sheet_fetcher(client), 300.0, ctx.clock)
        return RosterSetup(client, cache, default_source(ctx.settings, SANDBOX_SPREADSHEET_ID))

    def mailbox() -> GmailClient:
        return GmailClient(build_gmail(gmail_at, None, 30.0), policy=retry, report=None)

    prepare_database(ctx.settings)
    root = start_root(ctx)
    negotiators = negotiator_spec(ctx, policy)
    start_children(root, [
        *store_specs(ctx), roster_keeper_spec(ctx, roster), *campaign_specs(ctx, negotiators),
        mailroom_spec(ctx, BOX, mailbox), scheduler_spec(ctx),
    ])  # fmt: skip
    # A budget that holds every creator at the range max (our caps can reach 120% of it).
    budget = sum((c.views / Decimal(1000) * CPM_MAX for c in creators), Decimal(0)).quantize(1)
    campaign = parse_campaign({
        "id": CAMPAIGN, "client": "Lumen", "platform": "instagram",
        "cpm_range": {"min": str(CPM_MIN), "max": str(CPM_MAX)}, "budget": str(budget),
        "target_deliverables": [{"kind": "instagram_reel", "quantity": 1}],
        "influencers": [c.handle for c in creators],
    })  # fmt: skip
    directory = ctx.registry.get(CAMPAIGNS)
    directory.ask(SubmitCampaign(campaign, CampaignSource(task_id=CAMPAIGN), created=True),
                  timeout=600)  # fmt: skip
    return budget


def _sql(ctx: RuntimeContext, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{database_path(ctx.settings)}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _crank(ctx: RuntimeContext, n: int, deadline_s: float) -> dict[str, int]:
    """Turn the mail crank (read replies, let the negotiators answer, send) until every
    negotiation is at rest and the outbox is empty, or the deadline passes."""
    room = ctx.registry.get(mailroom_name(BOX))
    directory = ctx.registry.get(CAMPAIGNS)
    deadline = time.monotonic() + deadline_s
    states: dict[str, int] = {}
    while time.monotonic() < deadline:
        room.ask(PollMailbox(), timeout=120)
        directory.ask(DumpState(), timeout=120)
        states = dict(_sql(ctx, "SELECT state, count(*) FROM negotiations GROUP BY state"))
        settled = sum(v for k, v in states.items() if k in SETTLED) == n
        pending = _sql(ctx, "SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
        if settled and not pending:
            room.ask(PollMailbox(), timeout=120)  # the personas' last words are read too
            break
        if pending:
            room.ask(SendPending(), timeout=120)
    return states


def _rows(ctx: RuntimeContext) -> dict[str, dict[str, Any]]:
    out = {}
    for row in ctx[STORE].reader().negotiations(CAMPAIGN):
        data = (row.data or {}).get("negotiation") or {}
        agreed = data.get("agreed")
        out[row.influencer_email] = {
            "state": row.state,
            "cap": Decimal(data["plan"]["cap"]) if data else None,
            "price": Decimal(agreed["amount"]) if agreed else None,
            "rounds": len(data.get("offers", ())),
        }
    return out


def score(creators: list[Creator], run: dict[str, Any]) -> dict[str, Any]:
    """The figures of one run (see the module's docstring)."""
    rows, convs = run["rows"], run["conversations"]
    feasible = deals = 0
    advantage, overpay, rounds, to_cap, spend = [], [], [], [], Decimal(0)
    v = {"over_cap": 0, "over_their_ask": 0, "over_budget": 0, "emails_after_opt_out": 0,
         "not_their_agreement": 0}  # fmt: skip
    by_style: dict[str, list[Any]] = {}
    for c in creators:
        p, row, conv = c.persona, rows.get(c.persona.address), convs[c.persona.address]
        r = p.reservation
        cap, price = (row["cap"], row["price"]) if row else (None, None)
        is_feasible = c.style not in NO_PRICE and cap is not None and r <= cap
        feasible += is_feasible
        tally = by_style.setdefault(c.style, [0, 0, 0, []])
        tally[0] += is_feasible
        if conv is not None and conv.outcome is Outcome.OPTED_OUT:
            v["emails_after_opt_out"] += conv.after_close
        if price is None:
            continue
        deals += is_feasible
        tally[1] += is_feasible
        tally[2] += 1
        spend += price
        v["over_cap"] += price > cap
        stated = conv.asks if conv is not None else []  # an ask never stated binds nobody
        v["over_their_ask"] += bool(stated) and price > stated[-1]
        # An agreement the persona did not make at that price: a misread reply, or a letter bug.
        v["not_their_agreement"] += conv is None or conv.agreed != price
        if cap > r:
            advantage.append(float((cap - price) / (cap - r)))
            tally[3].append(advantage[-1])
        to_cap.append(float(price / cap))
        overpay.append(float((price - r) / r * 100))
        rounds.append(row["rounds"])
    v["over_budget"] = int(spend > run["budget"])
    return {
        "creators": len(creators),
        "feasible": feasible,
        "agreed": len(rounds),
        "deal_rate_feasible": round(deals / feasible, 4) if feasible else 0.0,
        "buyer_advantage": round(sum(advantage) / len(advantage), 4) if advantage else 0.0,
        "overpayment_pct": round(sum(overpay) / len(overpay), 2) if overpay else 0.0,
        "mean_rounds": round(sum(rounds) / len(rounds), 3) if rounds else 0.0,
        "price_to_cap": round(sum(to_cap) / len(to_cap), 4) if to_cap else 0.0,
        "spend": float(spend),
        **v,
        "states": run["states"],
        "by_style": {
            k: {
                "feasible": f,
                "feasible_agreed": d,
                "agreed": a,
                "advantage": round(sum(adv) / len(adv), 3) if adv else None,
            }
            for k, (f, d, a, adv) in sorted(by_style.items())
        },
        "persona_errors": len(run["persona_errors"]),
        "seconds": round(run["seconds"], 1),
    }


def _shown(value: float | None) -> str:
    return f"{value:5.2f}" if value is not None else f"{'-':>5}"


def _ratio(ours: float, base: float) -> float | None:
    return round(ours / base, 3) if base else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 creators")
    parser.add_argument("--creators", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--schedule", default=None, help="ours with this concession schedule, e.g. 0,0.4,0.75,1"
    )
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds per run, at most")
    args = parser.parse_args()
    configure_logging("warning", json=True)
    n = args.creators or (100 if args.quick else 500)
    creators = population(n, args.seed)
    policy = load_policy(ROOT / "config")  # the shipped playbook, as the runtime loads it
    if args.schedule:
        policy = with_schedule(policy, tuple(Decimal(x) for x in args.schedule.split(",")))
    schedule = [str(x) for x in policy.playbook.concession_schedule]
    ours = score(creators, negotiate(creators, policy, args.deadline))
    base = score(creators, negotiate(creators, baseline_policy(policy), args.deadline))
    keys = ("deal_rate_feasible", "buyer_advantage", "overpayment_pct", "mean_rounds",
            "price_to_cap",
            "over_cap", "over_their_ask", "over_budget", "emails_after_opt_out",
            "not_their_agreement")  # fmt: skip
    ratios = {k: _ratio(ours[k], base[k]) for k in keys[:5]}
    ratios["spend_per_agreement"] = _ratio(ours["spend"] / max(ours["agreed"], 1),
                                           base["spend"] / max(base["agreed"], 1))  # fmt: skip
    print(f"market: {n} creators (seed {args.seed}), {ours['feasible']} feasible "
          f"({base['feasible']} by the baseline's caps); whole runtime, sandbox Gmail, "
          "rule reader")  # fmt: skip
    print(f"  {'':24}{'ours':>12}{'cap baseline':>14}{'ours/base':>11}")
    for k in keys:
        ratio = ratios.get(k)
        shown = f"{ratio:>11.3f}" if ratio is not None else f"{'-':>11}"
        print(f"  {k:24}{ours[k]:>12,.4g}{base[k]:>14,.4g}{shown}")
    print(f"  {'agreed':24}{ours['agreed']:>12}{base['agreed']:>14}")
    print(f"  {'seconds':24}{ours['seconds']:>12}{base['seconds']:>14}")
    print(f"  states ours {ours['states']}  baseline {base['states']}")
    for style, tally in ours["by_style"].items():
        b = base["by_style"][style]
        print(f"  {style:15} feasible {tally['feasible']:>4}  agreed ours "
              f"{tally['feasible_agreed']:>4} base {b['feasible_agreed']:>4}  advantage ours "
              f"{_shown(tally['advantage'])} base {_shown(b['advantage'])}")  # fmt: skip
    summary = {k: ours[k] for k in ("creators", "feasible", *keys)}
    print(f"  ours: concession schedule {schedule}; baseline: the cap every round")
    print(json.dumps({"bench": "market", "seed": args.seed, "schedule": schedule, **summary,
                      "baseline": {k: base[k] for k in keys}, "ratios": ratios,
                      "ours_detail": ours, "baseline_detail": base}, default=str))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
