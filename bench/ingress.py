"""ClickUp ingress benchmark: signed deliveries per second through the real endpoint.

A server process runs, on one I/O loop, the real ``POST /webhooks/clickup`` (signature, envelope,
idempotency key, durable commit through the AuditWriter before the 202) and, next to it, a bare
aiohttp handler that reads the body and answers 202. This process is the load generator: 50
concurrent connections (keep-alive) posting signed deliveries, each with a new idempotency key,
for a fixed time per handler. It prints both rates, the ratio and the acknowledgement latency
percentiles, the server's CPU use in each phase (from /proc: share of one core, microseconds a
request), checks that every 202 is a committed row, says how many deliveries the writer committed
a batch, and ends with one JSON line.

    python bench/ingress.py            # 5 s per handler
    python bench/ingress.py --quick    # 1.5 s per handler
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Coroutine

ROOT = Path(__file__).resolve().parents[1]
SECRET = "BENCHSECRET0123456789ABCDEFGHIJKLMNOPQRSTUV"  # noqa: S105 - the bench's own
TEMPLATE = (
    b'{"event":"taskCreated","history_items":[{"id":"%d","type":1,"date":"1764000000000",'
    b'"field":"status","parent_id":"901200300400","data":{"status_type":"open"},"source":null,'
    b'"user":{"id":81942317,"username":"Sandbox Ops","email":"ops@agency.example"},'
    b'"before":{"status":null,"color":"#000000","type":"removed","orderindex":-1},'
    b'"after":{"status":"to do","color":"#d3d3d3","orderindex":0,"type":"open"}},'
    b'{"id":"%d","type":1,"date":"1764000000000","field":"task_creation",'
    b'"parent_id":"901200300400","data":{},"source":null,"user":{"id":81942317},'
    b'"before":null,"after":null}],"task_id":"86b%07d","webhook_id":"%s"}'
)


# -- the server process ---------------------------------------------------------------------------


def serve(data_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    import pykka
    from aiohttp import web

    from dealdesk.actors.audit_writer import audit_writer_spec
    from dealdesk.http.app import HttpState, build_app
    from dealdesk.http.clickup_webhook import clickup_webhook_routes
    from dealdesk.runtime.actor import DumpState
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.logging import configure_logging
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.registry import AUDIT_WRITER, CLICKUP_INGRESS
    from dealdesk.runtime.registry import ROOT as ROOT_NAME
    from dealdesk.runtime.settings import Settings
    from dealdesk.runtime.supervision import StartChild, Supervisor
    from dealdesk.store.schema import prepare_database

    class Sink(pykka.ThreadingActor):
        """Stands in for the ingress: the benchmark measures acknowledgement, not processing."""

        def on_receive(self, message: object) -> None:
            del message

    configure_logging("warning", json=True)
    settings = Settings(_env_file=None, data_dir=Path(data_dir), http_port=0)
    prepare_database(settings)
    loop = IoLoop().start()
    ctx = RuntimeContext(settings=settings, loop=loop)
    root = Supervisor.start(ctx, actor_id=ROOT_NAME)
    ctx.registry.register(ROOT_NAME, root)
    root.ask(StartChild(audit_writer_spec(ctx)), timeout=10)
    ctx.registry.register(CLICKUP_INGRESS, Sink.start())
    state = HttpState(ctx=ctx, admin_token="bench-admin")  # noqa: S106 - not a secret
    real = build_app(state, routes=(clickup_webhook_routes(SECRET),))

    async def bare_handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"status": "accepted"}, status=202)

    bare = web.Application()
    bare.router.add_post("/webhooks/clickup", bare_handler)

    async def start(app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        return f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/webhooks/clickup"

    real_url = loop.run(start(real), timeout=10)
    bare_url = loop.run(start(bare), timeout=10)
    print(f"READY {real_url} {bare_url}", flush=True)
    for command in sys.stdin:  # until the benchmark closes our stdin
        if command.strip() == "writer":
            writer = ctx.registry.get(AUDIT_WRITER)
            state = writer.ask(DumpState(), timeout=10) if writer is not None else {}
            print(json.dumps(state, default=str), flush=True)
    root.stop(timeout=30)
    pykka.ActorRegistry.stop_all(timeout=10)
    loop.stop()


# -- the load generator ---------------------------------------------------------------------------


async def load(url: str, seconds: float, connections: int, first_id: int) -> dict[str, Any]:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(first_id, first_id + 10_000_000))
    key = SECRET.encode()
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(deadline: float, record: bool) -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                body = TEMPLATE % (2 * n, 2 * n + 1, n % 10_000_000, b"bench-webhook")
                headers = {
                    "Content-Type": "application/json",
                    "X-Signature": hmac.new(key, body, hashlib.sha256).hexdigest(),
                }
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                if record:
                    latencies.append(time.perf_counter() - started)
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        warm = time.perf_counter() + min(0.5, seconds / 3)
        await asyncio.gather(*(worker(warm, record=False) for _ in range(connections)))
        began = time.perf_counter()
        await asyncio.gather(*(worker(began + seconds, record=True) for _ in range(connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0
        )

    next_id = next(counter)
    return {
        "requests": len(latencies),
        "per_s": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "statuses": statuses,
        "next_id": next_id,
        "total": next_id - first_id,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process ``pid`` has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pid: int, run: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    """Run one load phase; add the server's CPU use over it (share of one core, µs a request)."""
    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    row = asyncio.run(run)
    cpu, wall = cpu_seconds(pid) - cpu_before, time.perf_counter() - wall_before
    row["server_cpu"] = cpu / wall
    row["server_us_per_request"] = cpu / max(1, int(row["total"])) * 1e6
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1.5 s per handler")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--serve", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    seconds = args.seconds or (1.5 if args.quick else 5.0)
    with tempfile.TemporaryDirectory(prefix="dealdesk-bench-") as data_dir:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", data_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        try:
            assert server.stdout is not None
            line = server.stdout.readline().split()
            if not line or line[0] != "READY":
                print("bench: the server did not start", file=sys.stderr)
                return 1
            real_url, bare_url = line[1], line[2]
            bare = measured(server.pid, load(bare_url, seconds, args.connections, 0))
            real = measured(server.pid, load(real_url, seconds, args.connections, 0))
            assert server.stdin is not None
            server.stdin.write("writer\n")
            server.stdin.flush()
            writer = json.loads(server.stdout.readline())
        finally:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(60)
        conn = sqlite3.connect(Path(data_dir) / "dealdesk.db")
        committed = conn.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0]
        conn.close()
    accepted_total = real["next_id"]
    ratio = float(real["per_s"]) / float(bare["per_s"]) if bare["per_s"] else 0.0
    print(
        f"ClickUp ingress: {args.connections} connections, {seconds:g} s per handler, "
        f"loopback, {os.cpu_count()} CPUs"
    )
    print(
        f"{'handler':<34}{'requests':>10}{'per s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'server CPU':>11}{'us/req':>8}  statuses"
    )
    for name, row in (
        ("bare aiohttp (read body, 202)", bare),
        ("POST /webhooks/clickup (real)", real),
    ):
        print(
            f"{name:<34}{row['requests']:>10}{row['per_s']:>10.0f}{row['p50_ms']:>9.2f}"
            f"{row['p99_ms']:>9.2f}{row['server_cpu']:>10.0%} {row['server_us_per_request']:>7.0f}"
            f"  {row['statuses']}"
        )
    print(f"ratio real/bare: {ratio:.2f}   (targets: >= 0.40 and >= 2,500/s; p99 < 50 ms)")
    print(
        f"durable: {committed} deliveries committed for {accepted_total} posted (warm-up included)"
        f" in {writer.get('batches', 0)} writer batches"
        f" ({accepted_total / max(1, int(writer.get('batches', 0))):.1f} a batch)"
    )
    print(
        json.dumps(
            {
                "bench": "ingress",
                "deliveries_per_s": round(float(real["per_s"]), 1),
                "bare_per_s": round(float(bare["per_s"]), 1),
                "ratio": round(ratio, 3),
                "p50_ms": round(float(real["p50_ms"]), 2),
                "p99_ms": round(float(real["p99_ms"]), 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
