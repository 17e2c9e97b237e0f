"""Gmail's Pub/Sub push: the envelope ``POST /webhooks/gmail`` receives, read into a typed event.

Facts (../shared/reference-wire-formats.md §4, the push guide): Pub/Sub posts
``{"message": {"data": <base64url JSON {emailAddress, historyId}>, "messageId", ...},
"subscription"}``; at most one a second per user; pushes may be delayed or dropped, so a poll
stays the fallback. A push carries no mail: it says "read the history now".
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from dealdesk.errors import InvalidInput

__all__ = ["GmailPush", "parse_push"]


@dataclass(frozen=True)
class GmailPush:
    """Event: Gmail says ``address``'s mailbox changed (up to ``history_id``)."""

    address: str
    history_id: str | None = None


def parse_push(body: bytes) -> GmailPush:
    """The push in ``body``; ``InvalidInput`` saying what is wrong (the 400 reason)."""
    try:
        envelope = json.loads(body)
        data = envelope["message"]["data"]
        decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        notice = json.loads(decoded)
        address = notice["emailAddress"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            "not a Gmail push: expected JSON {message: {data: base64 JSON "
            "{emailAddress, historyId}}}"
        ) from exc
    if not isinstance(address, str) or "@" not in address:
        raise InvalidInput("the push's emailAddress is not an address")
    history = notice.get("historyId")
    return GmailPush(address.strip().lower(), None if history is None else str(history))
