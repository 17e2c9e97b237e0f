"""The model's cost: a market of negotiations read and written through the sandbox Anthropic.

    python bench/model.py                 # 200 creators, seed 7, 10% of first drafts wrong
    python bench/model.py --quick         # 50 creators
    python bench/model.py --creators 400 --mistakes 0.2

The creators of ``bench/market.py`` (seeded personas with hidden floors and concession styles)
are negotiated through the whole runtime as there (CampaignSupervisor, a Negotiator each, the
Mailroom to the sandbox Gmail), with the model on (``DEALDESK_MODEL=sandbox``): every reply read
by tool use through the real anthropic SDK, every email drafted and passed through the guard. The
sandbox model answers as the rules and templates would, except that a seeded share of first drafts
(``--mistakes``) carries a mistake a model makes (another amount, an amount in words, a
placeholder, an exclusivity promise, our budget, another deliverable); the guard must refuse each
and the rewrite (the reference draft) goes out.

The same market runs twice in the same process: with the stable prefix (tools, system prompt,
playbook) marked ``cache_control``, and without (the baseline: the same prompts, nothing cached).
Per round (an offer we made): model calls, tokens (uncached input, cache writes, cache reads,
output), and dollars at the prices in settings; the cached share of the input; the guard's
rejections by reason; and the cost ratio cached / uncached (target: at most 0.5). Tokens are the
fake's count (characters / 4, the prefix cached from 1,024 tokens as the API does). Prints a
table, then as the LAST line one JSON object with ``calls_per_round``, ``tokens_per_round``,
``cached_share`` and ``guard_rejections``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pykka
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import market  # bench/market.py: the creators and the runtime's wiring

from dealdesk.actors.negotiator_model import MODEL, ModelPen, guard_reason
from dealdesk.app.config_files import load_policy
from dealdesk.app.model_wiring import load_model_playbook
from dealdesk.domain.model_io import DRAFT_TAG, untag
from dealdesk.integrations.anthropic import ModelClient
from dealdesk.integrations.endpoints import Endpoint
from dealdesk.runtime.clock import ManualClock
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.logging import configure_logging
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.anthropic import SANDBOX_ANTHROPIC_KEY, FakeAnthropic
from dealdesk.sandbox.gmail import FakeGmail
from dealdesk.sandbox.sheets.example import ROSTER_TAB
from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID, FakeSheets

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = (
    "We could also stretch to $4,321 if that helps.",
    "That is nearly forty-three hundred dollars in value.",
    "Hi {{first_name}}, looking forward to it.",
    "This includes category exclusivity for six months.",
    "Our budget for this campaign is limited, so this is it.",
    "The package also covers 3 Instagram stories.",
)


class MistakenModel(FakeAnthropic):
    """The sandbox model, except that a seeded share of first drafts carries a mistake."""

    def __init__(self, share: float, seed: int) -> None:
        super().__init__()
        self.share = share
        self.rng = random.Random(seed)

    def _as_the_rules_would(self, kind: str, body: dict[str, Any]) -> Any:
        answer = super()._as_the_rules_would(kind, body)
        asked = json.dumps(body.get("messages") or [])
        rewrite = "refused by the guard" in asked
        if kind != "write" or rewrite or untag(DRAFT_TAG, asked) is None:
            return answer
        if self.rng.random() >= self.share:
            return answer
        mistake = self.rng.choice(MISTAKES)
        return str(answer).rstrip() + "\n\n" + mistake + "\n"


def run(creators: list[market.Creator], *, cache: bool, mistakes: float, seed: int,
        deadline_s: float) -> dict[str, Any]:  # fmt: skip
    """One market through the runtime with the sandbox model; the model's audit rows summed."""
    with tempfile.TemporaryDirectory() as data_dir:
        settings = market.market_settings(
            Path(data_dir),
            model="sandbox",
            anthropic_max_concurrency=32,
            anthropic_requests_per_minute=10**6,
            anthropic_prompt_caching=cache,
        )
        loop = IoLoop(name="model-bench").start()
        sheets, gmail, fake = FakeSheets(), FakeGmail(cast=False), MistakenModel(mistakes, seed)
        gmail.personas.delay_s = 0
        for creator in creators:
            gmail.personas.add(creator.persona)
        for server in (sheets, gmail, fake):
            loop.run(server.start(), timeout=5)
        sheets.set_values(SANDBOX_SPREADSHEET_ID, ROSTER_TAB, market.roster_rows(creators))
        ctx = RuntimeContext(settings=settings, loop=loop, clock=ManualClock())
        endpoint = Endpoint(
            Service.ANTHROPIC, fake.base_url, SecretStr(SANDBOX_ANTHROPIC_KEY), sandboxed=True
        )
        client = ModelClient(endpoint, settings, RetryPolicy.without_waiting(), None)
        playbook = load_model_playbook(settings.config_dir)
        ctx[MODEL].pen = ModelPen(ctx, client, playbook, cache=cache)
        try:
            started = time.perf_counter()
            market._wire_and_submit(ctx, sheets, gmail, creators, load_policy(ROOT / "config"))
            states = market._crank(ctx, len(creators), deadline_s)
            seconds = time.perf_counter() - started
            rows = market._rows(ctx)
            llm = market._sql(
                ctx,
                "SELECT json_extract(metadata, '$.job'), json_extract(metadata, '$.outcome'), "
                "json_extract(metadata, '$.input_tokens'), "
                "json_extract(metadata, '$.output_tokens'), "
                "json_extract(metadata, '$.cache_write_tokens'), "
                "json_extract(metadata, '$.cache_read_tokens'), "
                "json_extract(metadata, '$.cost_usd'), json_extract(metadata, '$.problems') "
                "FROM audit_log WHERE event_type = 'llm'",
            )
            emails = gmail.sent()
            sent = len(emails)
            leaked = sum(1 for e in emails if any(m in e.text for m in MISTAKES))
        finally:
            pykka.ActorRegistry.stop_all(block=True, timeout=30)
            loop.run(client.close(), timeout=5)
            for server in (fake, gmail, sheets):
                loop.run(server.stop(), timeout=5)
            loop.stop()
    return {**summarise(rows, llm, states, seconds, sent), "mistakes_sent": leaked}


