"""The sandbox ClickUp: API v2 (Get Task, Create Webhook, a List's fields) and signed webhooks.

The real API's routes answer as ClickUp does (``clickup_data`` builds the bodies) and require the
``Authorization`` token. Webhooks are ClickUp's model: each has an ``endpoint`` and a ``secret``;
a delivery POSTs compact JSON signed with ``X-Signature`` (hex HMAC-SHA256 of the raw body) to
every active webhook, retries a non-2xx answer like ClickUp (up to ``retries`` times), and a 401
or 410 answer suspends that webhook. The default webhook exists from the start: point it at the
app with :meth:`FakeClickUp.set_target`; the app verifies with :attr:`FakeClickUp.webhook_secret`.

Tests drive the fake directly (``create_task``, ``deliver``, ``update_task``, ``delete_task`` on
the loop; ``inject(rate_limited(...))`` for a 429 with ``X-RateLimit-*`` headers). Local
commands drive it over loopback through the admin routes under ``/sandbox/`` (not ClickUp's):
``POST /sandbox/tasks`` creates a task from readable values and delivers its ``taskCreated``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from dealdesk.sandbox.base import FakeServer, Fault
from dealdesk.sandbox.clickup import data
from dealdesk.sandbox.clickup.admin import add_admin_routes

__all__ = ["SANDBOX_CLICKUP_TOKEN", "Delivery", "FakeClickUp", "rate_limited", "sign"]

SANDBOX_CLICKUP_TOKEN = "pk_0_SANDBOXTOKEN"  # noqa: S105 - the fixed token the fake accepts
_history_ids = itertools.count(2_800_763_136_700_000_000)


def sign(secret: str, body: bytes) -> str:
    """ClickUp's ``X-Signature``: hex HMAC-SHA256 of the raw body keyed by the webhook secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def rate_limited(times: int = 1, reset_in_s: float = 1.0, operation: str = "*") -> Fault:
    """A 429 as ClickUp answers it, with ``X-RateLimit-*`` headers (reset is a unix time, s)."""
    reset = str(int(time.time() + reset_in_s))
    return Fault(
        operation=operation,
        status=429,
        body={"err": "Rate limit reached", "ECODE": "APP_002"},
        headers={
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
        },
        times=times,
    )


@dataclass
class Webhook:
    id: str
    secret: str
    endpoint: str | None
    events: list[str]
    list_id: str | None = None
    status: str = "active"
    fail_count: int = 0


@dataclass(frozen=True)
class Delivery:
    """One POST the fake made: ``status`` None means no answer (timeout or connection error)."""

    webhook_id: str
    event: str
    task_id: str
    body: bytes
    status: int | None
    attempt: int


@dataclass
class _Task:
    id: str
    name: str
    list_id: str
    values: dict[str, object] = field(default_factory=dict)
    created_ms: int = 0
    updated_ms: int = 0


def _now_ms() -> int:
    return int(time.time() * 1000)


