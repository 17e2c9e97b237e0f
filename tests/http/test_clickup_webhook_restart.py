"""Kill -9 right after a 202: after a restart the campaign starts anyway (replay of the commit).

The child process (``python -m tests.http.test_clickup_webhook_restart DATA CLICKUP SLACK SECRET``)
runs the real endpoint, AuditWriter and ingress on a data directory, against the sandbox ClickUp
and Slack that this test runs; it prints ``READY <url>`` once it listens.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dealdesk.sandbox.base import Fault

ROOT_DIR = Path(__file__).resolve().parents[2]


def _child(data_dir: str, clickup_url: str, slack_url: str, secret: str) -> None:
    import threading

    from pydantic import SecretStr

    from dealdesk.actors.notifier import notifier_spec
    from dealdesk.app.wiring import (
        ClickUpWiring,
        campaign_specs,
        http_application,
        ingress_spec,
        serve,
        start_children,
        start_root,
        store_specs,
    )
    from dealdesk.integrations.clickup import ClickUpClient, RateLimiter, load_field_mapping
    from dealdesk.integrations.endpoints import Endpoint
    from dealdesk.integrations.slack import SlackGateway
    from dealdesk.runtime.context import RuntimeContext
    from dealdesk.runtime.logging import configure_logging
    from dealdesk.runtime.loop import IoLoop
    from dealdesk.runtime.retry import RetryPolicy
    from dealdesk.runtime.settings import Service, Settings
    from dealdesk.sandbox.clickup import SANDBOX_CLICKUP_TOKEN
    from dealdesk.sandbox.slack import SANDBOX_BOT_TOKEN
    from dealdesk.store import prepare_database

    # Logs go to stderr, as in run.py: stdout carries only the READY line the parent waits for
    # (an actor's log line printed to stdout could land in the middle of it).
    configure_logging("warning", json=True)
    settings = Settings(_env_file=None, data_dir=Path(data_dir), http_port=0)
    loop = IoLoop().start()
    ctx = RuntimeContext(settings=settings, loop=loop)
    prepare_database(settings)
    root = start_root(ctx)
    policy = RetryPolicy.without_waiting(attempts=1)
    client = ClickUpClient(
        Endpoint(Service.CLICKUP, clickup_url, SecretStr(SANDBOX_CLICKUP_TOKEN), True),
        policy, None, limiter=RateLimiter(10_000), timeout_s=60,
    )  # fmt: skip
    slack = SlackGateway(
        Endpoint(Service.SLACK, slack_url, SecretStr(SANDBOX_BOT_TOKEN), True), policy, None
    )
    mapping = load_field_mapping(ROOT_DIR / "config" / "campaign_fields.yaml")
    wiring = ClickUpWiring(client, mapping, None, secret)
    start_children(
        root,
        [
            *store_specs(ctx),
            notifier_spec(ctx, slack),  # the team's messages, as boot posts them
            *campaign_specs(ctx),
            ingress_spec(ctx, wiring),
        ],
    )
    _, app = http_application(ctx, wiring, admin_token="t")
    _, url = loop.run(serve(app, "127.0.0.1", 0), timeout=10)
    print(f"READY {url}", flush=True)
    threading.Event().wait()  # until killed


def start_child(data_dir, clickup, slack):
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.http.test_clickup_webhook_restart", str(data_dir),
         clickup.base_url, slack.base_url, clickup.webhook_secret],
        cwd=ROOT_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT_DIR)},
    )  # fmt: skip
    for line in process.stdout:
        if line.startswith("READY "):
            return process, line.split()[1]
    process.kill()
    process.wait(10)
    process.stdout.close()
    raise AssertionError("the child process never became ready")


def test_a_kill_9_right_after_202_still_starts_the_campaign_after_restart(
    io_loop, data_dir, fake_slack
):
    import sqlite3

    from dealdesk.sandbox.clickup.fake import FakeClickUp
    from tests.support.clickup_rig import FORM

    clickup = FakeClickUp()
    io_loop.run(clickup.start(), timeout=5)
    first = second = None
    try:
        task_id = clickup.create_task("Glow launch", FORM)
        # ClickUp is down for the first child, so the kill lands before the ingress could finish
        # (its retry is 30 s away).
        clickup.inject(Fault(operation=task_id, status=503, times=1000))
        first, url = start_child(data_dir, clickup, fake_slack)
        clickup.set_target(url + "/webhooks/clickup")
        statuses = io_loop.run(clickup.deliver(clickup.created_payload(task_id, "")), timeout=20)
        assert statuses == [202]
        assert clickup.wait_until(lambda: len(clickup.calls(task_id)) == 1, 20)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert fake_slack.messages == []
        clickup.clear_faults()

        second, _ = start_child(data_dir, clickup, fake_slack)
        assert fake_slack.wait_until(lambda: len(fake_slack.messages) == 1, 30)
        assert "3 negotiations start" in fake_slack.messages[0].text
        conn = sqlite3.connect(f"file:{data_dir / 'dealdesk.db'}?mode=ro", uri=True)
        try:
            assert conn.execute("SELECT count(*) FROM negotiations").fetchone() == (3,)
            assert conn.execute(
                "SELECT count(*) FROM webhook_deliveries WHERE processed_at IS NULL"
            ).fetchone() == (0,)
        finally:
            conn.close()
    finally:
        for process in (first, second):
            if process is not None:
                if process.poll() is None:
                    process.kill()
                process.wait(10)
                process.stdout.close()
        io_loop.run(clickup.stop(), timeout=10)


if __name__ == "__main__":
    _child(*sys.argv[1:5])
