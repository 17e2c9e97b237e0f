"""Admin routes of the sandbox ClickUp, for local commands over loopback (not part of ClickUp).

- ``POST /sandbox/tasks`` ``{"name", "fields": {field name: readable value}, "list_id"?}``: create
  a task and deliver its signed ``taskCreated`` (retried like ClickUp); answers the task id and
  the app's answers. This is what ``python run.py campaign submit FILE.yaml`` calls.
- ``POST /sandbox/tasks/{id}`` ``{"fields": {...}}``: change fields, deliver ``taskUpdated``.
- ``DELETE /sandbox/tasks/{id}``: delete the task, deliver ``taskDeleted``.
- ``POST /sandbox/target`` ``{"url"}``: point the default webhook at an app.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from dealdesk.sandbox.clickup.fake import FakeClickUp

__all__ = ["add_admin_routes"]

# ClickUp retries a failed delivery up to 5 times.
_RETRIES = 5


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body is not JSON"}), content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body is not an object"}), content_type="application/json"
        )
    return body


def add_admin_routes(app: web.Application, fake: FakeClickUp) -> None:
    async def create(request: web.Request) -> web.Response:
        body = await _body(request)
        values = body.get("fields") or {}
        if not isinstance(values, dict):
            return web.json_response({"error": "'fields' must be a mapping"}, status=400)
        list_id = body.get("list_id")
        try:
            task_id = fake.create_task(
                str(body.get("name") or "Campaign"),
                values,
                list_id=None if list_id is None else str(list_id),
            )
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        task = fake.tasks[task_id]
        statuses = await fake.deliver(
            fake.created_payload(task_id, ""), list_id=task.list_id, retries=_RETRIES
        )
        return web.json_response(
            {
                "task_id": task_id,
                "url": f"https://app.clickup.com/t/{task_id}",
                "statuses": statuses,
            }
        )

    async def update(request: web.Request) -> web.Response:
        body = await _body(request)
        task_id = request.match_info["task_id"]
        values = body.get("fields") or {}
        if task_id not in fake.tasks:
            return web.json_response({"error": f"no task {task_id}"}, status=404)
        if not isinstance(values, dict):
            return web.json_response({"error": "'fields' must be a mapping"}, status=400)
        try:
            statuses = await fake.change(task_id, values, retries=_RETRIES)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"task_id": task_id, "statuses": statuses})

    async def delete(request: web.Request) -> web.Response:
        task_id = request.match_info["task_id"]
        if task_id not in fake.tasks:
            return web.json_response({"error": f"no task {task_id}"}, status=404)
        statuses = await fake.delete_task(task_id, retries=_RETRIES)
        return web.json_response({"task_id": task_id, "statuses": statuses})

    async def target(request: web.Request) -> web.Response:
        body = await _body(request)
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return web.json_response({"error": "'url' must be an http(s) URL"}, status=400)
        fake.set_target(url)
        return web.json_response({"ok": True})

    app.router.add_post("/sandbox/tasks", create)
    app.router.add_post("/sandbox/tasks/{task_id}", update)
    app.router.add_delete("/sandbox/tasks/{task_id}", delete)
    app.router.add_post("/sandbox/target", target)
