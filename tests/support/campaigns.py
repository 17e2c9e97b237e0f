"""A small valid campaign for the actor tests, changed field by field where a test needs it."""

from __future__ import annotations

from typing import Any

from dealdesk.domain.campaign import Campaign, parse_campaign

FIELDS: dict[str, Any] = {
    "id": "86abc",
    "client": "Lumen",
    "platform": "instagram",
    "cpm_range": {"min": "18", "max": "30"},
    "budget": "12000",
    "target_deliverables": [{"kind": "instagram_reel"}],
    "influencers": ["@maya", "Jordan <JORDAN@x.example>", "Priya"],
}


def campaign(**changes: Any) -> Campaign:
    return parse_campaign({**FIELDS, **changes})
