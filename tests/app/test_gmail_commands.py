"""``gmail authorize``: the installed-app flow (replaced here: no browser, no network) writes the
token 0600 where settings say, and a missing client file is one line and exit 2."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import ClassVar

import pytest
from google_auth_oauthlib import flow as oauth_flow

from dealdesk.app.cli import main

CLIENT = {
    "installed": {
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": "GOCSPX-client-secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "redirect_uris": ["http://localhost"],
    }
}
TOKEN_JSON = json.dumps(
    {"type": "authorized_user", "refresh_token": "1//refresh-secret", "client_id": "123"}
)


class FakeToken:
    def to_json(self) -> str:
        return TOKEN_JSON


class FakeFlow:
    calls: ClassVar[list] = []

    @classmethod
    def from_client_secrets_file(cls, path, scopes):
        json.loads(Path(path).read_text())  # as the real one reads it
        cls.calls.append(("from_client_secrets_file", path, tuple(scopes)))
        return cls()

    def run_local_server(self, port):
        self.calls.append(("run_local_server", port))
        return FakeToken()


@pytest.fixture
def fake_flow(monkeypatch):
    FakeFlow.calls = []
    monkeypatch.setattr(oauth_flow, "InstalledAppFlow", FakeFlow)
    return FakeFlow


@pytest.fixture
def client_file(tmp_path):
    path = tmp_path / "client.json"
    path.write_text(json.dumps(CLIENT))
    return path


def test_authorize_writes_the_token_0600_under_the_data_dir_and_says_what_to_set(
    fake_flow, client_file, data_dir, capsys
):
    code = main(["gmail", "authorize", "--client", str(client_file), "--data-dir", str(data_dir)])
    assert code == 0
    token = data_dir / "gmail_token.json"
    assert token.read_text() == TOKEN_JSON
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    out = capsys.readouterr().out
    assert f"DEALDESK_GMAIL_CREDENTIALS_FILE={token}" in out
    assert "refresh-secret" not in out
    scopes = fake_flow.calls[0][2]
    assert "https://www.googleapis.com/auth/gmail.modify" in scopes
    assert "https://www.googleapis.com/auth/spreadsheets.readonly" in scopes
    assert fake_flow.calls[1] == ("run_local_server", 0)


def test_authorize_takes_its_files_from_settings(
    fake_flow, client_file, data_dir, tmp_path, monkeypatch
):
    token = tmp_path / "secrets" / "token.json"
    monkeypatch.setenv("DEALDESK_GMAIL_OAUTH_CLIENT_FILE", str(client_file))
    monkeypatch.setenv("DEALDESK_GMAIL_CREDENTIALS_FILE", str(token))
    assert main(["gmail", "authorize", "--data-dir", str(data_dir)]) == 0
    assert token.read_text() == TOKEN_JSON
    assert not (data_dir / "gmail_token.json").exists()


def test_an_explicit_token_path_wins(fake_flow, client_file, data_dir, tmp_path):
    token = tmp_path / "elsewhere.json"
    args = ["gmail", "authorize", "--client", str(client_file), "--token", str(token)]
    assert main([*args, "--data-dir", str(data_dir)]) == 0
    assert token.read_text() == TOKEN_JSON


def test_a_missing_client_file_is_one_line_and_exit_2(fake_flow, data_dir, tmp_path, capsys):
    missing = tmp_path / "nope.json"
    code = main(["gmail", "authorize", "--client", str(missing), "--data-dir", str(data_dir)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(missing) in err
    assert fake_flow.calls == []


def test_no_client_file_at_all_is_one_line_and_exit_2(fake_flow, data_dir, capsys):
    assert main(["gmail", "authorize", "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "DEALDESK_GMAIL_OAUTH_CLIENT_FILE" in err
    assert err.count("\n") == 1


def test_a_client_file_that_is_not_an_installed_app_client_is_a_config_error(
    data_dir, tmp_path, capsys
):
    bad = tmp_path / "web.json"
    bad.write_text(json.dumps({"something": {}}))
    code = main(["gmail", "authorize", "--client", str(bad), "--data-dir", str(data_dir)])
    assert code == 2
    assert "not an OAuth client for an installed" in capsys.readouterr().err


def test_a_service_account_key_is_never_overwritten(fake_flow, client_file, data_dir, tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"type": "service_account"}))
    args = ["gmail", "authorize", "--client", str(client_file), "--token", str(key)]
    assert main([*args, "--data-dir", str(data_dir)]) == 2
    assert json.loads(key.read_text()) == {"type": "service_account"}


def test_a_consent_that_fails_is_one_line_and_exit_1(
    fake_flow, client_file, data_dir, monkeypatch, capsys
):
    def denied(self, port):
        raise OSError("access_denied")

    monkeypatch.setattr(FakeFlow, "run_local_server", denied)
    code = main(["gmail", "authorize", "--client", str(client_file), "--data-dir", str(data_dir)])
    assert code == 1
    assert "Gmail authorization failed: access_denied" in capsys.readouterr().err
    assert not (data_dir / "gmail_token.json").exists()
