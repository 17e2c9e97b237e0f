"""``read-reply`` and ``price``: how the agent reads and prices, from the command line.

``python run.py read-reply`` reads one reply from stdin and prints the rule-based reading as JSON.
``python run.py price --views 50000 --cpm-min 20 --cpm-max 30 [--engagement 0.06]
[--platform instagram] [--campaign-average-cpm 24]`` prints the opening, cap, schedule and the
reason. Both print decimals as strings. A bad flag value is one line on stderr and exit status 2;
a bad config file is one line and exit status 1.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dealdesk.app.cli import UsageError
from dealdesk.app.config_files import load_policy
from dealdesk.domain.campaign import (
    Campaign,
    CpmRange,
    Deliverable,
    DeliverableType,
    Influencer,
    Platform,
)
from dealdesk.domain.cpm import CpmTracker
from dealdesk.domain.pricing import plan_prices
from dealdesk.domain.reader import read_reply
from dealdesk.domain.validation import problems_of
from dealdesk.errors import ConfigError

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

# The repository's config/ (run.py sits beside it), whatever the working directory.
_CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"

_PRIMARY = {
    Platform.INSTAGRAM: DeliverableType.INSTAGRAM_REEL,
    Platform.TIKTOK: DeliverableType.TIKTOK_VIDEO,
    Platform.YOUTUBE: DeliverableType.YOUTUBE_DEDICATED,
}


def register(subparsers: Any) -> None:
    reader = subparsers.add_parser(
        "read-reply", help="read one reply from stdin and print the reading as JSON"
    )
    reader.add_argument("--platform", default=None, help="instagram, tiktok or youtube")
    reader.add_argument("--today", default=None, help="YYYY-MM-DD, to date out-of-office notes")
    reader.set_defaults(handler=_read_reply)
    price = subparsers.add_parser("price", help="print the opening, cap and concession schedule")
    price.add_argument("--views", required=True, help="average views, a whole number")
    price.add_argument("--cpm-min", required=True, help="campaign CPM range minimum")
    price.add_argument("--cpm-max", required=True, help="campaign CPM range maximum")
    price.add_argument("--engagement", default=None, help="engagement rate as a fraction: 0.06")
    price.add_argument("--platform", default="instagram", help="instagram, tiktok or youtube")
    price.add_argument(
        "--campaign-average-cpm", default=None, help="running average CPM of agreements so far"
    )
    price.add_argument(
        "--deliverable",
        action="append",
        default=None,
        help="KIND or KIND:QTY, repeatable (default: the platform's main deliverable)",
    )
    price.add_argument(
        "--config-dir",
        default=str(_CONFIG_DIR),
        help="directory holding pricing.yaml, playbook.yaml and escalation.yaml",
    )
    price.set_defaults(handler=_price)


def _platform(value: str | None) -> Platform | None:
    if value is None:
        return None
    try:
        return Platform(value.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Platform)
        raise UsageError(f"--platform {value!r} must be one of {choices}") from None


def _decimal(flag: str, value: str) -> Decimal:
    try:
        result = Decimal(value.strip().removeprefix("$").replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"{flag} {value!r} is not a number") from None
    if not result.is_finite() or result <= 0:
        raise UsageError(f"{flag} {value!r} must be a number above zero")
    return result


def _read_reply(args: argparse.Namespace) -> int:
    platform = _platform(args.platform)
    today = None
    if args.today is not None:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            raise UsageError(f"--today {args.today!r} is not a YYYY-MM-DD date") from None
    reading = read_reply(sys.stdin.read(), platform=platform, today=today)
    out = reading.model_dump(mode="json")
    out["amounts"] = [
        {
            "amount": str(a.amount),
            "upper": None if a.upper is None else str(a.upper),
            "for": a.basis.value,
            "deliverable": None if a.deliverable is None else a.deliverable.value,
            "quantity": a.quantity,
            "refers_to_our_offer": a.refers_to_offer,
            "text": a.text,
        }
        for a in reading.amounts
    ]
    out["confidence"] = str(reading.confidence)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def _deliverables(values: list[str] | None, platform: Platform) -> tuple[Deliverable, ...]:
    if not values:
        return (Deliverable(kind=_PRIMARY[platform]),)
    result = []
    for value in values:
        kind, _, qty = value.partition(":")
        try:
            result.append(Deliverable(kind=DeliverableType(kind.strip()), quantity=int(qty or 1)))
        except ValueError:
            raise UsageError(f"--deliverable {value!r} must be KIND or KIND:QTY") from None
    return tuple(result)


def _price(args: argparse.Namespace) -> int:
    if not args.views.strip().isdigit() or int(args.views) <= 0:
        raise UsageError(f"--views {args.views!r} must be a whole number above zero")
    platform = _platform(args.platform) or Platform.INSTAGRAM
    low = _decimal("--cpm-min", args.cpm_min)
    high = _decimal("--cpm-max", args.cpm_max)
    engagement = None if args.engagement is None else _decimal("--engagement", args.engagement)
    if engagement is not None and engagement > 1:
        raise UsageError(f"--engagement {args.engagement!r} is a fraction: write 6% as 0.06")
    deliverables = _deliverables(args.deliverable, platform)
    try:
        cpm_range = CpmRange(min=low, max=high)
        campaign = Campaign(
            id="cli",
            client="cli",
            platform=platform,
            cpm_range=cpm_range,
            budget=Decimal(1_000_000),
            target_deliverables=deliverables,
        )
        influencer = Influencer(
            name="cli",
            email="cli@example.com",
            platform=platform,
            handle="cli",
            average_views=int(args.views),
            engagement_rate=engagement,
        )
    except ValidationError as exc:
        raise UsageError("; ".join(problems_of(exc))) from None
    try:
        policy = load_policy(Path(args.config_dir))
    except ConfigError as exc:
        print(f"run.py: config error: {exc}", file=sys.stderr)
        return 1
    tracker = CpmTracker(cpm_range=cpm_range)
    if args.campaign_average_cpm is not None:
        average = _decimal("--campaign-average-cpm", args.campaign_average_cpm)
        tracker = tracker.record("cli-average", average, None)
    flexibility = tracker.flexibility(engagement, policy.pricing)
    plan = plan_prices(campaign, influencer, flexibility, policy.playbook, policy.pricing)
    # After our offer k we accept any ask up to what we would offer next (the final offer at the
    # end of the schedule); above the cap, at the round limit, a human decides.
    accept_up_to = [str(plan.offer_for_round(k + 1)) for k in range(1, plan.max_rounds + 1)]
    result = {
        "opening": str(plan.opening),
        "cap": str(plan.cap),
        "schedule": [str(o) for o in plan.schedule],
        "accept_up_to_after_each_offer": accept_up_to,
        "exit_above": _times(plan.cap, policy.playbook.exit_multiple),
        "escalate_above": _times(plan.cap, policy.escalation.far_above_cap),
        "opening_cpm": str(plan.opening_cpm),
        "cap_cpm": str(plan.cap_cpm),
        "running_average_cpm": (
            None if flexibility.running_average is None else str(flexibility.running_average)
        ),
        "max_rounds": plan.max_rounds,
        "reason": plan.reason,
    }
    print(json.dumps(result, indent=2))
    return 0


def _times(cap: Decimal, factor: Decimal | None) -> str | None:
    return None if factor is None else str((cap * factor).quantize(Decimal("0.01")))
