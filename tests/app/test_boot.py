"""A whole dealdesk process: in-process through ``System``, and as ``python run.py`` exactly as an
operator starts it (ready with nothing configured, dumpable, single-instance, clean SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from dealdesk.app.boot import System
from dealdesk.app.dump import fetch_tree
from dealdesk.app.paths import ADMIN_TOKEN_FILE, RUNTIME_FILE
from dealdesk.errors import LeaseHeld
from dealdesk.runtime.settings import Service
from dealdesk.sandbox.clickup.fake import FakeClickUp
from dealdesk.sandbox.slack.fake import FakeSlack
from tests.app.conftest import FORM
from tests.support.settings import test_settings

REPO = Path(__file__).resolve().parents[2]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def system(settings):
    running = System(settings).start()
    yield running
    running.stop()


def test_a_system_with_nothing_configured_is_ready_on_the_sandbox(system):
    status, body = get_json(f"{system.http_url}/readyz")
    assert status == 200, body
    assert system.endpoints  # the sandbox Slack at least
    assert all(endpoint.sandboxed for endpoint in system.endpoints.values())


def test_the_admin_token_file_is_private_to_its_owner(system, settings):
    mode = (settings.data_dir / ADMIN_TOKEN_FILE).stat().st_mode & 0o777
    assert mode == 0o600


def test_the_dump_shows_the_singletons_under_the_root(system, settings):
    tree = fetch_tree(settings.data_dir)
    assert tree["kind"] == "runtime"
    kinds = {child["kind"] for child in tree["children"]}
    assert {"error_reporter", "audit_writer"} <= kinds


def test_a_second_system_on_the_same_data_refuses_to_start(system, settings):
    with pytest.raises(LeaseHeld) as caught:
        System(settings).start()
    assert str(os.getpid()) in str(caught.value)


def test_stopping_removes_the_runtime_files_and_frees_the_lease(settings):
    running = System(settings).start()
    running.stop()
    assert not (settings.data_dir / RUNTIME_FILE).exists()
    again = System(settings).start()  # the lease is free again
    again.stop()


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALDESK_")}
    env.update(DEALDESK_DATA_DIR=str(data_dir), DEALDESK_HTTP_PORT="0", PYTHONUNBUFFERED="1")
    return env


def _wait_for_banner(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    for line in process.stderr:  # a blocking read is the barrier: no sleeping
        if line.startswith("dealdesk is running at "):
            return line.split()[4]
    pytest.fail(f"run.py exited with {process.wait()} before it was ready")


@pytest.mark.slow
def test_run_py_is_ready_dumpable_single_instance_and_stops_cleanly_on_sigterm(data_dir):
    env = _env(data_dir)
    process = subprocess.Popen(
        [sys.executable, "run.py"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        url = _wait_for_banner(process)
        assert get_json(f"{url}/readyz")[0] == 200

        dump = subprocess.run(
            [sys.executable, "run.py", "dump", "--json"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert dump.returncode == 0, dump.stderr
        assert json.loads(dump.stdout)["kind"] == "runtime"

        second = subprocess.run(
            [sys.executable, "run.py"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert second.returncode == 1
        assert f"pid {process.pid}" in second.stderr

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def test_dump_without_a_running_process_says_so_and_fails(data_dir):
    result = subprocess.run(
        [sys.executable, "run.py", "dump"],
        cwd=REPO, env=_env(data_dir), capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"dealdesk: dealdesk is not running on {data_dir} (no process holds it)"
    ]


def test_invalid_settings_stop_start_up_with_one_line_per_problem(data_dir):
    env = _env(data_dir) | {"DEALDESK_HTTP_PORT": "not-a-port"}
    result = subprocess.run(
        [sys.executable, "run.py"], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "DEALDESK_HTTP_PORT" in result.stderr


def actors_in(tree):
    """Every actor of a dump, depth first (campaigns live under the CampaignDirectory)."""
    for child in tree.get("children", []):
        yield child
        yield from actors_in(child)


def negotiations_with_work(db: Path) -> set[str]:
    """Negotiations a restart must activate: new ones, and those with an outcome not taken."""
    conn = sqlite3.connect(db)
    try:
        new = "SELECT negotiation_id FROM negotiations WHERE state = 'new'"
        unheard = (
            "SELECT negotiation_id FROM outbox"
            " WHERE heard = 0 AND status IN ('sent', 'failed', 'cancelled')"
        )
        return {nid for query in (new, unheard) for (nid,) in conn.execute(query)}
    finally:
        conn.close()


def test_a_restarted_process_brings_its_live_campaigns_back(settings):
    first = System(settings).start()
    try:
        clickup = first.sandbox.get(Service.CLICKUP)
        slack = first.sandbox.get(Service.SLACK)
        assert isinstance(clickup, FakeClickUp)
        assert isinstance(slack, FakeSlack)
        task_id, statuses = first.loop.run(clickup.submit("Glow", FORM), timeout=30)
        assert statuses == [202]
        assert slack.wait_until(lambda: slack.messages_in(settings.slack_team_channel) != [])
    finally:
        first.stop()
    with_work = negotiations_with_work(settings.data_dir / "dealdesk.db")

    second = System(settings).start()
    try:
        tree = fetch_tree(settings.data_dir)
        campaigns = [c for c in actors_in(tree) if c["kind"] == "campaign_supervisor"]
        assert [c["id"] for c in campaigns] == [f"campaign:{task_id}"]
        # Both negotiations are back as persisted (their outreach is not begun again).
        states = campaigns[0]["negotiations"]
        assert sum(states.values()) == 2
        assert set(states) <= {"new", "outreach_sent", "awaiting_reply"}
        # Negotiations activate on demand: at start only those with work of their own (a first
        # step to take, or the news of an email sent before the stop that they had not taken).
        negotiators = [c for c in actors_in(tree) if c["kind"] == "negotiator"]
        assert len(negotiators) == len(with_work)
    finally:
        second.stop()


def test_with_an_app_token_the_console_runs_over_socket_mode_and_stop_closes_it(data_dir):
    settings = test_settings(data_dir, slack_app_token="xapp-1-A000-sandbox")
    running = System(settings).start()
    try:
        slack = running.sandbox.get(Service.SLACK)
        assert isinstance(slack, FakeSlack)
        assert slack.socket.connected()  # start() returned connected
        request = urllib.request.Request(f"{running.http_url}/slack/events", b"", method="POST")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(request, timeout=10)
        assert missing.value.code == 404  # no Request URL in Socket Mode
        envelope_id = slack.socket.command("/status", "", "UANYONE")
        assert slack.socket.ack(envelope_id).payload is None
        url = slack.socket.sent[envelope_id]["payload"]["response_url"]
        assert slack.wait_until(lambda: slack.answers_to(url))
        assert "Outbox:" in json.dumps(slack.answers_to(url))
    finally:
        running.stop()
    assert slack.socket.close_codes == [1000]  # the app closed it, before the sandbox stopped
