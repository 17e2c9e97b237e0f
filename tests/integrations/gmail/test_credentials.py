"""Gmail credentials: none for the sandbox, a user token or a delegated service account, and a
clear ConfigError (never the secret) for anything else."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as auth_exceptions
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from dealdesk.errors import ConfigError
from dealdesk.integrations.gmail import SCOPES, load_credentials
from dealdesk.integrations.gmail.credentials import write_private
from dealdesk.runtime.settings import Settings

SECRET = "GOCSPX-very-secret-client-value"
REFRESH = "1//0refresh-token-that-must-not-leak"


def settings_with(tmp_path, **values) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


def user_token(expiry: datetime | None) -> dict:
    token = {
        "type": "authorized_user",
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": SECRET,
        "refresh_token": REFRESH,
        "token": "ya29.access",
    }
    if expiry is not None:
        token["expiry"] = expiry.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return token


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def service_key(pem: str) -> dict:
    return {
        "type": "service_account",
        "project_id": "dealdesk",
        "private_key_id": "abc123",
        "private_key": pem,
        "client_email": "dealdesk@dealdesk.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def write(path, data) -> None:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)


def test_no_credentials_file_means_no_credentials(tmp_path):
    assert load_credentials(settings_with(tmp_path)) is None


def test_a_valid_user_token_loads_with_both_scopes_and_no_refresh(tmp_path, monkeypatch):
    path = tmp_path / "token.json"
    write(path, user_token(datetime.now(UTC) + timedelta(hours=1)))
    refreshed = []
    monkeypatch.setattr(user_credentials.Credentials, "refresh", lambda *a: refreshed.append(a))
    creds = load_credentials(settings_with(tmp_path, gmail_credentials_file=path))
    assert isinstance(creds, user_credentials.Credentials)
    assert tuple(creds.scopes) == SCOPES
    assert refreshed == []


def test_an_expired_user_token_is_refreshed_at_load(tmp_path, monkeypatch):
    path = tmp_path / "token.json"
    write(path, user_token(datetime.now(UTC) - timedelta(hours=1)))
    refreshed = []
    monkeypatch.setattr(user_credentials.Credentials, "refresh", lambda *a: refreshed.append(a))
    load_credentials(settings_with(tmp_path, gmail_credentials_file=path))
    assert len(refreshed) == 1


def test_a_revoked_token_stops_start_up_with_what_to_do_and_no_secret(tmp_path, monkeypatch):
    path = tmp_path / "token.json"
    write(path, user_token(datetime.now(UTC) - timedelta(hours=1)))

    def refuse(*_args):
        raise auth_exceptions.RefreshError(f"invalid_grant for {REFRESH}")

    monkeypatch.setattr(user_credentials.Credentials, "refresh", refuse)
    with pytest.raises(ConfigError, match="gmail authorize") as caught:
        load_credentials(settings_with(tmp_path, gmail_credentials_file=path))
    assert str(path) in str(caught.value)
    assert REFRESH not in str(caught.value)
    assert SECRET not in str(caught.value)


def test_google_unreachable_at_load_leaves_the_refresh_to_the_first_request(tmp_path, monkeypatch):
    path = tmp_path / "token.json"
    write(path, user_token(datetime.now(UTC) - timedelta(hours=1)))

    def unreachable(*_args):
        raise auth_exceptions.TransportError("no route")

    monkeypatch.setattr(user_credentials.Credentials, "refresh", unreachable)
    assert load_credentials(settings_with(tmp_path, gmail_credentials_file=path)) is not None


def test_a_service_account_key_acts_for_the_delegated_user(tmp_path, private_key_pem):
    path = tmp_path / "key.json"
    write(path, service_key(private_key_pem))
    creds = load_credentials(
        settings_with(
            tmp_path, gmail_credentials_file=path, gmail_delegated_user="deals@agency.example"
        )
    )
    assert isinstance(creds, service_account.Credentials)
    assert creds._subject == "deals@agency.example"
    assert tuple(creds._scopes) == SCOPES


def test_a_service_account_key_without_a_delegated_user_is_a_config_error(
    tmp_path, private_key_pem
):
    path = tmp_path / "key.json"
    write(path, service_key(private_key_pem))
    with pytest.raises(ConfigError, match="DEALDESK_GMAIL_DELEGATED_USER") as caught:
        load_credentials(settings_with(tmp_path, gmail_credentials_file=path))
    assert "PRIVATE KEY" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ({"type": "authorized_user", "client_secret": SECRET}, "missing fields"),
        ({"installed": {"client_secret": SECRET}}, "neither an OAuth user token"),
        (
            {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nsecretbits"},
            "not a usable service-account key",
        ),
        (
            service_key("-----BEGIN PRIVATE KEY-----\nsecretbits\n-----END PRIVATE KEY-----\n"),
            "its contents do not load",
        ),
    ],
)
def test_a_bad_credentials_file_names_the_file_and_what_is_wrong_never_its_secret(
    tmp_path, content, complaint
):
    path = tmp_path / "creds.json"
    if content is not None:
        write(path, content)
    settings = settings_with(
        tmp_path, gmail_credentials_file=path, gmail_delegated_user="deals@agency.example"
    )
    with pytest.raises(ConfigError, match=complaint) as caught:
        load_credentials(settings)
    message = str(caught.value)
    assert str(path) in message
    assert SECRET not in message
    assert "secretbits" not in message


def test_an_unreadable_credentials_file_is_a_config_error(tmp_path):
    path = tmp_path / "dir.json"
    path.mkdir()
    with pytest.raises(ConfigError, match="cannot read it"):
        load_credentials(settings_with(tmp_path, gmail_credentials_file=path))


def test_private_files_are_0600_and_replace_what_was_there(tmp_path):
    path = tmp_path / "sub" / "token.json"
    write_private(path, b"first")
    path.chmod(0o644)
    write_private(path, b"second")
    assert path.read_bytes() == b"second"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["token.json"]
