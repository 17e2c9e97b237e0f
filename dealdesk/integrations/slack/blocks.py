"""Block Kit for the console: pure builders that stay inside Slack's limits.

Limits (../shared/reference-wire-formats.md §2): 50 blocks a message; section text 3,000
characters; header 150; ``block_id`` 255; and an undocumented total of about 13k characters
(``msg_blocks_too_long``), so a message's blocks are kept under :data:`MAX_TOTAL_CHARS`. Every
builder truncates (with "…") rather than let Slack refuse a message. Button ``value`` carries the
negotiation id; ``action_id`` says which decision (:data:`ESCALATION_ACTIONS`).
"""

from __future__ import annotations

import json
from typing import Any

from dealdesk.runtime.logging import redact_text

__all__ = [
    "ESCALATION_ACTIONS",
    "MAX_BLOCKS",
    "VIEW_THREAD",
    "actions",
    "context",
    "decided",
    "escalation",
    "fit",
    "header",
    "section",
    "with_view_thread",
]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_TOTAL_CHARS = 12_000

APPROVE = "escalation_approve"
COUNTER = "escalation_counter"
DECLINE = "escalation_decline"
TAKE_OVER = "escalation_takeover"
VIEW_THREAD = "view_thread"
ESCALATION_ACTIONS = {
    APPROVE: "Approve their ask",
    COUNTER: "Counter at our cap",
    DECLINE: "Decline politely",
    TAKE_OVER: "Take over",
}


def _cut(text: str, limit: int) -> str:
    text = redact_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text or " ", MAX_SECTION)}}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, MAX_HEADER)}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_SECTION)}]}


def actions(block_id: str, buttons: list[tuple[str, str, str, str | None]]) -> dict[str, Any]:
    """``buttons``: (action_id, label, value, style or None)."""
    elements = []
    for action_id, label, value, style in buttons:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "text": {"type": "plain_text", "text": _cut(label, 75)},
            "value": value[:2000],
        }
        if style is not None:
            button["style"] = style
        elements.append(button)
    return {"type": "actions", "block_id": block_id[:255], "elements": elements}


def fit(blocks: list[dict[str, Any]], note: str | None = None) -> list[dict[str, Any]]:
    """At most 50 blocks and ~12k characters; what is cut is said in a last context block."""
    kept: list[dict[str, Any]] = []
    size = 0
    for block in blocks:
        cost = len(json.dumps(block))
        if len(kept) >= MAX_BLOCKS - 1 or size + cost > MAX_TOTAL_CHARS:
            kept.append(context(note or f"…{len(blocks) - len(kept)} more not shown."))
            return kept
        kept.append(block)
        size += cost
    return kept


def escalation(text: str, negotiation_id: str, ask: str | None, cap: str) -> list[dict[str, Any]]:
    """An escalation: what happened, and the four decisions as buttons."""
    approve = f"{ESCALATION_ACTIONS[APPROVE]} ({ask})" if ask else ESCALATION_ACTIONS[APPROVE]
    buttons = [
        (COUNTER, f"{ESCALATION_ACTIONS[COUNTER]} ({cap})", negotiation_id, None),
        (DECLINE, ESCALATION_ACTIONS[DECLINE], negotiation_id, "danger"),
        (TAKE_OVER, ESCALATION_ACTIONS[TAKE_OVER], negotiation_id, None),
    ]
    if ask:
        buttons.insert(0, (APPROVE, approve, negotiation_id, "primary"))
    return [section(text), actions(f"escalation:{negotiation_id}", buttons)]


def with_view_thread(text: str, negotiation_id: str) -> list[dict[str, Any]]:
    """An agreement: what was agreed, and a button for the thread's transcript."""
    return [
        section(text),
        actions(
            f"agreement:{negotiation_id}", [(VIEW_THREAD, "View thread", negotiation_id, None)]
        ),
    ]


REVIEW_SEND = "review_send"
REVIEW_EDIT = "review_edit"
REVIEW_DISCARD = "review_discard"
MAX_INPUT = 3000  # a plain_text_input's most


def review(
    name: str, purpose: str, subject: str, text: str, message_id: str
) -> list[dict[str, Any]]:
    """A draft waiting for review: its words, and Send, Edit, Discard."""
    quoted = "\n".join(f"> {line}" for line in text.strip().splitlines())
    return [
        section(f":memo: *Draft to {name}* ({purpose}), waiting for review\n*{subject}*"),
        section(quoted),
        actions(
            f"review:{message_id}",
            [
                (REVIEW_SEND, "Send", message_id, "primary"),
                (REVIEW_EDIT, "Edit", message_id, None),
                (REVIEW_DISCARD, "Discard", message_id, "danger"),
            ],
        ),
    ]


def edit_modal(subject: str, text: str, metadata: str) -> dict[str, Any]:
    """The modal a draft is edited in (``metadata``: where the draft and its message are)."""
    return {
        "type": "modal",
        "callback_id": REVIEW_EDIT,
        "private_metadata": metadata[:3000],
        "title": {"type": "plain_text", "text": "Edit the draft"},
        "submit": {"type": "plain_text", "text": "Check and send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            context(f"*{subject}* — the edited text is checked like the agent's before it goes."),
            {
                "type": "input",
                "block_id": "draft",
                "label": {"type": "plain_text", "text": "Email text"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": MAX_INPUT,
                    "initial_value": text[:MAX_INPUT],
                },
            },
        ],
    }


def decided(blocks: list[dict[str, Any]] | None, text: str, verdict: str) -> list[dict[str, Any]]:
    """The message after a decision: its words kept, its buttons replaced by who decided what."""
    kept = [b for b in blocks or [section(text)] if b.get("type") != "actions"]
    return [*kept, context(verdict)]
