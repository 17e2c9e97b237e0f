"""Settings: one clear line per bad variable; unset credentials mean the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dealdesk.errors import ConfigError
from dealdesk.runtime.settings import Service, Settings, load_settings


def test_invalid_settings_name_every_bad_variable_on_its_own_line(monkeypatch):
    monkeypatch.setenv("DEALDESK_HTTP_PORT", "eighty")
    monkeypatch.setenv("DEALDESK_SLACK_API_BASE", "ftp://slack.local")
    monkeypatch.setenv("DEALDESK_SQLITE_SYNCHRONOUS", "SOMETIMES")

    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)

    lines = str(caught.value).splitlines()[1:]
    assert len(lines) == 3
    assert any(line.startswith("DEALDESK_HTTP_PORT:") and "'eighty'" in line for line in lines)
    assert any(line.startswith("DEALDESK_SLACK_API_BASE:") for line in lines)
    assert any(line.startswith("DEALDESK_SQLITE_SYNCHRONOUS:") for line in lines)


def test_with_nothing_configured_every_integration_is_sandboxed():
    settings = Settings(_env_file=None)
    assert all(settings.sandboxed(service) for service in Service)


def test_an_api_base_without_a_credential_points_the_real_client_at_a_peer(monkeypatch):
    monkeypatch.setenv("DEALDESK_SLACK_API_BASE", "http://127.0.0.1:9999/api/")
    settings = load_settings(_env_file=None)
    assert not settings.sandboxed(Service.SLACK)
    assert settings.sandboxed(Service.CLICKUP)


def test_secrets_are_secret_strings_that_do_not_print(monkeypatch):
    monkeypatch.setenv("DEALDESK_SLACK_BOT_TOKEN", "xoxb-real-token")
    settings = load_settings(_env_file=None)
    assert "xoxb-real-token" not in repr(settings)
    assert settings.secret_values() == ["xoxb-real-token"]


def test_follow_up_timing_takes_durations_in_seconds_to_days_and_refuses_nonsense(tmp_path):
    settings = load_settings(data_dir=tmp_path, follow_ups="30s, 2m", stale_after="1.5h")
    assert settings.follow_up_delays == (timedelta(seconds=30), timedelta(minutes=2))
    assert settings.stale_delay == timedelta(minutes=90)
    assert load_settings(data_dir=tmp_path).follow_up_delays == (
        timedelta(days=3),
        timedelta(days=7),
    )
    with pytest.raises(ConfigError, match=r"DEALDESK_FOLLOW_UPS.*later and later"):
        load_settings(data_dir=tmp_path, follow_ups="7d,3d")
    with pytest.raises(
        ConfigError, match=r"DEALDESK_STALE_AFTER.*not a duration: write e\.g\. 30s"
    ):
        load_settings(data_dir=tmp_path, stale_after="3 days")
