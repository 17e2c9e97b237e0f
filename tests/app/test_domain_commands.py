"""``run.py read-reply`` and ``run.py price`` driven from outside, as the team uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_read_reply_prints_intent_amounts_and_confidence_as_json() -> None:
    text = "Thanks! My rate is $1,200 per reel.\n\nOn Mon, Mar 3, 2025 Maya wrote:\n> We offer $1,000.\n"
    result = run("read-reply", stdin=text)
    assert result.returncode == 0, result.stderr
    reading = json.loads(result.stdout)
    assert reading["intent"] == "counter"
    assert reading["amounts"] == [
        {
            "amount": "1200.00",
            "upper": None,
            "for": "per_item",
            "deliverable": "instagram_reel",
            "quantity": 1,
            "refers_to_our_offer": False,
            "text": "$1,200",
        }
    ]
    assert 0 < float(reading["confidence"]) <= 1


def test_read_reply_recognises_an_unsubscribe() -> None:
    result = run("read-reply", stdin="Please remove me from your list")
    assert json.loads(result.stdout)["intent"] == "unsubscribe"


def test_price_prints_the_worked_example() -> None:
    result = run(
        "price", "--views", "50000", "--cpm-min", "20", "--cpm-max", "30", "--engagement", "0.06"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["opening"] == "1000.00"
    assert out["cap"] == "1725.00"
    assert out["schedule"] == ["1000.00", "1105.00", "1290.00", "1725.00"]
    assert out["escalate_above"] == "3450.00"  # 2x the cap: a human looks
    assert out["exit_above"] is None  # the playbook exits on no price alone
    assert "15% premium" in out["reason"]


def test_price_takes_the_campaign_average_into_account() -> None:
    result = run(
        "price",
        "--views",
        "50000",
        "--cpm-min",
        "20",
        "--cpm-max",
        "30",
        "--campaign-average-cpm",
        "33",
        "--platform",
        "tiktok",
    )
    out = json.loads(result.stdout)
    # Average $33 overshoots the $30 max by $3: the base (and cap, no engagement) is $27.
    assert out["cap"] == "1350.00"
    assert "above the max" in out["reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--views", "lots", "--cpm-min", "20", "--cpm-max", "30"], "--views"),
        (["--views", "50000", "--cpm-min", "abc", "--cpm-max", "30"], "--cpm-min"),
        (["--views", "50000", "--cpm-min", "30", "--cpm-max", "20"], "inverted"),
        (["--views", "50000", "--cpm-min", "0", "--cpm-max", "20"], "above zero"),
        (["--views", "50000", "--cpm-min", "20", "--cpm-max", "30", "--engagement", "6"], "0.06"),
        (
            ["--views", "50000", "--cpm-min", "20", "--cpm-max", "30", "--platform", "myspace"],
            "--platform",
        ),
    ],
)
def test_bad_flag_values_are_one_line_and_exit_two(args: list[str], message: str) -> None:
    result = run("price", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_missing_config_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        "price",
        "--views",
        "1000",
        "--cpm-min",
        "20",
        "--cpm-max",
        "30",
        "--config-dir",
        str(tmp_path),
    )
    assert result.returncode == 1
    assert "pricing.yaml: file not found" in result.stderr
