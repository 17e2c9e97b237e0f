"""Gmail Message resources built from RFC 2822 text, in both shapes Gmail answers with.

``full`` turns the message into the MessagePart tree of ``format=full`` the way Gmail does:
headers as written, leaf bodies transfer-decoded then base64url (unpadded, as the SDK's own
samples show; ``padded=True`` for the other case), ``message/rfc822`` holding the message inside
as its one part, ``message/delivery-status`` as a leaf of text. ``raw`` is ``format=raw``.
"""

from __future__ import annotations

import base64
import email
from email.message import Message
from email.policy import compat32
from typing import Any

ID = "18f2a1b3c4d5e6f7"
THREAD = "18f2a0000000aaaa"


def _b64(data: bytes, padded: bool) -> str:
    encoded = base64.urlsafe_b64encode(data).decode("ascii")
    return encoded if padded else encoded.rstrip("=")


def _text(value: object) -> str:
    """A raw header as the API's JSON carries it: Unicode (8-bit bytes read as UTF-8, else as
    Latin-1)."""
    data = str(value).encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _payload(part: Message, part_id: str, padded: bool) -> dict[str, Any]:
    headers = [{"name": k, "value": _text(v)} for k, v in part.raw_items()]
    node: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": headers,
    }
    content = part.get_payload()
    if part.get_content_type() == "message/delivery-status" and isinstance(content, list):
        data = "\n".join(block.as_string() for block in content).encode()
        node["body"] = {"size": len(data), "data": _b64(data, padded)}
    elif isinstance(content, list):
        node["body"] = {"size": 0}
        prefix = f"{part_id}." if part_id else ""
        node["parts"] = [_payload(child, f"{prefix}{i}", padded) for i, child in enumerate(content)]
    else:
        data = part.get_payload(decode=True) or b""
        node["body"] = {"size": len(data), "data": _b64(data, padded)}
    return node


def _envelope(labels: tuple[str, ...]) -> dict[str, Any]:
    return {
        "id": ID,
        "threadId": THREAD,
        "labelIds": list(labels),
        "snippet": "",
        "historyId": "987654",
        "internalDate": "1714989720000",
        "sizeEstimate": 4096,
    }


def full(source: str | bytes, labels: tuple[str, ...] = ("INBOX", "UNREAD"), padded=False):
    data = source.encode("utf-8") if isinstance(source, str) else source
    message = email.message_from_bytes(data, policy=compat32)
    return {**_envelope(labels), "payload": _payload(message, "", padded)}


def raw(source: str | bytes, labels: tuple[str, ...] = ("INBOX", "UNREAD")):
    data = source.encode("utf-8") if isinstance(source, str) else source
    return {**_envelope(labels), "raw": _b64(data, padded=True)}


SHAPES = {"full": full, "raw": raw}
