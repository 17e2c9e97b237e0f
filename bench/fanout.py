"""Campaign fan-out: one ClickUp webhook to 1,000 outreach emails accepted by Gmail.

    python bench/fanout.py            # 1,000 influencers
    python bench/fanout.py --quick    # 200

One dealdesk is started in this process as ``run.py`` starts it (``app.boot.System``: every
integration sandboxed, the real clients pointed at the loopback fakes), with the mail pacing
limits lifted (the caps are policy, not speed) and logging at ``warning``. The sandbox Sheets
roster is given N creators, none of them a sandbox persona (nobody replies during the run).

1. Baseline, in the same process, through the same Mailroom and mailbox (as ``bench/mail.py``
   phase 1): N outreach emails put straight into the outbox, the Mailroom told to send; timed
   from the first insert until Gmail has accepted the N-th. One email goes through first, so
   the Gmail client's construction and the mailbox's first observation are in neither figure.
2. The campaign: the sandbox ClickUp creates a task listing the N creators (by @handle) and
   POSTs its signed ``taskCreated`` to the real ``POST /webhooks/clickup``; the ClickUpIngress
   fetches the task through the real ClickUp client, the campaign's supervisor looks the N up on
   the roster (real Sheets client), creates N negotiations and starts a Negotiator for each,
   each commits its outreach step and the Mailroom sends. Timed from the POST until Gmail has
   accepted the N-th email (``seconds``).

A sampler thread reads ``/proc/self/status`` every 10 ms: OS threads (``peak_threads``) and RSS.
``ratio`` is seconds / baseline_seconds: what the campaign path adds to bare sending. The
process's CPU seconds in each phase are printed too: the whole path is one process under one
GIL, so CPU time is what the work costs, and wall time also shows whatever else the machine
runs (the 1-minute load average is printed with them).
Prints a table, then as the LAST line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pykka
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealdesk.actors.mail_messages import SendPending
from dealdesk.app.boot import System
from dealdesk.app.demo_command import DemoSettings
from dealdesk.domain.identity import negotiation_id
from dealdesk.runtime.logging import configure_logging
from dealdesk.runtime.registry import campaign_name, mailroom_name
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.gmail.fake import FakeGmail
from dealdesk.sandbox.sheets.example import ROSTER_TAB
from dealdesk.sandbox.sheets.fake import SANDBOX_SPREADSHEET_ID, FakeSheets
from dealdesk.store import STORE, InsertOutbox, outbox_counts_query

if TYPE_CHECKING:
    from dealdesk.store import Store

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
TARGET_S = 10.0  # 1,000 influencers, webhook to the 1,000th email, on a 2-core machine
HEADER = ("Name", "Handle", "Platform", "Email", "Average Views", "Engagement Rate",
          "Min Rate", "Max Rate", "Status", "Notes")  # fmt: skip


# -- process figures (Linux /proc) ----------------------------------------------------------------


def _cpu() -> float:
    """User + system CPU seconds this process has used (all its threads)."""
    times = os.times()
    return times.user + times.system


def _status() -> dict[str, int]:
    """Threads, VmRSS and VmHWM (KiB) of this process."""
    out: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"Threads", "VmRSS", "VmHWM"}:
            out[key] = int(value.split()[0])
    return out


class Sampler(threading.Thread):
    """OS threads and RSS of the process, every ``every_s``, peaks kept."""

    def __init__(self, every_s: float = 0.01) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.every_s = every_s
        self.peak_threads = 0
        self.peak_rss_kib = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            status = _status()
            self.peak_threads = max(self.peak_threads, status["Threads"])
            self.peak_rss_kib = max(self.peak_rss_kib, status["VmRSS"])
            self.samples += 1
            self._halt.wait(self.every_s)

    def finish(self) -> Sampler:
        self._halt.set()
        self.join(5)
        return self


class Outcomes(pykka.ThreadingActor):
    """Stands in for the baseline's campaign: the Mailroom tells it each ``EmailSent``."""

    use_daemon_thread = True

    def on_receive(self, message: object) -> None:
        del message


# -- the set-up -----------------------------------------------------------------------------------


