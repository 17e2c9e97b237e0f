"""``run.py demo``: its own sandboxed dealdesk on a fresh data directory, a campaign of twelve
influencers across the personas negotiated to rest, and a summary of each outcome."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from dealdesk.app.cli import main
from dealdesk.app.demo_command import DEMO_POOL, REST_STATES
from dealdesk.store import StoreReader

NAMES = [
    "Maya Chen", "Jordan Lee", "Priya Patel", "Alex Rivera", "Noah Kim", "Lena Fischer",
    "Omar Haddad", "Tess Morgan", "Ben Carter", "Chloe Nguyen", "Sam Old", "Lena Ortiz",
]  # fmt: skip


def summary_rows(out: str) -> dict[str, list[str]]:
    """The summary table's rows, by influencer: [persona, outcome, rate, CPM, rounds, out, in]."""
    table = out.split("dealdesk demo: outcome", 1)[1]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 8 and cells[0] in NAMES:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.slow
def test_the_demo_negotiates_twelve_influencers_to_rest_and_a_second_run_starts_clean(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("DEALDESK_GMAIL_CREDENTIALS_FILE", str(tmp_path / "real-credentials.json"))
    monkeypatch.setenv("DEALDESK_HTTP_PORT", "8080")  # ignored: the demo builds its own settings
    first = tmp_path / "demo"
    status = main(["demo", "--data-dir", str(first), "--influencers", "12"])
    out = capsys.readouterr().out
    assert status == 0, out

    rows = summary_rows(out)
    assert sorted(rows) == sorted(NAMES), out
    assert {row[1] for row in rows.values()} <= REST_STATES
    assert rows["Maya Chen"][1] == "agreed"
    assert rows["Sam Old"][1] == "failed"  # bounced
    assert rows["Chloe Nguyen"][1] == "stopped"  # "remove me"
    assert rows["Omar Haddad"][1] == "stale"  # silent: two follow-ups, then stale
    assert rows["Omar Haddad"][5] == "3"
    agreed = [row for row in rows.values() if row[1] == "agreed"]
    assert agreed
    for row in agreed:
        assert re.fullmatch(r"\$[\d,]+(\.\d\d)?", row[2]), row
        assert re.fullmatch(r"\$\d+(\.\d\d)?", row[3]), row
    assert "Spend: $" in out

    [db_line] = [line for line in out.splitlines() if line.startswith("Audit database: ")]
    database = Path(db_line.removeprefix("Audit database: ").strip())
    assert database.exists()
    assert database.parent == first.resolve()
    assert f"python run.py audit --data-dir {first.resolve()}" in out
    assert f"python run.py dump --offline --data-dir {first.resolve()}" in out
    with StoreReader(database) as reader:
        assert len(reader.negotiations()) == 12
        assert all(m.recipient != "" for m in reader.outbox())
    # Each CPM shown is the one the agent priced the agreement at (the package's weight
    # counted), as the store recorded it and as `report` shows it.
    with sqlite3.connect(database) as conn:
        recorded = sorted(Decimal(cpm) for (cpm,) in conn.execute("SELECT cpm FROM agreements"))
    assert sorted(Decimal(row[3].lstrip("$")) for row in agreed) == recorded

    # A second run, on a new directory, starts clean: one campaign, its own negotiations.
    second = tmp_path / "again"
    assert main(["demo", "--data-dir", str(second), "--influencers", "3"]) == 0
    again = capsys.readouterr().out
    assert sorted(summary_rows(again)) == ["Jordan Lee", "Maya Chen", "Priya Patel"]
    with StoreReader(second / "dealdesk.db") as reader:
        assert len(reader.campaigns()) == 1
        assert len(reader.negotiations()) == 3


def test_a_used_data_directory_or_a_bad_count_is_one_line_and_exit_2(tmp_path, capsys):
    used = tmp_path / "used"
    used.mkdir()
    (used / "dealdesk.db").write_text("")
    assert main(["demo", "--data-dir", str(used)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["demo", "--influencers", str(len(DEMO_POOL) + 1)]) == 2
    assert "--influencers" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--timeout", "soon"])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
