"""``run.py slack``: a command typed and a button clicked as Slack sends them, signed, against a
running dealdesk (the sandbox), printing what Slack would show."""

from __future__ import annotations

import pytest

from dealdesk.actors.notifier import NOTIFIER, Notify
from dealdesk.app.boot import System
from dealdesk.integrations.slack import blocks
from dealdesk.runtime.settings import Service
from tests.app.conftest import run_cli
from tests.support.settings import test_settings


@pytest.fixture
def system(data_dir):
    settings = test_settings(data_dir, slack_allowed_users="U123")
    running = System(settings).start()
    yield running
    running.stop()


def test_a_command_is_signed_sent_and_what_slack_shows_is_printed(system, data_dir, capsys):
    code, out, _ = run_cli(
        capsys, "slack", "/status", "--user", "U999", "--data-dir", str(data_dir)
    )
    assert code == 0, out
    assert out.startswith("[ephemeral]")
    assert "dealdesk status" in out
    assert "No campaigns yet." in out
    code, out, _ = run_cli(capsys, "slack", "/takeover Jane Doe", "--user", "U999",
                           "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0
    assert "not allowed" in out


def test_a_click_on_a_message_of_the_team_channel_is_sent_and_answered(system, data_dir, capsys):
    fake = system.sandbox.get(Service.SLACK)
    message = blocks.escalation("Someone asks too much.", "no-such-negotiation", "$9,000", "$5,000")
    system.ctx.registry.tell(NOTIFIER, Notify("Someone asks too much.", tuple(message)))
    assert fake.wait_until(lambda: any(m.blocks for m in fake.messages))
    [posted] = [m for m in fake.messages if m.blocks]
    code, out, _ = run_cli(capsys, "slack", "--click", "escalation_approve", "--message",
                           posted.ts, "--user", "U123", "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, out
    assert "No negotiation 'no-such-negotiation'" in out


def test_without_a_running_dealdesk_it_says_so_in_one_line(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "slack", "/status", "--data-dir", str(tmp_path))
    assert code == 1
    assert out.strip() == f"error: dealdesk is not running on {tmp_path} (start it: python run.py)"
    code, _, _ = run_cli(capsys, "slack", "/nope", "--data-dir", str(tmp_path))
    assert code == 2
