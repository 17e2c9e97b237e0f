"""ClickUp commands: ``clickup register-webhook``, ``clickup list-fields``, ``campaign submit``.

- ``clickup register-webhook --team ID --list ID --endpoint URL`` calls Create Webhook, stores
  the answer (with its secret) in ``<data_dir>/clickup_webhook.json`` (0600) and prints what to
  set. ``clickup list-fields --list ID`` prints a List's custom fields, types and options, to
  help write ``config/campaign_fields.yaml``. Both talk to the real ClickUp when a token is set,
  else to the running process's sandbox ClickUp.
- ``campaign submit FILE.yaml`` creates a task from a readable YAML campaign in the RUNNING
  process's sandbox ClickUp (its address is in ``<data_dir>/runtime.json``), which delivers the
  signed ``taskCreated`` webhook to dealdesk: the local way in. ``config/example_campaign.yaml``
  is one such file.

A wrong flag is one line and exit 2; nothing running, or ClickUp failing, is one line and exit 1.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import SecretStr

from dealdesk.app.cli import UsageError, command_parser
from dealdesk.app.paths import RUNTIME_FILE
from dealdesk.errors import UpstreamError
from dealdesk.integrations.clickup.client import ClickUpClient
from dealdesk.integrations.clickup.config import WEBHOOK_FILE, StoredWebhook, store_webhook
from dealdesk.integrations.endpoints import REAL_BASES, Endpoint
from dealdesk.runtime.retry import RetryPolicy
from dealdesk.runtime.settings import Service, Settings, load_settings

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _Exit(Exception):
    """One line for the operator, exit status 1."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clickup = command_parser(
        subparsers, "clickup", "ClickUp: register the webhook, list a List's fields"
    )
    actions = clickup.add_subparsers(dest="clickup_command", metavar="ACTION", required=True)
    hook = command_parser(actions, "register-webhook", "create the webhook and store its secret")
    hook.add_argument("--team", required=True, help="ClickUp workspace (team) id")
    hook.add_argument("--list", required=True, dest="list_id", help="the campaign List's id")
    hook.add_argument("--endpoint", required=True, help="public URL of POST /webhooks/clickup")
    hook.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    hook.set_defaults(handler=_guarded(register_webhook))
    fields = command_parser(
        actions, "list-fields", "print a List's custom fields, types and options"
    )
    fields.add_argument("--list", required=True, dest="list_id", help="the List's id")
    fields.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    fields.set_defaults(handler=_guarded(list_fields))

    campaign = command_parser(
        subparsers, "campaign", "campaigns: submit one to the sandbox ClickUp"
    )
    verbs = campaign.add_subparsers(dest="campaign_command", metavar="ACTION", required=True)
    submit = command_parser(verbs, "submit", "create a task in the running sandbox ClickUp")
    submit.add_argument("file", help="a YAML campaign (see config/example_campaign.yaml)")
    submit.add_argument("--data-dir", help="data directory (default: DEALDESK_DATA_DIR or ./data)")
    submit.set_defaults(handler=_guarded(submit_campaign))


