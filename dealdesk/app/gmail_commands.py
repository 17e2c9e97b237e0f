"""Gmail commands: ``gmail authorize``.

``gmail authorize [--client FILE] [--token FILE]`` runs Google's installed-app consent (a
browser, then a redirect to a loopback port) for the OAuth client in ``--client`` (default
``DEALDESK_GMAIL_OAUTH_CLIENT_FILE``) and writes the user token, 0600, to ``--token`` (default
``DEALDESK_GMAIL_CREDENTIALS_FILE``, else ``<data_dir>/gmail_token.json``), then prints what to
set. A missing client file is one line and exit 2; the consent failing is one line and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dealdesk.app.cli import UsageError, command_parser
from dealdesk.errors import ConfigError
from dealdesk.integrations.gmail.credentials import TOKEN_FILE, authorize
from dealdesk.runtime.logging import redact_text
from dealdesk.runtime.settings import load_settings

if TYPE_CHECKING:
    import argparse

    from dealdesk.runtime.settings import Settings

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    gmail = command_parser(subparsers, "gmail", "Gmail: authorize dealdesk to a mailbox")
    actions = gmail.add_subparsers(dest="gmail_command", metavar="ACTION", required=True)
    auth = command_parser(actions, "authorize", "consent in a browser and store the OAuth token")
    auth.add_argument(
        "--client", help="OAuth client JSON (default: DEALDESK_GMAIL_OAUTH_CLIENT_FILE)"
    )
    auth.add_argument(
        "--token",
        help="where to write the token (default: DEALDESK_GMAIL_CREDENTIALS_FILE, "
        f"else <data_dir>/{TOKEN_FILE})",
    )
    auth.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    auth.set_defaults(handler=authorize_command)


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return load_settings(**overrides)


def _is_service_account_key(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type") == "service_account"


def authorize_command(args: argparse.Namespace) -> int:
    settings = _settings(args)
    client = Path(args.client) if args.client else settings.gmail_oauth_client_file
    if client is None:
        raise UsageError(
            "no OAuth client file: pass --client FILE or set DEALDESK_GMAIL_OAUTH_CLIENT_FILE "
            "(a Desktop app client from the Google Cloud console)"
        )
    client = Path(client).expanduser()
    if not client.is_file():
        raise UsageError(f"OAuth client file {client}: no such file")
    token = Path(
        args.token or settings.gmail_credentials_file or Path(settings.data_dir) / TOKEN_FILE
    ).expanduser()
    if _is_service_account_key(token):
        raise UsageError(f"{token} holds a service account's key; pass --token FILE elsewhere")
    try:
        written = authorize(client, token)
    except ConfigError:
        raise
    except Exception as exc:  # the consent failed: closed browser, denied, port, network
        detail = redact_text(str(exc) or type(exc).__name__)[:300]
        print(f"dealdesk: Gmail authorization failed: {detail}", file=sys.stderr)
        return 1
    print(f"Authorized. The OAuth token is in {written} (mode 0600).")
    print("Set, then restart dealdesk:")
    print(f"  DEALDESK_GMAIL_CREDENTIALS_FILE={written}")
    print("  DEALDESK_GMAIL_ADDRESS=<the address you just authorized>")
    return 0
