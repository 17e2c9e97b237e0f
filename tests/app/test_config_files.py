"""The config files load into the domain's rules, or stop start-up saying what is wrong."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dealdesk.app.config_files import (
    load_escalation,
    load_playbook,
    load_policy,
    load_pricing,
)
from dealdesk.domain import AskAboveCap, NegotiationPolicy, Playbook
from dealdesk.errors import ConfigError

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"


def copy_config(tmp_path: Path) -> Path:
    for name in ("pricing.yaml", "playbook.yaml", "escalation.yaml"):
        (tmp_path / name).write_text((REPO_CONFIG / name).read_text())
    return tmp_path


def test_shipped_config_files_load_and_state_the_documented_defaults() -> None:
    assert load_policy(REPO_CONFIG) == NegotiationPolicy()


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"escalation\.yaml: file not found"):
        load_escalation(tmp_path / "escalation.yaml")


def test_empty_file_is_an_error_not_a_default(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text("# nothing here\n")
    with pytest.raises(ConfigError, match=r"playbook\.yaml: is empty"):
        load_playbook(path)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text("weights:\n  instagram_reel: [1\n")
    with pytest.raises(ConfigError, match=r"pricing\.yaml: is not valid YAML at line"):
        load_pricing(path)


def test_every_problem_in_a_file_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "escalation.yaml"
    path.write_text("min_confidence: 7\nask_above_cap: sometimes\nhostile: maybe\ntypo_key: 1\n")
    with pytest.raises(ConfigError) as caught:
        load_escalation(path)
    message = str(caught.value)
    assert str(path) in message
    for field in ("min_confidence", "ask_above_cap", "hostile", "typo_key"):
        assert field in message


def test_schedule_that_does_not_match_max_rounds_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text("max_rounds: 3\nconcession_schedule: [0, 0.5, 0.4, 1]\n")
    with pytest.raises(ConfigError, match="4 steps but max_rounds is 3"):
        load_playbook(path)


def test_max_rounds_alone_gets_an_even_schedule(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text("max_rounds: 5\n")
    playbook = load_playbook(path)
    assert playbook.concession_schedule == tuple(
        Decimal(x) for x in ("0", "0.25", "0.5", "0.75", "1")
    )


def test_money_in_the_playbook_refuses_floats(tmp_path: Path) -> None:
    path = tmp_path / "playbook.yaml"
    path.write_text("offer_step: 2.5\n")
    with pytest.raises(ConfigError, match="offer_step"):
        load_playbook(path)


def test_pricing_must_weigh_every_deliverable(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text("weights:\n  instagram_reel: 1.0\n")
    with pytest.raises(ConfigError, match="missing deliverable types"):
        load_pricing(path)


def test_load_policy_reports_every_bad_file_at_once(tmp_path: Path) -> None:
    config = copy_config(tmp_path)
    (config / "pricing.yaml").unlink()
    (config / "escalation.yaml").write_text("ask_above_cap: never\n")
    with pytest.raises(ConfigError) as caught:
        load_policy(config)
    assert "pricing.yaml: file not found" in str(caught.value)
    assert "escalation.yaml" in str(caught.value)


def test_edited_files_change_the_policy(tmp_path: Path) -> None:
    config = copy_config(tmp_path)
    (config / "escalation.yaml").write_text("ask_above_cap: immediately\n")
    (config / "playbook.yaml").write_text("max_rounds: 2\nconcession_schedule: [0, 1]\n")
    policy = load_policy(config)
    assert policy.escalation.ask_above_cap is AskAboveCap.IMMEDIATELY
    assert policy.playbook == Playbook(max_rounds=2, concession_schedule=(Decimal(0), Decimal(1)))
