"""``python run.py audit`` as an operator runs it: a subprocess from the repository root."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dealdesk.actors.audit_writer import AuditWriter
from dealdesk.app.cli import main
from dealdesk.store import AppendAudit
from tests.app.conftest import run_cli

REPO = Path(__file__).resolve().parents[2]


def audit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", "audit", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture
def trail(apply, data_dir):
    now = datetime.now(UTC)
    apply(
        AppendAudit("email_sent", campaign_id="c1", influencer_name="Jane Doe", ts=datetime(2025, 11, 2, tzinfo=UTC),
                    influencer_email="jane@x.example", direction="sent", email_body="Offer: $1,000"),
        AppendAudit("email_received", campaign_id="c1", influencer_name="Jane Doe", ts=datetime(2025, 11, 30, 23, tzinfo=UTC),
                    direction="received", email_body="Can you do 1,400?", intent={"intent": "counter"}),
        AppendAudit("email_sent", campaign_id="c2", influencer_name="Jane Doe", ts=datetime(2025, 12, 1, tzinfo=UTC)),
        AppendAudit("agreement", campaign_id="c1", influencer_name="Ann Lee", ts=now - timedelta(days=2),
                    rates={"agreed": "1200.00"}, email_body="[red]Deal[/red] \x00 '); DROP TABLE audit_log; --"),
        AppendAudit("state_transition", campaign_id="c1", influencer_name="Ann Lee", ts=now - timedelta(days=9),
                    state_from="countered", state_to="agreed"),
    )  # fmt: skip
    return data_dir


def test_the_default_is_a_table_of_the_newest_entries(trail):
    done = audit("--data-dir", str(trail))
    assert done.returncode == 0, done.stderr
    assert "1-5 of 5" in done.stdout
    assert "Jane Doe" in done.stdout
    assert "[red]Deal[/red]" in done.stdout  # shown as text, never as markup
    assert "countered → agreed" in done.stdout


def test_every_filter_together_as_json(trail):
    done = audit(
        "--data-dir", str(trail), "--influencer", "Jane Doe", "--campaign", "c1", "--from", "2025-11-01",
        "--to", "2025-11-30", "--event-type", "email_received", "--limit", "50", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["total"] == 1
    [entry] = document["entries"]
    assert (entry["email_body"], entry["intent"]) == ("Can you do 1,400?", {"intent": "counter"})


def test_the_last_seven_days_by_email_as_csv(trail):
    done = audit("--data-dir", str(trail), "--last", "7d", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["event_type"] for row in rows] == ["agreement"]
    assert rows[0]["email_body"] == "[red]Deal[/red] \x00 '); DROP TABLE audit_log; --"
    assert json.loads(rows[0]["rates"]) == {"agreed": "1200.00"}


def test_the_data_dir_defaults_to_the_setting(trail):
    done = audit(
        "--influencer", "jane@x.example", "--format", "json", env={"DEALDESK_DATA_DIR": str(trail)}
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 3  # her email, and her name seen with it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--event-type", "email_lost"], "unknown --event-type 'email_lost'"),
        (["--from", "2026-11-31"], "--from: not a date"),
        (["--to", "yesterday"], "--to: not a date"),
        (["--last", "7x"], "--last must look like 24h, 7d, 30d or 2w"),
        (["--last", "7d", "--from", "2026-11-01"], "--last cannot be combined"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "--from must be before --to"),
        (["--limit", "0"], "--limit must be between 1 and 10000"),
        (["--limit", "ten"], "--limit must be a whole number"),
        (["--format", "xml"], "--format must be one of table, json, csv"),
        (["--influencer", "  "], "--influencer must not be empty"),
    ],
)
def test_a_bad_flag_value_is_one_line_and_exit_status_2(trail, args, message, capsys):
    # In-process through the same entry point (run.py calls dealdesk.app.cli.main), to keep it fast.
    assert main(["audit", "--data-dir", str(trail), *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_a_bad_flag_value_from_the_real_command_line_exits_2_with_one_line(trail):
    done = audit("--data-dir", str(trail), "--event-type", "email_lost")
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert "unknown --event-type 'email_lost' (known: agreement," in done.stderr


def test_a_missing_database_is_one_clear_line(tmp_path):
    done = audit("--data-dir", str(tmp_path / "empty"))
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"audit: no dealdesk database at {tmp_path / 'empty' / 'dealdesk.db'} (start the service once, or pass --data-dir)"
    )


def test_it_reads_while_the_service_is_writing(ctx):
    writer = AuditWriter.start(ctx)
    try:
        for i in range(20):
            writer.tell(AppendAudit("email_sent", campaign_id="live", thread_id=str(i)))
        writer.ask(AppendAudit("email_sent", campaign_id="live"), timeout=10)
        done = audit(
            "--data-dir", str(ctx.settings.data_dir), "--campaign", "live", "--format", "json"
        )
    finally:
        writer.stop(block=True, timeout=10)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 21


def test_audit_finds_an_influencer_by_the_handle_the_campaign_named_them_by(negotiated, capsys):
    code, out, _ = run_cli(
        capsys, "audit", "--data-dir", str(negotiated.data_dir), "--influencer", "@glowwithmaya",
        "--format", "json", "--limit", "500",
    )  # fmt: skip
    assert code == 0
    kinds = {e["event_type"] for e in json.loads(out)["entries"]}
    # The entries under the handle (transitions) and under the email it resolved to (mail).
    assert {"state_transition", "email_sent", "email_received"} <= kinds