def summarise(
    rows: dict[str, dict[str, Any]],
    llm: list[tuple[Any, ...]],
    states: dict[str, int],
    seconds: float,
    sent: int,
) -> dict[str, Any]:
    rounds = sum(r["rounds"] for r in rows.values())
    inp = sum(int(r[2]) for r in llm)
    out = sum(int(r[3]) for r in llm)
    write = sum(int(r[4]) for r in llm)
    read = sum(int(r[5]) for r in llm)
    cost = sum((Decimal(r[6]) for r in llm), Decimal(0))
    rejections: Counter[str] = Counter()
    for row in llm:
        if row[1] == "guard_rejected":
            rejections.update({guard_reason(p) for p in json.loads(row[7] or "[]")})
    per = max(rounds, 1)
    return {
        "negotiations": len(rows),
        "rounds": rounds,
        "calls": len(llm),
        "calls_by_job": dict(Counter(str(r[0]) for r in llm)),
        "calls_per_round": round(len(llm) / per, 3),
        "tokens_per_round": {
            "total": round((inp + out + write + read) / per, 1),
            "input": round(inp / per, 1),
            "cache_write": round(write / per, 1),
            "cache_read": round(read / per, 1),
            "output": round(out / per, 1),
        },
        "cached_share": round(read / max(inp + write + read, 1), 4),
        "cost_per_round_usd": float((cost / per).quantize(Decimal("0.000001"))),
        "guard_rejections": dict(sorted(rejections.items())),
        "drafts_rejected": sum(1 for r in llm if r[1] == "guard_rejected"),
        "emails_sent": sent,
        "states": states,
        "seconds": round(seconds, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 creators")
    parser.add_argument("--creators", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mistakes", type=float, default=0.1, help="share of wrong first drafts")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds per run, at most")
    args = parser.parse_args()
    configure_logging("error", json=True)
    n = args.creators or (50 if args.quick else 200)
    creators = market.population(n, args.seed)
    common = {"mistakes": args.mistakes, "seed": args.seed, "deadline_s": args.deadline}
    cached = run(creators, cache=True, **common)
    plain = run(creators, cache=False, **common)
    ratio = cached["cost_per_round_usd"] / max(plain["cost_per_round_usd"], 1e-12)
    print(f"model: {n} negotiations (seed {args.seed}) through the runtime and the sandbox "
          f"Anthropic, {args.mistakes:.0%} of first drafts wrong")  # fmt: skip
    print(f"  {'':28}{'cached':>14}{'no caching':>14}")
    rows = ("negotiations", "rounds", "calls", "calls_per_round", "cached_share",
            "cost_per_round_usd", "drafts_rejected", "mistakes_sent", "emails_sent",
            "seconds")  # fmt: skip
    for key in rows:
        print(f"  {key:28}{cached[key]:>14,}{plain[key]:>14,}")
    for key in cached["tokens_per_round"]:
        a, b = cached["tokens_per_round"][key], plain["tokens_per_round"][key]
        print(f"  {'tokens/round ' + key:28}{a:>14,}{b:>14,}")
    print(f"  guard rejections by reason (cached run): {cached['guard_rejections']}")
    print(f"  calls by job: {cached['calls_by_job']}; states: {cached['states']}")
    print(f"  cost per round, cached / no caching: {ratio:.3f} (target <= 0.5)")
    summary = {
        "bench": "model",
        "creators": n,
        "seed": args.seed,
        "calls_per_round": cached["calls_per_round"],
        "tokens_per_round": cached["tokens_per_round"],
        "cached_share": cached["cached_share"],
        "guard_rejections": cached["guard_rejections"],
        "cost_per_round_usd": cached["cost_per_round_usd"],
        "baseline": {
            k: plain[k]
            for k in ("calls_per_round", "tokens_per_round", "cached_share", "cost_per_round_usd")
        },
        "cost_ratio": round(ratio, 4),
        "mistakes_sent": cached["mistakes_sent"] + plain["mistakes_sent"],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