def settings_for(data_dir: Path, n: int) -> DemoSettings:
    """Settings from these values only (never the environment: nothing real is ever emailed)."""
    return DemoSettings(
        data_dir=data_dir,
        config_dir=CONFIG,
        http_port=0,
        log_level="warning",
        gmail_daily_cap=10 * n + 10,
        gmail_per_minute=10 * n + 10,
        gmail_quota_units_per_minute=10**9,
        gmail_poll_s=3600,  # replies are not this benchmark's business
        clickup_requests_per_minute=10_000,
        shutdown_timeout_s=60.0,
    )


def roster_rows(n: int) -> list[tuple[str, ...]]:
    return [
        HEADER,
        *(
            (f"Creator {i:04d}", f"@fanout{i:04d}", "Instagram", f"fanout{i:04d}@creators.example",
             f"{40_000 + 97 * i:,}", f"{3 + i % 30 / 10:.1f}%", "$900", "$2,400", "Active", "")
            for i in range(n)
        ),
    ]  # fmt: skip


def campaign_fields(n: int) -> tuple[str, dict[str, Any]]:
    data = yaml.safe_load((CONFIG / "example_campaign.yaml").read_text(encoding="utf-8"))
    fields = dict(data["fields"])
    fields["Influencer List"] = "\n".join(f"@fanout{i:04d}" for i in range(n))
    fields["Budget"] = int(Decimal(2500) * n)
    return f"Fan-out {n}", fields


def fakes(system: System) -> tuple[FakeClickUp, FakeSheets, FakeGmail]:
    clickup = system.sandbox.get(Service.CLICKUP)
    sheets = system.sandbox.get(Service.SHEETS)
    gmail = system.sandbox.get(Service.GMAIL)
    assert isinstance(clickup, FakeClickUp)
    assert isinstance(sheets, FakeSheets)
    assert isinstance(gmail, FakeGmail)
    return clickup, sheets, gmail


def accepted(gmail: FakeGmail) -> int:
    """Messages the mailbox holds (all sent: no persona is on this roster, nobody replies)."""
    return len(gmail.mailbox.messages)


def wait_for(gmail: FakeGmail, count: int, timeout: float) -> float:
    """Block until the mailbox holds ``count`` messages; the time it did (perf_counter)."""
    if not gmail.wait_until(lambda: accepted(gmail) >= count, timeout):
        raise TimeoutError(f"{accepted(gmail)} of {count} emails accepted after {timeout:g} s")
    return time.perf_counter()


def put_in_outbox(store: Store, mailbox: str, first: int, n: int, tag: str) -> None:
    """N outreach emails straight into the outbox (as negotiations would write them), the last
    one committed after every one told before it."""
    emails = [
        InsertOutbox(
            f"<{tag}.{i}@dealdesk.invalid>",
            negotiation_id(tag, f"{tag}{i}@creators.example"),
            f"{tag}{i}@creators.example",
            f"Collaboration {i}",
            f"Hi! We would like to offer ${1000 + i} for one Instagram reel.",
            campaign_id=tag,
            mailbox=mailbox,
        )
        for i in range(first, first + n)
    ]
    for email in emails[:-1]:
        store.tell(email)
    store.write(emails[-1])


# -- the run --------------------------------------------------------------------------------------


