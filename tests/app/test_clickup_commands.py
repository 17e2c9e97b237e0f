"""The ClickUp commands: register-webhook, list-fields, and campaign submit to a running sandbox."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from dealdesk.app.cli import main
from dealdesk.errors import ConfigError
from dealdesk.integrations.clickup.config import (
    load_stored_webhook,
    resolve_list_id,
    resolve_webhook_secret,
)
from dealdesk.runtime.settings import Settings
from dealdesk.sandbox.clickup import SANDBOX_CLICKUP_TOKEN, FakeClickUp
from tests.support.clickup_rig import ClickUpRig

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example_campaign.yaml"


def write_runtime(data_dir: Path, clickup_url: str) -> None:
    runtime = {
        "pid": os.getpid(),
        "http": "http://127.0.0.1:1",
        "sandbox": {"clickup": clickup_url},
        "sandbox_tokens": {"clickup": SANDBOX_CLICKUP_TOKEN},
    }
    (data_dir / "runtime.json").write_text(json.dumps(runtime))


@pytest.fixture
def sandbox(io_loop, data_dir):
    fake = FakeClickUp()
    io_loop.run(fake.start(), timeout=5)
    write_runtime(data_dir, fake.base_url)
    yield fake
    io_loop.run(fake.stop(), timeout=5)


def test_register_webhook_stores_the_secret_0600_and_prints_what_to_set(sandbox, data_dir, capsys):
    code = main(["clickup", "register-webhook", "--team", "9012", "--list", "901200300400",
                 "--endpoint", "https://deals.example/webhooks/clickup", "--data-dir", str(data_dir)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "DEALDESK_CLICKUP_LIST_ID=901200300400" in out
    stored = load_stored_webhook(data_dir)
    hook = next(
        h for h in sandbox.webhooks.values() if (h.endpoint or "").startswith("https://deals")
    )
    assert stored.secret.get_secret_value() == hook.secret
    assert hook.secret not in out
    assert stat.S_IMODE((data_dir / "clickup_webhook.json").stat().st_mode) == 0o600


def test_the_secret_comes_from_the_setting_then_a_live_registration_then_the_sandbox(data_dir):
    sandboxed = Settings(_env_file=None, data_dir=data_dir)
    assert resolve_webhook_secret(sandboxed, "SANDBOXSECRET").get_secret_value() == "SANDBOXSECRET"
    assert resolve_list_id(sandboxed, "901") == "901"
    live = Settings(_env_file=None, data_dir=data_dir, clickup_token="pk_1_LIVE")
    with pytest.raises(ConfigError, match="register-webhook"):
        resolve_webhook_secret(live)
    (data_dir / "clickup_webhook.json").write_text(
        json.dumps({"secret": "STORED", "list_id": "55", "sandboxed": False})
    )
    assert resolve_webhook_secret(live).get_secret_value() == "STORED"
    assert resolve_list_id(live) == "55"
    assert resolve_webhook_secret(sandboxed, "SANDBOXSECRET").get_secret_value() == "SANDBOXSECRET"
    chosen = Settings(_env_file=None, data_dir=data_dir, clickup_webhook_secret="SET")
    assert resolve_webhook_secret(chosen, "SANDBOXSECRET").get_secret_value() == "SET"


def test_list_fields_prints_names_types_and_options(sandbox, data_dir, capsys):
    assert (
        main(["clickup", "list-fields", "--list", sandbox.list_id, "--data-dir", str(data_dir)])
        == 0
    )
    out = capsys.readouterr().out
    assert "- Platform  [drop_down]" in out
    assert "option 1: TikTok" in out
    assert "- Budget  [currency]" in out


def test_commands_say_in_one_line_when_no_process_runs(tmp_path, capsys):
    code = main(["campaign", "submit", str(EXAMPLE), "--data-dir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "not running" in err


def test_bad_flags_are_one_line_and_exit_2(capsys, data_dir):
    with pytest.raises(SystemExit) as exited:
        main(["clickup", "register-webhook", "--team", "1"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert main(["clickup", "list-fields", "--list", "no spaces", "--data-dir", str(data_dir)]) == 2


def test_campaign_submit_creates_a_task_whose_webhook_starts_the_campaign(ctx, capsys):
    rig = ClickUpRig(ctx)
    try:
        write_runtime(ctx.settings.data_dir, rig.clickup.base_url)
        code = main(["campaign", "submit", str(EXAMPLE), "--data-dir", str(ctx.settings.data_dir)])
        out = capsys.readouterr().out
        assert code == 0
        assert "202 accepted" in out
        rig.settle()
        [text] = rig.team_messages(1)
        assert "3 negotiations start" in text
    finally:
        rig.close()
