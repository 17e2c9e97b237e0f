"""The parent side of the scale and recovery benchmarks: the outside world, and the service.

- :class:`Fakes`: the sandbox Gmail (with a persona per creator, replying at once) and the sandbox
  Sheets (a roster row per creator) on this process's own I/O loop. They live here, not in the
  service, so the mailbox outlives a service that is killed, and the service's figures (threads,
  memory) are its own.
- :func:`make_creators`: N creators, seeded: roster numbers and a persona that always opens
  above our opening offer (so it counters at least once: every negotiation has two rounds or
  more), of three negotiating kinds (counters, counters twice then accepts, tit for tat), with a
  floor around our cap (a few above it: those end declined or escalated, as they would).
- :class:`Service`: ``bench/scalekit/child.py`` (boot's ``System``) in a child process on a data
  directory, with a :class:`Sampler` of its OS threads and RSS from ``/proc/PID/status``.
- :func:`progress` / :func:`at_rest` read the service's database (read-only, WAL), and
  :func:`audit_mailbox` reads the fake's mailbox against it: emails stored twice (by Message-ID,
  and by recipient and words), persona replies that never reached their negotiation.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dealdesk.runtime.loop import IoLoop
from dealdesk.sandbox.gmail import FakeGmail, mime
from dealdesk.sandbox.gmail.personas import Kind, Persona
from dealdesk.sandbox.sheets import SANDBOX_SPREADSHEET_ID, FakeSheets
from dealdesk.sandbox.sheets.example import EXAMPLE_ROSTER, ROSTER_TAB
from tests.support.child_process import Child

ROOT = Path(__file__).resolve().parents[2]
BOX = "deals@agency.example"
CHILD = "bench/scalekit/child.py"
# Where a negotiation rests: ended, or with a human (escalated waits for the team).
REST = frozenset({"agreed", "declined", "stopped", "failed", "escalated", "stale"})
UNSENT = ("pending", "sending", "in_doubt", "held")
KINDS = ((0.55, Kind.COUNTERS), (0.85, Kind.COUNTERS_TWICE), (1.0, Kind.TIT_FOR_TAT))


@dataclass(frozen=True)
class Creator:
    email: str
    name: str
    views: int
    engagement: Decimal
    persona: Persona

    def row(self) -> list[str]:
        handle = "@" + self.email.partition("@")[0]
        return [self.name, handle, "Instagram", self.email, f"{self.views:,}",
                f"{self.engagement * 100:.1f}%", "", "", "Active", ""]  # fmt: skip


def make_creators(n: int, seed: int = 7) -> list[Creator]:
    creators = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        views = rng.randrange(40_000, 120_001, 1000)
        engagement = Decimal(rng.randrange(25, 56)) / 1000
        # Our opening is $18 CPM, our cap about $30-32.40 CPM: a floor of $20-33 CPM puts most
        # within reach; an opening ask 1.45-1.8x the floor is always above our opening offer.
        floor = Decimal(views) / 1000 * Decimal(rng.randrange(20, 34))
        opening = (floor * Decimal(rng.randrange(145, 181)) / 100).quantize(Decimal(10))
        draw = rng.random()
        kind = next(k for limit, k in KINDS if draw < limit)
        email = f"creator{i:05d}@creators.example"
        name = f"Creator {i:05d}"
        persona = Persona(email, kind, name, floor.quantize(Decimal(10)), opening,
                          concession=Decimal(rng.randrange(40, 81)) / 100)  # fmt: skip
        creators.append(Creator(email, name, views, engagement, persona))
    return creators


def make_campaigns(creators: list[Creator], per: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"scale-{c:03d}",
            "client": f"Client {c:03d}",
            "platform": "instagram",
            "cpm_range": {"min": "18", "max": "30"},
            "budget": "1000000",
            "target_deliverables": [{"kind": "instagram_reel", "quantity": 1}],
            "influencers": [x.email for x in creators[c * per : (c + 1) * per]],
        }
        for c in range(len(creators) // per)
    ]


class Fakes:
    """The sandbox Gmail and Sheets on this process's loop, knowing ``creators``."""

    def __init__(self, creators: list[Creator]) -> None:
        self.loop = IoLoop().start()
        self.gmail = FakeGmail(cast=False, address=BOX)
        self.gmail.personas.delay_s = 0
        for creator in creators:
            self.gmail.personas.add(creator.persona)
        self.sheets = FakeSheets()
        rows = [list(EXAMPLE_ROSTER[0]), *(c.row() for c in creators)]
        self.sheets.set_values(SANDBOX_SPREADSHEET_ID, ROSTER_TAB, rows)
        self.loop.run(self.gmail.start(), timeout=10)
        self.loop.run(self.sheets.start(), timeout=10)

    def inbox_count(self) -> int:
        with self.gmail._cond:
            return sum("INBOX" in s.label_ids for s in self.gmail.mailbox.messages.values())

    def close(self) -> None:
        self.loop.run(self.gmail.stop(), timeout=10)
        self.loop.run(self.sheets.stop(), timeout=10)
        self.loop.stop()