class FakeClickUp(FakeServer):
    service = "clickup"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.token = SANDBOX_CLICKUP_TOKEN
        self.list_id = data.DEFAULT_LIST_ID
        self.fields: dict[str, list[dict[str, Any]]] = {self.list_id: data.form_fields()}
        self.tasks: dict[str, _Task] = {}
        self.deliveries: list[Delivery] = []
        self.default_webhook = Webhook(
            id="7fa3ec74-69a8-4530-a251-8a13730bd204",
            secret=secrets.token_hex(24).upper(),
            endpoint=None,
            events=["*"],
        )
        self.webhooks: dict[str, Webhook] = {self.default_webhook.id: self.default_webhook}
        self.retry_delay_s = 0.5
        self.delivery_timeout_s = 7.0  # ClickUp counts a slower answer as failed

    @property
    def webhook_secret(self) -> str:
        return self.default_webhook.secret

    def app_defaults(self) -> dict[str, str]:
        return {"webhook_secret": self.webhook_secret, "list_id": self.list_id}

    def call_back(self, url: str) -> None:
        self.set_target(url)

    def set_target(self, url: str) -> None:
        """Point the default webhook at the app's ``POST /webhooks/clickup`` URL."""
        self.default_webhook.endpoint = url
        self.default_webhook.status = "active"

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/v2/task/{task_id}", self._get_task)
        app.router.add_post("/api/v2/team/{team_id}/webhook", self._create_webhook)
        app.router.add_get("/api/v2/list/{list_id}/field", self._list_fields)
        app.router.add_get("/api/v2/user", self._user)
        add_admin_routes(app, self)

    # -- ClickUp's API ---------------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != self.token:
            return web.json_response({"err": "Token invalid", "ECODE": "OAUTH_025"}, status=401)
        return None

    async def _get_task(self, request: web.Request) -> web.Response:
        if (denied := self._authorised(request)) is not None:
            return denied
        task = self.tasks.get(request.match_info["task_id"])
        if task is None:
            return web.json_response({"err": "Task not found", "ECODE": "ITEM_013"}, status=404)
        return web.json_response(self.task_body(task.id))

    async def _create_webhook(self, request: web.Request) -> web.Response:
        if (denied := self._authorised(request)) is not None:
            return denied
        try:
            body = await request.json()
            endpoint = str(body["endpoint"])
        except (ValueError, KeyError, TypeError):
            return web.json_response({"err": "Endpoint required", "ECODE": "HOOK_001"}, status=400)
        events = [str(e) for e in body.get("events", ["*"])]
        list_id = body.get("list_id")
        hook = Webhook(
            str(secrets.token_hex(16)),
            secrets.token_hex(24).upper(),
            endpoint,
            events,
            None if list_id is None else str(list_id),
        )
        self.webhooks[hook.id] = hook
        team_id = request.match_info["team_id"]
        return web.json_response(
            {
                "id": hook.id,
                "webhook": {
                    "id": hook.id,
                    "userid": data.SANDBOX_USER["id"],
                    "team_id": int(team_id) if team_id.isdigit() else team_id,
                    "endpoint": endpoint,
                    "client_id": secrets.token_hex(8).upper(),
                    "events": events,
                    "task_id": None,
                    "list_id": hook.list_id,
                    "folder_id": None,
                    "space_id": None,
                    "health": {"status": "active", "fail_count": 0},
                    "secret": hook.secret,
                },
            }
        )

    async def _list_fields(self, request: web.Request) -> web.Response:
        if (denied := self._authorised(request)) is not None:
            return denied
        fields = self.fields.get(request.match_info["list_id"])
        if fields is None:
            return web.json_response({"err": "List not found", "ECODE": "SUBCAT_016"}, status=404)
        return web.json_response({"fields": fields})

    async def _user(self, request: web.Request) -> web.Response:
        if (denied := self._authorised(request)) is not None:
            return denied
        return web.json_response({"user": data.SANDBOX_USER})

    # -- tasks (call on the loop) ----------------------------------------------------------------

    def task_body(self, task_id: str) -> dict[str, Any]:
        task = self.tasks[task_id]
        return data.task_json(
            task.id,
            task.name,
            task.list_id,
            self.fields[task.list_id],
            task.values,
            created_ms=task.created_ms,
            updated_ms=task.updated_ms,
        )

    def _encode(
        self, list_id: str, values: dict[str, object], raw: dict[str, object]
    ) -> dict[str, object]:
        by_name = {f["name"].casefold(): f for f in self.fields[list_id]}
        encoded: dict[str, object] = {}
        unknown = [n for n in (*values, *raw) if n.casefold() not in by_name]
        if unknown:
            known = ", ".join(f["name"] for f in self.fields[list_id])
            raise ValueError(f"the list has no field {unknown[0]!r} (fields: {known})")
        for name, value in values.items():
            if value is not None:
                definition = by_name[name.casefold()]
                encoded[definition["id"]] = data.encode_value(definition, value)
        for name, value in raw.items():
            encoded[by_name[name.casefold()]["id"]] = value
        return encoded

    def create_task(
        self,
        name: str,
        values: dict[str, object],
        *,
        raw: dict[str, object] | None = None,
        list_id: str | None = None,
    ) -> str:
        """Create a task from readable values (``raw``: exact wire values); returns its id."""
        list_id = list_id or self.list_id
        if list_id not in self.fields:
            self.fields[list_id] = data.form_fields()
        now = _now_ms()
        task = _Task(data.new_task_id(), name, list_id, created_ms=now, updated_ms=now)
        task.values = self._encode(list_id, values, raw or {})
        self.tasks[task.id] = task
        return task.id

    def created_payload(self, task_id: str, webhook_id: str) -> dict[str, Any]:
        task = self.tasks[task_id]
        status = data.history_item(
            str(next(_history_ids)),
            "status",
            task.list_id,
            at_ms=task.created_ms,
            before={"status": None, "color": "#000000", "type": "removed", "orderindex": -1},
            after={"status": "to do", "color": "#d3d3d3", "orderindex": 0, "type": "open"},
            data={"status_type": "open"},
        )
        creation = data.history_item(
            str(next(_history_ids)),
            "task_creation",
            task.list_id,
            at_ms=task.created_ms,
            before=None,
            after=None,
        )
        return {
            "event": "taskCreated",
            "history_items": [status, creation],
            "task_id": task_id,
            "webhook_id": webhook_id,
        }

    def update_task(
        self, task_id: str, values: dict[str, object], *, raw: dict[str, object] | None = None
    ) -> list[dict[str, Any]]:
        """Change fields; returns the history items a ``taskUpdated`` carries for the change."""
        task = self.tasks[task_id]
        encoded = self._encode(task.list_id, values, raw or {})
        task.updated_ms = _now_ms()
        definitions = {f["id"]: f for f in self.fields[task.list_id]}
        items = []
        for field_id, value in encoded.items():
            before = task.values.get(field_id)
            task.values[field_id] = value
            items.append(
                data.history_item(
                    str(next(_history_ids)),
                    "custom_field",
                    task.list_id,
                    at_ms=task.updated_ms,
                    before=before,
                    after=value,
                    custom_field=definitions[field_id],
                )
            )
        return items

    # -- webhook deliveries (on the loop) --------------------------------------------------------

    def _hooks_for(self, event: str, list_id: str | None) -> list[Webhook]:
        return [
            h
            for h in self.webhooks.values()
            if h.endpoint
            and h.status == "active"
            and ("*" in h.events or event in h.events)
            and (h.list_id is None or list_id is None or h.list_id == list_id)
        ]

    async def deliver(
        self,
        payload: dict[str, Any],
        *,
        copies: int = 1,
        retries: int = 0,
        list_id: str | None = None,
    ) -> list[int | None]:
        """POST ``payload`` to every active webhook (``webhook_id`` filled in per webhook),
        ``copies`` times concurrently (ClickUp's duplicate deliveries); returns the statuses."""
        statuses: list[int | None] = []
        async with aiohttp.ClientSession() as session:
            for hook in self._hooks_for(str(payload.get("event")), list_id):
                body = json.dumps(
                    {**payload, "webhook_id": hook.id}, separators=(",", ":")
                ).encode()
                results = await asyncio.gather(
                    *(self._post(session, hook, payload, body, retries) for _ in range(copies))
                )
                statuses.extend(results)
        return statuses

    async def _post(
        self,
        session: aiohttp.ClientSession,
        hook: Webhook,
        payload: dict[str, Any],
        body: bytes,
        retries: int,
    ) -> int | None:
        status: int | None = None
        headers = {"Content-Type": "application/json", "X-Signature": sign(hook.secret, body)}
        for attempt in range(1, retries + 2):
            if hook.endpoint is None or hook.status != "active":
                return status
            try:
                async with session.post(
                    hook.endpoint,
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.delivery_timeout_s),
                ) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = None
            with self._cond:
                self.deliveries.append(
                    Delivery(
                        hook.id,
                        str(payload.get("event")),
                        str(payload.get("task_id")),
                        body,
                        status,
                        attempt,
                    )
                )
            self.changed()
            if status is not None and 200 <= status < 300:
                hook.fail_count = 0
                return status
            if status in {401, 410}:
                hook.status = "suspended"  # as ClickUp does at once on these answers
                return status
            if attempt <= retries:
                await asyncio.sleep(self.retry_delay_s * attempt)
        hook.fail_count += 1
        if hook.fail_count >= 100:
            hook.status = "suspended"
        return status

    async def submit(
        self, name: str, values: dict[str, object], **kwargs: Any
    ) -> tuple[str, list[int | None]]:
        """Create a task and deliver its ``taskCreated``; returns the task id and statuses."""
        task_id = self.create_task(name, values)
        task = self.tasks[task_id]
        payload = self.created_payload(task_id, "")
        return task_id, await self.deliver(payload, list_id=task.list_id, **kwargs)

    async def change(
        self, task_id: str, values: dict[str, object], **kwargs: Any
    ) -> list[int | None]:
        """Update a task's fields and deliver the ``taskUpdated``."""
        items = self.update_task(task_id, values)
        payload = {"event": "taskUpdated", "history_items": items, "task_id": task_id}
        return await self.deliver(payload, list_id=self.tasks[task_id].list_id, **kwargs)

    async def delete_task(self, task_id: str, **kwargs: Any) -> list[int | None]:
        """Delete a task and deliver ``taskDeleted`` (which carries no history items)."""
        task = self.tasks.pop(task_id)
        payload = {"event": "taskDeleted", "task_id": task_id}
        return await self.deliver(payload, list_id=task.list_id, **kwargs)
