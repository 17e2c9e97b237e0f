"""Gmail's credentials: an OAuth user token, or a service account acting for a delegated user.

``gmail_credentials_file`` holds one of:

- an OAuth user token (``{"type": "authorized_user", "refresh_token": ...}``), as
  ``python run.py gmail authorize`` writes it: refreshed here when expired, so a revoked token
  stops start-up with a clear line rather than failing the first send;
- a service account's key (``{"type": "service_account", ...}``), used with domain-wide
  delegation for ``gmail_delegated_user``'s mailbox, which is then required.

No file means no credentials: the sandbox or a real-protocol peer. A missing, unreadable or
invalid file is a ``ConfigError`` naming the file and what is wrong, never the secret in it.
The scopes are ``gmail.modify`` (read, send, label) and ``spreadsheets.readonly`` (the roster).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import google_auth_httplib2
import httplib2
from google.auth import exceptions as auth_exceptions
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from dealdesk.errors import ConfigError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

    from dealdesk.runtime.settings import Settings

__all__ = ["SCOPES", "TOKEN_FILE", "authorize", "load_credentials"]

SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/spreadsheets.readonly",
)
TOKEN_FILE = "gmail_token.json"  # noqa: S105 - a file name; under the data directory, when no path is configured
_REFRESH_TIMEOUT_S = 30.0


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"gmail credentials file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"gmail credentials file {path}: cannot read it ({reason})") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise ConfigError(f"gmail credentials file {path}: not JSON") from None
    if not isinstance(data, dict):
        raise ConfigError(f"gmail credentials file {path}: not a JSON object")
    return data


def _missing_fields(exc: Exception) -> str:
    """The google-auth message when it only names missing fields; nothing else of it (a key
    parsing error could quote the key)."""
    text = str(exc)
    return text if "missing fields" in text and len(text) < 300 else "its contents do not load"


def _service_account(path: Path, settings: Settings) -> Credentials:
    user = settings.gmail_delegated_user
    if not user:
        raise ConfigError(
            f"gmail credentials file {path} is a service account's key: set "
            "DEALDESK_GMAIL_DELEGATED_USER to the mailbox it acts for (domain-wide delegation)"
        )
    try:
        account = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=list(SCOPES)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"gmail credentials file {path}: not a usable service-account key "
            f"({_missing_fields(exc)})"
        ) from None
    delegated: Credentials = account.with_subject(user)
    return delegated


def _user_token(path: Path) -> Credentials:
    try:
        token = user_credentials.Credentials.from_authorized_user_file(  # type: ignore[no-untyped-call]
            str(path), list(SCOPES)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"gmail credentials file {path}: not a usable OAuth user token "
            f"({_missing_fields(exc)}); run `python run.py gmail authorize` to write one"
        ) from None
    if not token.valid and token.refresh_token:
        try:
            http = httplib2.Http(timeout=_REFRESH_TIMEOUT_S)
            token.refresh(google_auth_httplib2.Request(http))
        except auth_exceptions.RefreshError:
            raise ConfigError(
                f"gmail credentials file {path}: Google refused to refresh the token (revoked or "
                "expired); run `python run.py gmail authorize` again"
            ) from None
        except (auth_exceptions.TransportError, OSError, httplib2.HttpLib2Error):
            pass  # Google unreachable now: the first request refreshes it again
    result: Credentials = token
    return result


def load_credentials(settings: Settings) -> Credentials | None:
    """The credentials ``settings.gmail_credentials_file`` holds, or None when none is set."""
    path = settings.gmail_credentials_file
    if path is None:
        return None
    path = Path(path).expanduser()
    data = _read_json(path)
    kind = data.get("type")
    if kind == "service_account":
        return _service_account(path, settings)
    if kind == "authorized_user" or "refresh_token" in data:
        return _user_token(path)
    raise ConfigError(
        f"gmail credentials file {path}: neither an OAuth user token (run `python run.py gmail "
        "authorize`) nor a service account's key"
    )


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only, from the first byte: a temporary
    file created 0600, then renamed over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def authorize(client_file: Path, token_file: Path) -> Path:
    """Run Google's installed-app flow (a browser consent; a loopback redirect on a free port)
    for ``client_file``'s OAuth client and write the user token to ``token_file`` (0600)."""
    from google_auth_oauthlib.flow import InstalledAppFlow  # noqa: PLC0415 - only the command needs it

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_file), scopes=list(SCOPES))
    except FileNotFoundError:
        raise ConfigError(f"OAuth client file {client_file}: no such file") from None
    except OSError as exc:
        raise ConfigError(
            f"OAuth client file {client_file}: cannot read it ({exc.strerror})"
        ) from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            f"OAuth client file {client_file}: not an OAuth client for an installed (desktop) "
            "app; download it from the Google Cloud console's Credentials page"
        ) from None
    token = flow.run_local_server(port=0)
    write_private(token_file, token.to_json().encode("utf-8"))
    return token_file