def _guarded(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            result: int = handler(args)
        except _Exit as exc:
            print(f"dealdesk: {exc}", file=sys.stderr)
            return 1
        except UpstreamError as exc:
            print(f"dealdesk: ClickUp refused: {exc}", file=sys.stderr)
            return 1
        return result

    return run


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return load_settings(**overrides)


def _check_id(flag: str, value: str) -> str:
    if not _ID.match(value):
        raise UsageError(f"{flag} {value!r} is not a ClickUp id")
    return value


def _runtime(settings: Settings) -> dict[str, Any]:
    path = Path(settings.data_dir) / RUNTIME_FILE
    try:
        runtime = json.loads(path.read_text(encoding="utf-8"))
        pid = int(runtime["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError, TypeError):
        message = f"dealdesk is not running on {settings.data_dir} (start it: python run.py)"
        raise _Exit(message) from None
    if not isinstance(runtime, dict):
        raise _Exit(f"{path} is not a runtime file")
    return runtime


def _clickup_endpoint(settings: Settings) -> Endpoint:
    if not settings.sandboxed(Service.CLICKUP):
        token = settings.clickup_token or SecretStr("peer-without-credential")
        base = settings.clickup_api_base or REAL_BASES[Service.CLICKUP]
        return Endpoint(Service.CLICKUP, base, token, sandboxed=False)
    runtime = _runtime(settings)
    url = (runtime.get("sandbox") or {}).get("clickup")
    sandbox_token = (runtime.get("sandbox_tokens") or {}).get("clickup")
    if not isinstance(url, str) or not isinstance(sandbox_token, str):
        raise _Exit("no ClickUp token set (DEALDESK_CLICKUP_TOKEN) and no sandbox ClickUp running")
    return Endpoint(Service.CLICKUP, url, SecretStr(sandbox_token), sandboxed=True)


async def _with_client(settings: Settings, endpoint: Endpoint, work: Any) -> Any:
    policy = RetryPolicy.from_settings(settings)
    client = ClickUpClient(endpoint, policy, None, requests_per_minute=10_000)
    try:
        return await work(client)
    finally:
        await client.close()


def register_webhook(args: argparse.Namespace) -> int:
    team, list_id = _check_id("--team", args.team), _check_id("--list", args.list_id)
    if not str(args.endpoint).startswith(("https://", "http://")):
        raise UsageError(f"--endpoint {args.endpoint!r} must be an http(s) URL")
    settings = _settings(args)
    endpoint = _clickup_endpoint(settings)

    async def create(client: ClickUpClient) -> dict[str, Any]:
        return await client.create_webhook(team, args.endpoint, list_id=list_id)

    answer = asyncio.run(_with_client(settings, endpoint, create))
    webhook = answer.get("webhook") if isinstance(answer.get("webhook"), dict) else answer
    secret = webhook.get("secret") if isinstance(webhook, dict) else None
    if not isinstance(secret, str) or not secret:
        raise _Exit("ClickUp answered Create Webhook without a secret; nothing was stored")
    path = store_webhook(
        Path(settings.data_dir),
        StoredWebhook(
            webhook_id=str(webhook.get("id") or answer.get("id") or ""),
            secret=SecretStr(secret),
            team_id=team,
            list_id=list_id,
            endpoint=args.endpoint,
            api_base=endpoint.base_url,
            sandboxed=endpoint.sandboxed,
        ),
    )
    print(f"Registered ClickUp webhook {webhook.get('id')} for List {list_id} -> {args.endpoint}")
    print(f"Its secret is stored in {path} (mode 0600); dealdesk reads it from there at start.")
    print("Set, then restart dealdesk:")
    print(f"  DEALDESK_CLICKUP_LIST_ID={list_id}")
    print(f"  (optional) DEALDESK_CLICKUP_WEBHOOK_SECRET=<the 'secret' in {WEBHOOK_FILE}>")
    return 0


def list_fields(args: argparse.Namespace) -> int:
    list_id = _check_id("--list", args.list_id)
    settings = _settings(args)
    endpoint = _clickup_endpoint(settings)

    async def fetch(client: ClickUpClient) -> list[dict[str, Any]]:
        return await client.list_fields(list_id)

    fields = asyncio.run(_with_client(settings, endpoint, fetch))
    if not fields:
        print(f"List {list_id} has no custom fields.")
        return 0
    print(f"Custom fields of List {list_id} (map their names in config/campaign_fields.yaml):")
    for field in fields:
        print(f"- {field.get('name')!s}  [{field.get('type')!s}]  id {field.get('id')!s}")
        config = field.get("type_config")
        options = config.get("options") if isinstance(config, dict) else None
        for option in options if isinstance(options, list) else []:
            if isinstance(option, dict):
                label = option.get("name", option.get("label"))
                print(f"    option {option.get('orderindex')!s}: {label!s}")
    return 0


def _load_campaign_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise UsageError(f"{path} needs a 'fields:' mapping of ClickUp field name -> value")
    return {"name": str(data.get("name") or path.stem), "fields": data["fields"],
            **({"list_id": str(data["list_id"])} if data.get("list_id") else {})}  # fmt: skip


def submit_campaign(args: argparse.Namespace) -> int:
    payload = _load_campaign_file(Path(args.file))
    settings = _settings(args)
    url = (_runtime(settings).get("sandbox") or {}).get("clickup")
    if not isinstance(url, str):
        raise _Exit("the running dealdesk uses the real ClickUp: create the task there")
    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL from runtime.json
        f"{url.rstrip('/')}/sandbox/tasks",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("error", exc.reason)
        raise _Exit(f"the sandbox ClickUp refused the campaign: {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _Exit(f"cannot reach the sandbox ClickUp at {url}: {exc}") from None
    statuses = answer.get("statuses") or []
    print(f"Created ClickUp task {answer.get('task_id')} ({payload['name']}).")
    if not statuses:
        print("No webhook points at dealdesk yet, so nothing was delivered.")
        return 1
    words = {202: "accepted", 200: "duplicate", 401: "signature refused", 400: "refused"}
    said = ", ".join(f"{s} {words.get(s, '')}".strip() for s in statuses)
    print(f"Its taskCreated webhook was delivered to dealdesk: {said}.")
    print("Watch the team's Slack channel for the campaign starting (or what to fix).")
    return 0 if any(s in {200, 202} for s in statuses) else 1
