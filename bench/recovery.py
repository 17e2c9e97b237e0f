"""Recovery: kill -9 in the middle of the scale run, restart on the same data directory.

    python bench/recovery.py            # 10,000 negotiations (50 campaigns of 200)
    python bench/recovery.py --quick    # 1,000 (5 campaigns)

The service (boot's ``System``, ``bench/scalekit/child.py``) runs in a child process on a data
directory, against the sandbox Gmail (personas answering at once) and Sheets that THIS process
serves, so the mailbox outlives the service: the scale run of bench/scale.py. When
``--kill-at`` of the negotiations rest (default 40%), the child is killed with SIGKILL. What the
database holds then is read: each negotiation's state and version, and the emails not yet
settled as sent (pending, sending, in doubt, held). Meanwhile the personas answer what was sent.
A new child starts on the same data directory, and this process polls the database until every
negotiation is moving again:

- every negotiation that did not rest at the kill has taken a step since (its version moved: it
  was reloaded from its persisted state and its next pending step happened: the outreach, the
  news of an email, the reply waiting in the mailbox), and
- every email that was unsettled at the kill has been settled (sent once, or failed).

``seconds`` is restart (spawn of the new child) to all moving; the milestones on the way are
printed (READY, first step, half, 90%). Then the run goes on until everything rests, and the
mailbox is checked: ``duplicates`` (emails stored twice: by Message-ID, and by recipient and words
per negotiation), ``lost`` (persona replies never taken by their negotiation) and ``never_sent``
(emails recorded as sent that the mailbox does not hold).

Baseline, in the same run: the cold start of the same service on an empty database (spawn to
READY, the same fakes). ``ratio`` is recovery over cold start. Targets: recovery of 10,000
< 15 s, 0 duplicates, 0 lost. Prints a table, then as the LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scalekit.world import (
    REST,
    Fakes,
    Service,
    audit_mailbox,
    make_campaigns,
    make_creators,
    progress,
    unsent,
    versions,
    wait_at_rest,
)

PER = 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 negotiations (5 campaigns)")
    parser.add_argument("--campaigns", type=int, default=None, help="campaigns of 200 (50)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share resting at the kill")
    parser.add_argument("--deadline", type=float, default=1200.0, help="seconds per wait, at most")
    args = parser.parse_args()
    campaigns = args.campaigns or (5 if args.quick else 50)
    creators = make_creators(campaigns * PER)
    fakes = Fakes(creators)
    try:
        with tempfile.TemporaryDirectory() as work:
            figures = run(Path(work), fakes, creators, args.kill_at, args.deadline)
    finally:
        fakes.close()
    report(figures)
    return 0


def run(
    work: Path, fakes: Fakes, creators: list[Any], kill_at: float, deadline_s: float
) -> dict[str, Any]:
    n = len(creators)
    cold = Service(work / "cold", fakes, work / "cold.log")  # an empty database
    cold.stop()

    data = work / "data"
    first = Service(data, fakes, work / "service.log")
    began = time.perf_counter()
    first.submit(make_campaigns(creators, PER))
    deadline = time.perf_counter() + deadline_s
    while _rested(progress(first.db)) < kill_at * n and time.perf_counter() < deadline:
        time.sleep(0.1)
    first.kill_9()
    ran_s = time.perf_counter() - began
    at_kill = versions(first.db)
    waiting = unsent(first.db)
    moving = {nid: v for nid, (state, v) in at_kill.items() if state not in REST}
    killed_states = _count(state for state, _ in at_kill.values())

    second = Service(data, fakes, work / "service.log")
    milestones = {"ready": second.ready_s}
    left, settled_at = dict(moving), None
    deadline = time.perf_counter() + deadline_s
    while (left or settled_at is None) and time.perf_counter() < deadline:
        now = versions(second.db)
        left = {nid: v for nid, v in left.items() if now[nid][1] <= v and now[nid][0] not in REST}
        elapsed = time.perf_counter() - second.spawned
        done = len(moving) - len(left)
        if done and "first_step" not in milestones:
            milestones["first_step"] = elapsed
        for name, share in (("half", 0.5), ("ninety", 0.9)):
            if done >= share * len(moving) and name not in milestones:
                milestones[name] = elapsed
        if settled_at is None and not (waiting & unsent(second.db)):
            settled_at = elapsed
        time.sleep(0.05)
    recovery_s = time.perf_counter() - second.spawned
    # How fast the backlog moved once the service was up: the figure recovery time follows.
    after_ready = recovery_s - second.ready_s
    moved_per_s = (len(moving) - len(left)) / after_ready if after_ready > 0 else 0.0
    rested, final = wait_at_rest(second.db, fakes, n, deadline_s)
    total_s = ran_s + time.perf_counter() - second.spawned
    second.stop()
    mail = audit_mailbox(fakes, second.db)
    return {
        "negotiations": n,
        "campaigns": n // PER,
        "seconds": recovery_s,
        "all_moving": not left and settled_at is not None,
        "not_moving": len(left),
        "in_flight_at_kill": len(moving),
        "unsent_at_kill": len(waiting),
        "settled_s": settled_at,
        "moved_per_s": moved_per_s,
        "milestones": milestones,
        "cold_start_s": cold.ready_s,
        "ratio": recovery_s / cold.ready_s,
        "killed_after_s": ran_s,
        "states_at_kill": killed_states,
        "rested": rested,
        "total_s": total_s,
        "states": final["states"],
        **mail,
    }


def _rested(seen: dict[str, dict[str, int]]) -> int:
    return sum(n for state, n in seen["states"].items() if state in REST)


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def report(f: dict[str, Any]) -> None:
    ms = f["milestones"]

    def at(name: str) -> str:
        return f"{ms[name]:.2f} s" if name in ms else "-"

    print(
        f"recovery: kill -9 after {f['killed_after_s']:.1f} s of {f['negotiations']:,} "
        f"negotiations over {f['campaigns']} campaigns; restart on the same data directory"
    )
    states = ", ".join(f"{k} {v:,}" for k, v in sorted(f["states_at_kill"].items()))
    print(f"  at the kill: {states}")
    print(f"  in flight at the kill    {f['in_flight_at_kill']:>9,}  (emails unsettled "
          f"{f['unsent_at_kill']:,})")  # fmt: skip
    print(f"  restart -> READY         {at('ready'):>9}")
    print(f"  restart -> first step    {at('first_step'):>9}")
    print(f"  restart -> half moving   {at('half'):>9}")
    print(f"  restart -> 90% moving    {at('ninety'):>9}")
    settled = f"{f['settled_s']:.2f} s" if f["settled_s"] is not None else "-"
    print(f"  restart -> emails settled{settled:>9}")
    print(f"  moved per second (READY on) {f['moved_per_s']:>6,.0f}  negotiations")
    print(f"  restart -> all moving    {f['seconds']:>7.2f} s  "
          f"({'all' if f['all_moving'] else str(f['not_moving']) + ' NOT'} moving)")  # fmt: skip
    print(f"  cold start (empty db)    {f['cold_start_s']:>7.2f} s  baseline")
    print(f"  ratio recovery/cold      {f['ratio']:>9.1f}")
    print(f"  duplicates (Message-ID)  {f['duplicates_by_message_id']:>9,}")
    print(f"  duplicates (words)       {f['duplicates_by_content']:>9,}")
    why = ", ".join(f"{k} {v:,}" for k, v in sorted(f["lost_by_status"].items()))
    print(f"  lost replies             {f['lost']:>9,}  of {f['replies']:,} ({why or 'none'})")
    print(f"  emails recorded sent, not in the mailbox {f['never_sent']:,}")
    final = ", ".join(f"{k} {v:,}" for k, v in sorted(f["states"].items()))
    print(f"  in the end ({'all at rest' if f['rested'] else 'NOT all at rest'}): {final}")
    verdict = [
        name
        for name, missed in (
            ("recovery < 15 s", f["seconds"] >= 15 or not f["all_moving"]),
            ("0 duplicates", f["duplicates_by_message_id"] or f["duplicates_by_content"]),
            ("0 lost", f["lost"] or f["never_sent"]),
        )
        if missed
    ]
    print(f"  targets: {'all met' if not verdict else 'missed: ' + ', '.join(verdict)}")
    figures = {k: round(v, 3) if isinstance(v, float) else v for k, v in f.items()}
    figures["milestones"] = {k: round(v, 3) for k, v in ms.items()}
    print(json.dumps({"bench": "recovery", **figures}))


if __name__ == "__main__":
    raise SystemExit(main())
