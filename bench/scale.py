"""Scale: 10,000 negotiations over 50 campaigns through the whole runtime, at the default cap.

    python bench/scale.py            # 10,000 negotiations: 50 campaigns of 200
    python bench/scale.py --quick    # 1,000: 5 campaigns of 200

The service is boot's ``System`` (what ``python run.py`` starts) in a child process on its own
data directory, with the default cap of 500 live negotiators and the Gmail pacing lifted (the caps
are policy, not speed). Gmail and Sheets are the sandbox fakes, served by THIS process on its own
loop (``gmail_api_base``/``sheets_api_base``, the real-protocol peer path), so the figures of the
service process are its own: every creator is a roster row on the sandbox Sheets and a persona on
the sandbox Gmail that answers at once and opens above our opening offer, so it counters at least
once (every negotiation has two rounds or more); kinds and floors are seeded
(``bench/scalekit/world.py``). Campaigns are handed to the CampaignDirectory as the ClickUp ingress
hands them (the webhook path is bench/ingress.py's); mail is read on a 0.2 s poll, standing in for
Gmail's push.

Timed from the first campaign handed over until every negotiation rests (agreed, declined,
stopped, failed, or escalated to a human), nothing is left to send and every reply in the mailbox
was taken by its negotiation. Figures:

- ``peak_threads``: the service process's OS threads (``Threads:`` of /proc/PID/status, sampled
  every 50 ms); ``peak_rss_mib``: its resident high-water mark (``VmHWM:``).
- ``messages_per_s``: ACTOR MESSAGES handled per second: every ``on_receive`` of every dealdesk
  actor in the service (supervisors, negotiators, Mailroom, AuditWriter, ...), counted by the
  child; ``emails_per_s``: emails both ways (sent by us + persona replies) per second.
- ``duplicates``: emails the mailbox holds twice, by Message-ID and by recipient and words;
  ``lost``: persona replies never taken by their negotiation.
- The baseline, in the same run: the same work for 1 campaign of 200. ``cost_ratio`` is the
  seconds per negotiation at scale over the baseline's (1.0: a negotiation costs the same among
  10,000 as among 200).

Targets: peak threads <= 600, peak RSS <= 1.5 GiB, within ~10 minutes. Prints a table, then as
the LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scalekit.world import REST, Fakes, make_creators, run_to_rest

PER = 200
TARGETS = {"peak_threads": 600, "peak_rss_mib": 1536, "seconds": 600}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 negotiations (5 campaigns)")
    parser.add_argument("--campaigns", type=int, default=None, help="campaigns of 200 (50)")
    parser.add_argument("--deadline", type=float, default=1200.0, help="seconds to wait at most")
    args = parser.parse_args()
    campaigns = args.campaigns or (5 if args.quick else 50)
    with tempfile.TemporaryDirectory() as work:
        base = phase(Path(work) / "base", 1, args.deadline)
        scale = phase(Path(work) / "scale", campaigns, args.deadline)
    report(base, scale)
    return 0


def phase(work: Path, campaigns: int, deadline_s: float) -> dict[str, Any]:
    """One service, fresh fakes and data directory: ``campaigns`` of 200 until all rest."""
    work.mkdir(parents=True)
    creators = make_creators(campaigns * PER)
    fakes = Fakes(creators)
    try:
        figures = run_to_rest(work, fakes, creators, PER, deadline_s)
    finally:
        fakes.close()
    seconds = figures["seconds"]
    rested = sum(n for state, n in figures["states"].items() if state in REST)
    figures.update(
        campaigns=campaigns,
        rested_negotiations=rested,
        ms_per_negotiation=seconds * 1000 / max(rested, 1),
        messages_per_s=figures["handled"] / seconds,
        emails_per_s=(figures["sent"] + figures["replies"]) / seconds,
    )
    return figures


def report(base: dict[str, Any], scale: dict[str, Any]) -> None:
    ratio = scale["ms_per_negotiation"] / base["ms_per_negotiation"]
    print(
        f"scale: {scale['negotiations']:,} negotiations over {scale['campaigns']} campaigns "
        f"(baseline {base['negotiations']} over 1), cap 500 live, the service in a child process"
    )
    print(f"  {'':24}{'scale':>12}{'baseline':>12}")
    rows = (
        ("negotiations", "negotiations", "{:,}"),
        ("all at rest", "rested", "{}"),
        ("seconds", "seconds", "{:,.1f}"),
        ("ms per negotiation", "ms_per_negotiation", "{:,.1f}"),
        ("peak OS threads", "peak_threads", "{:,}"),
        ("peak RSS MiB", "peak_rss_mib", "{:,.0f}"),
        ("actor messages/s", "messages_per_s", "{:,.0f}"),
        ("emails/s (both ways)", "emails_per_s", "{:,.1f}"),
        ("emails sent", "sent", "{:,}"),
        ("replies", "replies", "{:,}"),
        ("activations peak", "activations_peak", "{:,}"),
        ("evictions", "evictions", "{:,}"),
        ("duplicates (Message-ID)", "duplicates_by_message_id", "{:,}"),
        ("duplicates (words)", "duplicates_by_content", "{:,}"),
        ("lost replies", "lost", "{:,}"),
    )
    for label, key, fmt in rows:
        print(f"  {label:24}{fmt.format(scale[key]):>12}{fmt.format(base[key]):>12}")
    for name, figures in (("scale", scale), ("baseline", base)):
        states = ", ".join(f"{k} {v:,}" for k, v in sorted(figures["states"].items()))
        print(f"  ended ({name}): {states}")
    print(f"  cost ratio (ms per negotiation, scale/baseline) {ratio:.2f}")
    misses = [k for k, limit in TARGETS.items() if scale[k] > limit]
    verdict = "all met" if not misses and scale["rested"] else f"missed: {', '.join(misses)}"
    print(f"  targets (threads <= 600, RSS <= 1.5 GiB, <= 600 s): {verdict}")
    keep = (
        "negotiations", "campaigns", "rested", "rested_negotiations", "seconds",
        "ms_per_negotiation", "peak_threads", "peak_rss_mib", "messages_per_s", "emails_per_s",
        "handled", "sent", "replies", "activations_peak", "evictions",
        "duplicates_by_message_id", "duplicates_by_content", "lost", "states",
    )  # fmt: skip
    print(
        json.dumps(
            {
                "bench": "scale",
                **{k: _round(scale[k]) for k in keep},
                "baseline": {k: _round(base[k]) for k in keep},
                "cost_ratio": round(ratio, 2),
            }
        )
    )


def _round(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


if __name__ == "__main__":
    raise SystemExit(main())