class Sampler:
    """OS threads and resident memory of a process, from /proc, every ``every_s``."""

    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        self.pid, self.every_s = pid, every_s
        self.peak_threads = 0
        self.peak_rss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def status(self) -> dict[str, int]:
        fields: dict[str, int] = {}
        try:
            text = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return fields
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("Threads", "VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
        return fields

    def _run(self) -> None:
        while not self._stop.is_set():
            fields = self.status()
            self.peak_threads = max(self.peak_threads, fields.get("Threads", 0))
            self.peak_rss_kib = max(self.peak_rss_kib, fields.get("VmHWM", 0))
            self._stop.wait(self.every_s)

    def stop(self) -> None:
        fields = self.status()  # the kernel's own high-water mark, while the process lives
        self.peak_rss_kib = max(self.peak_rss_kib, fields.get("VmHWM", 0))
        self._stop.set()
        self._thread.join(timeout=5)


class Service:
    """The dealdesk service (boot's System) in a child process on ``data_dir``."""

    def __init__(self, data_dir: Path, fakes: Fakes, log: Path, **settings: Any) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.db = data_dir / "dealdesk.db"
        values = {
            "data_dir": str(data_dir),
            "config_dir": str(ROOT / "config"),
            "http_port": 0,
            "log_level": "warning",
            "gmail_api_base": fakes.gmail.base_url + "/",
            "sheets_api_base": fakes.sheets.base_url + "/",
            "sheets_spreadsheet_id": SANDBOX_SPREADSHEET_ID,
            # Pacing lifted: the caps are policy, not speed. The poll stands in for Gmail's push.
            "gmail_daily_cap": 10**8,
            "gmail_per_minute": 10**8,
            "gmail_quota_units_per_minute": 10**12,
            "gmail_poll_s": 0.2,
            **settings,
        }
        self.log = log
        self.spawned = time.perf_counter()
        with log.open("a") as stderr:
            self.child = Child([CHILD, json.dumps(values)], stderr=stderr)
        self.pid = self.child.process.pid
        self.sampler = Sampler(self.pid)
        ready = self._answer("READY", 120)
        self.ready_s = time.perf_counter() - self.spawned  # spawn to READY: imports included
        self.boot_s = float(ready.split()[1])  # System.start alone

    def submit(self, campaigns: list[dict[str, Any]]) -> float:
        path = self.data_dir.parent / f"{self.data_dir.name}-campaigns.json"
        path.write_text(json.dumps(campaigns), encoding="utf-8")
        self.child.write(f"submit {path}")
        return float(self._answer("ok", 900).split()[1])

    def stats(self) -> dict[str, Any]:
        self.child.write("stats")
        answer: dict[str, Any] = json.loads(self._answer("stats", 60)[6:])
        return answer

    def stop(self) -> None:
        self.sampler.stop()
        self.child.write("stop")
        self._answer("stopped", 120)
        self.child.close()

    def _answer(self, prefix: str, timeout: float) -> str:
        """The child's answer line, or an error carrying the end of its log."""
        try:
            return self.child.until(prefix, timeout=timeout)[-1]
        except AssertionError as exc:
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(f"the service did not answer {prefix!r}: {exc}\n{tail}") from exc

    def kill_9(self) -> None:
        self.sampler.stop()
        self.child.kill_9()
        self.child.close()


def _connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def progress(db: Path) -> dict[str, dict[str, int]]:
    """Negotiations by state, the outbox and the received mail by status."""
    if not db.exists():
        return {"states": {}, "outbox": {}, "inbound": {}}
    conn = _connect(db)
    try:
        return {
            name: dict(conn.execute(f"SELECT {col}, count(*) FROM {table} GROUP BY {col}"))  # noqa: S608
            for name, table, col in (
                ("states", "negotiations", "state"),
                ("outbox", "outbox", "status"),
                ("inbound", "mail_received", "status"),
            )
        }
    finally:
        conn.close()


def at_rest(seen: dict[str, dict[str, int]], n: int, inbox: int) -> bool:
    """Every negotiation resting, nothing left to send, every reply in the mailbox recorded
    (taken by its negotiation, or kept ``routed`` for it: see :func:`wait_at_rest`)."""
    states, outbox, inbound = seen["states"], seen["outbox"], seen["inbound"]
    return (
        sum(states.values()) == n
        and set(states) <= REST
        and not any(outbox.get(s) for s in UNSENT)
        and sum(inbound.values()) >= inbox
    )


def wait_at_rest(
    db: Path, fakes: Fakes, n: int, deadline_s: float, quiet_s: float = 3.0
) -> tuple[bool, dict[str, Any]]:
    """Poll until :func:`at_rest` and no reply is still waiting for its negotiation (or the ones
    waiting have not moved for ``quiet_s``: nothing is going to take them, and
    :func:`audit_mailbox` counts them lost), or the deadline; answers whether it rested, and
    the last look."""
    deadline = time.perf_counter() + deadline_s
    routed, since = -1, time.perf_counter()
    while True:
        inbox = fakes.inbox_count()
        seen = progress(db)
        now = time.perf_counter()
        if seen["inbound"].get("routed", 0) != routed:
            routed, since = seen["inbound"].get("routed", 0), now
        if at_rest(seen, n, inbox) and (routed == 0 or now - since >= quiet_s):
            return True, seen
        if now > deadline:
            return False, seen
        time.sleep(0.25)


def versions(db: Path) -> dict[str, tuple[str, int]]:
    conn = _connect(db)
    try:
        rows = conn.execute("SELECT negotiation_id, state, version FROM negotiations")
        return {nid: (state, version) for nid, state, version in rows}
    finally:
        conn.close()


def unsent(db: Path) -> set[str]:
    conn = _connect(db)
    try:
        marks = ",".join("?" * len(UNSENT))
        query = f"SELECT message_id FROM outbox WHERE status IN ({marks})"  # noqa: S608
        return {mid for (mid,) in conn.execute(query, UNSENT)}
    finally:
        conn.close()


def audit_mailbox(fakes: Fakes, db: Path) -> dict[str, Any]:
    """Emails the mailbox holds twice (by Message-ID; by recipient and words, per negotiation),
    emails recorded as sent that the mailbox does not hold, and persona replies that never
    reached their negotiation (not recorded, or recorded but not taken: ``routed``/``ignored``)."""
    gmail = fakes.gmail
    with gmail._cond:
        stored = list(gmail.mailbox.messages.values())
    by_id: Counter[str] = Counter()
    by_words: Counter[tuple[str, str]] = Counter()
    replies: list[str] = []
    for s in stored:
        if "SENT" in s.label_ids:
            by_id["".join(str(s.message.get("Message-ID", "")).split())] += 1  # unfolded
            words = mime.text_of(s.message, "plain") or ""
            by_words[str(s.message.get("To", "")), words] += 1
        elif "INBOX" in s.label_ids:
            replies.append(s.id)
    conn = _connect(db)
    try:
        status = dict(conn.execute("SELECT gmail_id, status FROM mail_received"))
        sent = conn.execute("SELECT message_id FROM outbox WHERE status = 'sent'")
        recorded = [mid for (mid,) in sent]
    finally:
        conn.close()
    return {
        # Recorded as sent, yet not in the mailbox: an email lost on our side.
        "never_sent": sum(by_id[mid] == 0 for mid in recorded),
        "sent": sum(by_id.values()),
        "replies": len(replies),
        "duplicates_by_message_id": sum(c - 1 for c in by_id.values() if c > 1),
        "duplicates_by_content": sum(c - 1 for c in by_words.values() if c > 1),
        "lost": sum(status.get(gid) != "delivered" for gid in replies),
        "lost_by_status": dict(  # routed: kept for it, never taken; ignored; unrecorded
            Counter(s for gid in replies if (s := status.get(gid, "unrecorded")) != "delivered")
        ),
    }


def run_to_rest(
    work: Path, fakes: Fakes, creators: list[Creator], per: int, deadline_s: float, **settings: Any
) -> dict[str, Any]:
    """One service on a fresh data directory: submit, run until at rest; its figures."""
    service = Service(work / "data", fakes, work / "service.log", **settings)
    started = time.perf_counter()
    submit_s = service.submit(make_campaigns(creators, per))
    rested, seen = wait_at_rest(service.db, fakes, len(creators), deadline_s)
    seconds = time.perf_counter() - started
    stats = service.stats()
    service.stop()
    mail = audit_mailbox(fakes, service.db)
    return {
        "negotiations": len(creators),
        "rested": rested,
        "seconds": seconds,
        "submit_s": submit_s,
        "ready_s": service.ready_s,
        "peak_threads": service.sampler.peak_threads,
        "peak_rss_mib": service.sampler.peak_rss_kib / 1024,
        "handled": stats["handled"],
        "activations_peak": stats["activations_peak"],
        "evictions": stats["evictions"],
        "states": seen["states"],
        **mail,
    }