def run(data_dir: Path, n: int, timeout: float) -> dict[str, Any]:
    settings = settings_for(data_dir, n)
    system = System(settings).start()
    sinks: list[pykka.ActorRef[Any]] = []
    try:
        assert system.ctx is not None
        ctx = system.ctx
        clickup, sheets, gmail = fakes(system)
        sheets.set_values(SANDBOX_SPREADSHEET_ID, ROSTER_TAB, roster_rows(n))
        store = ctx[STORE]
        box = settings.gmail_address
        room = mailroom_name(box)

        for tag in ("warmup", "baseline"):
            sinks.append(Outcomes.start())
            ctx.registry.register(campaign_name(tag), sinks[-1])

        # Warm-up: one email, so the client's construction is in neither figure.
        put_in_outbox(store, box, 0, 1, "warmup")
        ctx.registry.tell(room, SendPending())
        wait_for(gmail, 1, timeout)

        # 1. Baseline: N emails straight into the outbox, sent by the same Mailroom.
        started, cpu = time.perf_counter(), _cpu()
        put_in_outbox(store, box, 0, n, "baseline")
        ctx.registry.tell(room, SendPending())
        baseline_s = wait_for(gmail, 1 + n, timeout) - started
        baseline_cpu = _cpu() - cpu
        threads_before = _status()["Threads"]

        # 2. The campaign, from the signed webhook POST to the N-th email accepted.
        name, fields = campaign_fields(n)
        sampler = Sampler()
        sampler.start()
        rss_before = _status()["VmRSS"]
        started, cpu = time.perf_counter(), _cpu()
        _task_id, statuses = system.loop.run(clickup.submit(name, fields), timeout=timeout)
        acked = time.perf_counter()
        first = wait_for(gmail, 1 + n + 1, timeout)
        done = wait_for(gmail, 1 + 2 * n, timeout)
        campaign_cpu = _cpu() - cpu
        sampler.finish()
        seconds = done - started
        if not any(status in {200, 202} for status in statuses):
            raise RuntimeError(f"the webhook was not accepted: {statuses}")

        counts = store.reader().run(outbox_counts_query(box))
        recipients = {r for m in gmail.sent() for r in m.recipients}
        campaign_recipients = {r for r in recipients if r.startswith("fanout")}
        assert len(campaign_recipients) == n, f"{len(campaign_recipients)} of {n} creators mailed"
        assert not gmail.inbox(), "nobody should have replied"
        return {
            "seconds": round(seconds, 3),
            "ack_ms": round((acked - started) * 1000, 1),
            "first_email_s": round(first - started, 3),
            "peak_threads": sampler.peak_threads,
            "threads_before": threads_before,
            "baseline_seconds": round(baseline_s, 3),
            "ratio": round(seconds / baseline_s, 2),
            "peak_rss_mib": round(max(sampler.peak_rss_kib, _status()["VmHWM"]) / 1024, 1),
            "campaign_rss_growth_mib": round((sampler.peak_rss_kib - rss_before) / 1024, 1),
            "cpu_seconds": round(campaign_cpu, 2),
            "baseline_cpu_seconds": round(baseline_cpu, 2),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "emails": len(campaign_recipients),
            "emails_per_s": round(n / seconds, 1),
            "baseline_emails_per_s": round(n / baseline_s, 1),
            "outbox": counts,
            "samples": sampler.samples,
        }
    finally:
        system.stop()
        for sink in sinks:
            sink.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 influencers")
    parser.add_argument("--influencers", type=int, default=None, help="at most 1,000")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after (s)")
    args = parser.parse_args()
    n = args.influencers or (200 if args.quick else 1000)
    configure_logging("warning", json=True)
    with tempfile.TemporaryDirectory(prefix="dealdesk-bench-") as data_dir:
        f = run(Path(data_dir), n, args.timeout)
    target = TARGET_S * n / 1000
    print(f"fan-out: 1 campaign, {n} influencers on the sandbox roster, webhook to the {n:,}th "
          f"outreach email accepted by the sandbox Gmail, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"  {'':<38}{'seconds':>9}{'emails/s':>10}")
    print(f"  {'baseline (outbox -> Mailroom -> Gmail)':<38}{f['baseline_seconds']:>9.2f}"
          f"{f['baseline_emails_per_s']:>10.0f}")  # fmt: skip
    print(f"  {'campaign (webhook -> ... -> Gmail)':<38}{f['seconds']:>9.2f}"
          f"{f['emails_per_s']:>10.0f}")  # fmt: skip
    print(f"  ratio campaign/baseline               {f['ratio']:>9.2f}")
    print(f"  process CPU (all threads)             {f['cpu_seconds']:>9.2f} s  "
          f"(baseline {f['baseline_cpu_seconds']:.2f} s; load average {f['load_avg_1m']:.1f} "
          f"on {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"  webhook acknowledged (202)            {f['ack_ms']:>9.1f} ms")
    print(f"  first email accepted                  {f['first_email_s']:>9.2f} s")
    print(f"  OS threads: peak {f['peak_threads']} (before the campaign {f['threads_before']})")
    print(f"  RSS: peak {f['peak_rss_mib']:.1f} MiB (the campaign added "
          f"{f['campaign_rss_growth_mib']:.1f} MiB)")  # fmt: skip
    verdict = "met" if f["seconds"] < target else "MISSED"
    print(f"  target: {n} in < {target:g} s: {verdict}")
    print(json.dumps({"bench": "fanout", "influencers": n, **f}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
