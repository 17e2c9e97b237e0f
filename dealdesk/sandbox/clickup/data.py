"""The sandbox ClickUp's data: the campaign form's List, and values encoded as ClickUp reads them.

Get Task answers custom fields exactly as the real API does (``reference-wire-formats.md`` §1):
drop_down is the option's ``orderindex`` (int), labels are option ids, number is a string,
currency a string (or the number it was given as), date unix-ms as a string, checkbox
``"true"``/``"false"``, users a list of user objects, and a field with no value has NO ``value``
key. :func:`encode_value` turns a readable value (what ``campaign submit`` YAML holds) into that.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

__all__ = [
    "DEFAULT_LIST_ID",
    "DEFAULT_TEAM_ID",
    "SANDBOX_USER",
    "encode_value",
    "form_fields",
    "history_item",
    "new_task_id",
    "task_json",
]

DEFAULT_TEAM_ID = "9012345678"
DEFAULT_LIST_ID = "901200300400"
SANDBOX_USER: dict[str, Any] = {
    "id": 81942317,
    "username": "Sandbox Ops",
    "email": "ops@agency.example",
    "color": "#7b68ee",
    "initials": "SO",
    "profilePicture": None,
}
_EPOCH_MS = 1_764_000_000_000
_ids = itertools.count(1)


def new_task_id() -> str:
    return f"86{next(_ids):07x}"


def _field_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dealdesk-sandbox/{name}"))


def _options(names: list[str], *, labels: bool = False) -> list[dict[str, Any]]:
    key = "label" if labels else "name"
    return [
        {"id": _field_id(f"option/{name}"), key: name, "color": None, "orderindex": index}
        for index, name in enumerate(names)
    ]


def _field(name: str, kind: str, type_config: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": _field_id(name),
        "name": name,
        "type": kind,
        "type_config": type_config or {},
        "date_created": str(_EPOCH_MS),
        "hide_from_guests": False,
        "required": False,
    }


def form_fields() -> list[dict[str, Any]]:
    """The custom fields of the sandbox's campaign List (the team's form), in form order."""
    currency = {"precision": 2, "currency_type": "USD", "default": None}
    return [
        _field("Client Name", "short_text"),
        _field("Budget", "currency", currency),
        _field(
            "Platform",
            "drop_down",
            {
                "default": 0,
                "placeholder": None,
                "new_drop_down": True,
                "options": _options(["Instagram", "TikTok", "YouTube"]),
            },
        ),
        _field("Target Deliverables", "text"),
        _field("Influencer List", "text"),
        _field("CPM Min", "number"),
        _field("CPM Max", "number"),
        _field("Timeline", "date"),
        _field("Currency", "short_text"),
        _field("Max Per Influencer", "currency", currency),
        _field("Usage Rights (days)", "number"),
        _field("Paid Ads Usage", "checkbox"),
        _field("Allow Deliverable Trade", "checkbox"),
        _field("Product Offer", "text"),
        _field(
            "Review Drafts",
            "drop_down",
            {
                "default": None,
                "placeholder": None,
                "new_drop_down": True,
                "options": _options(["Off", "Outreach", "All"]),
            },
        ),
        _field(
            "Categories",
            "labels",
            {"options": _options(["Beauty", "Fitness", "Tech"], labels=True)},
        ),
        _field("Account Manager", "users"),
        _field("Brief Rating", "emoji", {"code_point": "2b50", "count": 5}),
        _field("Brief Link", "url"),
    ]


def _date_ms(value: object) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime.combine(value, time(12), tzinfo=UTC)
    else:
        text = str(value).strip()
        if text.isdigit():
            return text
        moment = datetime.combine(date.fromisoformat(text[:10]), time(12), tzinfo=UTC)
    return str(int(moment.timestamp() * 1000))


def _option_for(field: dict[str, Any], value: object) -> dict[str, Any]:
    options = field["type_config"].get("options", [])
    wanted = str(value).strip().casefold()
    for option in options:
        if str(option.get("name", option.get("label", ""))).casefold() == wanted:
            return dict(option)
    names = ", ".join(str(o.get("name", o.get("label"))) for o in options)
    raise ValueError(f"{field['name']}: {value!r} is not an option ({names})")


def encode_value(field: dict[str, Any], value: object) -> object:
    """A readable value -> the ``value`` Get Task returns for this field. Raises ValueError."""
    kind = field["type"]
    if kind == "drop_down":
        return int(_option_for(field, value)["orderindex"])
    if kind == "labels":
        items = value if isinstance(value, list) else str(value).split(",")
        return [_option_for(field, item)["id"] for item in items if str(item).strip()]
    if kind == "number":
        return str(value)
    if kind == "currency":
        return value if isinstance(value, int) and not isinstance(value, bool) else str(value)
    if kind == "date":
        return _date_ms(value)
    if kind == "checkbox":
        return "true" if value is True or str(value).lower() in {"true", "yes", "1"} else "false"
    if kind == "users":
        emails = value if isinstance(value, list) else [value]
        return [
            {**SANDBOX_USER, "id": 81942317 + i, "email": str(e), "username": str(e).split("@")[0]}
            for i, e in enumerate(emails)
        ]
    if kind == "emoji":
        return str(int(str(value)))
    if isinstance(value, Decimal | int | float):
        return str(value)
    return value if isinstance(value, str) else str(value)


def task_json(
    task_id: str,
    name: str,
    list_id: str,
    fields: list[dict[str, Any]],
    values: dict[str, object],
    *,
    created_ms: int,
    updated_ms: int,
) -> dict[str, Any]:
    """A Get Task response. ``values`` holds encoded values by field id; unset fields get none."""
    custom_fields = []
    for field in fields:
        element = dict(field)
        if field["id"] in values:
            element["value"] = values[field["id"]]
        custom_fields.append(element)
    return {
        "id": task_id,
        "custom_id": None,
        "custom_item_id": 0,
        "name": name,
        "text_content": "",
        "description": "",
        "status": {"status": "to do", "color": "#d3d3d3", "orderindex": 0, "type": "open"},
        "orderindex": "1.00000000000000000000000000000000",
        "date_created": str(created_ms),
        "date_updated": str(updated_ms),
        "date_closed": None,
        "date_done": None,
        "archived": False,
        "creator": SANDBOX_USER,
        "assignees": [],
        "group_assignees": [],
        "watchers": [SANDBOX_USER],
        "checklists": [],
        "tags": [],
        "parent": None,
        "priority": None,
        "due_date": None,
        "start_date": None,
        "points": None,
        "time_estimate": None,
        "custom_fields": custom_fields,
        "dependencies": [],
        "linked_tasks": [],
        "team_id": DEFAULT_TEAM_ID,
        "url": f"https://app.clickup.com/t/{task_id}",
        "sharing": {"public": False},
        "permission_level": "create",
        "list": {"id": list_id, "name": "Campaign intake", "access": True},
        "project": {"id": "90120011", "name": "Campaigns", "hidden": False, "access": True},
        "folder": {"id": "90120011", "name": "Campaigns", "hidden": False, "access": True},
        "space": {"id": "90120001"},
    }


def history_item(
    item_id: str,
    field: str,
    list_id: str,
    *,
    at_ms: int,
    before: object,
    after: object,
    **extra: object,
) -> dict[str, Any]:
    """One ``history_items[]`` element as ClickUp sends it (``user.id`` an int, ``date`` a str)."""
    return {
        "id": item_id,
        "type": 1,
        "date": str(at_ms),
        "field": field,
        "parent_id": list_id,
        "data": extra.pop("data", {}),
        "source": None,
        "user": SANDBOX_USER,
        "before": before,
        "after": after,
        **extra,
    }
