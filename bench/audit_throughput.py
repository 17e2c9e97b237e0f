"""Audit throughput: group commit through the AuditWriter vs the naive way, plus query latency.

    python bench/audit_throughput.py            # full: 100,000 entries, 1,000,000-row query table
    python bench/audit_throughput.py --quick    # short: 10,000 entries, same query table

1. N audit entries (~600-byte rows over 10 campaigns x 200 influencers) told to a real
   AuditWriter from 4 producer threads (as many negotiators would), timed until a Flush barrier
   answers; three times, each on a fresh database, and the median reported (this machine's speed
   drifts by tens of percent from one second to the next). The entries are built (validated,
   JSON-encoded) before the clock starts, as callers build them on their own threads, and frozen
   out of the garbage collector's way: 100,000 live entries are the benchmark's own heap, and
   scanning them is not the writer's cost.
2. The same N entries the naive way, in the same run: aiosqlite, one INSERT + commit per entry,
   awaited in turn, on the same schema and pragmas (their rows, influencer references and ids
   are prepared before its clock starts).
   For scale, the same rows straight into SQLite from one thread (no actor, no loop).
3. "Newest 50" for one influencer over a 1,000,000-row table: a typical one, and one who owns
   10% of the rows; the same for campaigns. The table is built with plain sqlite3 executemany.

Prints a table, then as the LAST line one JSON object (``query_ms`` is the worse of the two
influencer medians).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import itertools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dealdesk.actors.audit_writer import AuditWriter, Flush
from dealdesk.runtime.actor import DumpState
from dealdesk.runtime.context import RuntimeContext
from dealdesk.runtime.loop import IoLoop
from dealdesk.runtime.settings import Settings
from dealdesk.store.connection import WRITER_PRAGMAS
from dealdesk.store.model import parse_iso
from dealdesk.store.ops import (
    AUDIT_SEQ_BITS,
    INSERT_AUDIT,
    INSERT_AUDIT_KEY,
    AppendAudit,
    audit_key,
    epoch_ms,
)
from dealdesk.store.queries import (
    AuditEntry,
    AuditFilter,
    audit_entries_query,
    influencer_keys_query,
    influencer_refs_query,
)
from dealdesk.store.reader import StoreReader
from dealdesk.store.schema import MIGRATIONS, _statements, prepare_database

START = datetime(2026, 11, 1, tzinfo=UTC)
PRODUCERS = 4
GROUP_RUNS = 3
BODY = (
    "Hi {name}, thanks for getting back to us about the {campaign} campaign. Based on your recent "
    "views and engagement we can offer {rate} for one dedicated video plus two stories, posted "
    "within the campaign window. Payment is net 30 after the content goes live. Let us know if "
    "that works for you, or what would. Best, the partnerships team."
)


def entry(i: int) -> AppendAudit:
    campaign, influencer = i % 10, i % 200
    name = f"Influencer {influencer:03d}"
    rate = f"${900 + (i % 40) * 25:,}.00"
    return AppendAudit(
        "email_sent" if i % 3 else "email_received",
        campaign_id=f"campaign-{campaign:02d}",
        influencer_name=name,
        influencer_email=f"influencer{influencer:03d}@creators.example",
        thread_id=f"thread-{campaign:02d}-{influencer:03d}",
        direction="sent" if i % 3 else "received",
        email_body=BODY.format(name=name, campaign=f"campaign-{campaign:02d}", rate=rate),
        rates={"offer": rate.strip("$"), "floor": "800.00", "ceiling": "1500.00"},
        metadata={"round": i % 5, "seq": i},
    )


def group_commit(data_dir: Path, entries: list[AppendAudit]) -> tuple[float, float]:
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    loop = IoLoop(name="bench-loop").start()
    ref = AuditWriter.start(RuntimeContext(settings=settings, loop=loop))
    try:
        ref.ask(Flush(), timeout=30)
        shares = [entries[k::PRODUCERS] for k in range(PRODUCERS)]
        go = threading.Event()

        def produce(share: list[AppendAudit]) -> None:
            go.wait()
            for item in share:
                ref.tell(item)

        threads = [threading.Thread(target=produce, args=(s,)) for s in shares]
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        go.set()
        for thread in threads:
            thread.join()
        ref.ask(Flush(), timeout=600)
        elapsed = time.perf_counter() - started
        dump = ref.ask(DumpState(), timeout=30)
    finally:
        ref.stop(block=True, timeout=60)
        loop.stop()
    return len(entries) / elapsed, dump["committed"] / max(1, dump["batches"])


NOW = "2026-11-22T09:00:00.000Z"


def prepared_rows(path: Path, entries: list[AppendAudit]) -> list[tuple[object, ...]]:
    """The rows the writer would store for ``entries`` in one millisecond: their influencer
    references created in ``path`` now, ids in order (for the baselines, before their clocks)."""
    conn = sqlite3.connect(path, isolation_level=None)
    refs = {
        key: conn.execute(INSERT_AUDIT_KEY, (key,)).lastrowid
        for key in sorted({e.key for e in entries if e.key is not None})
    }
    conn.close()
    floor = epoch_ms(parse_iso(NOW)) << AUDIT_SEQ_BITS
    return [
        (floor + i, NOW, None if e.key is None else refs[e.key], *e.values)
        for i, e in enumerate(entries)
    ]


async def naive(data_dir: Path, entries: list[AppendAudit]) -> float:
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    path = prepare_database(settings)
    rows = prepared_rows(path, entries)
    async with aiosqlite.connect(path) as db:
        for pragma in (*WRITER_PRAGMAS, f"PRAGMA synchronous={settings.sqlite_synchronous}"):
            await db.execute(pragma)
        started = time.perf_counter()
        for row in rows:
            await db.execute(INSERT_AUDIT, row)
            await db.commit()
        elapsed = time.perf_counter() - started
    return len(rows) / elapsed


def sqlite_ceiling(data_dir: Path, entries: list[AppendAudit], batch: int) -> float:
    """The same rows straight into SQLite from one thread, ``batch`` per transaction, no actor:
    what SQLite itself does with these rows and indexes on this machine."""
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    path = prepare_database(settings)
    rows = prepared_rows(path, entries)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (*WRITER_PRAGMAS, f"PRAGMA synchronous={settings.sqlite_synchronous}"):
        conn.execute(pragma)
    started = time.perf_counter()
    for base in range(0, len(rows), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT_AUDIT, rows[base : base + batch])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(rows) / elapsed


def build_query_table(data_dir: Path, rows: int) -> tuple[Path, float]:
    """``rows`` entries over 10,000 influencers and 100 campaigns, two seconds apart; 'Heavy
    Hitter' and campaign 'campaign-big' each own 10%. Rows first, indexes after (as fast as
    SQLite builds them)."""
    settings = Settings(_env_file=None, data_dir=data_dir)  # type: ignore[call-arg]
    path = prepare_database(settings)
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    indexes = [s for s in _statements(MIGRATIONS[0]) if s.startswith("CREATE INDEX audit_")]
    for statement in indexes:
        conn.execute(f"DROP INDEX {statement.split()[2]}")
    names = ["Heavy Hitter", *(f"Influencer {n:05d}" for n in range(10_000))]
    conn.execute("BEGIN")
    refs = {
        name: conn.execute(INSERT_AUDIT_KEY, (audit_key(name, None),)).lastrowid for name in names
    }
    conn.execute("COMMIT")
    rng = random.Random(4)
    body = BODY.format(name="x", campaign="y", rate="$1,000.00")
    start_ms = epoch_ms(START)
    chunk = 50_000
    for base in range(0, rows, chunk):
        batch = []
        for i in range(base, min(rows, base + chunk)):
            heavy = i % 10 == 0
            who = "Heavy Hitter" if heavy else f"Influencer {rng.randrange(10_000):05d}"
            campaign = "campaign-big" if i % 10 == 1 else f"campaign-{rng.randrange(100):03d}"
            ms = start_ms + i * 2000
            ts = (START + timedelta(seconds=i * 2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            batch.append((ms << AUDIT_SEQ_BITS, ts, refs[who], "email_sent", campaign, who, None,
                          "t", "sent", body, None, None, '{"offer":"1000.00"}', None,
                          f'{{"seq":{i}}}'))  # fmt: skip
        conn.execute("BEGIN")
        conn.executemany(INSERT_AUDIT, batch)
        conn.execute("COMMIT")
    for statement in indexes:
        conn.execute(statement)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path, time.perf_counter() - started


def newest_50(reader: StoreReader, audit_filter: AuditFilter) -> list[AuditEntry]:
    """What ``StoreReader.audit`` runs for one page, without the count."""
    if audit_filter.influencer is None:
        return reader.run(audit_entries_query(audit_filter))
    keys = reader.run(influencer_keys_query(audit_filter.influencer))
    refs = reader.run(influencer_refs_query(keys))
    pages = [reader.run(audit_entries_query(audit_filter, ref)) for ref in refs]
    merged = heapq.merge(*pages, key=lambda e: e.id, reverse=True)
    return list(itertools.islice(merged, audit_filter.limit))


def time_query(reader: StoreReader, audit_filter: AuditFilter, *, count: bool = False) -> float:
    def once() -> object:
        if count:
            return reader.audit(audit_filter).total
        return newest_50(reader, audit_filter)

    once()  # warm
    samples = []
    for _ in range(25):
        started = time.perf_counter()
        result = once()
        samples.append((time.perf_counter() - started) * 1000)
    if not count:
        assert isinstance(result, list)
        assert len(result) == 50
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (~30 s)")
    parser.add_argument("--entries", type=int, help="audit entries for the throughput runs")
    parser.add_argument("--query-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.entries or (10_000 if args.quick else 100_000)
    entries = [entry(i) for i in range(n)]
    gc.collect()
    gc.freeze()  # the prepared entries stay alive all run: keep the collector from rescanning them
    size = sum(len(str(v)) for v in (NOW, *entries[0].values) if v is not None)
    with tempfile.TemporaryDirectory(prefix="dealdesk-bench-") as tmp:
        root = Path(tmp)
        runs = [group_commit(root / f"group-{k}", entries) for k in range(GROUP_RUNS)]
        rate = statistics.median(r for r, _ in runs)
        avg_batch = statistics.median(b for _, b in runs)
        naive_rate = asyncio.run(naive(root / "naive", entries))
        batch_max = Settings(_env_file=None).audit_batch_max  # type: ignore[call-arg]
        ceiling = sqlite_ceiling(root / "ceiling", entries, batch_max)
        path, build_s = build_query_table(root / "query", args.query_rows)
        with StoreReader(path) as reader:
            q = {
                "influencer_typical": time_query(
                    reader, AuditFilter(influencer="Influencer 00042")
                ),
                "influencer_10pct": time_query(reader, AuditFilter(influencer="Heavy Hitter")),
                "campaign_typical": time_query(reader, AuditFilter(campaign_id="campaign-042")),
                "campaign_10pct": time_query(reader, AuditFilter(campaign_id="campaign-big")),
                "page_with_count_10pct": time_query(
                    reader, AuditFilter(influencer="Heavy Hitter"), count=True
                ),
            }
    ratio = rate / naive_rate
    query_ms = max(q["influencer_typical"], q["influencer_10pct"])
    lines = [
        ("entries", f"{n:,} (~{size} bytes of values each)"),
        ("group commit (AuditWriter)", f"{rate:,.0f} entries/s, {avg_batch:,.0f} per batch avg"),
        ("  each run", ", ".join(f"{r:,.0f}" for r, _ in runs) + " entries/s (median above)"),
        ("naive (INSERT + commit each)", f"{naive_rate:,.0f} entries/s"),
        ("ratio", f"{ratio:.1f}x   (target >= 25x; >= 40,000/s)"),
        ("sqlite alone (no actor)", f"{ceiling:,.0f} entries/s: executemany, same batches"),
        ("  its ratio to naive", f"{ceiling / naive_rate:.1f}x   (the ceiling for any writer)"),
        ("query table", f"{args.query_rows:,} rows, built in {build_s:.1f} s"),
        *(
            (f"newest 50: {k}", f"{v:.3f} ms (median of 25)")
            for k, v in q.items()
            if k != "page_with_count_10pct"
        ),
        ("page + count, 10% influencer", f"{q['page_with_count_10pct']:.2f} ms (the CLI's query)"),
        ("machine", f"{os.cpu_count()} CPUs, sqlite {sqlite3.sqlite_version}, synchronous=NORMAL"),
    ]
    width = max(len(k) for k, _ in lines)
    print("audit_throughput")
    for key, value in lines:
        print(f"  {key:<{width}}  {value}")
    result = {
        "bench": "audit_throughput",
        "entries": n,
        "entries_per_s": round(rate),
        "entries_per_s_runs": [round(r) for r, _ in runs],
        "naive_entries_per_s": round(naive_rate),
        "ratio": round(ratio, 2),
        "query_ms": round(query_ms, 3),
        "avg_batch": round(avg_batch, 1),
        "sqlite_alone_entries_per_s": round(ceiling),
        "sqlite_alone_ratio": round(ceiling / naive_rate, 2),
        "query_rows": args.query_rows,
        **{f"{k}_ms": round(v, 3) for k, v in q.items()},
        "cpus": os.cpu_count(),
        "quick": args.quick,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
