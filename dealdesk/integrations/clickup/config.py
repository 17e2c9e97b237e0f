"""Where the ClickUp webhook secret and the campaign List id come from.

``clickup register-webhook`` stores what Create Webhook answered in
``<data_dir>/clickup_webhook.json`` (mode 0600: it holds the secret).
At start-up the secret is, in order:

1. ``DEALDESK_CLICKUP_WEBHOOK_SECRET`` (the setting);
2. the stored secret, if it was registered against the ClickUp this process talks to (a secret
   registered against a sandbox is ignored: each sandbox forgets its webhooks when it stops);
3. in sandbox mode, the sandbox ClickUp's own webhook secret (``FakeClickUp.webhook_secret``).

With none of these, start-up stops with a ConfigError saying what to set. The List id is the
setting ``DEALDESK_CLICKUP_LIST_ID``, else the stored registration's list, else the sandbox's
campaign List; ``None`` (live, nothing configured) means tasks of every List are accepted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr

from dealdesk.errors import ConfigError
from dealdesk.runtime.settings import Service

if TYPE_CHECKING:
    from pathlib import Path

    from dealdesk.runtime.settings import Settings

__all__ = [
    "WEBHOOK_FILE",
    "StoredWebhook",
    "load_stored_webhook",
    "resolve_list_id",
    "resolve_webhook_secret",
    "store_webhook",
]

WEBHOOK_FILE = "clickup_webhook.json"


@dataclass(frozen=True)
class StoredWebhook:
    webhook_id: str
    secret: SecretStr
    team_id: str
    list_id: str | None
    endpoint: str
    api_base: str
    sandboxed: bool


def store_webhook(data_dir: Path, webhook: StoredWebhook) -> Path:
    """Write the registration readable by its owner only (0600 from the first byte)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / WEBHOOK_FILE
    payload = {
        "webhook_id": webhook.webhook_id,
        "secret": webhook.secret.get_secret_value(),
        "team_id": webhook.team_id,
        "list_id": webhook.list_id,
        "endpoint": webhook.endpoint,
        "api_base": webhook.api_base,
        "sandboxed": webhook.sandboxed,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2)
    path.chmod(0o600)
    return path


def load_stored_webhook(data_dir: Path) -> StoredWebhook | None:
    path = data_dir / WEBHOOK_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} cannot be read ({type(exc).__name__}); remove it or "
                          "run clickup register-webhook again") from None  # fmt: skip
    if not isinstance(raw, dict) or not isinstance(raw.get("secret"), str) or not raw["secret"]:
        raise ConfigError(f"{path} holds no webhook secret; run clickup register-webhook again")
    list_id = raw.get("list_id")
    return StoredWebhook(
        webhook_id=str(raw.get("webhook_id", "")),
        secret=SecretStr(raw["secret"]),
        team_id=str(raw.get("team_id", "")),
        list_id=None if list_id is None else str(list_id),
        endpoint=str(raw.get("endpoint", "")),
        api_base=str(raw.get("api_base", "")),
        sandboxed=bool(raw.get("sandboxed", False)),
    )


def resolve_webhook_secret(settings: Settings, sandbox_secret: str | None = None) -> SecretStr:
    """The secret ``POST /webhooks/clickup`` verifies with (order in the module docstring)."""
    if settings.clickup_webhook_secret is not None:
        if not settings.clickup_webhook_secret.get_secret_value():
            raise ConfigError("DEALDESK_CLICKUP_WEBHOOK_SECRET is set but empty")
        return settings.clickup_webhook_secret
    sandboxed = settings.sandboxed(Service.CLICKUP)
    stored = load_stored_webhook(settings.data_dir)
    if stored is not None and not stored.sandboxed and not sandboxed:
        return stored.secret
    if sandboxed and sandbox_secret:
        return SecretStr(sandbox_secret)
    raise ConfigError(
        "no ClickUp webhook secret: set DEALDESK_CLICKUP_WEBHOOK_SECRET, or run "
        "`python run.py clickup register-webhook --team ID --list ID --endpoint URL`"
    )


def resolve_list_id(settings: Settings, sandbox_list_id: str | None = None) -> str | None:
    """The List whose new tasks are campaigns (``None``: every List)."""
    if settings.clickup_list_id:
        return settings.clickup_list_id
    sandboxed = settings.sandboxed(Service.CLICKUP)
    stored = load_stored_webhook(settings.data_dir)
    if stored is not None and stored.list_id and stored.sandboxed == sandboxed:
        return stored.list_id
    return sandbox_list_id if sandboxed else None
